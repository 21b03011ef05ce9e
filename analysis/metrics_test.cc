// Metrics on small hand-written traces whose numbers are worked out in the comments.
#include "analysis/metrics.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace ktwin::analysis {
namespace {

std::vector<nlohmann::json> lines(const std::string& text) {
  std::istringstream in(text);
  auto parsed = parse_trace(in);
  REQUIRE(parsed.is_ok());
  return parsed.value();
}

Metrics compute(const std::string& text) {
  auto m = compute_metrics(lines(text));
  REQUIRE(m.is_ok());
  return m.value();
}

// web: 2 replicas, pod a on n2 and pod b on n1; n2 halts at 100 s.
const char* kHaltTrace = R"(
{"t":"0s","kind":"Deployment","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web","namespace":"default"},"spec":{"replicas":2}}}
{"t":"0s","kind":"ReplicaSet","name":"default/web-1","change":"ADDED","object":{"metadata":{"name":"web-1","namespace":"default","ownerReferences":[{"kind":"Deployment","name":"web"}]}}}
{"t":"0s","kind":"Pod","name":"default/web-1-a","change":"ADDED","object":{"metadata":{"name":"web-1-a","namespace":"default","ownerReferences":[{"kind":"ReplicaSet","name":"web-1"}]},"spec":{"nodeName":"n2"},"status":{"containerStatuses":[{"name":"c","restartCount":0}]}}}
{"t":"0s","kind":"Pod","name":"default/web-1-b","change":"ADDED","object":{"metadata":{"name":"web-1-b","namespace":"default","ownerReferences":[{"kind":"ReplicaSet","name":"web-1"}]},"spec":{"nodeName":"n1"},"status":{"containerStatuses":[{"name":"c","restartCount":0}]}}}
{"t":"0s","kind":"Service","name":"default/kubernetes","change":"ADDED","object":{"metadata":{"name":"kubernetes"},"spec":{}}}
{"t":"0s","kind":"Service","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web"},"spec":{"selector":{"app":"web"}}}}
{"t":"0s","kind":"Endpoints","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web"}}}
{"t":"10s","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"add","path":"/status","value":{"readyReplicas":2}}]}
{"t":"10s","kind":"Endpoints","name":"default/web","change":"MODIFIED","patch":[{"op":"add","path":"/subsets","value":[{"addresses":[{"ip":"a"},{"ip":"b"}]}]}]}
{"t":"1m40s","scenario":"haltNode","details":"n2"}
{"t":"2m10s","event":"NodeNotReady","type":"Normal","kind":"Node","name":"n1","message":"other node"}
{"t":"2m10s","event":"NodeNotReady","type":"Normal","kind":"Node","name":"n2","message":"Node n2 status is now: NodeNotReady"}
{"t":"2m10s","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"replace","path":"/status/readyReplicas","value":1}]}
{"t":"2m10s","kind":"Endpoints","name":"default/web","change":"MODIFIED","patch":[{"op":"remove","path":"/subsets/0/addresses/1"}]}
{"t":"2m30s","kind":"Pod","name":"default/web-1-b","change":"MODIFIED","patch":[{"op":"replace","path":"/status/containerStatuses/0/restartCount","value":2}]}
{"t":"2m30s","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"remove","path":"/status/readyReplicas"}]}
{"t":"2m30s","kind":"Endpoints","name":"default/web","change":"MODIFIED","patch":[{"op":"remove","path":"/subsets/0/addresses/0"}]}
{"t":"2m40s","event":"TaintManagerEviction","type":"Normal","kind":"Pod","name":"default/web-1-a","message":"Cancelling deletion of Pod default/web-1-a"}
{"t":"6m40s","event":"TaintManagerEviction","type":"Normal","kind":"Pod","name":"default/web-1-a","message":"Marking for deletion Pod default/web-1-a"}
{"t":"6m40s","kind":"Pod","name":"default/web-1-a","change":"MODIFIED","patch":[{"op":"add","path":"/metadata/deletionTimestamp","value":"x"}]}
{"t":"6m41s","kind":"Pod","name":"default/web-1-c","change":"ADDED","object":{"metadata":{"name":"web-1-c","namespace":"default","ownerReferences":[{"kind":"ReplicaSet","name":"web-1"}]},"spec":{"nodeName":"n1"}}}
{"t":"6m50s","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"add","path":"/status/readyReplicas","value":1}]}
{"t":"6m50s","kind":"Endpoints","name":"default/web","change":"MODIFIED","patch":[{"op":"add","path":"/subsets/0/addresses/-","value":{"ip":"c"}}]}
{"t":"7m","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"replace","path":"/status/readyReplicas","value":2}]}
{"t":"8m20s","scenario":"expect","details":{"ok":true}}
)";

TEST_CASE("metrics of a node halt, computed by hand", "[metrics]") {
  Metrics m = compute(kHaltTrace);
  CHECK(m.halted_node == "n2");
  CHECK(m.halt_at == Approx(100));
  CHECK(m.end == Approx(500));
  REQUIRE(m.time_to_detect);
  CHECK(*m.time_to_detect == Approx(30));  // 130 - 100; n1's event does not count
  REQUIRE(m.time_to_evict);
  CHECK(*m.time_to_evict == Approx(300));  // 400 - 100; the "Cancelling" line is not an eviction
  REQUIRE(m.deployments.size() == 1);
  const DeploymentMetrics& d = m.deployments[0];
  CHECK(d.name == "default/web");
  REQUIRE(d.time_to_evict);
  CHECK(*d.time_to_evict == Approx(300));
  REQUIRE(d.time_to_recover);
  CHECK(*d.time_to_recover == Approx(320));  // ready 2 again at 420
  // 130..150 short 1 (20) + 150..410 short 2 (520) + 410..420 short 1 (10).
  REQUIRE(d.unavailable_replica_seconds_after_halt);
  CHECK(*d.unavailable_replica_seconds_after_halt == Approx(550));
  CHECK(d.unavailable_replica_seconds == Approx(570));  // plus 0..10 short 2 before the first status
  CHECK(d.pod_restarts == 2);
  REQUIRE(d.pods_rescheduled);
  CHECK(*d.pods_rescheduled == 1);  // web-1-c; a and b came before the eviction
  REQUIRE(m.services.size() == 1);  // the selector-less kubernetes Service has no managed Endpoints
  CHECK(m.services[0].name == "default/web");
  REQUIRE(m.services[0].zero_ready_endpoint_seconds_after_halt);
  CHECK(*m.services[0].zero_ready_endpoint_seconds_after_halt == Approx(260));  // 150..410

  SECTION("as JSON and as columns") {
    nlohmann::json j = metrics_json(m);
    CHECK(j["timeToDetect"] == 30.0);
    CHECK(j["deployments"]["default/web"]["podRestarts"] == 2);
    auto flat = flatten_metrics(m);
    // + web as an entry point (effective_availability_test.cc), + the fault metrics (the trace halts a
    // node): run-wide and web's false evictions and duplicate-pod seconds.
    REQUIRE(flat.size() == 2 + 6 + 1 + 2 + 4);
    CHECK(flat[3].first == "default/web.time_to_recover");
    CHECK(*flat[3].second == Approx(320));
    CHECK(flat[9].first == "default/web.svc.effectively_unavailable_seconds_after_fault");
    CHECK(*flat[9].second == Approx(260));  // without dependencies: its own 150..410
  }
  SECTION("as a table") {
    std::string table = metrics_table(m);
    CHECK(table.find("node/n2 at +1m40s, detected after 30s, first eviction after 5m0s") != std::string::npos);
    CHECK(table.find("default/web   5m0s    5m20s") != std::string::npos);
  }
}

TEST_CASE("metrics without a halt are null, not zero", "[metrics]") {
  Metrics m = compute(R"(
{"t":"0s","kind":"Deployment","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web"},"spec":{"replicas":3}}}
{"t":"4s","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"add","path":"/status","value":{"readyReplicas":3}}]}
{"t":"1m","scenario":"snapshot","details":"get pods"}
)");
  CHECK_FALSE(m.halt_at);
  CHECK_FALSE(m.time_to_detect);
  CHECK_FALSE(m.time_to_evict);
  REQUIRE(m.deployments.size() == 1);
  CHECK_FALSE(m.deployments[0].time_to_recover);
  CHECK_FALSE(m.deployments[0].unavailable_replica_seconds_after_halt);
  CHECK_FALSE(m.deployments[0].pods_rescheduled);
  CHECK(m.deployments[0].unavailable_replica_seconds == Approx(12));  // 3 short for 4 s
  CHECK(metrics_json(m)["timeToDetect"].is_null());
}

TEST_CASE("an eviction without an event is a deletionTimestamp on the halted node", "[metrics]") {
  Metrics m = compute(R"(
{"t":"0s","kind":"Pod","name":"default/a","change":"ADDED","object":{"metadata":{"name":"a"},"spec":{"nodeName":"n1"}}}
{"t":"0s","kind":"Pod","name":"default/b","change":"ADDED","object":{"metadata":{"name":"b"},"spec":{"nodeName":"n2"}}}
{"t":"10s","scenario":"haltNode","details":"n2"}
{"t":"20s","kind":"Pod","name":"default/a","change":"MODIFIED","patch":[{"op":"add","path":"/metadata/deletionTimestamp","value":"x"}]}
{"t":"1m10s","kind":"Pod","name":"default/b","change":"MODIFIED","patch":[{"op":"add","path":"/metadata/deletionTimestamp","value":"x"}]}
)");
  REQUIRE(m.time_to_evict);
  CHECK(*m.time_to_evict == Approx(60));  // b at 70 s; a is on n1
  CHECK_FALSE(m.time_to_detect);          // no NodeNotReady event in this trace
}

TEST_CASE("a deployment that never falls short has no recovery time", "[metrics]") {
  Metrics m = compute(R"(
{"t":"0s","kind":"Deployment","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web"},"spec":{"replicas":1},"status":{"readyReplicas":1}}}
{"t":"10s","scenario":"haltNode","details":"n2"}
{"t":"1m","scenario":"snapshot","details":"get pods"}
)");
  REQUIRE(m.deployments.size() == 1);
  CHECK_FALSE(m.deployments[0].time_to_recover);
  REQUIRE(m.deployments[0].unavailable_replica_seconds_after_halt);
  CHECK(*m.deployments[0].unavailable_replica_seconds_after_halt == 0.0);
}

TEST_CASE("bad traces are rejected with a reason", "[metrics]") {
  std::istringstream not_json("{\"t\":\"0s\"}\n{oops\n");
  auto parsed = parse_trace(not_json);
  REQUIRE_FALSE(parsed.is_ok());
  CHECK(parsed.status().message() == "trace line 2: not JSON");

  auto bad_patch = compute_metrics(lines(R"(
{"t":"0s","kind":"Pod","name":"default/a","change":"ADDED","object":{"metadata":{"name":"a"}}}
{"t":"1s","kind":"Pod","name":"default/a","change":"MODIFIED","patch":[{"op":"remove","path":"/spec/nope"}]}
)"));
  REQUIRE_FALSE(bad_patch.is_ok());
  CHECK(bad_patch.status().message().find("patch of Pod default/a at 1s") != std::string::npos);

  auto no_time = compute_metrics(lines(R"({"scenario":"apply"})"));
  CHECK_FALSE(no_time.is_ok());
}

}  // namespace
}  // namespace ktwin::analysis
