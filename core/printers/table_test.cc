// make_table + render against `kubectl get` listings of the seed (k3s 1.20), byte for byte.
#include "core/printers/table.h"

#include <catch2/catch.hpp>

#include "core/api/event.h"
#include "core/api/service.h"
#include "core/printers/test_objects.h"

namespace ktwin::core::printers {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using namespace testing;

// The seed's outputs, copied verbatim (seed 000_7cc9ddf2abbbc23e).
const char* const kScaledTo10 =
    R"txt(NAME                       READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                 SELECTOR
deployment.apps/mongo      1/1     1            1           34m   mongo        mongo                  name=mongo
deployment.apps/letschat   10/10   10           10          31m   letschat     sdelements/lets-chat   name=letschat

NAME                                  DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES                 SELECTOR
replicaset.apps/mongo-5c694c878b      1         1         1       34m   mongo        mongo                  name=mongo,pod-template-hash=5c694c878b
replicaset.apps/letschat-7c66bd64f5   10        10        10      31m   letschat     sdelements/lets-chat   name=letschat,pod-template-hash=7c66bd64f5

NAME                            READY   STATUS    RESTARTS   AGE     IP           NODE         NOMINATED NODE   READINESS GATES
pod/mongo-5c694c878b-5449c      1/1     Running   0          30m     10.42.2.5    worker2      <none>           <none>
pod/letschat-7c66bd64f5-wg4cs   1/1     Running   0          8m53s   10.42.0.8    controller   <none>           <none>
pod/letschat-7c66bd64f5-d4ccg   1/1     Running   0          11s     10.42.1.28   worker1      <none>           <none>
pod/letschat-7c66bd64f5-x2s95   1/1     Running   0          11s     10.42.2.25   worker2      <none>           <none>
pod/letschat-7c66bd64f5-68fgp   1/1     Running   0          11s     10.42.2.23   worker2      <none>           <none>
pod/letschat-7c66bd64f5-2mlbn   1/1     Running   0          11s     10.42.2.24   worker2      <none>           <none>
pod/letschat-7c66bd64f5-gfsf5   1/1     Running   0          11s     10.42.2.26   worker2      <none>           <none>
pod/letschat-7c66bd64f5-wtzhq   1/1     Running   0          11s     10.42.1.29   worker1      <none>           <none>
pod/letschat-7c66bd64f5-pvskq   1/1     Running   0          11s     10.42.1.30   worker1      <none>           <none>
pod/letschat-7c66bd64f5-fqjrz   1/1     Running   0          11s     10.42.1.27   worker1      <none>           <none>
pod/letschat-7c66bd64f5-h2zbg   1/1     Running   0          11s     10.42.1.31   worker1      <none>           <none>
)txt";
const char* const kWorker2Halted =
    R"txt(NAME                       READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                 SELECTOR
deployment.apps/mongo      0/1     1            0           39m   mongo        mongo                  name=mongo
deployment.apps/letschat   1/10    10           1           37m   letschat     sdelements/lets-chat   name=letschat

NAME                                  DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES                 SELECTOR
replicaset.apps/mongo-5c694c878b      1         1         0       39m   mongo        mongo                  name=mongo,pod-template-hash=5c694c878b
replicaset.apps/letschat-7c66bd64f5   10        10        1       37m   letschat     sdelements/lets-chat   name=letschat,pod-template-hash=7c66bd64f5

