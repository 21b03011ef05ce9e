// Least/most allocated and requested-to-capacity-ratio scores over configurable resources.
#include "core/scheduler/plugins/resource_allocation.h"

#include <cmath>

namespace ktwin::core {
namespace {

using Type = ScoringStrategy::Type;

// resource_allocation.go calculateResourceAllocatableRequest: (allocatable, requested incl. the pod).
std::pair<int64_t, int64_t> allocatable_and_requested(const std::string& name, const PodRequests& pod,
                                                      const NodeInfo& node, int minor) {
  if (name == "cpu") return {node.allocatable.milli_cpu, node.non_zero_milli_cpu + pod.non_zero_milli_cpu};
  if (name == "memory") return {node.allocatable.memory, node.non_zero_memory + pod.non_zero_memory};
  if (name == "ephemeral-storage")
    return {node.allocatable.ephemeral_storage, node.requested.ephemeral_storage + pod.requested.ephemeral_storage};
  auto want = pod.requested.scalar.find(name);
  int64_t request = want == pod.requested.scalar.end() ? 0 : want->second;
  // 1.32: an extended resource the pod does not request is left out ("bypass scoring").
  if (minor >= 27 && request == 0) return {0, 0};
  auto alloc = node.allocatable.scalar.find(name);
  auto used = node.requested.scalar.find(name);
  return {alloc == node.allocatable.scalar.end() ? 0 : alloc->second,
          (used == node.requested.scalar.end() ? 0 : used->second) + request};
}

// least_allocated.go leastRequestedScore.
int64_t least_requested(int64_t requested, int64_t capacity) {
  if (capacity == 0 || requested > capacity) return 0;
  return (capacity - requested) * kMaxNodeScore / capacity;
}

// most_allocated.go mostRequestedScore: 1.20 gives 0 past capacity; later releases clamp to capacity
// (the release that changed it is UNCONFIRMED, 1.22 assumed).
int64_t most_requested(int64_t requested, int64_t capacity, int minor) {
  if (capacity == 0) return 0;
  if (requested > capacity) {
    if (minor < 22) return 0;
    requested = capacity;
  }
  return requested * kMaxNodeScore / capacity;
}

// requested_to_capacity_ratio.go buildBrokenLinearFunction over the shape scaled to 0..100.
int64_t broken_linear(const std::vector<UtilizationShapePoint>& shape, int64_t p) {
  constexpr int64_t kScale = kMaxNodeScore / 10;  // MaxCustomPriorityScore = 10
  for (size_t i = 0; i < shape.size(); ++i) {
    if (p <= shape[i].utilization) {
      if (i == 0) return shape[0].score * kScale;
      int64_t s0 = shape[i - 1].score * kScale, s1 = shape[i].score * kScale;
      return s0 + (s1 - s0) * (p - shape[i - 1].utilization) / (shape[i].utilization - shape[i - 1].utilization);
    }
  }
  return shape.empty() ? 0 : shape.back().score * kScale;
}

}  // namespace

int64_t resource_allocation_score(const ScoringStrategy& strategy, const PodRequests& req, const NodeInfo& node,
                                  int minor) {
  int64_t node_score = 0, weight_sum = 0;
  for (const ResourceSpec& r : strategy.resources) {
    auto [alloc, requested] = allocatable_and_requested(r.name, req, node, minor);
    // 1.32 skips resources the node does not have; 1.20 counts their weight (and a 0 score).
    if (minor >= 22 && alloc == 0) continue;
    int64_t s = 0;
    switch (strategy.type) {
      case Type::kLeastAllocated: s = least_requested(requested, alloc); break;
      case Type::kMostAllocated: s = most_requested(requested, alloc, minor); break;
      case Type::kRequestedToCapacityRatio:
        s = broken_linear(strategy.shape, alloc == 0 || requested > alloc ? 100 : requested * 100 / alloc);
        // Only resources scoring above 0 count (requested_to_capacity_ratio.go).
        if (s <= 0) continue;
        break;
    }
    node_score += s * r.weight;
    weight_sum += r.weight;
  }
  if (weight_sum == 0) return 0;
  if (strategy.type == Type::kRequestedToCapacityRatio)
    return static_cast<int64_t>(std::round(static_cast<double>(node_score) / static_cast<double>(weight_sum)));
  return node_score / weight_sum;
}

ScoringStrategy default_requested_to_capacity_ratio() {
  ScoringStrategy s;
  s.type = Type::kRequestedToCapacityRatio;
  s.shape = {{0, 10}, {100, 0}};
  return s;
}

}  // namespace ktwin::core
