// Namespaces through the API: the system ones, NamespaceLifecycle admission, deletion.
#include <catch2/catch.hpp>

#include "realnet/api/api_test_fixture.h"

using namespace ktwin;
using namespace ktwin::realnet;
using namespace ktwin::realnet::testing;

TEST_CASE("namespaces: the system ones listed, creation only in an existing one, deletion empties it",
          "[api][namespaces]") {
  ApiFixture f;
  auto [code, table] = f.call("GET", "/api/v1/namespaces", "", "", admin(), kTableAccept);
  REQUIRE(code == 200);
  std::vector<std::string> rows;
  for (const json& row : table["rows"]) rows.push_back(row["cells"][0].get<std::string>() + " " + row["cells"][1].get<std::string>());
  CHECK(rows == std::vector<std::string>{"default Active", "kube-node-lease Active", "kube-public Active",
                                         "kube-system Active"});

  json cm_pod = {{"apiVersion", "v1"},
                 {"kind", "Pod"},
                 {"metadata", {{"name", "p"}}},
                 {"spec", {{"containers", json::array({{{"name", "c"}, {"image", "busybox"}}})}}}};
  auto [missing_code, missing] = f.call("POST", "/api/v1/namespaces/team-a/pods", cm_pod.dump());
  CHECK(missing_code == 404);
  CHECK(missing["message"] == "namespaces \"team-a\" not found");

  json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team-a"}}}};
  auto [ns_code, created] = f.call("POST", "/api/v1/namespaces", ns.dump());
  REQUIRE(ns_code == 201);
  CHECK(created["status"]["phase"] == "Active");
  REQUIRE(f.call("POST", "/api/v1/namespaces/team-a/pods", cm_pod.dump()).first == 201);

  auto [forbidden_code, forbidden] = f.call("DELETE", "/api/v1/namespaces/kube-system");
  CHECK(forbidden_code == 403);
  CHECK(forbidden["message"] == "namespaces \"kube-system\" is forbidden: this namespace may not be deleted");
  REQUIRE(f.call("DELETE", "/api/v1/namespaces/team-a").first == 200);
  CHECK(f.call("GET", "/api/v1/namespaces/team-a").first == 404);
  // The pod is deleted gracefully (it has no node, so at once).
  CHECK(f.call("GET", "/api/v1/namespaces/team-a/pods/p").first == 404);
}
