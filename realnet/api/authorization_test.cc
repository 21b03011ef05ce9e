// 401 for anonymous requests, 403 for a kubelet touching another node's objects (Node authorizer and
// NodeRestriction wording), and what a kubelet may do.
#include "realnet/api/authorization.h"

#include "realnet/api/api_test_fixture.h"

using namespace ktwin::realnet;
using namespace ktwin::realnet::testing;

namespace {

json node_doc(const std::string& name) {
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
          {"status", {{"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
}

json pod_doc(const std::string& name, const std::string& node) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}}},
          {"spec", {{"nodeName", node}, {"containers", json::array({{{"name", "c"}, {"image", "mongo"}}})}}}};
}

json lease_doc(const std::string& name) {
  return {{"apiVersion", "coordination.k8s.io/v1"},
          {"kind", "Lease"},
          {"metadata", {{"name", name}, {"namespace", "kube-node-lease"}}},
          {"spec", {{"holderIdentity", name}, {"leaseDurationSeconds", 40}}}};
}

}  // namespace

TEST_CASE("anonymous requests get 401 except /version and the health checks", "[realnet][api][auth]") {
  ApiFixture f;
  auto [code, body] = f.call("GET", "/api/v1/pods", "", "", UserInfo{});
  CHECK(code == 401);
  CHECK(body["kind"] == "Status");
  CHECK(body["reason"] == "Unauthorized");
  CHECK(f.call("GET", "/api", "", "", UserInfo{}).first == 401);
  CHECK(f.send("GET", "/healthz", "", "", UserInfo{}).response.status == 200);
  CHECK(f.call("GET", "/version", "", "", UserInfo{}).first == 200);
}

TEST_CASE("a user outside system:masters and system:nodes is forbidden resources but reads discovery",
          "[realnet][api][auth]") {
  ApiFixture f;
  UserInfo alice{"alice", {"system:authenticated"}};
  auto [code, body] = f.call("GET", "/api/v1/namespaces/default/pods", "", "", alice);
  CHECK(code == 403);
  CHECK(body["message"] == "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in "
                           "the namespace \"default\"");
  CHECK(f.call("GET", "/api/v1", "", "", alice).first == 200);
}

TEST_CASE("a kubelet writes its own Node, Lease and pods, and is forbidden another node's", "[realnet][api][auth]") {
  ApiFixture f;
  const UserInfo w1 = node_user("worker1");
  REQUIRE(f.call("POST", "/api/v1/nodes", node_doc("worker2").dump()).first == 201);  // as admin

  // Nodes: its own may be created and its status written; another's never.
  auto [own_code, own] = f.call("POST", "/api/v1/nodes", node_doc("worker1").dump(), "application/json", w1);
  REQUIRE(own_code == 201);
  CHECK(f.call("PUT", "/api/v1/nodes/worker1/status", own.dump(), "application/json", w1).first == 200);
  auto [other_code, other] =
      f.call("PATCH", "/api/v1/nodes/worker2/status", R"({"status":{"conditions":[]}})", "application/strategic-merge-patch+json", w1);
  CHECK(other_code == 403);
  CHECK(other["reason"] == "Forbidden");
  CHECK(other["message"] == "nodes \"worker2\" is forbidden: node \"worker1\" is not allowed to modify node \"worker2\"");
  auto [del_code, del] = f.call("DELETE", "/api/v1/nodes/worker1", "", "application/json", w1);
  CHECK(del_code == 403);
  CHECK(del["message"] == "nodes \"worker1\" is forbidden: User \"system:node:worker1\" cannot delete resource "
                          "\"nodes\" in API group \"\" at the cluster scope");
  CHECK(f.call("PATCH", "/api/v1/nodes/worker1", R"({"spec":{"taints":[{"key":"x","effect":"NoSchedule"}]}})",
               "application/merge-patch+json", w1)
            .second["message"] == "nodes \"worker1\" is forbidden: node \"worker1\" is not allowed to modify taints");

  // Leases: its own in kube-node-lease.
  const std::string leases = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases";
  CHECK(f.call("POST", leases, lease_doc("worker1").dump(), "application/json", w1).first == 201);
  REQUIRE(f.call("POST", leases, lease_doc("worker2").dump()).first == 201);
  auto [lease_code, lease] = f.call("PUT", leases + "/worker2", lease_doc("worker2").dump(), "application/json", w1);
  CHECK(lease_code == 403);
  CHECK(lease["message"] ==
        "leases.coordination.k8s.io \"worker2\" is forbidden: User \"system:node:worker1\" cannot update resource "
        "\"leases\" in API group \"coordination.k8s.io\" in the namespace \"kube-node-lease\": can only access node "
        "lease with the same name as the requesting node");
  CHECK(f.call("POST", leases, lease_doc("worker2").dump(), "application/json", w1).first == 403);
  CHECK(f.call("GET", leases + "/worker1", "", "", w1).first == 200);

  // Pods: reads everywhere; status and deletion only of pods bound to it; no plain updates or creates.
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod_doc("mine", "worker1").dump()).first == 201);
  REQUIRE(f.call("POST", "/api/v1/namespaces/default/pods", pod_doc("theirs", "worker2").dump()).first == 201);
  CHECK(f.call("GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dworker1", "", "", w1).second["items"].size() == 1);
  const std::string running = R"({"status":{"phase":"Running"}})";
  CHECK(f.call("PATCH", "/api/v1/namespaces/default/pods/mine/status", running, "application/merge-patch+json", w1)
            .first == 200);
  auto [theirs_code, theirs] =
      f.call("PATCH", "/api/v1/namespaces/default/pods/theirs/status", running, "application/merge-patch+json", w1);
  CHECK(theirs_code == 403);
  CHECK(theirs["message"] == "pods \"theirs\" is forbidden: node \"worker1\" can only update pod status for pods "
                             "with spec.nodeName set to itself");
  CHECK(f.call("DELETE", "/api/v1/namespaces/default/pods/theirs", R"({"gracePeriodSeconds":0})", "application/json", w1)
            .second["message"] == "pods \"theirs\" is forbidden: node \"worker1\" can only delete pods with "
                                  "spec.nodeName set to itself");
  CHECK(f.call("DELETE", "/api/v1/namespaces/default/pods/mine", R"({"gracePeriodSeconds":0})", "application/json", w1)
            .first == 200);
  CHECK(f.call("PATCH", "/api/v1/namespaces/default/pods/theirs", running, "application/merge-patch+json", w1).first ==
        403);
  CHECK(f.call("POST", "/api/v1/namespaces/default/pods", pod_doc("new", "worker1").dump(), "application/json", w1)
            .first == 403);

  // Nothing else: no Deployments.
  auto [dep_code, dep] = f.call("GET", "/apis/apps/v1/namespaces/default/deployments", "", "", w1);
  CHECK(dep_code == 403);
  CHECK(dep["message"] == "deployments.apps is forbidden: User \"system:node:worker1\" cannot list resource "
                          "\"deployments\" in API group \"apps\" in the namespace \"default\"");
}

TEST_CASE("node identities: system:node:NAME in system:nodes only", "[realnet][api][auth]") {
  CHECK(node_name_of(node_user("worker1")) == "worker1");
  CHECK(!node_name_of(UserInfo{"system:node:worker1", {"system:authenticated"}}));
  CHECK(!node_name_of(admin()));
  CHECK(is_master(admin()));
}
