// Scoring strategies with exact numbers: least/most allocated with weights, the requested-to-capacity
// ratio's broken-linear shape, 1.20 vs 1.32 on missing resources and over-commitment.
#include "core/scheduler/plugins/resource_allocation.h"

#include <catch2/catch.hpp>

#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;

namespace {

ScoringStrategy strategy(ScoringStrategy::Type type, std::vector<ResourceSpec> resources,
                         std::vector<UtilizationShapePoint> shape = {}) {
  ScoringStrategy s;
  s.type = type;
  s.resources = std::move(resources);
  s.shape = std::move(shape);
  return s;
}

}  // namespace

TEST_CASE("resource scoring strategies give Kubernetes' integer scores", "[scheduler][noderesources]") {
  // 4 cpu / 8Gi node with 1 cpu + 1Gi requested; the pod asks 500m + 1Gi: cpu 1500/4000, memory 2Gi/8Gi.
  auto nodes = make_snapshot({make_node("n", "4", "8Gi")}, {make_pod("old", "1", "1Gi", "n")});
  auto pod = make_pod("new", "500m", "1Gi");
  using T = ScoringStrategy::Type;
  const std::vector<ResourceSpec> cpu2_mem1 = {{"cpu", 2}, {"memory", 1}};
  for (int minor : {20, 32}) {
    // Least: cpu 2500*100/4000 = 62, memory 75; (62*2 + 75) / 3 = 66.
    CHECK(resource_allocation_score(strategy(T::kLeastAllocated, cpu2_mem1), *pod, nodes[0], minor) == 66);
    // Most: cpu 1500*100/4000 = 37, memory 25; (37*2 + 25) / 3 = 33.
    CHECK(resource_allocation_score(strategy(T::kMostAllocated, cpu2_mem1), *pod, nodes[0], minor) == 33);
    // Shape 0% -> 10, 100% -> 0 (scaled x10): cpu 100 - 37 = 63, memory 75; round((63*2 + 75) / 3) = 67.
    CHECK(resource_allocation_score(strategy(T::kRequestedToCapacityRatio, cpu2_mem1, {{0, 10}, {100, 0}}), *pod,
                                    nodes[0], minor) == 67);
    // Peak at 50%: cpu 0 + 100*37/50 = 74, memory 100*25/50 = 50; round(124 / 2) = 62.
    CHECK(resource_allocation_score(strategy(T::kRequestedToCapacityRatio, {{"cpu", 1}, {"memory", 1}},
                                             {{0, 0}, {50, 10}, {100, 0}}),
                                    *pod, nodes[0], minor) == 62);
  }
}

TEST_CASE("a resource the node lacks: 1.20 counts its weight, 1.32 skips it", "[scheduler][noderesources]") {
  auto nodes = make_snapshot({make_node("n", "4", "8Gi")}, {make_pod("old", "1", "1Gi", "n")});
  auto pod = make_pod("new", "500m", "1Gi");
  auto s = strategy(ScoringStrategy::Type::kLeastAllocated, {{"cpu", 1}, {"nvidia.com/gpu", 1}});
  CHECK(resource_allocation_score(s, *pod, nodes[0], 20) == 31);  // (62 + 0) / 2
  CHECK(resource_allocation_score(s, *pod, nodes[0], 32) == 62);
}

TEST_CASE("MostAllocated past capacity: 0 in 1.20, clamped to 100 in 1.32", "[scheduler][noderesources]") {
  auto nodes = make_snapshot({make_node("n", "1", "8Gi")}, {make_pod("old", "1", "1Gi", "n")});
  auto pod = make_pod("new", "500m", "1Gi");
  auto s = strategy(ScoringStrategy::Type::kMostAllocated, {{"cpu", 1}});
  CHECK(resource_allocation_score(s, *pod, nodes[0], 20) == 0);
  CHECK(resource_allocation_score(s, *pod, nodes[0], 32) == 100);
}
