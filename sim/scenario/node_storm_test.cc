// haltNodes / resumeNodes: which nodes and when, from the seed; errors at file:line:column.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_test_util.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;
using std::chrono::seconds;

// Eight lines; the test's sections start at line 9.
const std::string kStormHead =
    "apiVersion: ktwin/v1\n"
    "kind: Scenario\n"
    "metadata: {name: t}\n"
    "duration: 1h\n"
    "cluster:\n"
    "  nodes:\n"
    "    - {namePrefix: a-, count: 60, capacity: {cpu: \"1\", memory: 1Gi}, labels: {zone: a}}\n"
    "    - {namePrefix: b-, count: 40, capacity: {cpu: \"1\", memory: 1Gi}, labels: {zone: b}}\n";

// Loads kStormHead + `rest` from a scratch s.yaml; `errors` gets the report relative to its folder.
core::Result<Scenario> load(const std::string& rest, std::string* errors = nullptr, const LoadOptions& options = {}) {
  return load_text(kStormHead + rest, errors, options);
}

std::string errors(const std::string& rest) {
  std::string out;
  load(rest, &out);
  return out;
}

const std::string kStorm =
    "timeline:\n"
    "  - {at: 20m, haltNodes: {group: storm, fraction: 0.1, over: 1m}}\n"
    "  - {at: 30m, haltNodes: {selector: zone=b, count: 3}}\n"
    "  - {at: 40m, resumeNodes: {group: storm, fraction: 0.5}}\n"
    "  - {at: 50m, resumeNodes: {group: storm, count: 100, over: 30s}}\n";

std::vector<const Action*> by_origin(const Scenario& s, const std::string& origin) {
  std::vector<const Action*> out;
  for (const Action& a : s.timeline)
    if (a.origin == origin) out.push_back(&a);
  return out;
}

}  // namespace

TEST_CASE("haltNodes halts a seeded fraction within its window, resumeNodes part of that group",
          "[scenario][storm]") {
  auto s = load(kStorm);
  REQUIRE(s.is_ok());
  auto halts = by_origin(s.value(), "haltNodes");
  auto resumes = by_origin(s.value(), "resumeNodes");
  REQUIRE(halts.size() == 10 + 3);
  REQUIRE(resumes.size() == 5 + 5);  // round(0.5 x 10), then the 5 still down (count is capped)

  std::set<std::string> storm, zone_b, resumed;
  for (const Action* a : halts) {
    CHECK(a->type == Action::Type::kHaltNode);
    CHECK(a->where.line == (a->at < minutes(30) ? 10 : 11));
    if (a->at < minutes(30)) {
      CHECK(a->at >= minutes(20));
      CHECK(a->at < minutes(21));
      storm.insert(a->name);
    } else {
      CHECK(a->at == minutes(30));
      CHECK(a->name.rfind("b-", 0) == 0);
      zone_b.insert(a->name);
    }
  }
  CHECK(storm.size() == 10);
  CHECK(zone_b.size() == 3);
  for (const std::string& n : zone_b) CHECK(storm.count(n) == 0);  // a halted node is no candidate
  for (const Action* a : resumes) {
    CHECK(a->type == Action::Type::kResumeNode);
    CHECK(storm.count(a->name) == 1);
    CHECK(resumed.insert(a->name).second);  // each at most once
    if (a->at < minutes(50)) CHECK(a->at == minutes(40));
    else CHECK((a->at >= minutes(50) && a->at < minutes(50) + seconds(30)));
  }
  CHECK(resumed == storm);
  // The timeline stays in `at` order.
  for (size_t i = 1; i < s.value().timeline.size(); ++i) CHECK(s.value().timeline[i - 1].at <= s.value().timeline[i].at);
}

TEST_CASE("node storms are deterministic per seed", "[scenario][storm]") {
  auto names = [](const Scenario& s) {
    std::vector<std::string> out;
    for (const Action& a : s.timeline) out.push_back(core::format_go_duration(a.at) + " " + a.name);
    return out;
  };
  auto a = load(kStorm), b = load(kStorm);
  LoadOptions other;
  other.seed = 12;
  auto c = load(kStorm, nullptr, other);
  REQUIRE((a.is_ok() && b.is_ok() && c.is_ok()));
  CHECK(names(a.value()) == names(b.value()));
  CHECK(names(a.value()) != names(c.value()));
}

TEST_CASE("node storm errors name file:line:column", "[scenario][storm]") {
  CHECK(errors("timeline:\n  - {at: 1m, haltNodes: {fraction: 0.1, count: 2}}\n") ==
        "s.yaml:10:25: haltNodes needs either fraction (of the selected nodes) or count");
  CHECK(errors("timeline:\n  - {at: 1m, haltNodes: {fraction: 1.5}}\n") == "s.yaml:10:36: fraction must be in (0, 1]");
  CHECK(errors("timeline:\n  - {at: 1m, haltNodes: {namePrefix: c-, count: 1}}\n") ==
        "s.yaml:10:25: haltNodes selects no node of cluster.nodes");
  CHECK(errors("timeline:\n  - {at: 1m, resumeNodes: {fraction: 0.5}}\n") ==
        "s.yaml:10:27: missing key \"group\" in resumeNodes");
  CHECK(errors("timeline:\n  - {at: 1m, haltNodes: {group: storm, count: 1}}\n"
               "  - {at: 2m, resumeNodes: {group: strom, count: 1}}\n") ==
        "s.yaml:11:5: resumeNodes: no haltNodes has group \"strom\" (groups: storm)");
  CHECK(errors("timeline:\n  - {at: 1m, haltNodes: {group: storm, count: 1, over: 2m}}\n"
               "  - {at: 2m, resumeNodes: {group: storm, count: 1}}\n") ==
        "s.yaml:11:5: resumeNodes at 2m0s starts before group \"storm\" has finished halting (3m0s)");
  CHECK(errors("timeline:\n  - {at: 1m, resumeNodes: {group: g, count: 1, namePrefix: a-}}\n")
            .find("s.yaml:10:48: unknown key \"namePrefix\" in resumeNodes") != std::string::npos);
  CHECK(errors("timeline:\n  - {at: 59m, haltNodes: {count: 1, over: 2m}}\n") ==
        "s.yaml:10:43: at 1h1m0s is after the end of the scenario (duration 1h0m0s)");
}

}  // namespace ktwin::sim
