// NodeLifecycleController and TaintManager against a MemoryStore, an EventLoop and a fake kubelet.
#include "core/controller/node_lifecycle_controller.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/fakes/node_lifecycle_fixture.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace std::chrono_literals;
using namespace ktwin::testing::nlc;


TEST_CASE("default timeline: NotReady, NoExecute taint, eviction at taint + 300 s", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet worker1(c, "worker1"), worker2(c, "worker2");
  add_pod(c, "web", "worker2");
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  // Last renewal at 20 s; the controller sees it on the pass at 20.008 s (passes every 5.002 s).
  c.loop.run_until(at(25));
  worker2.halt();
  c.loop.run_until(at(60.023));
  CHECK(find<Node>(c.store, "", "worker2")->is_ready());
  c.loop.run_until(at(600));

  REQUIRE(seen.not_ready.count("worker2"));
  CHECK(seen.not_ready["worker2"] == at(60.024));  // pass 12: first pass after 20.008 + 40
  CHECK(seen.no_schedule["worker2"] == at(60.024));
  INFO("no_execute at " << to_seconds(seen.no_execute["worker2"] - Time{}));
  CHECK(seen.no_execute["worker2"] == at(65.1));  // queued by pass 13 (65.026), drained on the 100 ms tick
  CHECK(seen.deleting["web"] == at(365.1));
  CHECK_FALSE(seen.not_ready.count("worker1"));

  auto node = find<Node>(c.store, "", "worker2");
  for (const char* type : {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"}) {
    const NodeCondition* cond = node->find_condition(type);
    REQUIRE(cond != nullptr);
    CHECK(cond->status == "Unknown");
  }
  CHECK(node->find_condition("Ready")->reason == "NodeStatusUnknown");
  CHECK(node->find_condition("Ready")->message == "Kubelet stopped posting node status.");
  CHECK(node->find_condition("DiskPressure")->reason == "NodeStatusNeverUpdated");
  CHECK(find_taint(*node, "node.kubernetes.io/unreachable", "NoExecute")->timeAdded == at(65.1));

  auto pod = find<Pod>(c.store, "default", "web");
  CHECK_FALSE(pod->is_ready());
  CHECK(pod->status.phase == "Running");  // MarkPodsNotReady touches only the Ready condition
  CHECK(pod->metadata.deletionTimestamp == at(365.1 + 30));

  CHECK(c.events.count("NodeNotReady") == 2);  // the node's and the pod's
  bool node_event = false, eviction_event = false;
  for (const auto& e : c.events.events) {
    if (e.reason == "NodeNotReady" && e.object.kind == "Node") {
      node_event = true;
      CHECK(e.message == "Node worker2 status is now: NodeNotReady");
    }
    if (e.reason == "TaintManagerEviction") {
      eviction_event = true;
      CHECK(e.message == "Marking for deletion Pod default/web");
    }
  }
  CHECK(node_event);
  CHECK(eviction_event);
}

TEST_CASE("NotReady comes 30-45 s after the kubelet halts, whatever the phase", "[nodelifecycle]") {
  for (int phase_ms : {0, 1700, 4999, 5003, 7500, 9999}) {
    for (int halt_after_ms : {1, 4000, 9999}) {
      Cluster c;
      NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
      Observed seen(c);
      nlc.start();
      c.loop.run_until(at(phase_ms / 1000.0));
      FakeKubelet kubelet(c, "w"), healthy(c, "healthy");  // one node alone would be a full disruption
      // The last renewal is at phase + 100 s; the kubelet halts some time before the next one.
      Time halt = at(phase_ms / 1000.0 + 100 + halt_after_ms / 1000.0);
      c.loop.run_until(halt);
      kubelet.halt();
      c.loop.run_until(halt + 120s);
      REQUIRE(seen.not_ready.count("w"));
      double after = to_seconds(seen.not_ready["w"] - halt);
      INFO("phase " << phase_ms << " ms, halt +" << halt_after_ms << " ms: NotReady after " << after << " s");
      CHECK(after >= 30.0);
      CHECK(after <= 45.0 + 0.02);  // + the monitor passes' drift
      double taint_after = to_seconds(seen.no_execute["w"] - seen.not_ready["w"]);
      CHECK(taint_after > 5.0);
      CHECK(taint_after <= 5.0 + 0.102);
    }
  }
}

TEST_CASE("heartbeats resuming before the toleration ends cancel the eviction", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet worker1(c, "worker1"), worker2(c, "worker2");
  add_pod(c, "web", "worker2");
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  worker2.halt();
  c.loop.run_until(at(200));
  REQUIRE(find<Node>(c.store, "", "worker2")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  REQUIRE(nlc.taint_manager()->TEST_scheduled_deletion("default/web") == at(365.1));
  worker2.resume();
  c.loop.run_until(at(200));
  // The condition taint follows the node update at once; the NoExecute one waits for the next pass.
  auto node = find<Node>(c.store, "", "worker2");
  CHECK_FALSE(node->has_taint("node.kubernetes.io/unreachable", "NoSchedule"));
  CHECK(node->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  c.loop.run_until(at(206));
  CHECK_FALSE(find<Node>(c.store, "", "worker2")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  CHECK_FALSE(nlc.taint_manager()->TEST_scheduled_deletion("default/web"));
  c.loop.run_until(at(700));
  CHECK_FALSE(seen.deleting.count("web"));
  CHECK(find<Node>(c.store, "", "worker2")->is_ready());
  bool cancelled = false;
  for (const auto& e : c.events.events)
    cancelled = cancelled || (e.reason == "TaintManagerEviction" && e.message == "Cancelling deletion of Pod default/web");
  CHECK(cancelled);
}

TEST_CASE("a second failed node is tainted no sooner than 10 s after the first", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet a(c, "a"), b(c, "b"), d(c, "d"), e(c, "e");
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  a.halt();
  b.halt();
  c.loop.run_until(at(200));
  REQUIRE(seen.no_execute.count("a"));
  REQUIRE(seen.no_execute.count("b"));
  CHECK(seen.not_ready["a"] == seen.not_ready["b"]);
  CHECK(seen.no_execute["a"] == at(65.1));
  CHECK(seen.no_execute["b"] == at(75.1));  // one token per 10 s at 0.1 node/s, burst 1
  CHECK(nlc.zone_state("") == ZoneState::kNormal);
}

TEST_CASE("partial disruption of a small zone stops tainting", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet a(c, "a"), b(c, "b"), d(c, "d"), e(c, "e");
  add_pod(c, "web", "a");
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  a.halt();
  b.halt();
  d.halt();  // 3 of 4 not ready: more than 2 and >= 55 %
  c.loop.run_until(at(600));
  CHECK(seen.not_ready.size() == 3);
  CHECK(seen.no_execute.empty());
  CHECK_FALSE(seen.deleting.count("web"));
  CHECK(nlc.zone_state("") == ZoneState::kPartialDisruption);
}

TEST_CASE("zones are keyed by region and zone labels and limited separately", "[nodelifecycle]") {
  Cluster c;
  Labels z1{{"topology.kubernetes.io/region", "r"}, {"topology.kubernetes.io/zone", "z1"}};
  Labels z2{{"failure-domain.beta.kubernetes.io/region", "r"}, {"failure-domain.beta.kubernetes.io/zone", "z2"}};
  FakeKubelet a(c, "a", z1), a2(c, "a2", z1), b(c, "b", z2), b2(c, "b2", z2);
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  a.halt();
  b.halt();
  c.loop.run_until(at(120));
  // One token per zone: both are tainted on the same tick.
  CHECK(seen.no_execute["a"] == at(65.1));
  CHECK(seen.no_execute["b"] == at(65.1));
  CHECK(nlc.zone_state(zone_key(*find<Node>(c.store, "", "a"))) == ZoneState::kNormal);
  CHECK(zone_key(*find<Node>(c.store, "", "a")) != zone_key(*find<Node>(c.store, "", "b")));
}

TEST_CASE("full disruption of every zone removes NoExecute taints and stops evictions", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet a(c, "a"), b(c, "b");
  add_pod(c, "web", "a");
  Observed seen(c);
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(25));
  a.halt();
  c.loop.run_until(at(100));
  REQUIRE(find<Node>(c.store, "", "a")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  b.halt();
  c.loop.run_until(at(700));
  CHECK(seen.not_ready.count("b"));
  CHECK(nlc.zone_state("") == ZoneState::kFullDisruption);
  CHECK_FALSE(find<Node>(c.store, "", "a")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  CHECK_FALSE(find<Node>(c.store, "", "b")->has_taint("node.kubernetes.io/unreachable", "NoExecute"));
  CHECK_FALSE(seen.no_execute.count("b"));
  CHECK_FALSE(seen.deleting.count("web"));
}

TEST_CASE("legacy mode evicts 50-70 s after the halt with a 1 min timeout", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet worker1(c, "worker1"), worker2(c, "worker2");
  add_pod(c, "web", "worker2");
  Observed seen(c);
  ControlPlaneConfig config;
  config.evictionMode = "legacy";
  config.podEvictionTimeout = 1min;
  NodeLifecycleController nlc(c.env, config);
  nlc.start();
  CHECK(nlc.taint_manager() == nullptr);
  c.loop.run_until(at(25));
  worker2.halt();
  c.loop.run_until(at(300));
  CHECK(seen.not_ready["worker2"] == at(60.024));
  // Counted from the last heartbeat seen (20.008 s): first pass after 80.008 s is 80.032 s, then the tick.
  REQUIRE(seen.deleting.count("web"));
  CHECK(seen.deleting["web"] == at(80.1));
  double after_halt = to_seconds(seen.deleting["web"] - at(25));
  CHECK(after_halt >= 50);
  CHECK(after_halt <= 70);
  CHECK(seen.no_execute.empty());  // no NoExecute taints on the legacy path
  auto pod = find<Pod>(c.store, "default", "web");
  CHECK(pod->status.reason == "NodeLost");
  CHECK(pod->status.message == "Node worker2 which was running pod web is unresponsive");
  bool evicted = false;
  for (const auto& e : c.events.events)
    evicted = evicted || (e.reason == "NodeControllerEviction" && e.message == "Marking for deletion Pod web from Node worker2");
  CHECK(evicted);
  CHECK(c.events.count("NodeControllerEviction") == 1);
  // k/k re-runs DeletePods on every pass once the node is evicted; the apiserver aggregates the repeats.
  CHECK(c.events.count("DeletingAllPods") >= 1);
}

TEST_CASE("a shorter grace period and toleration move the timeline", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet worker1(c, "worker1"), worker2(c, "worker2");
  add_pod(c, "web", "worker2", /*toleration_seconds=*/30);
  Observed seen(c);
  ControlPlaneConfig config;
  config.nodeMonitorGracePeriod = 20s;
  NodeLifecycleController nlc(c.env, config);
  nlc.start();
  c.loop.run_until(at(25));
  worker2.halt();
  c.loop.run_until(at(200));
  CHECK(seen.not_ready["worker2"] == at(40.016));  // first pass after 20.008 + 20
  CHECK(seen.no_execute["worker2"] == at(45.1));
  CHECK(seen.deleting["web"] == at(75.1));
}

TEST_CASE("an untolerated NoExecute taint evicts at once", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet worker1(c, "worker1");
  auto pod = std::make_shared<Pod>();
  pod->metadata.name = "bare";
  pod->spec.nodeName = "worker1";
  REQUIRE(c.store.create(pod).is_ok());
  add_pod(c, "tolerant", "worker1");
  {
    auto tolerant = mutable_copy(*find<Pod>(c.store, "default", "tolerant"));
    tolerant->spec.tolerations.push_back(Toleration{"example.com/drain", "Exists", "", "NoExecute", std::nullopt});
    REQUIRE(c.store.update(tolerant).is_ok());
  }
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(12));
  auto node = mutable_copy(*find<Node>(c.store, "", "worker1"));
  node->spec.taints.push_back(Taint{"example.com/drain", "", "NoExecute", c.loop.now()});
  REQUIRE(c.store.update(node).is_ok());
  c.loop.run_until(at(12));
  CHECK(find<Pod>(c.store, "default", "bare")->metadata.deletionTimestamp.has_value());
  CHECK_FALSE(find<Pod>(c.store, "default", "tolerant")->metadata.deletionTimestamp.has_value());
  CHECK_FALSE(nlc.taint_manager()->TEST_scheduled_deletion("default/tolerant"));  // tolerated forever
}

TEST_CASE("a node that never posted status gets Unknown after the startup grace period", "[nodelifecycle]") {
  Cluster c;
  auto node = std::make_shared<Node>();
  node->metadata.name = "silent";
  node->spec.unschedulable = true;
  REQUIRE(c.store.create(node).is_ok());
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(1));
  CHECK(find<Node>(c.store, "", "silent")->has_taint("node.kubernetes.io/unschedulable", "NoSchedule"));
  c.loop.run_until(at(60.023));
  CHECK(find<Node>(c.store, "", "silent")->find_condition("Ready") == nullptr);
  c.loop.run_until(at(60.024));
  auto silent = find<Node>(c.store, "", "silent");
  const NodeCondition* ready = silent->find_condition("Ready");
  REQUIRE(ready != nullptr);
  CHECK(ready->status == "Unknown");
  CHECK(ready->reason == "NodeStatusNeverUpdated");
  CHECK(ready->message == "Kubelet never posted node status.");
  CHECK(silent->has_taint("node.kubernetes.io/unreachable", "NoSchedule"));
}

TEST_CASE("an idle cluster schedules only the monitor pass", "[nodelifecycle]") {
  Cluster c;
  FakeKubelet worker1(c, "worker1");
  NodeLifecycleController nlc(c.env, ControlPlaneConfig{});
  nlc.start();
  c.loop.run_until(at(100));
  uint64_t before = c.loop.tasks_run();
  c.loop.run_until(at(200));
  // 20 monitor passes, 10 lease renewals and their watch deliveries; no 100 ms ticks.
  CHECK(c.loop.tasks_run() - before < 60);
}

TEST_CASE("token bucket and rate-limited queue", "[nodelifecycle]") {
  sim::EventLoop loop(Time{});
  RateLimitedTimedQueue q(loop, 0.1);
  CHECK(q.add("a", "1"));
  CHECK_FALSE(q.add("a", "1"));
  CHECK(q.add("b", "2"));
  std::vector<std::string> done;
  auto fn = [&](const TimedValue& v) -> std::pair<bool, Duration> {
    done.push_back(v.value);
    return {true, Duration(0)};
  };
  q.try_process(fn);
  CHECK(done == std::vector<std::string>{"a"});
  CHECK_FALSE(q.add("a", "1"));  // processed values stay in the set
  loop.run_until(at(9.999));
  q.try_process(fn);
  CHECK(done.size() == 1);
  loop.run_until(at(19.999));
  q.try_process(fn);
  CHECK(done == std::vector<std::string>{"a", "b"});
  q.swap_limiter(0);
  q.set_remove("a");
  CHECK(q.add("a", "1"));
  loop.run_until(at(100));
  q.try_process(fn);
  CHECK(done.size() == 2);
  CHECK(q.remove("a"));
  CHECK(q.empty());
}