NAME                            READY   STATUS             RESTARTS   AGE     IP           NODE         NOMINATED NODE   READINESS GATES
pod/mongo-5c694c878b-5449c      1/1     Running            0          36m     10.42.2.5    worker2      <none>           <none>
pod/letschat-7c66bd64f5-x2s95   1/1     Running            0          5m38s   10.42.2.25   worker2      <none>           <none>
pod/letschat-7c66bd64f5-gfsf5   1/1     Running            0          5m38s   10.42.2.26   worker2      <none>           <none>
pod/letschat-7c66bd64f5-68fgp   1/1     Running            0          5m38s   10.42.2.23   worker2      <none>           <none>
pod/letschat-7c66bd64f5-wtzhq   0/1     CrashLoopBackOff   4          5m38s   10.42.1.29   worker1      <none>           <none>
pod/letschat-7c66bd64f5-pvskq   0/1     CrashLoopBackOff   4          5m38s   10.42.1.30   worker1      <none>           <none>
pod/letschat-7c66bd64f5-h2zbg   0/1     CrashLoopBackOff   4          5m38s   10.42.1.31   worker1      <none>           <none>
pod/letschat-7c66bd64f5-d4ccg   0/1     CrashLoopBackOff   4          5m38s   10.42.1.28   worker1      <none>           <none>
pod/letschat-7c66bd64f5-fqjrz   0/1     CrashLoopBackOff   4          5m38s   10.42.1.27   worker1      <none>           <none>
pod/letschat-7c66bd64f5-wg4cs   0/1     CrashLoopBackOff   4          14m     10.42.0.8    controller   <none>           <none>
pod/letschat-7c66bd64f5-w75xr   1/1     Running            5          4m57s   10.42.0.12   controller   <none>           <none>
)txt";
const char* const kAfterEviction =
    R"txt(NAME                       READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES                 SELECTOR
deployment.apps/mongo      1/1     1            1           44m   mongo        mongo                  name=mongo
deployment.apps/letschat   10/10   10           10          41m   letschat     sdelements/lets-chat   name=letschat

NAME                                  DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES                 SELECTOR
replicaset.apps/mongo-5c694c878b      1         1         1       44m   mongo        mongo                  name=mongo,pod-template-hash=5c694c878b
replicaset.apps/letschat-7c66bd64f5   10        10        10      41m   letschat     sdelements/lets-chat   name=letschat,pod-template-hash=7c66bd64f5

NAME                            READY   STATUS        RESTARTS   AGE     IP           NODE         NOMINATED NODE   READINESS GATES
pod/mongo-5c694c878b-5449c      1/1     Terminating   0          41m     10.42.2.5    worker2      <none>           <none>
pod/letschat-7c66bd64f5-gfsf5   1/1     Terminating   0          10m     10.42.2.26   worker2      <none>           <none>
pod/letschat-7c66bd64f5-x2s95   1/1     Terminating   0          10m     10.42.2.25   worker2      <none>           <none>
pod/letschat-7c66bd64f5-68fgp   1/1     Terminating   0          10m     10.42.2.23   worker2      <none>           <none>
pod/mongo-5c694c878b-rnnr2      1/1     Running       0          2m51s   10.42.1.33   worker1      <none>           <none>
pod/letschat-7c66bd64f5-9s8dw   1/1     Running       2          2m51s   10.42.1.32   worker1      <none>           <none>
pod/letschat-7c66bd64f5-ljcw6   1/1     Running       2          2m51s   10.42.0.14   controller   <none>           <none>
pod/letschat-7c66bd64f5-tdcpq   1/1     Running       2          2m51s   10.42.0.13   controller   <none>           <none>
pod/letschat-7c66bd64f5-w75xr   1/1     Running       6          9m47s   10.42.0.12   controller   <none>           <none>
pod/letschat-7c66bd64f5-wtzhq   1/1     Running       6          10m     10.42.1.29   worker1      <none>           <none>
pod/letschat-7c66bd64f5-pvskq   1/1     Running       6          10m     10.42.1.30   worker1      <none>           <none>
pod/letschat-7c66bd64f5-d4ccg   1/1     Running       6          10m     10.42.1.28   worker1      <none>           <none>
pod/letschat-7c66bd64f5-h2zbg   1/1     Running       6          10m     10.42.1.31   worker1      <none>           <none>
pod/letschat-7c66bd64f5-fqjrz   1/1     Running       6          10m     10.42.1.27   worker1      <none>           <none>
pod/letschat-7c66bd64f5-wg4cs   1/1     Running       6          19m     10.42.0.8    controller   <none>           <none>
)txt";
const char* const kServices = R"txt(NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)          AGE
kubernetes   ClusterIP   10.43.0.1      <none>        443/TCP          53m
mongo        ClusterIP   10.43.10.91    <none>        27017/TCP        3m25s
letschat     NodePort    10.43.78.152   <none>        8080:32468/TCP   16s
)txt";

const Time kNow = Time{} + std::chrono::hours(24 * 400);

struct PodRow {
  const char* name;
  const char* status;  // Running, CrashLoopBackOff or Terminating
  int32_t restarts;
  Duration age;
  const char* ip;
  const char* node;
};

