// Node faults and operations end to end: small scenarios run through run_scenario, their behaviour
// pinned by expectations (including what the machines' runtimes still run) and by the timeline.
#include <catch2/catch.hpp>
#include <sstream>

#include "sim/runner.h"
#include "tests/fakes/scenario_text_run.h"

namespace ktwin::sim {
namespace {

const std::string kWeb = std::string(KTWIN_SOURCE_DIR) + "/scenarios/faults/apps/web.yaml";

// controller + worker1 + worker2, 6 web replicas (2 per node) from 30 s; then the test's lines.
std::string scenario(const std::string& timeline, const std::string& expect, const std::string& duration = "12m") {
  return "apiVersion: ktwin/v1\nkind: Scenario\nmetadata: {name: t}\nseed: 7\nduration: " + duration +
         "\ncluster:\n  nodes:\n"
         "    - {name: controller, roles: [control-plane, master], capacity: {cpu: \"2\", memory: 3Gi}}\n"
         "    - {namePrefix: worker, count: 2, capacity: {cpu: \"2\", memory: 3Gi}}\n"
         "apps:\n  nginx: {startup: 2s}\nmanifests: [" + kWeb + "]\n"
         "timeline:\n  - {at: 30s, scale: {deployment: web, replicas: 6}}\n" + timeline + "expect:\n" + expect;
}

using Ran = testing::ScenarioTextRun;
Ran run(const std::string& text) { return testing::run_scenario_text(text); }

bool has_line(const std::string& out, const std::string& line) { return out.find(line) != std::string::npos; }

}  // namespace

TEST_CASE("stopKubelet: NotReady and eviction while the containers keep running", "[faults]") {
  Ran r = run(scenario("  - {at: 1m, stopKubelet: worker2}\n",
                       "  - {at: 59s, containers: {node: worker2}, count: 2}\n"
                       "  - {at: 1m50s, node: worker2, status: NotReady}\n"
                       "  - {at: 8m, pods: {node: worker2, status: Terminating}, count: 2}\n"
                       "  - {at: 8m, containers: {node: worker2, name: web}, count: 2}\n"
                       "  - {at: 8m, deployment: web, readyReplicas: 6}\n",
                       "9m"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(r.result.expectations == 5);
  CHECK(has_line(r.out, "] node/worker2 kubelet stopped (containers keep running)"));
  CHECK(has_line(r.out, "] node/worker2 tainted node.kubernetes.io/unreachable:NoExecute"));
}

TEST_CASE("startKubelet before eviction adopts the containers without restarting them", "[faults]") {
  Ran r = run(scenario("  - {at: 1m, stopKubelet: worker2}\n  - {at: 3m, startKubelet: worker2}\n",
                       "  - {at: 2m, node: worker2, status: NotReady}\n"
                       "  - {at: 3m30s, node: worker2, status: Ready}\n"
                       "  - {at: 4m, containers: {node: worker2}, count: 2}\n"
                       "  - {at: 4m, pods: {node: worker2, status: Running}, count: 2}\n"
                       "  - {at: 4m, deployment: web, readyReplicas: 6}\n",
                       "4m"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(has_line(r.out, "] node/worker2 kubelet started"));
  // No container was stopped or started again, and no restart was counted.
  CHECK_FALSE(has_line(r.trace, "Killing"));
  CHECK_FALSE(has_line(r.trace, "restartCount\",\"value\":1"));
  CHECK_FALSE(has_line(r.trace, "\"event\":\"BackOff\""));
}

TEST_CASE("partition past the toleration runs duplicates until heal", "[faults]") {
  Ran r = run(scenario("  - {at: 1m, partition: {nodes: [worker2]}}\n  - {at: 9m, heal: {nodes: [worker2]}}\n",
                       "  - {at: 1m50s, node: worker2, status: NotReady}\n"
                       "  - {at: 1m50s, containers: {node: worker2}, count: 2}\n"
                       "  - {at: 8m, pods: {status: Running}, count: 6}\n"
                       "  - {at: 8m, pods: {node: worker2, status: Terminating}, count: 2}\n"
                       "  - {at: 8m, containers: {node: worker2}, count: 2}\n"
                       "  - {at: 10m, node: worker2, status: Ready}\n"
                       "  - {at: 10m, containers: {node: worker2}, count: 0}\n"
                       "  - {at: 10m, pods: {node: worker2}, count: 0}\n"
                       "  - {at: 10m, pods: {status: Running}, count: 6}\n"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(has_line(r.out, "] node/worker2 partitioned from the control plane"));
  CHECK(has_line(r.out, "] node/worker2 reconnected (partition healed)"));
}

TEST_CASE("a short partition changes nothing on the node", "[faults]") {
  Ran r = run(scenario("  - {at: 1m, partition: {nodes: [worker2]}}\n  - {at: 2m, heal: {nodes: [worker2]}}\n",
                       "  - {at: 1m50s, node: worker2, status: NotReady}\n"
                       "  - {at: 2m30s, node: worker2, status: Ready}\n"
                       "  - {at: 3m, pods: {node: worker2, status: Running}, count: 2}\n"
                       "  - {at: 3m, containers: {node: worker2}, count: 2}\n",
                       "3m"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK_FALSE(has_line(r.trace, "Killing"));
}

TEST_CASE("cordon blocks new placements; uncordon lifts it", "[faults]") {
  Ran r = run(scenario("  - {at: 1m, cordonNode: worker1}\n  - {at: 1m, cordonNode: worker1}\n"
                       "  - {at: 2m, scale: {deployment: web, replicas: 9}}\n"
                       "  - {at: 3m, uncordonNode: worker1}\n",
                       "  - {at: 1m1s, node: worker1, status: \"Ready,SchedulingDisabled\"}\n"
                       "  - {at: 2m30s, pods: {node: worker1}, count: 2}\n"
                       "  - {at: 2m30s, deployment: web, readyReplicas: 9}\n"
                       "  - {at: 3m1s, node: worker1, status: Ready}\n",
                       "3m30s"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(has_line(r.out, "] node/worker1 cordoned\n"));
  CHECK(has_line(r.out, "] node/worker1 already cordoned\n"));
  CHECK(has_line(r.out, "] node/worker1 uncordoned\n"));
}

TEST_CASE("drainNode evicts every pod and waits for them to go", "[faults]") {
  Ran r = run(scenario("  - {at: 2m, drainNode: worker2}\n",
                       "  - {at: 3m, node: worker2, status: \"Ready,SchedulingDisabled\"}\n"
                       "  - {at: 3m, pods: {node: worker2}, count: 0}\n"
                       "  - {at: 3m, containers: {node: worker2}, count: 0}\n"
                       "  - {at: 3m, deployment: web, readyReplicas: 6}\n",
                       "3m"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(has_line(r.out, "] node/worker2 cordoned\n"));
  CHECK(has_line(r.out, "] evicting pod default/web-"));
  CHECK(has_line(r.out, " evicted\n"));
  CHECK(has_line(r.out, "] node/worker2 drained\n"));
}

TEST_CASE("addNode joins the cluster and gets pods after a scale-up", "[faults]") {
  Ran r = run(scenario("  - {at: 1m, addNode: {name: worker3, capacity: {cpu: \"2\", memory: 3Gi}, "
                       "labels: {disk: ssd}}}\n"
                       "  - {at: 2m, scale: {deployment: web, replicas: 9}}\n"
                       "  - {at: 3m, haltNode: worker3}\n",
                       "  - {at: 1m30s, node: worker3, status: Ready}\n"
                       "  - {at: 1m30s, pods: {node: worker3}, count: 0}\n"
                       "  - {at: 2m30s, pods: {node: worker3, status: Running}, count: \">= 1\"}\n"
                       "  - {at: 2m30s, deployment: web, readyReplicas: 9}\n"
                       "  - {at: 4m, node: worker3, status: NotReady}\n",
                       "4m"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(has_line(r.out, "] node/worker3 added (power on)"));
}

TEST_CASE("deleteNode: pod GC force-deletes its pods 40-60 s later", "[faults]") {
  Ran r = run(scenario("  - {at: 2m5s, deleteNode: worker2}\n",
                       "  - {at: 2m44s, pods: {node: worker2}, count: 2}\n"
                       "  - {at: 3m6s, pods: {node: worker2}, count: 0}\n"
                       "  - {at: 3m6s, containers: {node: worker2}, count: 0}\n"
                       "  - {at: 3m30s, deployment: web, readyReplicas: 6}\n",
                       "3m30s"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(has_line(r.out, "] node \"worker2\" deleted (machine powered off)"));
}

TEST_CASE("crashContainer is killContainer's other name", "[faults]") {
  Ran r = run(scenario("  - {at: 1m, crashContainer: {selector: app=web, container: web}}\n",
                       "  - {at: 1m30s, pods: {status: Running}, count: 6}\n", "1m30s"));
  INFO(r.out);
  CHECK(r.result.ok());
  CHECK(has_line(r.out, "container web killed"));
}

TEST_CASE("fault scenarios are deterministic", "[faults]") {
  std::string text = scenario("  - {at: 1m, partition: {nodes: [worker2]}}\n  - {at: 9m, heal: {nodes: [worker2]}}\n"
                              "  - {at: 9m30s, drainNode: worker1}\n",
                              "  - {at: 10m, pods: {status: Running}, count: 6}\n");
  Ran a = run(text), b = run(text);
  CHECK(a.trace == b.trace);
  CHECK(a.out == b.out);
}

}  // namespace ktwin::sim
