// Watches as kubectl opens them: get -w (Table events), delete's wait and rollout status (fieldSelector),
// resourceVersion semantics (after a list's version, 0, too old).
#include "realnet/api/api_test_fixture.h"

using namespace ktwin::realnet;
using namespace ktwin::realnet::testing;

namespace {

json pod_doc(const std::string& name, const std::string& node = "") {
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}}},
              {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "mongo"}}})}}}};
  if (!node.empty()) pod["spec"]["nodeName"] = node;
  return pod;
}

std::string create_pod(ApiFixture& f, const std::string& name, const std::string& node = "") {
  auto [code, pod] = f.call("POST", "/api/v1/namespaces/default/pods", pod_doc(name, node).dump());
  REQUIRE(code == 201);
  return pod["metadata"]["resourceVersion"];
}

}  // namespace

TEST_CASE("get -w: the Table list's resourceVersion, then one-row Table events with columns once",
          "[realnet][api][watch]") {
  ApiFixture f;
  create_pod(f, "mongo-1");
  f.settle();
  auto [code, table] = f.call("GET", "/api/v1/namespaces/default/pods?limit=500", "", "", admin(), kTableAccept);
  REQUIRE(code == 200);
  std::string rv = table["metadata"]["resourceVersion"];
  HandlerResult watch = f.send("GET", "/api/v1/namespaces/default/pods?resourceVersion=" + rv + "&watch=true", "",
                               "", admin(), kTableAccept);
  REQUIRE(watch.stream);
  CHECK(watch.response.status == 200);
  StreamRecorder rec;
  rec.attach(*watch.stream);
  f.settle();
  CHECK(rec.lines.empty());  // mongo-1 was in the list: no duplicate

  create_pod(f, "mongo-2");
  f.settle();
  REQUIRE(rec.lines.size() == 1);
  CHECK(rec.lines[0].back() == '\n');
  json added = rec.events()[0];
  CHECK(added["type"] == "ADDED");
  CHECK(added["object"]["kind"] == "Table");
  CHECK(added["object"]["columnDefinitions"][0]["name"] == "Name");
  REQUIRE(added["object"]["rows"].size() == 1);
  CHECK(added["object"]["rows"][0]["cells"][0] == "mongo-2");

  auto [patch_code, patched] = f.call("PATCH", "/api/v1/namespaces/default/pods/mongo-2/status",
                                      R"({"status":{"phase":"Running"}})", "application/merge-patch+json");
  REQUIRE(patch_code == 200);
  f.settle();
  REQUIRE(rec.lines.size() == 2);
  json modified = rec.events()[1];
  CHECK(modified["type"] == "MODIFIED");
  CHECK(!modified["object"].contains("columnDefinitions"));
  CHECK(modified["object"]["rows"][0]["cells"][2] == "Running");
  CHECK(modified["object"]["metadata"]["resourceVersion"] == patched["metadata"]["resourceVersion"]);
  watch.stream->cancel();
  create_pod(f, "mongo-3");
  f.settle();
  CHECK(rec.lines.size() == 2);
}

TEST_CASE("delete wait: a watch with fieldSelector=metadata.name ends on DELETED", "[realnet][api][watch]") {
  ApiFixture f;
  create_pod(f, "mongo-46ts2", "worker2");
  create_pod(f, "other", "worker2");
  auto [code, terminating] = f.call("DELETE", "/api/v1/namespaces/default/pods/mongo-46ts2",
                                    R"({"propagationPolicy":"Background"})");
  REQUIRE(code == 200);
  // kubectl 1.20: list by name, then watch from the list's version.
  auto [list_code, list] = f.call("GET", "/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dmongo-46ts2");
  REQUIRE(list["items"].size() == 1);
  HandlerResult watch = f.send("GET", "/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dmongo-46ts2&"
                                      "resourceVersion=" + list["metadata"]["resourceVersion"].get<std::string>() +
                                      "&watch=true");
  REQUIRE(watch.stream);
  StreamRecorder rec;
  rec.attach(*watch.stream);
  f.settle();
  CHECK(rec.lines.empty());
  // The kubelet finishes the deletion with grace 0; the other pod's deletion is not this watch's.
  REQUIRE(f.store.remove(ktwin::core::Kind::kPod, "default", "other", {0, {}}).is_ok());
  REQUIRE(f.store.remove(ktwin::core::Kind::kPod, "default", "mongo-46ts2", {0, {}}).is_ok());
  f.settle();
  REQUIRE(rec.lines.size() == 1);
  json deleted = rec.events()[0];
  CHECK(deleted["type"] == "DELETED");
  CHECK(deleted["object"]["kind"] == "Pod");
  CHECK(deleted["object"]["metadata"]["name"] == "mongo-46ts2");
}

