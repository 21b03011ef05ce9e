// The loader's network and flapping actions and the faults: generator: what they read, each error at
// its file:line:column, and the generator's determinism per seed.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/scenario/fault_generator.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_test_util.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;
using std::chrono::seconds;

// Eight lines; the test's sections start at line 9.
const std::string kFaultHead =
    "apiVersion: ktwin/v1\n"
    "kind: Scenario\n"
    "metadata: {name: t}\n"
    "cluster:\n"
    "  nodes:\n"
    "    - {name: n1, capacity: {cpu: \"1\", memory: 1Gi}, labels: {zone: a}}\n"
    "    - {name: n2, capacity: {cpu: \"1\", memory: 1Gi}, labels: {zone: b}}\n"
    "    - {name: edge1, capacity: {cpu: \"1\", memory: 1Gi}, labels: {zone: a}}\n";

// Loads kFaultHead + `rest` from a scratch s.yaml; `errors` gets the report relative to its folder.
core::Result<Scenario> load(const std::string& rest, std::string* errors = nullptr, const LoadOptions& options = {}) {
  return load_text(kFaultHead + rest, errors, options);
}

std::string errors(const std::string& rest) {
  std::string out;
  load(rest, &out);
  return out;
}

// "at type node" per generated action, for comparisons.
std::vector<std::string> summary(const Scenario& s) {
  std::vector<std::string> out;
  for (const Action& a : s.timeline)
    if (a.origin == "faults")
      out.push_back(core::format_go_duration(a.at) + " " + std::to_string(static_cast<int>(a.type)) + " " +
                    (a.nodes.empty() ? a.name : a.nodes[0]));
  return out;
}

const std::string kFaults =
    "duration: 2h\n"
    "faults:\n"
    "  - {namePrefix: n, mtbf: 10m, mttr: 2m, from: 5m, until: 1h}\n"
    "  - {selector: zone=a, mtbf: 20m, mttr: 1m, kind: partition}\n";

}  // namespace

TEST_CASE("slowNetwork, restoreNetwork and flapNode are read with their values", "[scenario][faults]") {
  auto s = load(
      "timeline:\n"
      "  - {at: 1m, slowNetwork: {nodes: [n1, n2], latency: 1m, bandwidth: 10Mi}}\n"
      "  - {at: 2m, slowNetwork: {nodes: n1, bandwidth: 1M}}\n"
      "  - {at: 3m, restoreNetwork: {nodes: [n1]}}\n"
      "  - {at: 4m, flapNode: {node: n2, period: 2m, count: 3}}\n"
      "  - {at: 5m, flapNode: {node: n2, period: 2m, count: 1, down: 30s}}");
  INFO(s.status().message());
  REQUIRE(s.is_ok());
  const auto& t = s.value().timeline;
  REQUIRE(t.size() == 5);
  CHECK(t[0].type == Action::Type::kSlowNetwork);
  CHECK(t[0].nodes == std::vector<std::string>{"n1", "n2"});
  CHECK(t[0].latency == Duration(minutes(1)));
  CHECK(t[0].bandwidth == 10 * 1024 * 1024);
  CHECK_FALSE(t[1].latency);  // left as it was
  CHECK(t[1].bandwidth == 1'000'000);
  CHECK(t[2].type == Action::Type::kRestoreNetwork);
  CHECK(t[3].type == Action::Type::kFlapNode);
  CHECK(t[3].name == "n2");
  CHECK(t[3].period == Duration(minutes(2)));
  CHECK(t[3].down == Duration(minutes(1)));  // period / 2
  CHECK(t[3].count == 3);
  CHECK(t[4].down == Duration(seconds(30)));
  // The default duration runs a minute past the last power-on: 4m + 2 x 2m + 1m, + 1m.
  CHECK(s.value().duration == Duration(minutes(10)));
}

TEST_CASE("bad network and flapping actions are reported where written", "[scenario][faults]") {
  CHECK(errors("timeline:\n  - {at: 1m, slowNetwork: {nodes: [n1]}}\n") ==
        "s.yaml:10:27: slowNetwork needs latency, bandwidth or both");
  CHECK(errors("timeline:\n  - {at: 1m, slowNetwork: {nodes: [n9], bandwidth: fast}}\n") ==
        "s.yaml:10:36: unknown node \"n9\" (did you mean \"n1\"?)\n"
        "s.yaml:10:52: bad quantity \"fast\": use a Kubernetes quantity such as 500m, 2, 3Gi");
  CHECK(errors("timeline:\n  - {at: 1m, flapNode: {node: n1, period: 1m, count: 2, down: 1m}}\n") ==
        "s.yaml:10:63: flapNode down must be positive and shorter than period");
  CHECK(errors("timeline:\n  - {at: 1m, flapNode: {node: n1, period: 1m}}\n") ==
        "s.yaml:10:24: missing key \"count\" in flapNode");
}