ObjectPtr make_pod(const PodRow& r) {
  std::string name = r.name;
  std::string app = name.substr(0, name.find('-'));
  std::string status = r.status;
  if (status == "CrashLoopBackOff")
    return crash_looping_pod(name, app, r.node, r.ip, kNow - r.age, r.restarts, kNow - seconds(30));
  auto pod = running_pod(name, app, r.node, r.ip, kNow - r.age, r.restarts);
  if (status == "Terminating") pod->metadata.deletionTimestamp = kNow - minutes(1);
  return pod;
}

std::string deploy_rs_po(int32_t mongo_ready, Duration mongo_age, int32_t letschat_replicas,
                         int32_t letschat_ready, Duration letschat_age, const std::vector<PodRow>& pods) {
  PrintOptions options;
  options.wide = true;
  options.with_kind_prefix = true;
  std::vector<ObjectPtr> deployments = {
      deployment("mongo", "mongo", 1, mongo_ready, kNow - mongo_age),
      deployment("letschat", "sdelements/lets-chat", letschat_replicas, letschat_ready, kNow - letschat_age)};
  std::vector<ObjectPtr> replica_sets = {
      replica_set("mongo", "5c694c878b", "mongo", 1, mongo_ready, kNow - mongo_age),
      replica_set("letschat", "7c66bd64f5", "sdelements/lets-chat", letschat_replicas, letschat_ready,
                  kNow - letschat_age)};
  std::vector<ObjectPtr> pod_objects;
  for (const PodRow& r : pods) pod_objects.push_back(make_pod(r));
  return render({make_table(Kind::kDeployment, deployments, kNow, options),
                 make_table(Kind::kReplicaSet, replica_sets, kNow, options),
                 make_table(Kind::kPod, pod_objects, kNow, options)});
}

TEST_CASE("get deploy,rs,po -o wide matches the seed after scaling to 10", "[printers]") {
  std::vector<PodRow> pods = {
      {"mongo-5c694c878b-5449c", "Running", 0, minutes(30), "10.42.2.5", "worker2"},
      {"letschat-7c66bd64f5-wg4cs", "Running", 0, minutes(8) + seconds(53), "10.42.0.8", "controller"},
      {"letschat-7c66bd64f5-d4ccg", "Running", 0, seconds(11), "10.42.1.28", "worker1"},
      {"letschat-7c66bd64f5-x2s95", "Running", 0, seconds(11), "10.42.2.25", "worker2"},
      {"letschat-7c66bd64f5-68fgp", "Running", 0, seconds(11), "10.42.2.23", "worker2"},
      {"letschat-7c66bd64f5-2mlbn", "Running", 0, seconds(11), "10.42.2.24", "worker2"},
      {"letschat-7c66bd64f5-gfsf5", "Running", 0, seconds(11), "10.42.2.26", "worker2"},
      {"letschat-7c66bd64f5-wtzhq", "Running", 0, seconds(11), "10.42.1.29", "worker1"},
      {"letschat-7c66bd64f5-pvskq", "Running", 0, seconds(11), "10.42.1.30", "worker1"},
      {"letschat-7c66bd64f5-fqjrz", "Running", 0, seconds(11), "10.42.1.27", "worker1"},
      {"letschat-7c66bd64f5-h2zbg", "Running", 0, seconds(11), "10.42.1.31", "worker1"},
  };
  CHECK(deploy_rs_po(1, minutes(34), 10, 10, minutes(31), pods) == kScaledTo10);
}

