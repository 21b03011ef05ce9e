// Fault metrics on small hand-written traces: which evictions are false, and how long pods ran twice.
#include "analysis/fault_metrics.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "analysis/metrics.h"

namespace ktwin::analysis {
namespace {

std::optional<FaultMetrics> compute(const std::string& text) {
  std::istringstream in(text);
  auto lines = parse_trace(in);
  REQUIRE(lines.is_ok());
  auto m = compute_fault_metrics(lines.value());
  INFO(m.status().message());
  REQUIRE(m.is_ok());
  return m.value();
}

// A ReplicaSet of Deployment web; nodes n1 and n2 Ready; pods a (n1) and b (n2) of web.
const std::string kStart = R"(
{"t":"0s","kind":"ReplicaSet","name":"default/web-1","change":"ADDED","object":{"metadata":{"name":"web-1","namespace":"default","ownerReferences":[{"kind":"Deployment","name":"web"}]}}}
{"t":"0s","kind":"Node","name":"n1","change":"ADDED","object":{"metadata":{"name":"n1"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}}
{"t":"0s","kind":"Node","name":"n2","change":"ADDED","object":{"metadata":{"name":"n2"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}}
{"t":"1s","kind":"Pod","name":"default/a","change":"ADDED","object":{"metadata":{"name":"a","namespace":"default","ownerReferences":[{"kind":"ReplicaSet","name":"web-1"}]},"spec":{"nodeName":"n1"}}}
{"t":"1s","kind":"Pod","name":"default/b","change":"ADDED","object":{"metadata":{"name":"b","namespace":"default","ownerReferences":[{"kind":"ReplicaSet","name":"web-1"}]},"spec":{"nodeName":"n2"}}}
)";

const std::string kN1NotReady =
    R"({"t":"%T","kind":"Node","name":"n1","change":"MODIFIED","patch":[{"op":"replace","path":"/status/conditions/0/status","value":"Unknown"}]})";
const std::string kN1Ready =
    R"({"t":"%T","kind":"Node","name":"n1","change":"MODIFIED","patch":[{"op":"replace","path":"/status/conditions/0/status","value":"True"}]})";
const std::string kEvictA =
    R"({"t":"%T","event":"TaintManagerEviction","type":"Normal","kind":"Pod","name":"default/a","message":"Marking for deletion Pod default/a"})";
const std::string kReplacementC =
    R"({"t":"%T","kind":"Pod","name":"default/c","change":"ADDED","object":{"metadata":{"name":"c","namespace":"default","ownerReferences":[{"kind":"ReplicaSet","name":"web-1"}]},"spec":{"nodeName":"n2"}}})";

std::string at(std::string line, const std::string& t) { return line.replace(line.find("%T"), 2, t) + "\n"; }

}  // namespace

TEST_CASE("no fault action, no fault metrics", "[metrics][faults]") {
  CHECK_FALSE(compute(kStart + at(kEvictA, "10s")));
}

TEST_CASE("an eviction from a halted node that comes back is false; one that stays down is not", "[metrics][faults]") {
  std::string halted = kStart + R"({"t":"1m","scenario":"haltNode","details":"n1"})" "\n" + at(kN1NotReady, "1m40s") +
                       at(kEvictA, "6m40s") + at(kReplacementC, "6m40s");
  SECTION("resumed: false") {
    auto m = compute(halted + R"({"t":"8m","scenario":"resumeNode","details":"n1"})" "\n" + at(kN1Ready, "8m"));
    REQUIRE(m);
    CHECK(m->faulted_nodes == std::vector<std::string>{"n1"});
    CHECK(m->evictions == 1);
    CHECK(m->false_evictions == 1);
    CHECK(m->deployments.at("default/web").false_evictions == 1);
    CHECK(m->duplicate_pod_seconds == 0);  // a halted node runs nothing
  }
  SECTION("never back: a needed eviction") {
    auto m = compute(halted + R"({"t":"20m","scenario":"snapshot","details":"get po"})" "\n");
    REQUIRE(m);
    CHECK(m->evictions == 1);
    CHECK(m->false_evictions == 0);
  }
  SECTION("Ready before the eviction does not make it false") {
    auto m = compute(kStart + R"({"t":"1m","scenario":"flapNode","details":{"node":"n1"}})" "\n" +
                     at(kN1NotReady, "1m40s") + at(kN1Ready, "2m") + at(kN1NotReady, "5m") + at(kEvictA, "6m"));
    REQUIRE(m);
    CHECK(m->evictions == 1);
    CHECK(m->false_evictions == 0);
  }
}

TEST_CASE("a deletionTimestamp on a faulted NotReady node is an eviction, counted once", "[metrics][faults]") {
  auto m = compute(kStart + R"({"t":"1m","scenario":"stopKubelet","details":"n1"})" "\n" + at(kN1NotReady, "1m40s") +
                   R"({"t":"6m40s","kind":"Pod","name":"default/a","change":"MODIFIED","patch":[{"op":"add","path":"/metadata/deletionTimestamp","value":"x"}]})"
                   "\n" +
                   at(kEvictA, "6m40s") + at(kN1Ready, "7m"));
  REQUIRE(m);
  CHECK(m->evictions == 1);
  CHECK(m->false_evictions == 1);
}

TEST_CASE("duplicate-pod time: from the replacement until the old copy is gone after the heal", "[metrics][faults]") {
  std::string partitioned = kStart + R"({"t":"1m","scenario":"partition","details":"n1"})" "\n" +
                            at(kN1NotReady, "1m40s") + at(kEvictA, "6m40s") + at(kReplacementC, "6m41s");
  SECTION("healed: the kubelet kills the old copy and the pod is deleted") {
    auto m = compute(partitioned + R"({"t":"9m","scenario":"heal","details":"n1"})" "\n" + at(kN1Ready, "9m") +
                     R"({"t":"9m1s","kind":"Pod","name":"default/a","change":"DELETED"})" "\n");
    REQUIRE(m);
    CHECK(m->duplicate_pod_seconds == Approx(140));  // 6m41s .. 9m1s
    CHECK(m->deployments.at("default/web").duplicate_pod_seconds == Approx(140));
    CHECK(m->false_evictions == 1);
  }
  SECTION("the node is halted while cut off: the old copy stops with it") {
    auto m = compute(partitioned + R"({"t":"7m41s","scenario":"haltNode","details":"n1"})" "\n");
    REQUIRE(m);
    CHECK(m->duplicate_pod_seconds == Approx(60));
  }
  SECTION("still running twice at the end of the trace") {
    auto m = compute(partitioned + R"({"t":"8m41s","scenario":"snapshot","details":"get po"})" "\n");
    REQUIRE(m);
    CHECK(m->duplicate_pod_seconds == Approx(120));
    CHECK(m->false_evictions == 0);  // not back (yet)
  }
}

TEST_CASE("fault metrics in Metrics: JSON, columns and table", "[metrics][faults]") {
  std::istringstream in(kStart + R"({"t":"1m","scenario":"partition","details":"n1"})" "\n" + at(kN1NotReady, "1m40s") +
                        at(kEvictA, "6m40s") + at(kReplacementC, "6m41s") + at(kN1Ready, "9m") +
                        R"({"t":"9m1s","kind":"Pod","name":"default/a","change":"DELETED"})" "\n");
  auto lines = parse_trace(in);
  REQUIRE(lines.is_ok());
  auto m = compute_metrics(lines.value());
  REQUIRE(m.is_ok());
  REQUIRE(m.value().faults);
  nlohmann::json j = metrics_json(m.value());
  CHECK(j["faults"]["falseEvictions"] == 1);
  CHECK(j["faults"]["duplicatePodSeconds"] == Approx(140));
  bool column = false;
  for (const auto& [name, value] : flatten_metrics(m.value()))
    if (name == "false_evictions") column = value && *value == 1;
  CHECK(column);
  CHECK(metrics_table(m.value()).find("faults: 1 evictions, 1 false (the node came back), duplicate pods 140") !=
        std::string::npos);
}

}  // namespace ktwin::analysis
