// NodeResourcesFit filter and the LeastAllocated score.
#include "core/scheduler/plugins/node_resources_fit.h"

namespace ktwin::core {
namespace {

struct PodRequestState : StateData {
  Resource request;
};

const StateKey<PodRequestState> kStateKey("PreFilterNodeResourcesFit");

// k/k noderesources/least_allocated.go leastRequestedScore.
int64_t least_requested(int64_t requested, int64_t capacity) {
  if (capacity == 0 || requested > capacity) return 0;
  return (capacity - requested) * kMaxNodeScore / capacity;
}

}  // namespace

int64_t least_allocated_score(const PodRequests& r, const NodeInfo& node) {
  int64_t cpu = least_requested(node.non_zero_milli_cpu + r.non_zero_milli_cpu, node.allocatable.milli_cpu);
  int64_t mem = least_requested(node.non_zero_memory + r.non_zero_memory, node.allocatable.memory);
  return (cpu + mem) / 2;
}

void NodeResourcesFit::score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const {
  PodRequests scratch;
  const PodRequests& r = pod_requests(state, pod, scratch);
  if (strategy_) {
    for (NodeScore& ns : scores) ns.score = resource_allocation_score(*strategy_, r, *ns.node, minor_);
    return;
  }
  // least_allocated_score on the node's row, the pod's requests in locals (a store to ns.score may alias
  // them, so the compiler reloaded them per node).
  const int64_t pod_cpu = r.non_zero_milli_cpu, pod_memory = r.non_zero_memory;
  const NodeRow* rows = state.rows();
  for (NodeScore& ns : scores) {
    const NodeRow& row = rows[ns.position];
    int64_t cpu = least_requested(row.non_zero_milli_cpu + pod_cpu, row.allocatable_milli_cpu);
    int64_t mem = least_requested(row.non_zero_memory + pod_memory, row.allocatable_memory);
    ns.score = (cpu + mem) / 2;
  }
}

void NodeResourcesFit::filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                                    const FilterRejection& reject) const {
  const PodRequestState* s = state.read(kStateKey);
  auto by_filter = [&](const NodeInfo& node) { return filter(state, pod, node); };
  if (s == nullptr || !s->request.scalar.empty()) {  // extended resources: filter() decides
    keep_passing(state, positions, [](uint32_t) { return false; }, by_filter, reject);
    return;
  }
  // filter()'s checks without building its status, on the node's row, the request in locals (read through
  // `s`, the compiler reloaded it per node). Without requests filter() checks only the pod count.
  const int64_t cpu = s->request.milli_cpu, memory = s->request.memory, ephemeral = s->request.ephemeral_storage;
  // From 1.21 a resource the pod does not request is not checked.
  const bool check_cpu = !(minor_ >= 21 && cpu == 0), check_memory = !(minor_ >= 21 && memory == 0),
             check_ephemeral = !(minor_ >= 21 && ephemeral == 0);
  const NodeRow* rows = state.rows();
  keep_passing(
      state, positions,
      [&](uint32_t position) {
        const NodeRow& r = rows[position];
        return static_cast<int64_t>(r.pod_count) + 1 <= r.allowed_pod_number &&
               (!check_cpu || r.allocatable_milli_cpu >= cpu + r.requested_milli_cpu) &&
               (!check_memory || r.allocatable_memory >= memory + r.requested_memory) &&
               (!check_ephemeral || r.allocatable_ephemeral_storage >= ephemeral + r.requested_ephemeral_storage);
      },
      by_filter, reject);
}

PluginStatus NodeResourcesFit::pre_filter(CycleState& state, const Pod& pod) const {
  auto s = std::make_shared<PodRequestState>();
  s->request = compute_pod_requests(pod).requested;
  state.write(kStateKey, s);
  return PluginStatus::success();
}

PluginStatus NodeResourcesFit::filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const PodRequestState* s = state.read(kStateKey);
  if (s == nullptr) return PluginStatus::error("NodeResourcesFit: PreFilter state missing");
  const Resource& want = s->request;
  PluginStatus out;
  auto fail = [&](std::string reason) {
    out.code = PluginStatus::Code::kUnschedulable;
    out.reasons.push_back(std::move(reason));
  };
  if (static_cast<int64_t>(node.pods.size()) + 1 > node.allowed_pod_number) fail("Too many pods");
  // 1.20 fitsRequest checks every resource once the pod requests anything; later releases check
  // only the resources the pod requests (k/k noderesources/fit.go).
  bool requests_any =
      want.milli_cpu != 0 || want.memory != 0 || want.ephemeral_storage != 0 || !want.scalar.empty();
  if (!requests_any) return out;
  // `name` as a string_view: a std::string built from "cpu" on every call, fitting or not, cost more
  // than the comparison.
  auto check = [&](int64_t request, int64_t allocatable, int64_t requested, std::string_view name) {
    if (minor_ >= 21 && request == 0) return;
    if (allocatable < request + requested) fail("Insufficient " + std::string(name));
  };
  check(want.milli_cpu, node.allocatable.milli_cpu, node.requested.milli_cpu, "cpu");
  check(want.memory, node.allocatable.memory, node.requested.memory, "memory");
  check(want.ephemeral_storage, node.allocatable.ephemeral_storage, node.requested.ephemeral_storage,
        "ephemeral-storage");
  for (const auto& [name, amount] : want.scalar) {
    if (amount == 0) continue;
    auto alloc = node.allocatable.scalar.find(name);
    auto used = node.requested.scalar.find(name);
    check(amount, alloc == node.allocatable.scalar.end() ? 0 : alloc->second,
          used == node.requested.scalar.end() ? 0 : used->second, name);
  }
  return out;
}

}  // namespace ktwin::core