TEST_CASE("get deploy,rs,po -o wide matches the seed while worker2 is down", "[printers]") {
  const Duration a = minutes(5) + seconds(38);
  std::vector<PodRow> pods = {
      {"mongo-5c694c878b-5449c", "Running", 0, minutes(36), "10.42.2.5", "worker2"},
      {"letschat-7c66bd64f5-x2s95", "Running", 0, a, "10.42.2.25", "worker2"},
      {"letschat-7c66bd64f5-gfsf5", "Running", 0, a, "10.42.2.26", "worker2"},
      {"letschat-7c66bd64f5-68fgp", "Running", 0, a, "10.42.2.23", "worker2"},
      {"letschat-7c66bd64f5-wtzhq", "CrashLoopBackOff", 4, a, "10.42.1.29", "worker1"},
      {"letschat-7c66bd64f5-pvskq", "CrashLoopBackOff", 4, a, "10.42.1.30", "worker1"},
      {"letschat-7c66bd64f5-h2zbg", "CrashLoopBackOff", 4, a, "10.42.1.31", "worker1"},
      {"letschat-7c66bd64f5-d4ccg", "CrashLoopBackOff", 4, a, "10.42.1.28", "worker1"},
      {"letschat-7c66bd64f5-fqjrz", "CrashLoopBackOff", 4, a, "10.42.1.27", "worker1"},
      {"letschat-7c66bd64f5-wg4cs", "CrashLoopBackOff", 4, minutes(14), "10.42.0.8", "controller"},
      {"letschat-7c66bd64f5-w75xr", "Running", 5, minutes(4) + seconds(57), "10.42.0.12", "controller"},
  };
  CHECK(deploy_rs_po(0, minutes(39), 10, 1, minutes(37), pods) == kWorker2Halted);
}

TEST_CASE("get deploy,rs,po -o wide matches the seed after the eviction", "[printers]") {
  const Duration b = minutes(2) + seconds(51);
  std::vector<PodRow> pods = {
      {"mongo-5c694c878b-5449c", "Terminating", 0, minutes(41), "10.42.2.5", "worker2"},
      {"letschat-7c66bd64f5-gfsf5", "Terminating", 0, minutes(10), "10.42.2.26", "worker2"},
      {"letschat-7c66bd64f5-x2s95", "Terminating", 0, minutes(10), "10.42.2.25", "worker2"},
      {"letschat-7c66bd64f5-68fgp", "Terminating", 0, minutes(10), "10.42.2.23", "worker2"},
      {"mongo-5c694c878b-rnnr2", "Running", 0, b, "10.42.1.33", "worker1"},
      {"letschat-7c66bd64f5-9s8dw", "Running", 2, b, "10.42.1.32", "worker1"},
      {"letschat-7c66bd64f5-ljcw6", "Running", 2, b, "10.42.0.14", "controller"},
      {"letschat-7c66bd64f5-tdcpq", "Running", 2, b, "10.42.0.13", "controller"},
      {"letschat-7c66bd64f5-w75xr", "Running", 6, minutes(9) + seconds(47), "10.42.0.12", "controller"},
      {"letschat-7c66bd64f5-wtzhq", "Running", 6, minutes(10), "10.42.1.29", "worker1"},
      {"letschat-7c66bd64f5-pvskq", "Running", 6, minutes(10), "10.42.1.30", "worker1"},
      {"letschat-7c66bd64f5-d4ccg", "Running", 6, minutes(10), "10.42.1.28", "worker1"},
      {"letschat-7c66bd64f5-h2zbg", "Running", 6, minutes(10), "10.42.1.31", "worker1"},
      {"letschat-7c66bd64f5-fqjrz", "Running", 6, minutes(10), "10.42.1.27", "worker1"},
      {"letschat-7c66bd64f5-wg4cs", "Running", 6, minutes(19), "10.42.0.8", "controller"},
  };
  CHECK(deploy_rs_po(1, minutes(44), 10, 10, minutes(41), pods) == kAfterEviction);
}

TEST_CASE("get svc matches the seed's three services", "[printers]") {
  std::vector<ObjectPtr> services = {
      service("kubernetes", "ClusterIP", "10.43.0.1", 443, 0, kNow - minutes(53)),
      service("mongo", "ClusterIP", "10.43.10.91", 27017, 0, kNow - minutes(3) - seconds(25)),
      service("letschat", "NodePort", "10.43.78.152", 8080, 32468, kNow - seconds(16))};
  CHECK(render({make_table(Kind::kService, services, kNow, PrintOptions{})}) == kServices);

  PrintOptions wide;
  wide.wide = true;
  Table table = make_table(Kind::kService, services, kNow, wide);
  REQUIRE(table.columns.back().name == "Selector");
  CHECK(table.rows[0].back() == "<none>");
  CHECK(table.rows[2].back() == "name=letschat");
}

