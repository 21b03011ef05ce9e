// The walk-through's kubectl requests (kubectl-wire.md §1-§8) replayed against the API server.
#include "realnet/api/api_server.h"

#include "realnet/api/api_test_fixture.h"

using namespace ktwin::realnet;
using namespace ktwin::realnet::testing;

namespace {

// kubectl apply's first POST of mongo-deployment.yaml: the manifest plus last-applied-configuration.
json mongo_deployment(const std::string& image = "mongo") {
  json manifest = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "mongo"}, {"namespace", "default"}, {"labels", {{"name", "mongo"}}}}},
      {"spec",
       {{"replicas", 1},
        {"selector", {{"matchLabels", {{"name", "mongo"}}}}},
        {"template",
         {{"metadata", {{"labels", {{"name", "mongo"}}}}},
          {"spec",
           {{"containers", json::array({{{"name", "mongo"},
                                         {"image", image},
                                         {"ports", json::array({{{"name", "mongo"}, {"containerPort", 27017}}})}}})}}}}}}}};
  json applied = manifest;
  applied["metadata"]["annotations"] = json::object();
  manifest["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration", applied.dump() + "\n"}};
  return manifest;
}

json pod_doc(const std::string& name, const std::string& node = "") {
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"labels", {{"name", "mongo"}}}}},
              {"spec", {{"containers", json::array({{{"name", "mongo"}, {"image", "mongo"}}})}}}};
  if (!node.empty()) pod["spec"]["nodeName"] = node;
  return pod;
}

void check_status(const json& body, int code, const std::string& reason, const std::string& message) {
  CHECK(body["kind"] == "Status");
  CHECK(body["apiVersion"] == "v1");
  CHECK(body["status"] == "Failure");
  CHECK(body["code"] == code);
  CHECK(body["reason"] == reason);
  CHECK(body["message"] == message);
}

const char* kDeployments = "/apis/apps/v1/namespaces/default/deployments";

}  // namespace

