// Strategic merge patch with the bodies kubectl's client-side apply sends (kubectl-wire §3.3) and the
// directives of k/k strategicpatch/patch.go.
#include "realnet/api/strategic_merge_patch.h"

#include <catch2/catch.hpp>

#include "core/api/codec.h"
#include "core/api/workload.h"
#include "core/printers/test_objects.h"

namespace ktwin::realnet {
namespace {

using core::Kind;
using nlohmann::json;

json smp(const json& original, const char* patch, Kind kind) {
  auto result = apply_strategic_merge_patch(original, json::parse(patch), kind);
  INFO(result.status().to_string());
  REQUIRE(result.is_ok());
  return result.value();
}

core::Status smp_error(const json& original, const char* patch, Kind kind) {
  auto result = apply_strategic_merge_patch(original, json::parse(patch), kind);
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.status().code() == core::Status::Code::kInvalid);
  return result.status();
}

// The walk-through's letschat Deployment as the server stores it, with a sidecar.
json letschat() {
  return json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"letschat","namespace":"default","uid":"u-1","resourceVersion":"120","generation":2,
      "labels":{"name":"letschat","tier":"web"},
      "annotations":{"deployment.kubernetes.io/revision":"1","kubectl.kubernetes.io/last-applied-configuration":"{}\n"}},
    "spec":{"replicas":1,"selector":{"matchLabels":{"name":"letschat"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
      "template":{"metadata":{"labels":{"name":"letschat"}},
        "spec":{"containers":[
          {"name":"letschat","image":"sdelements/lets-chat:0.4.7","imagePullPolicy":"IfNotPresent",
           "ports":[{"containerPort":8080,"protocol":"TCP"},{"containerPort":5222,"protocol":"TCP"}],
           "env":[{"name":"LCB_DATABASE_URI","value":"mongodb://mongo/letschat"},{"name":"A","value":"1"}],
           "volumeMounts":[{"name":"data","mountPath":"/data"},{"name":"cfg","mountPath":"/etc/lcb"}],
           "resources":{}},
          {"name":"sidecar","image":"busybox","args":["sleep","3600"]}],
         "tolerations":[{"key":"a","operator":"Exists"}],
         "volumes":[{"name":"data","emptyDir":{}},{"name":"cfg","configMap":{"name":"lcb"}}]}}},
    "status":{"observedGeneration":2,"replicas":1,
      "conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"True"}]}})");
}

TEST_CASE("strategic merge patch deletes a label kubectl sends as null and keeps the rest", "[realnet][smp]") {
  json out = smp(letschat(),
                 R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"new\":1}\n"},
                     "labels":{"tier":null}}})",
                 Kind::kDeployment);
  CHECK(out["metadata"]["labels"] == json::parse(R"({"name":"letschat"})"));
  CHECK(out["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] == "{\"new\":1}\n");
  CHECK(out["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1");
  CHECK(out["spec"] == letschat()["spec"]);
  // A null for a key that is not there is ignored, not stored (IgnoreUnmatchedNulls).
  json again = smp(out, R"({"metadata":{"labels":{"tier":null,"other":null}}})", Kind::kDeployment);
  CHECK(again["metadata"]["labels"] == json::parse(R"({"name":"letschat"})"));
}

TEST_CASE("strategic merge patch merges containers by name and keeps what the patch does not name",
          "[realnet][smp]") {
  // kubectl's body for a changed image (setElementOrder lists both containers).
  json out = smp(letschat(), R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"letschat"},{"name":"sidecar"}],
      "containers":[{"image":"sdelements/lets-chat:0.4.8","name":"letschat"}]}}}})",
                 Kind::kDeployment);
  const json& containers = out["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 2);
  CHECK(containers[0]["name"] == "letschat");
  CHECK(containers[0]["image"] == "sdelements/lets-chat:0.4.8");
  CHECK(containers[0]["ports"] == letschat()["spec"]["template"]["spec"]["containers"][0]["ports"]);
  CHECK(containers[0]["imagePullPolicy"] == "IfNotPresent");
  CHECK(containers[1] == letschat()["spec"]["template"]["spec"]["containers"][1]);
  // $setElementOrder is a directive, never stored.
  CHECK_FALSE(out["spec"]["template"]["spec"].contains("$setElementOrder/containers"));
  CHECK(out.dump().find('$') == std::string::npos);
}

TEST_CASE("strategic merge patch removes a container kubectl marks $patch delete", "[realnet][smp]") {
  json out = smp(letschat(), R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"letschat"}],
      "containers":[{"$patch":"delete","name":"sidecar"}]}}}})",
                 Kind::kDeployment);
  const json& containers = out["spec"]["template"]["spec"]["containers"];
  REQUIRE(containers.size() == 1);
  CHECK(containers[0] == letschat()["spec"]["template"]["spec"]["containers"][0]);
  CHECK(out.dump().find('$') == std::string::npos);
}

