// NodeUnschedulable filter.
#include "core/scheduler/plugins/node_unschedulable.h"

#include "core/scheduler/plugins/helpers.h"

namespace ktwin::core {

PluginStatus NodeUnschedulable::filter(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  if (!node.unschedulable) return PluginStatus::success();
  // A pod that tolerates node.kubernetes.io/unschedulable:NoSchedule also tolerates spec.unschedulable.
  // Built once: constructing its strings on every node was 5% of a cycle.
  static const Taint kUnschedulable{"node.kubernetes.io/unschedulable", "", "NoSchedule", std::nullopt};
  if (!tolerations_tolerate(pod.spec.tolerations, kUnschedulable)) return PluginStatus::unresolvable(kErrReason);
  return PluginStatus::success();
}

void NodeUnschedulable::filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                                     const FilterRejection& reject) const {
  if (state.index().row_flag_counts().unschedulable == 0) return;  // every node passes the quick test
  const NodeRow* rows = state.rows();
  keep_passing(state, positions, [&](uint32_t position) { return !rows[position].unschedulable; },
               [&](const NodeInfo& node) { return filter(state, pod, node); }, reject);
}

}  // namespace ktwin::core