TEST_CASE("rollout status: list by name with resourceVersion=0, watch with timeoutSeconds", "[realnet][api][watch]") {
  ApiFixture f;
  json dep = {{"apiVersion", "apps/v1"},
              {"kind", "Deployment"},
              {"metadata", {{"name", "letschat"}}},
              {"spec",
               {{"selector", {{"matchLabels", {{"name", "letschat"}}}}},
                {"template",
                 {{"metadata", {{"labels", {{"name", "letschat"}}}}},
                  {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "sdelements/lets-chat"}}})}}}}}}}};
  const std::string base = "/apis/apps/v1/namespaces/default/deployments";
  REQUIRE(f.call("POST", base, dep.dump()).first == 201);
  dep["metadata"]["name"] = "mongo";
  REQUIRE(f.call("POST", base, dep.dump()).first == 201);
  auto [code, list] = f.call("GET", base + "?fieldSelector=metadata.name%3Dletschat&limit=500&resourceVersion=0");
  REQUIRE(list["items"].size() == 1);
  HandlerResult watch = f.send("GET", base + "?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dletschat&"
                                             "resourceVersion=" + list["metadata"]["resourceVersion"].get<std::string>() +
                                             "&timeoutSeconds=300&watch=true");
  REQUIRE(watch.stream);
  StreamRecorder rec;
  rec.attach(*watch.stream);
  REQUIRE(f.call("PATCH", base + "/mongo/scale", R"({"spec":{"replicas":3}})", "application/merge-patch+json").first == 200);
  REQUIRE(f.call("PATCH", base + "/letschat/status", R"({"status":{"observedGeneration":1,"updatedReplicas":1}})",
                 "application/merge-patch+json").first == 200);
  f.settle();
  REQUIRE(rec.lines.size() == 1);
  json event = rec.events()[0];
  CHECK(event["type"] == "MODIFIED");
  CHECK(event["object"]["kind"] == "Deployment");
  CHECK(event["object"]["status"]["updatedReplicas"] == 1);
  CHECK(!rec.closed);
  f.loop.run_until(f.loop.now() + std::chrono::seconds(301));
  CHECK(rec.closed);
}

TEST_CASE("watch from 0 or unset starts with the current state as ADDED; a dropped version is 410 Expired",
          "[realnet][api][watch]") {
  ApiServerOptions options;
  options.watch_cache_size = 2;
  ApiFixture f(options);
  std::string first = create_pod(f, "a");
  create_pod(f, "b");
  f.settle();
  HandlerResult from_zero = f.send("GET", "/api/v1/pods?watch=1&resourceVersion=0");
  REQUIRE(from_zero.stream);
  StreamRecorder zero;
  zero.attach(*from_zero.stream);
  REQUIRE(zero.lines.size() == 2);
  CHECK(zero.events()[0]["type"] == "ADDED");
  CHECK(zero.events()[1]["object"]["metadata"]["name"] == "b");

  create_pod(f, "c");
  create_pod(f, "d");
  f.settle();
  CHECK(zero.lines.size() == 4);
  HandlerResult too_old = f.send("GET", "/api/v1/pods?watch=true&resourceVersion=" + first);
  REQUIRE(too_old.stream);
  StreamRecorder old;
  old.attach(*too_old.stream);
  REQUIRE(old.lines.size() == 1);
  json error = old.events()[0];
  CHECK(error["type"] == "ERROR");
  CHECK(error["object"]["kind"] == "Status");
  CHECK(error["object"]["code"] == 410);
  CHECK(error["object"]["reason"] == "Expired");
  CHECK(old.closed);

  // Within the cache: exactly the events after the version, in order.
  auto [code, c] = f.call("GET", "/api/v1/namespaces/default/pods/c");
  HandlerResult recent = f.send("GET", "/api/v1/pods?watch=true&resourceVersion=" +
                                           c["metadata"]["resourceVersion"].get<std::string>());
  REQUIRE(recent.stream);
  StreamRecorder rec;
  rec.attach(*recent.stream);
  REQUIRE(rec.lines.size() == 1);
  CHECK(rec.events()[0]["object"]["metadata"]["name"] == "d");
}

TEST_CASE("a watch whose selector an object leaves sees DELETED, entering sees ADDED", "[realnet][api][watch]") {
  ApiFixture f;
  create_pod(f, "p");
  f.settle();
  HandlerResult watch = f.send("GET", "/api/v1/pods?watch=true&fieldSelector=status.phase%3DRunning&resourceVersion=" +
                                          std::to_string(f.store.resource_version()));
  REQUIRE(watch.stream);
  StreamRecorder rec;
  rec.attach(*watch.stream);
  f.call("PATCH", "/api/v1/namespaces/default/pods/p/status", R"({"status":{"phase":"Running"}})",
         "application/merge-patch+json");
  f.call("PATCH", "/api/v1/namespaces/default/pods/p/status", R"({"status":{"phase":"Failed"}})",
         "application/merge-patch+json");
  f.settle();
  REQUIRE(rec.lines.size() == 2);
  CHECK(rec.events()[0]["type"] == "ADDED");
  CHECK(rec.events()[1]["type"] == "DELETED");
}
