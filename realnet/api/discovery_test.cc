// Discovery documents meet what kubectl 1.20 and 1.32 need (kubectl-wire §1 and §9).
#include "realnet/api/discovery.h"

#include <catch2/catch.hpp>
#include <set>

namespace ktwin::realnet {
namespace {

using nlohmann::json;

const json* entry(const json& list, const std::string& name) {
  for (const json& r : list["resources"])
    if (r["name"] == name) return &r;
  return nullptr;
}

TEST_CASE("version: major and minor from the git version", "[realnet][discovery]") {
  json v = version_info("v1.20.4+k3s1");
  CHECK(v["major"] == "1");
  CHECK(v["minor"] == "20");
  CHECK(v["gitVersion"] == "v1.20.4+k3s1");
  CHECK(v["compiler"] == "gc");
  CHECK(v.contains("platform"));
  CHECK(version_info("v1.32.5")["minor"] == "32");
}

TEST_CASE("/api and /apis list the legacy version and every group", "[realnet][discovery]") {
  json api = legacy_api_versions("10.199.0.1:6443");
  CHECK(api["kind"] == "APIVersions");
  CHECK(api["versions"] == json::array({"v1"}));
  CHECK(api["serverAddressByClientCIDRs"][0]["serverAddress"] == "10.199.0.1:6443");
  CHECK_FALSE(legacy_api_versions("").contains("serverAddressByClientCIDRs"));

  json apis = api_group_list();
  CHECK(apis["kind"] == "APIGroupList");
  CHECK(apis["apiVersion"] == "v1");
  std::set<std::string> names;
  for (const json& g : apis["groups"]) {
    names.insert(g["name"]);
    CHECK(g["preferredVersion"] == g["versions"][0]);
    // kubectl 1.20 fetches every group version listed; each must answer.
    INFO(g["preferredVersion"]["groupVersion"]);
    CHECK(api_resource_list(g["preferredVersion"]["groupVersion"]).has_value());
  }
  CHECK(names == std::set<std::string>{"apps", "networking.k8s.io", "policy", "coordination.k8s.io"});
  json apps = apis["groups"][0];
  CHECK(apps == json::parse(R"({"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],
      "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}})"));
}

TEST_CASE("resource lists carry the short names, categories and subresources kubectl uses",
          "[realnet][discovery]") {
  json v1 = api_resource_list("v1").value();
  CHECK(v1["kind"] == "APIResourceList");
  CHECK(v1["groupVersion"] == "v1");
  struct Want {
    const char* list;
    const char* name;
    const char* kind;
    const char* short_name;
    bool namespaced, in_all;
  };
  const Want wants[] = {{"v1", "pods", "Pod", "po", true, true},
                        {"v1", "nodes", "Node", "no", false, false},
                        {"v1", "services", "Service", "svc", true, true},
                        {"v1", "endpoints", "Endpoints", "ep", true, false},
                        {"apps/v1", "deployments", "Deployment", "deploy", true, true},
                        {"apps/v1", "replicasets", "ReplicaSet", "rs", true, true},
                        {"networking.k8s.io/v1", "ingresses", "Ingress", "ing", true, false},
                        {"policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", "pdb", true, false}};
  for (const Want& w : wants) {
    INFO(w.name);
    json list = api_resource_list(w.list).value();
    const json* r = entry(list, w.name);
    REQUIRE(r);
    CHECK((*r)["kind"] == w.kind);
    CHECK((*r)["namespaced"] == w.namespaced);
    CHECK((*r)["shortNames"] == json::array({w.short_name}));
    CHECK((*r).contains("categories") == w.in_all);
    if (w.in_all) CHECK((*r)["categories"] == json::array({"all"}));
    CHECK((*r)["verbs"] == json::parse(R"(["create","delete","deletecollection","get","list","patch","update","watch"])"));
  }
  json apps = api_resource_list("apps/v1").value();
  const json* scale = entry(apps, "deployments/scale");
  REQUIRE(scale);
  CHECK(*scale == json::parse(R"({"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling",
      "version":"v1","kind":"Scale","verbs":["get","patch","update"]})"));
  const json* status = entry(apps, "deployments/status");
  REQUIRE(status);
  CHECK((*status)["kind"] == "Deployment");
  CHECK_FALSE(status->contains("group"));
  CHECK(entry(apps, "replicasets/scale"));
  CHECK(entry(v1, "pods/status"));
  CHECK((*entry(v1, "pods/eviction"))["kind"] == "Eviction");
  CHECK(entry(api_resource_list("coordination.k8s.io/v1").value(), "leases"));
  CHECK_FALSE(api_resource_list("batch/v1").has_value());
  CHECK_FALSE(api_resource_list("apps/v1beta1").has_value());
}

TEST_CASE("aggregated discovery lists the same resources for kubectl 1.32", "[realnet][discovery]") {
  json legacy = aggregated_discovery(true);
  CHECK(legacy["kind"] == "APIGroupDiscoveryList");
  CHECK(legacy["apiVersion"] == "apidiscovery.k8s.io/v2");
  REQUIRE(legacy["items"].size() == 1);
  CHECK_FALSE(legacy["items"][0]["metadata"].contains("name"));
  const json& v1 = legacy["items"][0]["versions"][0];
  CHECK(v1["version"] == "v1");
  CHECK(v1["freshness"] == "Current");

  json groups = aggregated_discovery(false, "v2beta1");
  CHECK(groups["apiVersion"] == "apidiscovery.k8s.io/v2beta1");
  const json* deployments = nullptr;
  for (const json& g : groups["items"])
    if (g["metadata"]["name"] == "apps")
      for (const json& r : g["versions"][0]["resources"])
        if (r["resource"] == "deployments") deployments = &r;
  REQUIRE(deployments);
  CHECK((*deployments)["responseKind"] == json::parse(R"({"group":"apps","version":"v1","kind":"Deployment"})"));
  CHECK((*deployments)["scope"] == "Namespaced");
  CHECK((*deployments)["singularResource"] == "deployment");
  CHECK((*deployments)["shortNames"] == json::array({"deploy"}));
  CHECK((*deployments)["categories"] == json::array({"all"}));
  CHECK((*deployments)["subresources"][0] == json::parse(R"({"subresource":"scale",
      "responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]})"));
  CHECK((*deployments)["subresources"][1]["responseKind"]["kind"] == "Deployment");

  // Every resource and subresource of the legacy documents appears in the aggregated ones.
  std::set<std::string> legacy_names, aggregated_names;
  for (const ApiResource& r : api_resources()) {
    json list = api_resource_list(r.group_version()).value();
    for (const json& e : list["resources"]) legacy_names.insert(r.group_version() + " " + e["name"].get<std::string>());
  }
  for (const json* doc : {&legacy, &groups})
    for (const json& g : (*doc)["items"])
      for (const json& version : g["versions"])
        for (const json& r : version["resources"]) {
          std::string gv = g["metadata"].contains("name")
                               ? g["metadata"]["name"].get<std::string>() + "/" + version["version"].get<std::string>()
                               : version["version"].get<std::string>();
          aggregated_names.insert(gv + " " + r["resource"].get<std::string>());
          for (const json& s : r.value("subresources", json::array()))
            aggregated_names.insert(gv + " " + r["resource"].get<std::string>() + "/" + s["subresource"].get<std::string>());
          bool cluster_scoped = r["resource"] == "nodes" || r["resource"] == "namespaces";
          CHECK(r["scope"] == (cluster_scoped ? "Cluster" : "Namespaced"));
        }
  CHECK(legacy_names == aggregated_names);
  CHECK(aggregated_discovery_content_type() == "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
}

TEST_CASE("the resource table: lookups by group, version and plural, one entry per kind", "[realnet][discovery]") {
  CHECK(find_api_resource("apps", "v1", "deployments")->kind == core::Kind::kDeployment);
  CHECK(find_api_resource("", "v1", "pods")->kind == core::Kind::kPod);
  CHECK(find_api_resource("", "v1", "deployments") == nullptr);
  CHECK(find_api_resource("networking.k8s.io", "v1", "ingresses")->kind == core::Kind::kIngress);
  for (core::Kind kind : core::kAllKinds) {
    const ApiResource& r = api_resource(kind);
    CHECK(r.kind == kind);
    CHECK(r.group_version() == core::api_version(kind));
  }
  CHECK(kOpenApiV2ContentType.find('@') == std::string_view::npos);
}

}  // namespace
}  // namespace ktwin::realnet