TEST_CASE("make_table keeps -o wide columns out unless asked", "[printers]") {
  std::vector<ObjectPtr> nodes = {node("controller", "192.168.1.142", true, kNow - minutes(12))};
  Table plain = make_table(Kind::kNode, nodes, kNow, PrintOptions{});
  CHECK(plain.columns.size() == 5);
  CHECK(plain.rows[0] ==
        std::vector<std::string>{"controller", "Ready", "control-plane,master", "12m", "v1.20.4+k3s1"});

  PrintOptions wide;
  wide.wide = true;
  Table t = make_table(Kind::kNode, nodes, kNow, wide);
  CHECK(render({t}) ==
        "NAME         STATUS   ROLES                  AGE   VERSION        INTERNAL-IP     EXTERNAL-IP   "
        "OS-IMAGE       "
        "                KERNEL-VERSION    CONTAINER-RUNTIME\n"
        "controller   Ready    control-plane,master   12m   v1.20.4+k3s1   192.168.1.142   <none>        "
        "Debian GNU/Linux "
        "10 (buster)   4.19.0-14-amd64   containerd://1.4.3-k3s3\n");
  for (const TableColumn& c : t.columns)
    CHECK(c.priority == (c.name == "Name" || c.name == "Status" || c.name == "Roles" || c.name == "Age" ||
                                 c.name == "Version"
                             ? 0
                             : 1));
}

TEST_CASE("node STATUS: NotReady for False or Unknown, Unknown without a condition, cordoned", "[printers]") {
  auto n = node("worker2", "192.168.1.144", false, kNow - minutes(18));
  auto status_of = [&] { return make_table(Kind::kNode, {n}, kNow, PrintOptions{}).rows[0][1]; };
  CHECK(status_of() == "Ready");
  n->status.conditions[0].status = "Unknown";
  CHECK(status_of() == "NotReady");
  n->status.conditions[0].status = "False";
  n->spec.unschedulable = true;
  CHECK(status_of() == "NotReady,SchedulingDisabled");
  n->status.conditions.clear();
  CHECK(status_of() == "Unknown,SchedulingDisabled");
  n->metadata.labels["kubernetes.io/role"] = "worker";
  CHECK(make_table(Kind::kNode, {n}, kNow, PrintOptions{}).rows[0][2] == "worker");
}

TEST_CASE("endpoints: ready addresses per port, three at most, then + N more...", "[printers]") {
  auto ep = std::make_shared<Endpoints>();
  ep->metadata.name = "letschat";
  ep->metadata.namespace_ = "default";
  ep->metadata.creationTimestamp = kNow - seconds(16);
  auto cell = [&] { return make_table(Kind::kEndpoints, {ep}, kNow, PrintOptions{}).rows[0][1]; };
  CHECK(cell() == "<none>");

  EndpointSubset ss;
  EndpointPort port;
  port.port = 8080;
  ss.ports = {port};
  for (const char* ip : {"10.42.1.5", "10.42.2.6"}) {
    EndpointAddress a;
    a.ip = ip;
    ss.addresses.push_back(a);
  }
  EndpointAddress unready;
  unready.ip = "10.42.0.9";
  ss.notReadyAddresses = {unready};
  ep->subsets = {ss};
  CHECK(cell() == "10.42.1.5:8080,10.42.2.6:8080");

  for (const char* ip : {"10.42.0.7", "10.42.0.8", "fd00::1"}) {
    EndpointAddress a;
    a.ip = ip;
    ep->subsets[0].addresses.push_back(a);
  }
  CHECK(cell() == "10.42.1.5:8080,10.42.2.6:8080,10.42.0.7:8080 + 2 more...");

  // Only not-ready addresses: an empty cell, as formatEndpoints returns "".
  ep->subsets[0].addresses.clear();
  CHECK(cell().empty());
  ep->subsets[0].addresses = {unready};
  ep->subsets[0].addresses[0].ip = "fd00::1";
  CHECK(cell() == "[fd00::1]:8080");
  CHECK(render({make_table(Kind::kEndpoints, {ep}, kNow, PrintOptions{})}) ==
        "NAME       ENDPOINTS        AGE\n"
        "letschat   [fd00::1]:8080   16s\n");
}

