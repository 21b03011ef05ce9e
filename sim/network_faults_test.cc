// slowNetwork, restoreNetwork, flapNode and the faults: generator end to end: small scenarios run
// through run_scenario, pinned by expectations, the timeline, and the fault metrics of their traces.
#include <catch2/catch.hpp>
#include <sstream>

#include "analysis/metrics.h"
#include "sim/runner.h"
#include "tests/fakes/scenario_text_run.h"

namespace ktwin::sim {
namespace {

const std::string kApps = std::string(KTWIN_SOURCE_DIR) + "/scenarios/faults/apps/";

// controller + worker1 + worker2, 6 web replicas (2 per node) from 30 s; then the test's lines.
std::string scenario(const std::string& timeline, const std::string& expect, const std::string& duration,
                     const std::string& more = "") {
  return "apiVersion: ktwin/v1\nkind: Scenario\nmetadata: {name: t}\nseed: 7\nduration: " + duration +
         "\ncluster:\n  nodes:\n"
         "    - {name: controller, roles: [control-plane, master], capacity: {cpu: \"2\", memory: 3Gi}}\n"
         "    - {namePrefix: worker, count: 2, capacity: {cpu: \"2\", memory: 3Gi}}\n"
         "apps:\n  nginx: {startup: 2s}\n  bigdata: {startup: 5s, imageSize: 600Mi}\n"
         "manifests: [" + kApps + "web.yaml]\n" + more +
         "timeline:\n  - {at: 30s, scale: {deployment: web, replicas: 6}}\n" + timeline + "expect:\n" + expect;
}

struct Ran {
  RunResult result;
  std::string out, trace;
  analysis::Metrics metrics;
};

Ran run(const std::string& text, const LoadOptions& load_options = {}) {
  testing::ScenarioTextRun ran = testing::run_scenario_text(text, load_options);
  std::istringstream in(ran.trace);
  auto lines = analysis::parse_trace(in);
  REQUIRE(lines.is_ok());
  auto metrics = analysis::compute_metrics(lines.value());
  INFO(metrics.status().message());
  REQUIRE(metrics.is_ok());
  return {ran.result, ran.out, ran.trace, metrics.value()};
}

bool has_line(const std::string& out, const std::string& line) { return out.find(line) != std::string::npos; }

}  // namespace

TEST_CASE("slowNetwork: heartbeats time out, the node goes NotReady with its containers running", "[faults][network]") {
  Ran r = run(scenario("  - {at: 1m, slowNetwork: {nodes: [worker2], latency: 1m}}\n"
                       "  - {at: 3m, restoreNetwork: {nodes: [worker2]}}\n",
                       "  - {at: 1m50s, node: worker2, status: NotReady}\n"
                       "  - {at: 2m50s, containers: {node: worker2}, count: 2}\n"
                       "  - {at: 2m50s, pods: {node: worker2, status: Running}, count: 2}\n"
                       "  - {at: 3m30s, node: worker2, status: Ready}\n",
                       "4m"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(r.result.expectations == 4);
  CHECK(has_line(r.out, "] node/worker2 network slowed: latency 1m0s"));
  CHECK(has_line(r.out, "] node/worker2 network restored"));
  REQUIRE(r.metrics.faults);
  CHECK(r.metrics.faults->faulted_nodes == std::vector<std::string>{"worker2"});
  CHECK(r.metrics.faults->evictions == 0);
}

TEST_CASE("slowNetwork: a latency under the heartbeat timeout keeps the node Ready", "[faults][network]") {
  Ran r = run(scenario("  - {at: 1m, slowNetwork: {nodes: [worker2], latency: 4s}}\n",
                       "  - {at: 2m, node: worker2, status: Ready}\n"
                       "  - {at: 4m, node: worker2, status: Ready}\n"
                       "  - {at: 4m, deployment: web, readyReplicas: 6}\n",
                       "4m"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK_FALSE(has_line(r.out, "NodeNotReady"));
}

TEST_CASE("slowNetwork: a big image over a slow link delays the pods by size / bandwidth", "[faults][network]") {
  // 600Mi at 10Mi/s: 60 s of pull, then 5 s start-up; one pull serves both replicas.
  Ran r = run(scenario("  - {at: 1m, slowNetwork: {nodes: [worker1], bandwidth: 10Mi}}\n"
                       "  - {at: 1m, apply: " + kApps + "big.yaml}\n",
                       "  - {at: 2m4s, deployment: big, readyReplicas: 0}\n"
                       "  - {at: 2m6s, deployment: big, readyReplicas: 2}\n",
                       "3m"));
  INFO(r.out);
  CHECK(r.result.ok());

  SECTION("without the slow link the same pods are ready after their start-up alone") {
    Ran fast = run(scenario("  - {at: 1m, apply: " + kApps + "big.yaml}\n",
                            "  - {at: 1m6s, deployment: big, readyReplicas: 2}\n", "3m"));
    INFO(fast.out);
    CHECK(fast.result.ok());
  }
}

TEST_CASE("flapNode: blips under the toleration evict nothing; a short toleration evicts needlessly", "[faults]") {
  std::string text = scenario("  - {at: 1m, flapNode: {node: worker2, period: 3m, count: 2, down: 1m}}\n",
                              "  - {at: 1m50s, node: worker2, status: NotReady}\n"
                              "  - {at: 2m30s, node: worker2, status: Ready}\n"
                              "  - {at: 7m, deployment: web, readyReplicas: 6}\n",
                              "8m");
  Ran r = run(text);
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(has_line(r.out, "] node/worker2 flapping: 2 power cycles every 3m0s, down 1m0s"));
  CHECK(has_line(r.out, "] node/worker2 halted (power off) (flapNode 2/2)"));
  CHECK(has_line(r.out, "] node/worker2 resumed (power on) (flapNode 2/2)"));
  CHECK_FALSE(has_line(r.out, "Marking for deletion"));
  REQUIRE(r.metrics.faults);
  CHECK(r.metrics.faults->false_evictions == 0);

  LoadOptions short_toleration;
  short_toleration.set = {{"controlPlane.defaultUnreachableTolerationSeconds", "10"}};
  Ran evicting = run(text, short_toleration);
  INFO(evicting.out);
  CHECK(evicting.result.ok());
  CHECK(has_line(evicting.out, "Marking for deletion"));
  REQUIRE(evicting.metrics.faults);
  // worker2's two pods, evicted in the first blip; the node came back, so both were needless.
  CHECK(evicting.metrics.faults->evictions == 2);
  CHECK(evicting.metrics.faults->false_evictions == 2);
  CHECK(evicting.metrics.faults->deployments.at("default/web").false_evictions == 2);
  CHECK(evicting.metrics.faults->duplicate_pod_seconds == 0);  // halted: the old copies died with the power
}

TEST_CASE("partition: evicted pods run twice until the heal, counted as duplicate-pod time", "[faults]") {
  Ran r = run(scenario("  - {at: 1m, partition: {nodes: [worker2]}}\n  - {at: 9m, heal: {nodes: [worker2]}}\n",
                       "  - {at: 8m, containers: {node: worker2}, count: 2}\n"
                       "  - {at: 10m, containers: {node: worker2}, count: 0}\n",
                       "11m"));
  INFO(r.out);
  CHECK(r.result.ok());
  REQUIRE(r.metrics.faults);
  CHECK(r.metrics.faults->evictions == 2);
  CHECK(r.metrics.faults->false_evictions == 2);  // the partition healed
  // Evicted at about 6m45s (40 s grace + 5 s + 300 s toleration after 1m); gone soon after the 9m heal.
  CHECK(r.metrics.faults->duplicate_pod_seconds > 2 * 120);
  CHECK(r.metrics.faults->duplicate_pod_seconds < 2 * 150);
}

TEST_CASE("faults: random failures appear in the timeline and replay byte for byte", "[faults]") {
  std::string text = scenario("", "  - {at: 29m, deployment: web, readyReplicas: 6}\n", "30m",
                              "faults:\n  - {namePrefix: worker, mtbf: 5m, mttr: 1m, from: 1m, until: 20m}\n");
  Ran a = run(text), b = run(text);
  INFO(a.out);
  CHECK(a.result.ok());
  CHECK(has_line(a.out, "halted (power off) [faults]"));
  CHECK(has_line(a.out, "resumed (power on) [faults]"));
  CHECK(a.trace == b.trace);
  CHECK(a.out.substr(0, a.out.rfind("ran ")) == b.out.substr(0, b.out.rfind("ran ")));
  LoadOptions other;
  other.seed = 8;
  Ran c = run(text, other);
  CHECK(c.trace != a.trace);
}

TEST_CASE("faults: a generated action that cannot happen now is skipped, not a failure", "[faults]") {
  // Two groups on one node: some kubelet stops and starts land while the other group has it halted.
  Ran r = run(scenario("", "  - {at: 29m, deployment: web, readyReplicas: \">= 4\"}\n", "30m",
                       "faults:\n  - {namePrefix: worker2, mtbf: 3m, mttr: 3m}\n"
                       "  - {namePrefix: worker2, mtbf: 3m, mttr: 3m, kind: stopKubelet}\n"));
  INFO(r.out);
  CHECK(r.result.failures.empty());
  CHECK(has_line(r.out, "] skipped: "));
  CHECK(has_line(r.out, "startKubelet: node worker2 is powered off"));
}

}  // namespace ktwin::sim
