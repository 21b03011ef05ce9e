// Golden facts from small hand-written traces, their text round trip, and the semantic diff.
#include "analysis/golden.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "analysis/golden_diff.h"
#include "analysis/metrics.h"

namespace ktwin::analysis {
namespace {

std::vector<nlohmann::json> lines(const std::string& text) {
  std::istringstream in(text);
  auto parsed = parse_trace(in);
  REQUIRE(parsed.is_ok());
  return parsed.value();
}

Golden golden(const std::string& trace) {
  auto g = golden_from_trace(lines(trace));
  REQUIRE(g.is_ok());
  return g.value();
}

std::string pod_added(const std::string& t, const std::string& name) {
  return R"({"t":")" + t + R"(","kind":"Pod","name":"default/)" + name +
         R"(","change":"ADDED","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
         R"(","namespace":"default","ownerReferences":[{"kind":"ReplicaSet","name":"web-1","controller":true}]},"spec":{"containers":[{"name":"c","image":"nginx"}]},"status":{"phase":"Pending"}}})" "\n";
}

// Binds the pod and makes its one container running and ready.
std::string pod_runs(const std::string& bind_t, const std::string& run_t, const std::string& name, const std::string& node) {
  return R"({"t":")" + bind_t + R"(","kind":"Pod","name":"default/)" + name +
         R"(","change":"MODIFIED","patch":[{"op":"add","path":"/spec/nodeName","value":")" + node + R"("}]})" "\n" +
         R"({"t":")" + run_t + R"(","kind":"Pod","name":"default/)" + name +
         R"(","change":"MODIFIED","patch":[{"op":"replace","path":"/status","value":{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"restartCount":0,"state":{"running":{}}}]}}]})" "\n";
}

std::string node_added(const std::string& name) {
  return R"({"t":"0s","kind":"Node","name":")" + name +
         R"(","change":"ADDED","object":{"apiVersion":"v1","kind":"Node","metadata":{"name":")" + name +
         R"("},"status":{"conditions":[{"type":"Ready","status":"True"}]}}})" "\n";
}

std::string node_not_ready(const std::string& t, const std::string& name) {
  return R"({"t":")" + t + R"(","kind":"Node","name":")" + name +
         R"(","change":"MODIFIED","patch":[{"op":"replace","path":"/status/conditions/0/status","value":"Unknown"}]})" "\n" +
         R"({"t":")" + t + R"(","event":"NodeNotReady","type":"Normal","kind":"Node","name":")" + name + R"(","message":"x"})" "\n";
}

// Two nodes, two pods of one ReplicaSet; n2 goes NotReady at 5m40s and pod a is deleted at 6m.
std::string base_trace(const std::string& b_node = "n1", const std::string& not_ready_at = "5m40s",
                       const std::string& a_name = "web-1-aaaaa") {
  return node_added("n1") + node_added("n2") + R"({"t":"0s","scenario":"apply","details":["deployment.apps/web created"]})" "\n" +
         pod_added("0s", a_name) + pod_added("0s", "web-1-bbbbb") + pod_runs("0s", "2s", a_name, "n2") +
         pod_runs("1s", "3s", "web-1-bbbbb", b_node) + R"({"t":"5m","scenario":"haltNode","details":"n2"})" "\n" +
         node_not_ready(not_ready_at, "n2") +
         R"({"t":"6m","kind":"Pod","name":"default/)" + a_name + R"(","change":"DELETED"})" "\n";
}

std::string diff_text(const std::string& expected, const std::string& actual) {
  return format_differences(diff_goldens(golden(expected), golden(actual)));
}

TEST_CASE("golden facts: bindings, STATUS transitions, events and actions, sorted by time", "[golden]") {
  std::string text = render_golden(golden(base_trace()), "scenario x (seed 1)");
  CHECK(text ==
        "# scenario x (seed 1)\n"
        "+0s action apply deployment.apps/web created\n"
        "+0s node n1 added\n"
        "+0s node n1 status Ready\n"
        "+0s node n2 added\n"
        "+0s node n2 status Ready\n"
        "+0s pod default/web-1-aaaaa created by ReplicaSet/web-1\n"
        "+0s pod default/web-1-aaaaa node n2\n"
        "+0s pod default/web-1-aaaaa status Pending\n"
        "+0s pod default/web-1-bbbbb created by ReplicaSet/web-1\n"
        "+0s pod default/web-1-bbbbb status Pending\n"
        "+1s pod default/web-1-bbbbb node n1\n"
        "+2s pod default/web-1-aaaaa status Running\n"
        "+3s pod default/web-1-bbbbb status Running\n"
        "+5m0s action haltNode n2\n"
        "+5m40s node n2 status NotReady\n"
        "+5m40s event NodeNotReady Node/n2\n"
        "+6m0s pod default/web-1-aaaaa deleted\n");
}

