// Filter: keeps pods off cordoned nodes (spec.unschedulable) unless they tolerate the unschedulable taint
// (k/k pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go).
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

class NodeUnschedulable : public FilterPlugin {
 public:
  static constexpr std::string_view kName = "NodeUnschedulable";
  static constexpr const char* kErrReason = "node(s) were unschedulable";
  std::string_view name() const override { return kName; }
  PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                    const FilterRejection& reject) const override;
};

}  // namespace ktwin::core
