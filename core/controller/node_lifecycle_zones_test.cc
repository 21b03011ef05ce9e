// Zone states of the node lifecycle controller: transitions, per-zone tainting rates, master disruption
// mode and the log lines kube-controller-manager writes for them.
#include <algorithm>
#include <catch2/catch.hpp>

#include "core/controller/node_lifecycle_controller.h"
#include "tests/fakes/node_lifecycle_fixture.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace ktwin::testing::nlc;

namespace {

Labels zone(const std::string& name) { return {{"topology.kubernetes.io/zone", name}}; }
// GetZoneKey with no region label: ":\x00:" + zone.
std::string key_of(const std::string& name) { return ":" + std::string(1, '\0') + ":" + name; }

// Fake kubelets named PREFIX1..PREFIXn in one zone.
std::vector<std::unique_ptr<FakeKubelet>> nodes_in(Cluster& c, const std::string& prefix, int n, const Labels& l) {
  std::vector<std::unique_ptr<FakeKubelet>> out;
  for (int i = 1; i <= n; ++i) out.push_back(std::make_unique<FakeKubelet>(c, prefix + std::to_string(i), l));
  return out;
}

bool logged(const Cluster& c, const std::string& text) {
  return std::find(c.events.logs.begin(), c.events.logs.end(), "node-controller: " + text) != c.events.logs.end();
}

int count_logs_containing(const Cluster& c, const std::string& text) {
  return static_cast<int>(std::count_if(c.events.logs.begin(), c.events.logs.end(),
                                        [&](const std::string& l) { return l.find(text) != std::string::npos; }));
}

}  // namespace

TEST_CASE("zone states are computed like ComputeZoneState", "[nodelifecycle][zones]") {
  NodeCondition ready{"Ready", "True"}, unknown{"Ready", "Unknown"}, not_ready{"Ready", "False"};
  auto state = [](std::vector<const NodeCondition*> c) { return compute_zone_state(c, 0.55).state; };
  CHECK(state({&ready, &ready}) == ZoneState::kNormal);
  CHECK(state({&unknown}) == ZoneState::kFullDisruption);
  CHECK(state({nullptr, &not_ready}) == ZoneState::kFullDisruption);  // never posted counts as not ready
  CHECK(state({&unknown, &unknown, &ready}) == ZoneState::kNormal);   // only 2 not ready: never partial
  CHECK(state({&unknown, &unknown, &not_ready, &ready}) == ZoneState::kPartialDisruption);  // 3/4
  // 0.55 exactly is enough (>=); 10/19 = 0.526 is not.
  std::vector<const NodeCondition*> twenty(20, &ready);
  for (int i = 0; i < 11; ++i) twenty[i] = &unknown;
  CHECK(state(twenty) == ZoneState::kPartialDisruption);
  std::vector<const NodeCondition*> nineteen(19, &ready);
  for (int i = 0; i < 10; ++i) nineteen[i] = &unknown;
  CHECK(state(nineteen) == ZoneState::kNormal);
  CHECK(compute_zone_state({&unknown, &unknown, &not_ready, &ready}, 0.55).not_ready == 3);
}

TEST_CASE("a zone goes Normal -> PartialDisruption -> Normal and each change is logged", "[nodelifecycle][zones]") {
  Cluster c;
  auto a = nodes_in(c, "a", 4, zone("a"));
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(1));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kNormal);
  CHECK(c.events.logs.empty());  // Initial -> Normal at start-up is not logged
  c.loop.run_until(at(25));
  for (int i = 0; i < 3; ++i) a[i]->halt();
  c.loop.run_until(at(120));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kPartialDisruption);
  CHECK(logged(c, "Controller detected that zone :\\x00:a is now in state PartialDisruption."));
  for (int i = 0; i < 3; ++i) a[i]->resume();
  c.loop.run_until(at(130));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kNormal);
  CHECK(logged(c, "Controller detected that zone :\\x00:a is now in state Normal."));
  CHECK(c.events.logs.size() == 2);
}

TEST_CASE("one zone fully down while another is healthy is tainted at nodeEvictionRate", "[nodelifecycle][zones]") {
  Cluster c;
  auto a = nodes_in(c, "a", 3, zone("a"));
  auto b = nodes_in(c, "b", 2, zone("b"));
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  for (auto& k : a) k->halt();
  c.loop.run_until(at(200));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kFullDisruption);
  CHECK(nlc.zone_state(key_of("b")) == ZoneState::kNormal);
  CHECK(logged(c, "Controller detected that zone :\\x00:a is now in state FullDisruption."));
  CHECK(count_logs_containing(c, "master disruption") == 0);
  // HealthyQPSFunc: 0.1 node/s, burst 1: 10 s apart.
  REQUIRE(seen.no_execute.size() == 3);
  std::vector<Time> times;
  for (auto& [node, t] : seen.no_execute) times.push_back(t);
  std::sort(times.begin(), times.end());
  CHECK(times[1] - times[0] == 10s);
  CHECK(times[2] - times[1] == 10s);
}

TEST_CASE("a large zone in PartialDisruption taints at the secondary rate, a small one not at all",
          "[nodelifecycle][zones]") {
  Cluster c;
  auto big = nodes_in(c, "big", 51, zone("a"));  // more than largeClusterSizeThreshold (50)
  auto small = nodes_in(c, "small", 4, zone("b"));
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  for (int i = 0; i < 29; ++i) big[i]->halt();  // 29/51 = 0.57 >= 0.55
  for (int i = 0; i < 3; ++i) small[i]->halt();  // 3/4
  c.loop.run_until(at(400));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kPartialDisruption);
  CHECK(nlc.zone_state(key_of("b")) == ZoneState::kPartialDisruption);
  std::vector<Time> big_times;
  for (auto& [node, t] : seen.no_execute) {
    CHECK(node.rfind("big", 0) == 0);  // ReducedQPSFunc: 0 for a zone of <= 50 nodes
    big_times.push_back(t);
  }
  std::sort(big_times.begin(), big_times.end());
  // ReducedQPSFunc: secondaryNodeEvictionRate 0.01 node/s: one node per 100 s.
  REQUIRE(big_times.size() == 4);  // first at ~65 s, then ~165, ~265, ~365
  CHECK(big_times[1] - big_times[0] == 100s);
  CHECK(big_times[3] - big_times[2] == 100s);
}