TEST_CASE("discovery, /version and the empty OpenAPI document kubectl apply needs", "[realnet][api]") {
  ApiFixture f;
  auto [code, version] = f.call("GET", "/version?timeout=32s", "", "", UserInfo{});
  CHECK(code == 200);
  CHECK(version["minor"] == "20");
  CHECK(version["gitVersion"] == "v1.20.4+ktwin");
  auto [v1_code, v1] = f.call("GET", "/api/v1?timeout=32s");
  CHECK(v1_code == 200);
  CHECK(v1["groupVersion"] == "v1");
  auto [apis_code, apis] = f.call("GET", "/apis?timeout=32s");
  CHECK(apis_code == 200);
  CHECK(apis["kind"] == "APIGroupList");
  HandlerResult openapi = f.send("GET", "/openapi/v2?timeout=32s", "", "", admin(),
                                 "application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
  CHECK(openapi.response.status == 200);
  CHECK(openapi.response.body.empty());
  CHECK(openapi.response.headers.at(0).second == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  CHECK(f.call("GET", "/openapi/v3").first == 404);
  HandlerResult aggregated = f.send("GET", "/apis", "", "", admin(),
                                    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
  CHECK(aggregated.response.headers.at(0).second ==
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  check_status(f.call("GET", "/apis/apps/v1/namespaces/default/widgets").second, 404, "NotFound",
               "the server could not find the requested resource");
}

TEST_CASE("apply: GET 404, POST 201 keeping last-applied, POST again 409, then a strategic merge PATCH",
          "[realnet][api]") {
  ApiFixture f;
  auto [get_code, missing] = f.call("GET", std::string(kDeployments) + "/mongo");
  CHECK(get_code == 404);
  check_status(missing, 404, "NotFound", "deployments.apps \"mongo\" not found");
  CHECK(missing["details"] == json({{"name", "mongo"}, {"group", "apps"}, {"kind", "deployments"}}));

  json manifest = mongo_deployment();
  auto [post_code, created] =
      f.call("POST", std::string(kDeployments) + "?fieldManager=kubectl-client-side-apply", manifest.dump());
  REQUIRE(post_code == 201);
  CHECK(created["kind"] == "Deployment");
  CHECK(created["apiVersion"] == "apps/v1");
  CHECK(created["metadata"]["name"] == "mongo");
  CHECK(created["metadata"]["generation"] == 1);
  CHECK(!created["metadata"]["uid"].get<std::string>().empty());
  CHECK(created["metadata"]["annotations"] == manifest["metadata"]["annotations"]);
  CHECK(created["spec"]["strategy"]["type"] == "RollingUpdate");  // defaulted by admission

  auto [again_code, again] = f.call("POST", kDeployments, manifest.dump());
  check_status(again, 409, "AlreadyExists", "deployments.apps \"mongo\" already exists");
  CHECK(again_code == 409);

  // The second apply of a changed manifest: image changed, the label "tier" (never set) removed.
  json patch = {{"metadata",
                 {{"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{\"changed\":true}\n"}}},
                  {"labels", {{"tier", nullptr}}}}},
                {"spec",
                 {{"template",
                   {{"spec",
                     {{"$setElementOrder/containers", json::array({{{"name", "mongo"}}})},
                      {"containers", json::array({{{"name", "mongo"}, {"image", "mongo:4.4"}}})}}}}}}}};
  auto [patch_code, patched] = f.call("PATCH", std::string(kDeployments) + "/mongo?fieldManager=kubectl-client-side-apply",
                                      patch.dump(), "application/strategic-merge-patch+json");
  REQUIRE(patch_code == 200);
  json container = patched["spec"]["template"]["spec"]["containers"][0];
  CHECK(container["image"] == "mongo:4.4");
  CHECK(container["ports"][0]["containerPort"] == 27017);  // merged by name, not replaced
  CHECK(patched["metadata"]["generation"] == 2);
  CHECK(patched["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] ==
        "{\"changed\":true}\n");
  CHECK(!patched["spec"]["template"]["spec"].contains("$setElementOrder/containers"));

  // A patch that changes only metadata leaves the generation alone.
  auto [meta_code, relabelled] = f.call("PATCH", std::string(kDeployments) + "/mongo",
                                        R"({"metadata":{"labels":{"tier":"db"}}})", "application/merge-patch+json");
  CHECK(meta_code == 200);
  CHECK(relabelled["metadata"]["generation"] == 2);
  CHECK(relabelled["metadata"]["labels"]["tier"] == "db");
  CHECK(f.call("PATCH", std::string(kDeployments) + "/mongo", "{}", "text/plain").first == 415);
}

TEST_CASE("get: a server-side Table or a plain list, both with the store's resourceVersion", "[realnet][api]") {
  ApiFixture f;
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod_doc("mongo-1").dump()).first == 201);
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod_doc("mongo-2").dump()).first == 201);
  const std::string rv = std::to_string(f.store.resource_version());

  auto [table_code, table] = f.call("GET", "/api/v1/namespaces/default/pods?limit=500", "", "", admin(), kTableAccept);
  REQUIRE(table_code == 200);
  CHECK(table["kind"] == "Table");
  CHECK(table["metadata"]["resourceVersion"] == rv);
  CHECK(table["columnDefinitions"][0]["name"] == "Name");
  CHECK(table["columnDefinitions"][0]["format"] == "name");
  REQUIRE(table["rows"].size() == 2);
  CHECK(table["rows"][0]["cells"][0] == "mongo-1");
  CHECK(table["rows"][0]["cells"][2] == "Pending");
  CHECK(table["rows"][0]["object"]["kind"] == "PartialObjectMetadata");

  auto [one_code, one] = f.call("GET", "/api/v1/namespaces/default/pods/mongo-2", "", "", admin(), kTableAccept);
  CHECK(one_code == 200);
  REQUIRE(one["rows"].size() == 1);
  CHECK(one["rows"][0]["cells"][0] == "mongo-2");

  auto [list_code, list] = f.call("GET", "/api/v1/pods?limit=500");
  CHECK(list_code == 200);
  CHECK(list["kind"] == "PodList");
  CHECK(list["apiVersion"] == "v1");
  CHECK(list["metadata"]["resourceVersion"] == rv);
  CHECK(list["items"].size() == 2);

  auto [sel_code, selected] = f.call("GET", "/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dmongo-2");
  CHECK(sel_code == 200);
  REQUIRE(selected["items"].size() == 1);
  CHECK(selected["items"][0]["metadata"]["name"] == "mongo-2");
  CHECK(f.call("GET", "/api/v1/namespaces/default/pods?labelSelector=name%3Dother").second["items"].empty());
  check_status(f.call("GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx").second, 400, "BadRequest",
               "field label not supported: spec.bogus");
  CHECK(f.call("GET", "/api/v1/namespaces/kube-system/pods").second["items"].empty());
}

