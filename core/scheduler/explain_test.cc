// explain_attempt: the table's columns, rows per node, the verdict line.
#include "core/scheduler/explain.h"

#include <catch2/catch.hpp>

#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;

TEST_CASE("explain_attempt prints filters, weighted scores, totals and the choice", "[scheduler][explain]") {
  auto a = make_node("a", "2", "4Gi");
  auto b = make_node("b", "2", "4Gi");
  auto c = make_node("c", "2", "4Gi");
  c->spec.unschedulable = true;
  auto nodes = make_snapshot({a, b, c}, {make_pod("x", "1", "2Gi", "a")});
  Rng rng(1, "scheduler");
  Profile profile = default_profile("1.32", nullptr);
  ScheduleResult r = schedule_one(profile, *make_pod("web", "500m", "1Gi"), nodes, rng);
  REQUIRE(r.node == "b");
  // b: Fit (1500/2000 -> 75, 3/4 -> 75) 75; a: (500 -> 25, 1/4 -> 25) 25. Balanced 100 on both
  // (equal fractions); TaintToleration 100 x 3; others 0. Totals b 475, a 425.
  std::string text = explain_attempt(profile, r);
  CHECK(text ==
        "  NODE TaintToleration(x3) NodeAffinity(x2) NodeResourcesFit(x1) PodTopologySpread(x2) InterPodAffinity(x2) "
        "NodeResourcesBalancedAllocation(x1) ImageLocality(x1) TOTAL FILTER\n"
        "  a    100                 0                25                   0                     0                    "
        "100                                 0                 425   passed\n"
        "  b    100                 0                75                   0                     0                    "
        "100                                 0                 475   passed (chosen)\n"
        "  c    -                   -                -                    -                     -                    "
        "-                                   -                 -     NodeUnschedulable: node(s) were unschedulable\n"
        "  evaluated 3 node(s), 2 feasible; chosen b (highest total)\n");
}

TEST_CASE("explain_attempt for an unschedulable pod ends with the FailedScheduling message", "[scheduler][explain]") {
  auto a = make_node("a", "1", "1Gi");
  Rng rng(1, "scheduler");
  Profile profile = default_profile("1.20", nullptr);
  ScheduleResult r = schedule_one(profile, *make_pod("big", "2"), make_snapshot({a}, {}), rng);
  CHECK(explain_attempt(profile, r) ==
        "  NODE FILTER\n"
        "  a    NodeResourcesFit: Insufficient cpu\n"
        "  evaluated 1 node(s), 0 feasible; not scheduled: 0/1 nodes are available: 1 Insufficient cpu.\n");
}
