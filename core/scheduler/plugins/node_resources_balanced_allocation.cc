// NodeResourcesBalancedAllocation score.
#include "core/scheduler/plugins/node_resources_balanced_allocation.h"

#include <algorithm>
#include <cmath>

namespace ktwin::core {

int64_t NodeResourcesBalancedAllocation::score(const CycleState& state, const Pod& pod,
                                               const NodeInfo& node) const {
  PodRequests scratch;
  return score_with(Requests::of(pod_requests(state, pod, scratch)), row_of(node));
}

void NodeResourcesBalancedAllocation::score_nodes(const CycleState& state, const Pod& pod,
                                                  std::vector<NodeScore>& scores) const {
  PodRequests scratch;
  // By value: read through a reference, the requests were reloaded per node (a store to ns.score may alias them).
  const Requests r = Requests::of(pod_requests(state, pod, scratch));
  const NodeRow* rows = state.rows();
  for (NodeScore& ns : scores) ns.score = score_with(r, rows[ns.position]);
}

int64_t NodeResourcesBalancedAllocation::score_with(Requests r, const NodeRow& node) const {
  int64_t cpu_alloc = node.allocatable_milli_cpu, mem_alloc = node.allocatable_memory;
  if (minor_ < 22) {
    // 1.20 fractionOfCapacity: a zero capacity counts as full.
    auto fraction = [](int64_t requested, int64_t capacity) {
      return capacity == 0 ? 1.0 : static_cast<double>(requested) / static_cast<double>(capacity);
    };
    double cpu = fraction(node.non_zero_milli_cpu + r.non_zero_milli_cpu, cpu_alloc);
    double mem = fraction(node.non_zero_memory + r.non_zero_memory, mem_alloc);
    if (cpu >= 1 || mem >= 1) return 0;
    return static_cast<int64_t>((1 - std::abs(cpu - mem)) * kMaxNodeScore);
  }
  double fractions[2];  // at most cpu and memory: an array, not a vector allocated per node
  size_t count = 0;
  auto add = [&](int64_t requested, int64_t capacity) {
    if (capacity == 0) return;  // a resource the node lacks is skipped
    fractions[count++] = std::min(1.0, static_cast<double>(requested) / static_cast<double>(capacity));
  };
  add(node.requested_milli_cpu + r.milli_cpu, cpu_alloc);
  add(node.requested_memory + r.memory, mem_alloc);
  double std_dev = count == 2 ? std::abs((fractions[0] - fractions[1]) / 2) : 0.0;
  return static_cast<int64_t>((1 - std_dev) * kMaxNodeScore);
}

}  // namespace ktwin::core
