// Filter: a pod that names a node in spec.nodeName fits only that node
// (k/k pkg/scheduler/framework/plugins/nodename/node_name.go).
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

class NodeName : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "NodeName";
  static constexpr const char* kErrReason = "node(s) didn't match the requested hostname";
  std::string_view name() const override { return kName; }
  PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                    const FilterRejection& reject) const override;
};

}  // namespace ktwin::core
