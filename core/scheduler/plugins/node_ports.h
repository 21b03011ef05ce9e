// PreFilter + Filter: a pod's hostPorts must be free on the node
// (k/k pkg/scheduler/framework/plugins/nodeports/node_ports.go). ContainerPort has no hostIP here,
// so every host port binds 0.0.0.0 and conflicts on (protocol, port).
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

class NodePorts : public PreFilterPlugin, public FilterPlugin {
 public:
  static constexpr std::string_view kName = "NodePorts";
  static constexpr const char* kErrReason = "node(s) didn't have free ports for the requested pod ports";
  std::string_view name() const override { return kName; }
  PluginStatus pre_filter(CycleState& state, const Pod& pod) const override;
  PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
};

}  // namespace ktwin::core