TEST_CASE("strategic merge patch orders merged lists by $setElementOrder", "[realnet][smp]") {
  SECTION("a new container placed first") {
    json out = smp(letschat(), R"({"spec":{"template":{"spec":{
        "$setElementOrder/containers":[{"name":"init"},{"name":"letschat"},{"name":"sidecar"}],
        "containers":[{"name":"init","image":"busybox"}]}}}})",
                   Kind::kDeployment);
    const json& containers = out["spec"]["template"]["spec"]["containers"];
    REQUIRE(containers.size() == 3);
    CHECK(containers[0]["name"] == "init");
    CHECK(containers[1]["name"] == "letschat");
    CHECK(containers[2]["name"] == "sidecar");
  }
  SECTION("env by name, container ports by containerPort, volumeMounts by mountPath") {
    json out = smp(letschat(), R"({"spec":{"template":{"spec":{
        "$setElementOrder/containers":[{"name":"letschat"},{"name":"sidecar"}],
        "containers":[{"name":"letschat",
          "$setElementOrder/env":[{"name":"A"},{"name":"LCB_DATABASE_URI"},{"name":"B"}],
          "env":[{"name":"A","value":"2"},{"name":"B","value":"3"}],
          "$setElementOrder/ports":[{"containerPort":8080},{"containerPort":5222}],
          "ports":[{"containerPort":8080,"name":"http"}],
          "volumeMounts":[{"mountPath":"/data","readOnly":true},{"$patch":"delete","mountPath":"/etc/lcb"}]}]}}}})",
                   Kind::kDeployment);
    const json& c = out["spec"]["template"]["spec"]["containers"][0];
    CHECK(c["env"] == json::parse(R"([{"name":"A","value":"2"},
        {"name":"LCB_DATABASE_URI","value":"mongodb://mongo/letschat"},{"name":"B","value":"3"}])"));
    CHECK(c["ports"] == json::parse(R"([{"containerPort":8080,"protocol":"TCP","name":"http"},
        {"containerPort":5222,"protocol":"TCP"}])"));
    CHECK(c["volumeMounts"] == json::parse(R"([{"name":"data","mountPath":"/data","readOnly":true}])"));
  }
  SECTION("without $setElementOrder, an item new to the live list comes before the server's items") {
    // mergeSortedSlice: a patch item absent from the live list has no place to compare, so it goes first.
    json out = smp(letschat(), R"({"spec":{"template":{"spec":{"containers":[{"name":"extra","image":"x"}]}}}})",
                   Kind::kDeployment);
    const json& containers = out["spec"]["template"]["spec"]["containers"];
    REQUIRE(containers.size() == 3);
    CHECK(containers[0]["name"] == "extra");
    CHECK(containers[1]["name"] == "letschat");
    CHECK(containers[2]["name"] == "sidecar");
  }
}

TEST_CASE("strategic merge patch replaces lists without a merge key whole", "[realnet][smp]") {
  SECTION("args and tolerations") {
    json out = smp(letschat(), R"({"spec":{"template":{"spec":{
        "tolerations":[{"key":"b","operator":"Exists"}],
        "containers":[{"name":"sidecar","args":["sleep","10"]}]}}}})",
                   Kind::kDeployment);
    CHECK(out["spec"]["template"]["spec"]["tolerations"] == json::parse(R"([{"key":"b","operator":"Exists"}])"));
    CHECK(out["spec"]["template"]["spec"]["containers"][1]["args"] == json::parse(R"(["sleep","10"])"));
  }
  SECTION("Ingress rules") {
    json ingress = json::parse(R"({"apiVersion":"networking.k8s.io/v1","kind":"Ingress",
      "metadata":{"name":"letschat"},
      "spec":{"rules":[{"host":"www.letschat.com","http":{"paths":[{"path":"/","pathType":"Prefix",
        "backend":{"service":{"name":"letschat","port":{"number":8080}}}}]}},{"host":"old.letschat.com"}]}})");
    json out = smp(ingress, R"({"spec":{"rules":[{"host":"chat.example.com","http":{"paths":[{"path":"/",
        "pathType":"Prefix","backend":{"service":{"name":"letschat","port":{"number":80}}}}]}}]}})",
                   Kind::kIngress);
    REQUIRE(out["spec"]["rules"].size() == 1);
    CHECK(out["spec"]["rules"][0]["host"] == "chat.example.com");
    CHECK(out["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"]["number"] == 80);
  }
}