TEST_CASE("every zone down enters master disruption mode; a Ready node leaves it", "[nodelifecycle][zones]") {
  Cluster c;
  auto a = nodes_in(c, "a", 2, zone("a"));
  auto b = nodes_in(c, "b", 2, zone("b"));
  add_pod(c, "web", "a1");
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  for (auto& k : a) k->halt();
  c.loop.run_until(at(100));  // zone a alone: FullDisruption at the normal rate, both tainted
  REQUIRE(seen.no_execute.size() == 2);
  for (auto& k : b) k->halt();
  c.loop.run_until(at(600));
  CHECK(logged(c, "Controller detected that all Nodes are not-Ready. Entering master disruption mode."));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kFullDisruption);
  CHECK(nlc.zone_state(key_of("b")) == ZoneState::kFullDisruption);
  // markNodeAsReachable on every node: a's taints gone, b never tainted, the pod never evicted.
  for (const char* n : {"a1", "a2", "b1", "b2"})
    CHECK_FALSE(find<Node>(c.store, "", n)->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  CHECK_FALSE(seen.no_execute.count("b1"));
  CHECK_FALSE(seen.deleting.count("web"));

  b[0]->resume();
  c.loop.run_until(at(660));
  CHECK(logged(c, "Controller detected that some Nodes are Ready. Exiting master disruption mode."));
  CHECK(nlc.zone_state(key_of("b")) == ZoneState::kNormal);  // 1 of 2 not ready
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kFullDisruption);
  // Evictions resume: the nodes still down are tainted again, at most one per zone per 10 s.
  CHECK(find<Node>(c.store, "", "b2")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  CHECK(find<Node>(c.store, "", "a1")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  CHECK(find<Node>(c.store, "", "a2")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  CHECK_FALSE(find<Node>(c.store, "", "b1")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
}

TEST_CASE("a small zone goes PartialDisruption (no taints) -> FullDisruption (0.1/s) -> Normal",
          "[nodelifecycle][zones]") {
  Cluster c;
  auto a = nodes_in(c, "a", 4, zone("a"));
  auto b = nodes_in(c, "b", 1, zone("b"));  // keeps the cluster out of master disruption mode
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  for (int i = 0; i < 3; ++i) a[i]->halt();
  c.loop.run_until(at(200));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kPartialDisruption);
  CHECK(seen.no_execute.empty());  // ReducedQPSFunc: 4 nodes <= 50, rate 0
  a[3]->halt();
  c.loop.run_until(at(300));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kFullDisruption);
  CHECK(nlc.zone_state(key_of("b")) == ZoneState::kNormal);
  // HealthyQPSFunc again: all four tainted, 10 s apart. (SwapLimiter drains the new bucket because the
  // stopped one refused, so the first comes 10 s after the switch.)
  REQUIRE(seen.no_execute.size() == 4);
  std::vector<Time> times;
  for (auto& [node, t] : seen.no_execute) times.push_back(t);
  std::sort(times.begin(), times.end());
  for (size_t i = 1; i < times.size(); ++i) CHECK(times[i] - times[i - 1] == 10s);
  a[0]->resume();
  a[1]->resume();
  c.loop.run_until(at(320));
  CHECK(nlc.zone_state(key_of("a")) == ZoneState::kNormal);  // 2 of 4 not ready: not more than 2
  std::vector<std::string> expected = {
      "node-controller: Controller detected that zone :\\x00:a is now in state PartialDisruption.",
      "node-controller: Controller detected that zone :\\x00:a is now in state FullDisruption.",
      "node-controller: Controller detected that zone :\\x00:a is now in state Normal."};
  CHECK(c.events.logs == expected);
  CHECK_FALSE(find<Node>(c.store, "", "a1")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  CHECK(find<Node>(c.store, "", "a3")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
}

TEST_CASE("a node relabelled into another zone is counted there from the next pass", "[nodelifecycle][zones]") {
  // The controller keeps each node's zone between passes; a label change must still move it.
  Cluster c;
  auto moved = nodes_in(c, "a", 3, zone("a"));
  auto other = nodes_in(c, "c", 1, zone("c"));
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(1));
  REQUIRE(nlc.zone_state(key_of("a")) == ZoneState::kNormal);
  REQUIRE_FALSE(nlc.zone_state(key_of("b")));
  for (int i = 1; i <= 3; ++i) {
    auto copy = mutable_copy(*find<Node>(c.env.store, "", "a" + std::to_string(i)));
    copy->metadata.labels = zone("b");
    REQUIRE(c.env.store.update(copy).is_ok());
  }
  c.loop.run_until(at(10));
  CHECK(nlc.zone_state(key_of("b")) == ZoneState::kNormal);
  CHECK_FALSE(nlc.zone_state(key_of("a")));  // no node left there
  for (auto& kubelet : moved) kubelet->halt();
  c.loop.run_until(at(120));
  CHECK(nlc.zone_state(key_of("b")) == ZoneState::kFullDisruption);
  CHECK(nlc.zone_state(key_of("c")) == ZoneState::kNormal);
}