TEST_CASE("faults: groups are read and checked", "[scenario][faults]") {
  CHECK(errors("duration: 1h\nfaults:\n  - {namePrefix: n, selector: zone=a, mtbf: 1m, mttr: 1m}\n") ==
        "s.yaml:11:5: faults entry needs either namePrefix or selector (which nodes fail)");
  CHECK(errors("duration: 1h\nfaults:\n  - {namePrefix: n, mtbf: 1m, mttr: 1m, kind: reboot}\n") ==
        "s.yaml:11:47: unknown fault kind \"reboot\": use halt, stopKubelet or partition");
  CHECK(errors("duration: 1h\nfaults:\n  - {namePrefix: n, mttr: 0s, mtbf: 1m}\n") ==
        "s.yaml:11:27: mttr must be positive");
  CHECK(errors("duration: 1h\nfaults:\n  - {namePrefix: db, mtbf: 1m, mttr: 1m}\n") ==
        "s.yaml:11:5: faults entry selects no node of cluster.nodes");
  CHECK(errors("duration: 1h\nfaults:\n  - {namePrefix: n, mtbf: 1m, mttr: 1m, from: 5m, until: 5m}\n") ==
        "s.yaml:11:58: until must be after from");
  CHECK(errors("faults:\n  - {namePrefix: n, mtbf: 1m, mttr: 1m}\n") ==
        "s.yaml:9:1: faults needs the scenario's duration: (how long the random failures go on)");
  CHECK(errors("duration: 1h\nfaults:\n  - {selector: \"zone in (a\", mtbf: 1m, mttr: 1m}\n") ==
        "s.yaml:11:16: bad label selector \"zone in (a\": use a form such as zone=a");
}

TEST_CASE("the faults: generator is deterministic per seed and bounded by its window", "[scenario][faults]") {
  auto a = load(kFaults), b = load(kFaults);
  REQUIRE(a.is_ok());
  REQUIRE(b.is_ok());
  std::vector<std::string> first = summary(a.value());
  CHECK(first == summary(b.value()));
  CHECK(first.size() > 4);

  LoadOptions other_seed;
  other_seed.seed = 8;
  auto c = load(kFaults, nullptr, other_seed);
  REQUIRE(c.is_ok());
  CHECK(summary(c.value()) != first);

  // Per node: failure, repair, failure, ... each failure of group 0 in [5m, 1h), repairs before 2h.
  for (const std::string& node : {"n1", "n2"}) {
    bool down = false;
    for (const Action& x : a.value().timeline) {
      if (x.origin != "faults" || x.name != node) continue;
      CHECK(x.type == (down ? Action::Type::kResumeNode : Action::Type::kHaltNode));
      if (!down) CHECK((x.at >= minutes(5) && x.at < minutes(60)));
      CHECK(x.at < minutes(120));
      down = !down;
    }
  }
  // The selector group partitions n1 and edge1 (zone=a), never n2.
  bool n1 = false, edge1 = false;
  for (const Action& x : a.value().timeline)
    if (x.type == Action::Type::kPartition) {
      n1 |= x.nodes[0] == "n1";
      edge1 |= x.nodes[0] == "edge1";
      CHECK(x.nodes[0] != "n2");
    }
  CHECK((n1 && edge1));
  // Sorted like any timeline.
  for (size_t i = 1; i < a.value().timeline.size(); ++i) CHECK(a.value().timeline[i - 1].at <= a.value().timeline[i].at);
}

TEST_CASE("each node draws its own stream: adding a group leaves the others' failures alone", "[scenario][faults]") {
  auto base = load(kFaults);
  auto more = load(kFaults + "  - {namePrefix: edge, mtbf: 5m, mttr: 1m, kind: stopKubelet}");
  REQUIRE(base.is_ok());
  REQUIRE(more.is_ok());
  std::vector<std::string> without_new;
  for (const Action& x : more.value().timeline)
    if (x.origin == "faults" && x.type != Action::Type::kStopKubelet && x.type != Action::Type::kStartKubelet)
      without_new.push_back(core::format_go_duration(x.at) + " " + std::to_string(static_cast<int>(x.type)) + " " +
                            (x.nodes.empty() ? x.name : x.nodes[0]));
  CHECK(without_new == summary(base.value()));
}

}  // namespace ktwin::sim