TEST_CASE("strategic merge patch merges Service ports by port", "[realnet][smp]") {
  json svc = json::parse(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"letschat"},
    "spec":{"type":"NodePort","clusterIP":"10.43.0.17","selector":{"name":"letschat"},
      "ports":[{"port":8080,"targetPort":8080,"nodePort":32468,"protocol":"TCP"},
               {"port":5222,"targetPort":5222,"nodePort":31000,"protocol":"TCP"}]}})");
  json out = smp(svc, R"({"spec":{"$setElementOrder/ports":[{"port":8080},{"port":443}],
      "ports":[{"port":8080,"targetPort":9090},{"port":443,"targetPort":8443},{"$patch":"delete","port":5222}]}})",
                 Kind::kService);
  CHECK(out["spec"]["ports"] == json::parse(R"([
      {"port":8080,"targetPort":9090,"nodePort":32468,"protocol":"TCP"},{"port":443,"targetPort":8443}])"));
  CHECK(out["spec"]["clusterIP"] == "10.43.0.17");  // allocated by the server, absent from the manifest
}

TEST_CASE("strategic merge patch handles the other directives", "[realnet][smp]") {
  SECTION("$retainKeys clears the keys it does not list") {
    json out = smp(letschat(), R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})",
                   Kind::kDeployment);
    CHECK(out["spec"]["strategy"] == json::parse(R"({"type":"Recreate"})"));
    smp_error(letschat(), R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}})",
              Kind::kDeployment);
  }
  SECTION("$retainKeys in a volume: changing its source drops the old one (volumes are merge,retainKeys)") {
    json out = smp(letschat(), R"({"spec":{"template":{"spec":{
        "$setElementOrder/volumes":[{"name":"data"},{"name":"cfg"}],
        "volumes":[{"$retainKeys":["configMap","name"],"configMap":{"name":"data-cm"},"name":"data"}]}}}})",
                   Kind::kDeployment);
    CHECK(out["spec"]["template"]["spec"]["volumes"] == json::parse(R"([{"name":"data","configMap":{"name":"data-cm"}},
        {"name":"cfg","configMap":{"name":"lcb"}}])"));
  }
  SECTION("$patch replace on a map and in a list") {
    json out = smp(letschat(), R"({"spec":{"selector":{"$patch":"replace","matchLabels":{"app":"x"}}}})",
                   Kind::kDeployment);
    CHECK(out["spec"]["selector"] == json::parse(R"({"matchLabels":{"app":"x"}})"));
    out = smp(letschat(), R"({"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"x"}]}}}})",
              Kind::kDeployment);
    CHECK(out["spec"]["template"]["spec"]["containers"] == json::parse(R"([{"name":"only","image":"x"}])"));
  }
  SECTION("$patch delete on a map empties it") {
    json out = smp(letschat(), R"({"spec":{"strategy":{"$patch":"delete"}}})", Kind::kDeployment);
    CHECK(out["spec"]["strategy"] == json::object());
  }
  SECTION("finalizers form a set; $deleteFromPrimitiveList removes from it") {
    json doc = letschat();
    doc["metadata"]["finalizers"] = {"a", "b"};
    json out = smp(doc, R"({"metadata":{"finalizers":["c","a"],"$deleteFromPrimitiveList/finalizers":["b"]}})",
                   Kind::kDeployment);
    CHECK(out["metadata"]["finalizers"] == json::parse(R"(["c","a"])"));
    CHECK_FALSE(out["metadata"].contains("$deleteFromPrimitiveList/finalizers"));
  }
  SECTION("conditions by type, ownerReferences by uid") {
    json out = smp(letschat(), R"({"status":{"conditions":[{"type":"Progressing","status":"False","reason":"X"}]}})",
                   Kind::kDeployment);
    CHECK(out["status"]["conditions"] == json::parse(R"([{"type":"Available","status":"True"},
        {"type":"Progressing","status":"False","reason":"X"}])"));
    json rs = json::parse(R"({"kind":"ReplicaSet","metadata":{"name":"r","ownerReferences":[
        {"uid":"u-1","kind":"Deployment","name":"letschat","controller":true}]}})");
    out = smp(rs, R"({"metadata":{"ownerReferences":[{"uid":"u-1","blockOwnerDeletion":true},{"uid":"u-2","name":"b"}]}})",
              Kind::kReplicaSet);
    CHECK(out["metadata"]["ownerReferences"] == json::parse(R"([
        {"uid":"u-1","kind":"Deployment","name":"letschat","controller":true,"blockOwnerDeletion":true},
        {"uid":"u-2","name":"b"}])"));
  }
  SECTION("node addresses and conditions merge by type; taints are replaced") {
    json node = json::parse(R"({"kind":"Node","metadata":{"name":"worker1"},
      "spec":{"taints":[{"key":"a","effect":"NoSchedule"}]},
      "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"worker1"}],
        "conditions":[{"type":"Ready","status":"True"},{"type":"MemoryPressure","status":"False"}]}})");
    json out = smp(node, R"({"spec":{"taints":[{"key":"b","effect":"NoExecute"}]},
        "status":{"conditions":[{"type":"Ready","status":"Unknown"}]}})",
                   Kind::kNode);
    CHECK(out["spec"]["taints"] == json::parse(R"([{"key":"b","effect":"NoExecute"}])"));
    CHECK(out["status"]["conditions"][0] == json::parse(R"({"type":"Ready","status":"Unknown"})"));
    CHECK(out["status"]["conditions"][1]["type"] == "MemoryPressure");
    CHECK(out["status"]["addresses"] == node["status"]["addresses"]);
  }
  SECTION("values the patch adds lose their nulls and directives") {
    json out = smp(letschat(), R"({"spec":{"paused":true,"template":{"spec":{"nodeSelector":{"a":"1","b":null},
        "containers":[{"name":"new","image":"x","env":null,"$setElementOrder/ports":[]}]}}}})",
                   Kind::kDeployment);
    CHECK(out["spec"]["paused"] == true);
    CHECK(out["spec"]["template"]["spec"]["nodeSelector"] == json::parse(R"({"a":"1"})"));
    CHECK(out["spec"]["template"]["spec"]["containers"][0] == json::parse(R"({"name":"new","image":"x"})"));
  }
}

