// NodePorts: host port conflicts.
#include "core/scheduler/plugins/node_ports.h"

namespace ktwin::core {
namespace {

struct WantedPorts : StateData {
  std::vector<std::pair<std::string, int32_t>> ports;
};

const StateKey<WantedPorts> kStateKey("PreFilterNodePorts");

}  // namespace

PluginStatus NodePorts::pre_filter(CycleState& state, const Pod& pod) const {
  auto wanted = std::make_shared<WantedPorts>();
  for (const Container& c : pod.spec.containers)
    for (const ContainerPort& p : c.ports)
      if (p.hostPort > 0) wanted->ports.push_back({p.protocol.empty() ? "TCP" : p.protocol, p.hostPort});
  // No host ports: Filter passes every node.
  const bool skip = wanted->ports.empty();
  state.write(kStateKey, wanted);
  return skip ? PluginStatus::skipped() : PluginStatus::success();
}

PluginStatus NodePorts::filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const WantedPorts* wanted = state.read(kStateKey);
  if (wanted == nullptr) return PluginStatus::error("NodePorts: PreFilter state missing");
  for (const auto& port : wanted->ports)
    if (node.used_ports.count(port)) return PluginStatus::unschedulable(kErrReason);
  return PluginStatus::success();
}

}  // namespace ktwin::core