TEST_CASE("golden text parses back to the same facts", "[golden]") {
  Golden g = golden(base_trace());
  auto parsed = parse_golden(render_golden(g, "header"));
  REQUIRE(parsed.is_ok());
  CHECK(render_golden(parsed.value()) == render_golden(g));
  CHECK(diff_goldens(g, parsed.value()).empty());

  auto bad = parse_golden("# c\n+0s pod default/x node n1\n5m node n1 added\n");
  REQUIRE_FALSE(bad.is_ok());
  CHECK(bad.status().message().find("golden line 3") != std::string::npos);
}

TEST_CASE("golden diff: a moved pod is one line naming both nodes and the time", "[golden]") {
  CHECK(diff_text(base_trace(), base_trace("n2")) == "pod default/web-1-bbbbb: node n1 -> n2 at +1s\n");
}

TEST_CASE("golden diff: a later transition is one line with both times", "[golden]") {
  CHECK(diff_text(base_trace(), base_trace("n1", "5m50s")) ==
        "node n2: NotReady at +5m40s -> +5m50s\n"
        "event NodeNotReady Node/n2: at +5m40s -> +5m50s\n");
}

TEST_CASE("golden diff: missing and new pods; renamed pods are paired by owner and creation order", "[golden]") {
  SECTION("a pod renamed with the same behaviour is no difference") {
    CHECK(diff_text(base_trace(), base_trace("n1", "5m40s", "web-1-zzzzz")).empty());
  }
  SECTION("a renamed pod that moved is reported under its new name") {
    std::string moved = base_trace("n1", "5m40s", "web-1-zzzzz");
    std::string trace = base_trace();
    CHECK(diff_text(trace, moved.replace(moved.find("\"value\":\"n2\""), 12, "\"value\":\"n1\"")) ==
          "pod default/web-1-zzzzz (golden default/web-1-aaaaa): node n2 -> n1 at +0s\n");
  }
  SECTION("a pod without a counterpart is missing on one side and new on the other") {
    std::string extra = base_trace() + pod_added("7m", "web-1-ccccc") + pod_runs("7m", "7m2s", "web-1-ccccc", "n1");
    CHECK(diff_text(base_trace(), extra) == "pod default/web-1-ccccc: new (on n1)\n");
    CHECK(diff_text(extra, base_trace()) == "pod default/web-1-ccccc: missing (was on n1)\n");
  }
}

TEST_CASE("golden diff: a pod created later is said once; a changed STATUS sequence from the last common value",
          "[golden]") {
  SECTION("everything of the pod shifted by its creation delay") {
    std::string late = base_trace();
    // pod b: created at 10s instead of 0s, bound at 11s, Running at 13s: one line.
    std::string shifted = node_added("n1") + node_added("n2") +
                          R"({"t":"0s","scenario":"apply","details":["deployment.apps/web created"]})" "\n" +
                          pod_added("0s", "web-1-aaaaa") + pod_runs("0s", "2s", "web-1-aaaaa", "n2") +
                          pod_added("10s", "web-1-bbbbb") + pod_runs("11s", "13s", "web-1-bbbbb", "n1") +
                          R"({"t":"5m","scenario":"haltNode","details":"n2"})" "\n" + node_not_ready("5m40s", "n2") +
                          R"({"t":"6m","kind":"Pod","name":"default/web-1-aaaaa","change":"DELETED"})" "\n";
    CHECK(diff_text(late, shifted) ==
          "pod default/web-1-bbbbb: created at +0s -> +10s (later times compared shifted by as much)\n");
  }
  SECTION("a pod that crash-loops instead of running") {
    std::string crash = base_trace() + R"({"t":"1m","kind":"Pod","name":"default/web-1-bbbbb","change":"MODIFIED","patch":[)"
                        R"({"op":"replace","path":"/status/containerStatuses/0/state","value":{"waiting":{"reason":"CrashLoopBackOff"}}},)"
                        R"({"op":"replace","path":"/status/containerStatuses/0/ready","value":false}]})" "\n";
    CHECK(diff_text(base_trace(), crash) == "pod default/web-1-bbbbb: status Running +3s -> Running +3s, CrashLoopBackOff +1m0s\n");
  }
  SECTION("an event that fires more often") {
    CHECK(diff_text(base_trace(), base_trace() + node_not_ready("7m", "n2")) ==
          "event NodeNotReady Node/n2: 1 -> 2 times (first at +5m40s -> +5m40s)\n");
  }
}

TEST_CASE("golden diff output is limited to the first differences", "[golden]") {
  std::vector<GoldenDifference> many;
  for (int i = 0; i < 25; ++i) many.push_back({Duration{}, "d" + std::to_string(i)});
  std::string text = format_differences(many, 3);
  CHECK(text == "d0\nd1\nd2\n... and 22 more differences\n");
}

}  // namespace
}  // namespace ktwin::analysis
