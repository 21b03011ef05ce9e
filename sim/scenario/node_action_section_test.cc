// The loader's node actions: what each reads, and each error at its file:line:column.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_test_util.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;

// Loads kHead (scenario_test_util.h) + `rest` from a scratch s.yaml; `errors` gets the report relative
// to its folder.
core::Result<Scenario> load(const std::string& rest, std::string* errors = nullptr) { return load_text(kHead + rest, errors); }

std::string errors(const std::string& rest) {
  std::string out;
  load(rest, &out);
  return out;
}

}  // namespace

TEST_CASE("node actions are read with their nodes", "[scenario]") {
  auto s = load(
      "timeline:\n"
      "  - {at: 1m, stopKubelet: n1}\n"
      "  - {at: 2m, startKubelet: n1}\n"
      "  - {at: 3m, partition: {nodes: [n1, n2]}}\n"
      "  - {at: 4m, heal: {nodes: n2}}\n"
      "  - {at: 5m, cordonNode: n1}\n"
      "  - {at: 6m, uncordonNode: n1}\n"
      "  - {at: 7m, drainNode: n2}\n"
      "  - {at: 8m, addNode: {name: n3, roles: [worker], capacity: {cpu: \"2\", memory: 2Gi}, labels: {a: b}}}\n"
      "  - {at: 9m, deleteNode: n3}\n"
      "  - {at: 9m, crashContainer: {pod: web-1, container: web}}\n"
      "expect:\n"
      "  - {at: 9m, containers: {node: n3, name: web}, count: 0}\n");
  INFO(s.status().message());
  REQUIRE(s.is_ok());
  const auto& t = s.value().timeline;
  REQUIRE(t.size() == 10);
  using T = Action::Type;
  CHECK(t[0].type == T::kStopKubelet);
  CHECK(t[0].name == "n1");
  CHECK(t[1].type == T::kStartKubelet);
  CHECK(t[2].type == T::kPartition);
  CHECK(t[2].nodes == std::vector<std::string>{"n1", "n2"});
  CHECK(t[3].type == T::kHeal);
  CHECK(t[3].nodes == std::vector<std::string>{"n2"});
  CHECK(t[4].type == T::kCordonNode);
  CHECK(t[5].type == T::kUncordonNode);
  CHECK(t[6].type == T::kDrainNode);
  CHECK(t[7].type == T::kAddNode);
  CHECK(t[7].node.name == "n3");
  CHECK(t[7].node.capacity.at("pods") == "110");
  CHECK(t[7].node.labels.at("a") == "b");
  CHECK(t[7].node.roles == std::vector<std::string>{"worker"});
  CHECK(t[8].type == T::kDeleteNode);
  CHECK(t[9].type == T::kKillContainer);
  CHECK(t[9].container == "web");
  const Expectation& e = s.value().expect.at(0);
  CHECK(e.is_container_count);
  CHECK(e.containers_node == "n3");
  CHECK(e.containers_name == "web");
}

TEST_CASE("node actions report unknown nodes and bad values where written", "[scenario]") {
  CHECK(errors("timeline:\n"
               "  - {at: 1m, stopKubelet: n3}\n"
               "  - {at: 1m, partition: {nodes: [n1, nn2]}}\n"
               "  - {at: 1m, heal: {nodes: []}}\n"
               "  - {at: 1m, drainNode: n9}\n"
               "  - {at: 1m, partition: {node: n1}}\n") ==
        "s.yaml:9:27: unknown node \"n3\" (did you mean \"n1\"?)\n"
        "s.yaml:10:38: unknown node \"nn2\" (did you mean \"n2\"?)\n"
        "s.yaml:11:28: heal needs at least one node\n"
        "s.yaml:12:25: unknown node \"n9\" (did you mean \"n1\"?)\n"
        "s.yaml:13:25: missing key \"nodes\" in partition\n"
        "s.yaml:13:26: unknown key \"node\" in partition (did you mean \"nodes\"?)");
}

TEST_CASE("addNode: a new name is known everywhere; an existing one is an error", "[scenario]") {
  CHECK(errors("timeline:\n"
               "  - {at: 1m, addNode: {name: n3, capacity: {cpu: \"1\", memory: 1Gi}}}\n"
               "  - {at: 2m, haltNode: n3}\n"
               "  - {at: 3m, deleteNode: n3}\n"
               "expect:\n"
               "  - {at: 2m, node: n3, status: Ready}\n") == "");
  CHECK(errors("timeline:\n"
               "  - {at: 1m, addNode: {name: n2, capacity: {cpu: \"1\", memory: 1Gi}}}\n"
               "  - {at: 1m, addNode: {name: n4, capacity: {cpu: \"1\", memory: 1Gi}}}\n"
               "  - {at: 2m, addNode: {name: n4, capacity: {cpu: \"1\", memory: 1Gi}}}\n"
               "  - {at: 2m, addNode: {namePrefix: w, count: 2, capacity: {cpu: \"1\", memory: 1Gi}}}\n"
               "  - {at: 2m, addNode: {name: n5, capacity: {cpu: \"1\"}}}\n") ==
        "s.yaml:9:23: addNode: node \"n2\" already exists\n"
        "s.yaml:11:23: addNode: node \"n4\" already exists\n"
        "s.yaml:12:23: addNode adds one node: write name, not namePrefix and count\n"
        "s.yaml:13:44: missing key \"memory\" in capacity");
}

TEST_CASE("a containers expectation needs a node and a count", "[scenario]") {
  CHECK(errors("expect:\n"
               "  - {at: 1m, containers: {name: web}, count: 1}\n"
               "  - {at: 1m, containers: {node: n1}}\n"
               "  - {at: 1m, containers: {node: n1}, count: 1, status: Running}\n") ==
        "s.yaml:9:26: missing key \"node\" in containers\n"
        "s.yaml:10:5: missing key \"count\" in containers expectation\n"
        "s.yaml:11:48: status does not apply to a containers expectation");
}

}  // namespace ktwin::sim
