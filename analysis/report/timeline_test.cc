// Timeline reconstruction from a small hand-written trace: bars, states, faults, NotReady, replicas.
#include "analysis/report/timeline.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "analysis/metrics.h"

namespace ktwin::analysis::report {
namespace {

// Pod a: created unbound at 0 s, bound to n1 at 1 s, creating at 2 s, running unready at 5 s, ready
// at 7 s, deleted gracefully at 40 s, gone at 60 s. n1 halts at 10 s (NotReady 30 s to 55 s), resumes
// at 50 s. Pod b on n2 stays Pending; n2 is cordoned from 45 s to 65 s. web: 2 wanted; ready 1 then 2 at the same instant (5 s).
const char* kTrace = R"(
{"t":"0s","kind":"Node","name":"n1","change":"ADDED","object":{"metadata":{"name":"n1"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}}
{"t":"0s","kind":"Node","name":"n2","change":"ADDED","object":{"metadata":{"name":"n2"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}}
{"t":"0s","kind":"Deployment","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web","namespace":"default"},"spec":{"replicas":2}}}
{"t":"0s","kind":"Pod","name":"default/a","change":"ADDED","object":{"metadata":{"name":"a","namespace":"default"},"spec":{"containers":[{"name":"c","image":"i"}]},"status":{"phase":"Pending"}}}
{"t":"1s","kind":"Pod","name":"default/a","change":"MODIFIED","patch":[{"op":"add","path":"/spec/nodeName","value":"n1"}]}
{"t":"2s","kind":"Pod","name":"default/a","change":"MODIFIED","patch":[{"op":"add","path":"/status/containerStatuses","value":[{"name":"c","state":{"waiting":{"reason":"ContainerCreating"}}}]}]}
{"t":"5s","kind":"Pod","name":"default/a","change":"MODIFIED","patch":[{"op":"replace","path":"/status/phase","value":"Running"},{"op":"replace","path":"/status/containerStatuses/0/state","value":{"running":{"startedAt":"2021-03-01T00:00:05Z"}}},{"op":"add","path":"/status/conditions","value":[{"type":"Ready","status":"False"}]}]}
{"t":"5s","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"add","path":"/status","value":{"readyReplicas":1}}]}
{"t":"5s","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"replace","path":"/status/readyReplicas","value":2}]}
{"t":"6s","scenario":"killContainer","details":{"pod":"a","container":"c"}}
{"t":"7s","kind":"Pod","name":"default/a","change":"MODIFIED","patch":[{"op":"replace","path":"/status/conditions/0/status","value":"True"},{"op":"add","path":"/status/containerStatuses/0/ready","value":true}]}
{"t":"10s","scenario":"haltNode","details":"n1"}
{"t":"12s","scenario":"snapshot","details":{"command":"get nodes","output":"..."}}
{"t":"30s","kind":"Node","name":"n1","change":"MODIFIED","patch":[{"op":"replace","path":"/status/conditions/0/status","value":"Unknown"}]}
{"t":"40s","kind":"Pod","name":"default/a","change":"MODIFIED","patch":[{"op":"add","path":"/metadata/deletionTimestamp","value":"2021-03-01T00:00:40Z"}]}
{"t":"41s","kind":"Pod","name":"default/b","change":"ADDED","object":{"metadata":{"name":"b","namespace":"default"},"spec":{"nodeName":"n2","containers":[{"name":"c","image":"i"}]},"status":{"phase":"Pending"}}}
{"t":"45s","scenario":"cordonNode","details":"n2"}
{"t":"45s","kind":"Node","name":"n2","change":"MODIFIED","patch":[{"op":"add","path":"/spec","value":{"unschedulable":true}}]}
{"t":"50s","scenario":"resumeNode","details":"n1"}
{"t":"55s","kind":"Node","name":"n1","change":"MODIFIED","patch":[{"op":"replace","path":"/status/conditions/0/status","value":"True"}]}
{"t":"1m0s","kind":"Pod","name":"default/a","change":"DELETED"}
{"t":"1m5s","kind":"Node","name":"n2","change":"MODIFIED","patch":[{"op":"remove","path":"/spec/unschedulable"}]}
{"t":"1m10s","scenario":"expect","details":{"what":"deployment/web readyReplicas 3","ok":false,"got":"2"}}
)";

RunTimeline rebuild(const std::string& text) {
  std::istringstream in(text);
  auto lines = parse_trace(in);
  REQUIRE(lines.is_ok());
  auto tl = reconstruct_timeline(lines.value());
  REQUIRE(tl.is_ok());
  return tl.value();
}

TEST_CASE("a pod's bar follows kubectl's STATUS on the node it was bound to", "[report]") {
  RunTimeline tl = rebuild(kTrace);
  CHECK(tl.end == 70);
  REQUIRE(tl.nodes.size() == 2);
  const NodeLane& n1 = tl.nodes[0];
  CHECK(n1.node == "n1");
  REQUIRE(n1.pods.size() == 1);
  const PodBar& a = n1.pods[0];
  CHECK(a.pod == "default/a");
  CHECK(a.deleted);
  // Binding alone (1 s) changes no STATUS: Pending runs from 0 s to 2 s.
  std::vector<std::tuple<double, double, std::string>> want = {{0, 2, "Pending"},
                                                               {2, 5, "ContainerCreating"},
                                                               {5, 7, "Running (not ready)"},
                                                               {7, 40, "Running"},
                                                               {40, 60, "Terminating"}};
  REQUIRE(a.segments.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("segment " << i);
    CHECK(a.segments[i].start == std::get<0>(want[i]));
    CHECK(a.segments[i].end == std::get<1>(want[i]));
    CHECK(a.segments[i].state == std::get<2>(want[i]));
  }
  const NodeLane& n2 = tl.nodes[1];
  REQUIRE(n2.pods.size() == 1);
  CHECK_FALSE(n2.pods[0].deleted);
  REQUIRE(n2.pods[0].segments.size() == 1);
  CHECK(n2.pods[0].segments[0].start == 41);
  CHECK(n2.pods[0].segments[0].end == 70);  // still there at the end
}

TEST_CASE("faults, NotReady spells and markers land on their node", "[report]") {
  RunTimeline tl = rebuild(kTrace);
  const NodeLane& n1 = tl.nodes[0];
  REQUIRE(n1.faults.size() == 1);
  CHECK(n1.faults[0].what == "haltNode");
  CHECK(n1.faults[0].start == 10);
  CHECK(n1.faults[0].end == 50);
  REQUIRE(n1.not_ready.size() == 1);
  CHECK(n1.not_ready[0].start == 30);
  CHECK(n1.not_ready[0].end == 55);
  REQUIRE(n1.markers.size() == 1);
  CHECK(n1.markers[0].t == 6);
  CHECK(n1.markers[0].what == "killContainer default/a c");
  CHECK(n1.cordoned.empty());
  CHECK(tl.nodes[1].faults.empty());  // a cordon is the Node's spec.unschedulable, not a fault
  CHECK(tl.nodes[1].not_ready.empty());
  REQUIRE(tl.nodes[1].cordoned.size() == 1);
  CHECK(tl.nodes[1].cordoned[0].start == 45);
  CHECK(tl.nodes[1].cordoned[0].end == 65);

  SECTION("an undone fault closes; one left open runs to the end") {
    std::string open = std::string(kTrace) + R"({"t":"1m20s","scenario":"partition","details":"n2"})" + "\n";
    RunTimeline t2 = rebuild(open);
    REQUIRE(t2.nodes[1].faults.size() == 1);
    CHECK(t2.nodes[1].faults[0].what == "partition");
    CHECK(t2.nodes[1].faults[0].start == 80);
    CHECK(t2.nodes[1].faults[0].end == 80);
  }
}

TEST_CASE("ready replicas step at each change, and the scenario lines keep actions and results", "[report]") {
  RunTimeline tl = rebuild(kTrace);
  REQUIRE(tl.deployments.size() == 1);
  const DeploymentSeries& web = tl.deployments[0];
  CHECK(web.name == "default/web");
  REQUIRE(web.steps.size() == 2);  // two changes at 5 s: only the last one shows
  CHECK(web.steps[0].t == 0);
  CHECK(web.steps[0].ready == 0);
  CHECK(web.steps[0].spec == 2);
  CHECK(web.steps[1].t == 5);
  CHECK(web.steps[1].ready == 2);
  std::vector<std::string> what;
  for (const ScenarioLine& l : tl.scenario) what.push_back(l.what);
  CHECK(what == std::vector<std::string>{"killContainer", "haltNode", "cordonNode", "resumeNode", "expect"});  // no snapshot
  CHECK(tl.scenario.back().failed);
  CHECK(tl.scenario.back().detail == "deployment/web readyReplicas 3 (got 2)");
}

TEST_CASE("a patch that does not apply is an error, not a silent gap", "[report]") {
  std::istringstream in(R"({"t":"0s","kind":"Pod","name":"default/x","change":"MODIFIED","patch":[]})");
  auto lines = parse_trace(in);
  REQUIRE(lines.is_ok());
  CHECK_FALSE(reconstruct_timeline(lines.value()).is_ok());
}

}  // namespace
}  // namespace ktwin::analysis::report