TEST_CASE("ingress: CLASS <none>, hosts, address, PORTS 80 or 80, 443 with TLS", "[printers]") {
  auto ing = std::make_shared<Ingress>();
  ing->metadata.name = "ingress-letschat";
  ing->metadata.namespace_ = "default";
  ing->metadata.creationTimestamp = kNow - seconds(70);
  IngressRule rule;
  rule.host = "www.letschat.com";
  ing->rules = {rule};
  LoadBalancerIngress lb;
  lb.ip = "192.168.1.142";
  ing->status_loadBalancer.ingress = {lb};
  PrintOptions prefixed;
  prefixed.with_kind_prefix = true;
  CHECK(make_table(Kind::kIngress, {ing}, kNow, prefixed).rows[0] ==
        std::vector<std::string>{"ingress.networking.k8s.io/ingress-letschat", "<none>", "www.letschat.com",
                                 "192.168.1.142", "80", "70s"});

  ing->ingressClassName = "traefik";
  ing->original = std::make_shared<nlohmann::json>(
      nlohmann::json::parse(R"({"spec": {"tls": [{"hosts": ["www.letschat.com"]}]}})"));
  IngressRule any;  // no host: matches every host
  ing->rules = {any};
  auto row = make_table(Kind::kIngress, {ing}, kNow, PrintOptions{}).rows[0];
  CHECK(row[1] == "traefik");
  CHECK(row[2] == "*");
  CHECK(row[4] == "80, 443");
}

TEST_CASE("lease: NAME HOLDER AGE; NAMESPACE first with -A", "[printers]") {
  auto lease = std::make_shared<Lease>();
  lease->metadata.name = "worker1";
  lease->metadata.namespace_ = "kube-node-lease";
  lease->metadata.creationTimestamp = kNow - minutes(19);
  lease->spec.holderIdentity = "worker1";
  PrintOptions all;
  all.with_namespace = true;
  CHECK(render({make_table(Kind::kLease, {lease}, kNow, all)}) ==
        "NAMESPACE         NAME      HOLDER    AGE\n"
        "kube-node-lease   worker1   worker1   19m\n");
  // Cluster-scoped kinds get no NAMESPACE column.
  CHECK(make_table(Kind::kNode, {node("w", "1.2.3.4", false, kNow)}, kNow, all).columns[0].name == "Name");
}

TEST_CASE("render: minimum width 6, no header for an empty table, blank line only between printed tables",
          "[printers]") {
  Table a;
  a.columns = {{"A"}, {"B"}};
  a.rows = {{"x", "y"}};
  Table empty;
  empty.columns = {{"C"}, {"D"}};
  Table b;
  b.columns = {{"Long-Name"}, {"V"}};
  b.rows = {{"n", "1"}};
  CHECK(render({a, empty, b}) == "A     B\nx     y\n\nLONG-NAME   V\nn           1\n");
  CHECK(render({empty}).empty());
}

TEST_CASE("an Event's table starts with LAST SEEN; -o wide adds its source, count and name", "[printers]") {
  auto ev = std::make_shared<Event>();
  ev->metadata.namespace_ = "default";
  ev->metadata.name = "web-1.18ede8e5625a6c4c";
  ev->involvedObject = {"Pod", "default", "web-1", "", "v1", "", ""};
  ev->type = "Warning";
  ev->reason = "BackOff";
  ev->message = "Back-off restarting failed container\n";
  ev->source = {"kubelet", "worker1"};
  ev->firstTimestamp = kNow - minutes(3);
  ev->lastTimestamp = kNow - seconds(15);
  ev->count = 4;
  Table narrow = make_table(Kind::kEvent, {ev}, kNow, PrintOptions{});
  std::vector<std::string> names;
  for (const TableColumn& c : narrow.columns) names.push_back(c.name);
  CHECK(names == std::vector<std::string>{"Last Seen", "Type", "Reason", "Object", "Message"});
  CHECK(narrow.rows.at(0) ==
        std::vector<std::string>{"15s", "Warning", "BackOff", "pod/web-1", "Back-off restarting failed container"});
  PrintOptions wide;
  wide.wide = true;
  Table all = make_table(Kind::kEvent, {ev}, kNow, wide);
  REQUIRE(all.columns.size() == 10);
  CHECK(all.rows.at(0) == std::vector<std::string>{"15s", "Warning", "BackOff", "pod/web-1", "", "kubelet, worker1",
                                                   "Back-off restarting failed container", "3m", "4",
                                                   "web-1.18ede8e5625a6c4c"});
}

}  // namespace
}  // namespace ktwin::core::printers