TEST_CASE("strategic merge patch rejects malformed patches with Invalid", "[realnet][smp]") {
  smp_error(letschat(), R"([{"op":"add"}])", Kind::kDeployment);
  smp_error(json::array(), R"({})", Kind::kDeployment);
  // An element of a merging list without its merge key.
  smp_error(letschat(), R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})", Kind::kDeployment);
  smp_error(letschat(), R"({"spec":{"template":{"spec":{"containers":[{"$patch":"delete","image":"x"}]}}}})",
            Kind::kDeployment);
  // Unknown $patch values.
  smp_error(letschat(), R"({"spec":{"strategy":{"$patch":"frob"}}})", Kind::kDeployment);
  smp_error(letschat(), R"({"spec":{"template":{"spec":{"containers":[{"$patch":"merge","name":"x"}]}}}})",
            Kind::kDeployment);
  // A patch list whose order contradicts $setElementOrder.
  smp_error(letschat(), R"({"spec":{"template":{"spec":{
      "$setElementOrder/containers":[{"name":"letschat"},{"name":"sidecar"}],
      "containers":[{"name":"sidecar","image":"a"},{"name":"letschat","image":"b"}]}}}})",
            Kind::kDeployment);
  // Directives of the wrong type.
  smp_error(letschat(), R"({"spec":{"strategy":{"$patch":1}}})", Kind::kDeployment);
  smp_error(letschat(), R"({"spec":{"template":{"spec":{"$setElementOrder/containers":{"name":"x"}}}}})",
            Kind::kDeployment);
  smp_error(letschat(), R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"letschat"}],
      "containers":[{"$patch":7,"name":"letschat"}]}}}})",
            Kind::kDeployment);
  smp_error(letschat(), R"({"spec":{"strategy":{"$retainKeys":"type"}}})", Kind::kDeployment);
  smp_error(letschat(), R"({"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}})", Kind::kDeployment);
  // Mixed element types in a merging primitive list.
  json doc = letschat();
  doc["metadata"]["finalizers"] = {"a"};
  smp_error(doc, R"({"metadata":{"finalizers":[1]}})", Kind::kDeployment);
}

TEST_CASE("a stored Deployment patched by apply decodes to the typed object kubectl asked for", "[realnet][smp]") {
  auto d = core::printers::testing::deployment("letschat", "sdelements/lets-chat:0.4.7", 1, 1, core::Time{});
  d->metadata.labels = {{"name", "letschat"}, {"tier", "web"}};
  json patch_body = json::parse(R"({"metadata":{"labels":{"tier":null}},"spec":{"replicas":3,"template":{"spec":{
      "$setElementOrder/containers":[{"name":"letschat"}],
      "containers":[{"image":"sdelements/lets-chat:0.4.8","name":"letschat"}]}}}})");
  auto patched = apply_strategic_merge_patch(core::encode(*d), patch_body, Kind::kDeployment);
  REQUIRE(patched.is_ok());
  auto decoded = core::decode(patched.value());
  INFO(decoded.status().to_string());
  REQUIRE(decoded.is_ok());
  auto out = core::as<core::Deployment>(decoded.value());
  CHECK(out->metadata.labels == core::Labels{{"name", "letschat"}});
  CHECK(out->spec.replicas == 3);
  REQUIRE(out->spec.template_.spec.containers.size() == 1);
  CHECK(out->spec.template_.spec.containers[0].image == "sdelements/lets-chat:0.4.8");
  CHECK(out->spec.selector.matchLabels == core::Labels{{"name", "letschat"}});
}

}  // namespace
}  // namespace ktwin::realnet