TEST_CASE("scale: PATCH /scale with a merge patch, GET and PUT /scale with a stale resourceVersion",
          "[realnet][api]") {
  ApiFixture f;
  REQUIRE(f.call("POST", kDeployments, mongo_deployment().dump()).first == 201);
  const std::string scale_path = std::string(kDeployments) + "/mongo/scale";
  auto [code, scale] = f.call("PATCH", scale_path, R"({"spec":{"replicas":10}})", "application/merge-patch+json");
  REQUIRE(code == 200);
  CHECK(scale["kind"] == "Scale");
  CHECK(scale["apiVersion"] == "autoscaling/v1");
  CHECK(scale["spec"]["replicas"] == 10);
  CHECK(scale["status"]["selector"] == "name=mongo");
  auto [get_code, deployment] = f.call("GET", std::string(kDeployments) + "/mongo");
  CHECK(deployment["spec"]["replicas"] == 10);
  CHECK(deployment["metadata"]["generation"] == 2);

  auto [scale_code, current] = f.call("GET", scale_path);
  CHECK(scale_code == 200);
  CHECK(current["metadata"]["resourceVersion"] == deployment["metadata"]["resourceVersion"]);
  json stale = current;
  stale["metadata"]["resourceVersion"] = "1";
  stale["spec"]["replicas"] = 3;
  auto [put_code, conflict] = f.call("PUT", scale_path, stale.dump(), "");  // kubectl sends no Content-Type
  CHECK(put_code == 409);
  check_status(conflict, 409, "Conflict",
               "Operation cannot be fulfilled on deployments.apps \"mongo\": the object has been modified; please "
               "apply your changes to the latest version and try again");
  current["spec"]["replicas"] = 3;
  auto [ok_code, scaled] = f.call("PUT", scale_path, current.dump(), "");
  CHECK(ok_code == 200);
  CHECK(scaled["spec"]["replicas"] == 3);
  auto [neg_code, negative] = f.call("PATCH", scale_path, R"({"spec":{"replicas":-1}})", "application/merge-patch+json");
  CHECK(neg_code == 422);
  CHECK(negative["reason"] == "Invalid");
}

TEST_CASE("update: PUT with a stale resourceVersion is a Conflict, status stays the controllers'", "[realnet][api]") {
  ApiFixture f;
  auto [code, created] = f.call("POST", kDeployments, mongo_deployment().dump());
  REQUIRE(code == 201);
  json stale = created;
  stale["metadata"]["resourceVersion"] = "0" + created["metadata"]["resourceVersion"].get<std::string>() + "9";
  CHECK(f.call("PUT", std::string(kDeployments) + "/mongo", stale.dump()).first == 409);
  json renamed = created;
  renamed["metadata"]["name"] = "other";
  check_status(f.call("PUT", std::string(kDeployments) + "/mongo", renamed.dump()).second, 400, "BadRequest",
               "the name of the object (other) does not match the name on the URL (mongo)");
  json faked = created;
  faked["status"] = {{"replicas", 99}};
  faked["spec"]["replicas"] = 2;
  auto [put_code, updated] = f.call("PUT", std::string(kDeployments) + "/mongo", faked.dump());
  REQUIRE(put_code == 200);
  CHECK(updated["spec"]["replicas"] == 2);
  CHECK(updated["metadata"]["generation"] == 2);
  CHECK(updated.value("status", json::object()).value("replicas", 0) == 0);
  auto [status_code, with_status] = f.call("PUT", std::string(kDeployments) + "/mongo/status", faked.dump());
  CHECK(status_code == 409);  // faked carries the old resourceVersion
  faked["metadata"]["resourceVersion"] = updated["metadata"]["resourceVersion"];
  std::tie(status_code, with_status) = f.call("PUT", std::string(kDeployments) + "/mongo/status", faked.dump());
  CHECK(status_code == 200);
  CHECK(with_status["status"]["replicas"] == 99);
  CHECK(with_status["spec"]["replicas"] == 2);  // /status leaves spec alone
}

