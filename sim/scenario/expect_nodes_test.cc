// The nodes expectation (counts by STATUS, taint and labels) and the apps readyAfter key.
#include <catch2/catch.hpp>

#include "sim/scenario/scenario_test_util.h"

namespace ktwin::sim {

TEST_CASE("a nodes expectation reads status, taint and selector", "[scenario]") {
  ScratchDir d;
  Scenario s = d.load(kHead +
                      "expect:\n"
                      "  - {at: 1m, nodes: {status: NotReady, taint: \"node.kubernetes.io/unreachable:NoExecute\","
                      " selector: topology.kubernetes.io/zone=a}, count: 2}\n"
                      "  - {at: 1m, nodes: {}, count: \">= 1\"}\n");
  REQUIRE(s.expect.size() == 2);
  CHECK(s.expect[0].is_node_count);
  CHECK(s.expect[0].nodes_status == "NotReady");
  CHECK(s.expect[0].nodes_taint == "node.kubernetes.io/unreachable:NoExecute");
  CHECK(s.expect[0].nodes_selector == "topology.kubernetes.io/zone=a");
  CHECK(s.expect[0].comparison == "2");
  CHECK(s.expect[1].is_node_count);
  CHECK(s.expect[1].nodes_taint.empty());
}

TEST_CASE("a bad nodes expectation is reported where it is", "[scenario]") {
  ScratchDir d;
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, nodes: {taint: \"a:NoRun\"}, count: 1}\n") ==
        "s.yaml:9:29: bad taint \"a:NoRun\": use KEY or KEY:EFFECT with NoExecute, NoSchedule or PreferNoSchedule");
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, nodes: {status: Sick}, count: 1}\n") ==
        "s.yaml:9:30: bad node status \"Sick\": use Ready, NotReady or Unknown, optionally with \",SchedulingDisabled\"");
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, nodes: {}}\n") == "s.yaml:9:5: missing key \"count\" in nodes expectation");
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, nodes: {}, node: n1, count: 1}\n") ==
        "s.yaml:9:5: an expect entry needs exactly one subject: node, nodes, deployment, pdb, pods or containers");
}

TEST_CASE("apps take readyAfter", "[scenario]") {
  ScratchDir d;
  Scenario s = d.load(kHead + "apps: {nginx: {startup: 2s, readyAfter: 20s}}\n");
  CHECK(s.apps.at("nginx").readyAfter == std::chrono::seconds(20));
  CHECK(d.errors(kHead + "apps: {nginx: {readyAfter: soon}}\n") ==
        "s.yaml:8:28: bad duration \"soon\": use Go's format such as 90s, 5m, 1h30m");
}

}  // namespace ktwin::sim

namespace ktwin::sim {

TEST_CASE("a pdb expectation names one status count", "[scenario]") {
  ScratchDir d;
  Scenario s = d.load(kHead + "expect:\n  - {at: 1m, pdb: web, disruptionsAllowed: \">= 1\"}\n");
  REQUIRE(s.expect.size() == 1);
  CHECK(s.expect[0].pdb == "web");
  CHECK(s.expect[0].field == "disruptionsAllowed");
  CHECK(s.expect[0].comparison == ">= 1");
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, pdb: web}\n") ==
        "s.yaml:9:5: a pdb expectation needs exactly one of disruptionsAllowed, currentHealthy, desiredHealthy, "
        "expectedPods");
  CHECK(d.errors(kHead + "expect:\n  - {at: 1m, pdb: web, count: 1, expectedPods: 2}\n") ==
        "s.yaml:9:24: count does not apply to a pdb expectation");
}

}  // namespace ktwin::sim