TEST_CASE("422 Invalid with kubectl's wording and causes", "[realnet][api]") {
  ApiFixture f;
  json bad = mongo_deployment();
  bad["metadata"]["name"] = "letschat";
  bad["spec"]["replicas"] = -1;
  auto [code, body] = f.call("POST", kDeployments, bad.dump());
  CHECK(code == 422);
  check_status(body, 422, "Invalid",
               "Deployment.apps \"letschat\" is invalid: spec.replicas: Invalid value: -1: must be greater than or "
               "equal to 0");
  CHECK(body["details"]["kind"] == "Deployment");
  CHECK(body["details"]["group"] == "apps");
  CHECK(body["details"]["causes"][0]["field"] == "spec.replicas");
  CHECK(body["details"]["causes"][0]["message"] == "Invalid value: -1: must be greater than or equal to 0");
  json nameless = pod_doc("");
  nameless["metadata"].erase("name");
  auto [pod_code, pod_body] = f.call("POST", "/api/v1/namespaces/default/pods", nameless.dump());
  CHECK(pod_code == 422);
  CHECK(pod_body["message"] == "Pod \"\" is invalid: metadata.name: Required value: name or generateName is required");
  CHECK(f.call("POST", "/api/v1/namespaces/default/pods", pod_doc("Bad_Name").dump()).first == 422);
  CHECK(f.call("POST", "/api/v1/namespaces/default/pods", "not json").first == 400);
  json elsewhere = pod_doc("x");
  elsewhere["metadata"]["namespace"] = "kube-system";
  CHECK(f.call("POST", "/api/v1/namespaces/default/pods", elsewhere.dump()).first == 400);
}

TEST_CASE("delete: a pod bound to a node gets deletionTimestamp first; others go at once", "[realnet][api]") {
  ApiFixture f;
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod_doc("bound", "worker2").dump()).first == 201);
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod_doc("loose").dump()).first == 201);
  auto [code, terminating] =
      f.call("DELETE", "/api/v1/namespaces/default/pods/bound", R"({"propagationPolicy":"Background"})");
  CHECK(code == 200);
  CHECK(terminating["kind"] == "Pod");
  CHECK(terminating["metadata"].contains("deletionTimestamp"));
  CHECK(f.call("GET", "/api/v1/namespaces/default/pods/bound").first == 200);
  auto [loose_code, last] = f.call("DELETE", "/api/v1/namespaces/default/pods/loose", R"({"gracePeriodSeconds":30})");
  CHECK(loose_code == 200);
  CHECK(last["metadata"]["name"] == "loose");
  check_status(f.call("GET", "/api/v1/namespaces/default/pods/loose").second, 404, "NotFound",
               "pods \"loose\" not found");
  check_status(f.call("DELETE", "/api/v1/namespaces/default/pods/loose").second, 404, "NotFound",
               "pods \"loose\" not found");

  REQUIRE(f.call("POST", kDeployments, mongo_deployment().dump()).first == 201);
  auto [dep_code, status] = f.call("DELETE", std::string(kDeployments) + "/mongo", R"({"propagationPolicy":"Background"})");
  CHECK(dep_code == 200);
  CHECK(status["kind"] == "Status");
  CHECK(status["status"] == "Success");
  CHECK(status["details"]["name"] == "mongo");
  REQUIRE(f.call("POST", kDeployments, mongo_deployment().dump()).first == 201);
  CHECK(f.call("DELETE", std::string(kDeployments) + "/mongo", R"({"preconditions":{"uid":"nope"}})").first == 409);
}

TEST_CASE("rollout undo: a JSON Patch replacing the template", "[realnet][api]") {
  ApiFixture f;
  REQUIRE(f.call("POST", kDeployments, mongo_deployment("mongo:4.4").dump()).first == 201);
  json old_template = mongo_deployment()["spec"]["template"];
  old_template["metadata"]["creationTimestamp"] = nullptr;
  json patch = json::array({{{"op", "replace"}, {"path", "/spec/template"}, {"value", old_template}},
                            {{"op", "replace"}, {"path", "/metadata/annotations"}, {"value", {{"a", "b"}}}}});
  auto [code, rolled] = f.call("PATCH", std::string(kDeployments) + "/mongo", patch.dump(), "application/json-patch+json");
  REQUIRE(code == 200);
  CHECK(rolled["spec"]["template"]["spec"]["containers"][0]["image"] == "mongo");
  CHECK(rolled["metadata"]["annotations"] == json({{"a", "b"}}));
  CHECK(f.call("PATCH", std::string(kDeployments) + "/mongo", R"([{"op":"remove","path":"/nope"}])",
               "application/json-patch+json")
            .first == 422);
}
