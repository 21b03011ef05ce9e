// kubectl_get over a MemoryStore: the seed's listings, kubectl's flags, names and error words.
#include "core/printers/kubectl_get.h"

#include <catch2/catch.hpp>

#include "core/env/rng.h"
#include "core/printers/test_objects.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

namespace ktwin::core::printers {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using namespace testing;

// The seed's outputs, copied verbatim (seed 000_7cc9ddf2abbbc23e).
const char* const kFirstMongo =
    R"txt(NAME                    READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES   SELECTOR
deployment.apps/mongo   1/1     1            1           51s   mongo        mongo    name=mongo

NAME                               DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES   SELECTOR
replicaset.apps/mongo-5c694c878b   1         1         1       50s   mongo        mongo    name=mongo,pod-template-hash=5c694c878b

NAME                         READY   STATUS    RESTARTS   AGE   IP          NODE      NOMINATED NODE   READINESS GATES
pod/mongo-5c694c878b-46ts2   1/1     Running   0          50s   10.42.2.4   worker2   <none>           <none>
)txt";
const char* const kThreeNodes = R"txt(NAME         STATUS   ROLES                  AGE    VERSION
controller   Ready    control-plane,master   12m    v1.20.4+k3s1
worker1      Ready    <none>                 101s   v1.20.4+k3s1
worker2      Ready    <none>                 16s    v1.20.4+k3s1
)txt";
const char* const kIngress = R"txt(NAME               CLASS    HOSTS              ADDRESS         PORTS   AGE
ingress-letschat   <none>   www.letschat.com   192.168.1.142   80      70s
)txt";

const Time kStart = Time{} + std::chrono::hours(24 * 400);

// A store filled through the executor's clock, so creationTimestamps are the store's own.
struct Cluster {
  sim::EventLoop loop{kStart};
  MemoryStore store{loop, Rng(1, "store")};

  void at(Duration since_start) { loop.run_until(kStart + since_start); }
  void create(std::shared_ptr<Object> obj) { REQUIRE(store.create(std::move(obj)).is_ok()); }
  std::string get(std::string_view args, PrintOptions defaults = {}) {
    auto text = kubectl_get(store, args, loop.now(), defaults);
    return text.is_ok() ? text.value() : "ERROR " + text.status().message();
  }
};

// The mongo deployment of the seed, 51 s after `kubectl apply`.
void add_mongo(Cluster& c) {
  c.create(deployment("mongo", "mongo", 1, 1, Time{}));
  c.at(seconds(1));
  c.create(replica_set("mongo", "5c694c878b", "mongo", 1, 1, Time{}));
  c.create(running_pod("mongo-5c694c878b-46ts2", "mongo", "worker2", "10.42.2.4", Time{}));
  c.at(seconds(51));
}

TEST_CASE("kubectl_get: get deploy,rs,po -o wide as in the seed", "[printers]") {
  Cluster c;
  add_mongo(c);
  CHECK(c.get("get deploy,rs,po -o wide") == kFirstMongo);
  CHECK(c.get("kubectl get deployments.apps,replicasets,pods --output=wide") == kFirstMongo);
}

TEST_CASE("kubectl_get: get nodes as in the seed", "[printers]") {
  Cluster c;
  c.create(node("controller", "192.168.1.142", true, Time{}));
  c.at(minutes(12) - seconds(101));
  c.create(node("worker1", "192.168.1.143", false, Time{}));
  c.at(minutes(12) - seconds(16));
  c.create(node("worker2", "192.168.1.144", false, Time{}));
  c.at(minutes(12));
  CHECK(c.get("get nodes") == kThreeNodes);
  CHECK(c.get("get no -n kube-system") == kThreeNodes);  // nodes ignore the namespace
  CHECK(c.get("get node/worker2") ==
        "NAME      STATUS   ROLES    AGE   VERSION\n"
        "worker2   Ready    <none>   16s   v1.20.4+k3s1\n");
}

TEST_CASE("kubectl_get: get ingress as in the seed", "[printers]") {
  Cluster c;
  auto ing = std::make_shared<Ingress>();
  ing->metadata.name = "ingress-letschat";
  ing->metadata.namespace_ = "default";
  IngressRule rule;
  rule.host = "www.letschat.com";
  ing->rules = {rule};
  LoadBalancerIngress lb;
  lb.ip = "192.168.1.142";
  ing->status_loadBalancer.ingress = {lb};
  c.create(ing);
  c.at(seconds(70));
  CHECK(c.get("get ingress") == kIngress);
  CHECK(
      c.get("get ing,svc") ==
      "NAME                                         CLASS    HOSTS              ADDRESS         PORTS   AGE\n"
      "ingress.networking.k8s.io/ingress-letschat   <none>   www.letschat.com   192.168.1.142   80      "
      "70s\n");
}

TEST_CASE("kubectl_get: names, selectors and namespaces", "[printers]") {
  Cluster c;
  add_mongo(c);
  auto system_pod = running_pod("coredns-854c77959c-abcde", "coredns", "controller", "10.42.0.2", Time{});
  system_pod->metadata.namespace_ = "kube-system";
  system_pod->metadata.labels = {{"k8s-app", "kube-dns"}};
  c.create(system_pod);  // at 51 s
  c.at(minutes(2));

  SECTION("one kind: no prefix; TYPE/NAME and TYPE NAME forms") {
    const std::string mongo_pod =
        "NAME                     READY   STATUS    RESTARTS   AGE\n"
        "mongo-5c694c878b-46ts2   1/1     Running   0          119s\n";
    CHECK(c.get("get pods") == mongo_pod);
    CHECK(c.get("get pod/mongo-5c694c878b-46ts2") == mongo_pod);
    CHECK(c.get("get po mongo-5c694c878b-46ts2") == mongo_pod);
    CHECK(c.get("get pods -l name=mongo") == mongo_pod);
    CHECK(c.get("get pods -l 'name in (mongo,other)'") == mongo_pod);
    CHECK(c.get("get deployment mongo") ==
          "NAME    READY   UP-TO-DATE   AVAILABLE   AGE\n"
          "mongo   1/1     1            1           2m\n");
  }
  SECTION("several kinds by name: prefixes") {
    CHECK(c.get("get deploy/mongo pod/mongo-5c694c878b-46ts2") ==
          "NAME                    READY   UP-TO-DATE   AVAILABLE   AGE\n"
          "deployment.apps/mongo   1/1     1            1           2m\n"
          "\n"
          "NAME                         READY   STATUS    RESTARTS   AGE\n"
          "pod/mongo-5c694c878b-46ts2   1/1     Running   0          119s\n");
  }
  SECTION("-n and -A") {
    CHECK(c.get("get po -n kube-system") ==
          "NAME                       READY   STATUS    RESTARTS   AGE\n"
          "coredns-854c77959c-abcde   1/1     Running   0          69s\n");
    CHECK(c.get("get pods -A") ==
          "NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE\n"
          "default       mongo-5c694c878b-46ts2     1/1     Running   0          119s\n"
          "kube-system   coredns-854c77959c-abcde   1/1     Running   0          69s\n");
    CHECK(c.get("get pods --all-namespaces -l k8s-app=kube-dns -o wide") ==
          "NAMESPACE     NAME                       READY   STATUS    RESTARTS   AGE   IP          NODE      "
          "   "
          "NOMINATED NODE   READINESS GATES\n"
          "kube-system   coredns-854c77959c-abcde   1/1     Running   0          69s   10.42.0.2   "
          "controller   <none>  "
          "         <none>\n");
  }
  SECTION("-o name") {
    CHECK(c.get("get deploy,po -o name") == "deployment.apps/mongo\npod/mongo-5c694c878b-46ts2\n");
    CHECK(c.get("get pods -A -o name") == "pod/mongo-5c694c878b-46ts2\npod/coredns-854c77959c-abcde\n");
  }
  SECTION("kubectl 1.32 from the defaults: RESTARTS with the last restart's age") {
    auto crashing =
        crash_looping_pod("web-1", "web", "worker1", "10.42.1.9", Time{}, 4, c.loop.now() - seconds(30));
    crashing->metadata.namespace_ = "test";
    c.create(crashing);
    c.at(minutes(3));
    PrintOptions v132;
    v132.kubectl_version = "1.32";
    CHECK(c.get("get pods -n test", v132) ==
          "NAME    READY   STATUS             RESTARTS      AGE\n"
          "web-1   0/1     CrashLoopBackOff   4 (90s ago)   60s\n");
    CHECK(c.get("get pods -n test") ==
          "NAME    READY   STATUS             RESTARTS   AGE\n"
          "web-1   0/1     CrashLoopBackOff   4          60s\n");
  }
}

TEST_CASE("kubectl_get: kubectl's words for errors and empty results", "[printers]") {
  Cluster c;
  add_mongo(c);
  CHECK(c.get("get foo") == "ERROR error: the server doesn't have a resource type \"foo\"");
  CHECK(c.get("get pods,foo") == "ERROR error: the server doesn't have a resource type \"foo\"");
  CHECK(c.get("get foo/bar") == "ERROR error: the server doesn't have a resource type \"foo\"");
  CHECK(c.get("get pod/nope") == "ERROR Error from server (NotFound): pods \"nope\" not found");
  CHECK(c.get("get deployment nope") ==
        "ERROR Error from server (NotFound): deployments.apps \"nope\" not found");
  CHECK(c.get("get ingress nope") ==
        "ERROR Error from server (NotFound): ingresses.networking.k8s.io \"nope\" not found");
  CHECK(c.get("get po -n kube-system") == "No resources found in kube-system namespace.\n");
  CHECK(c.get("get svc -l name=none") == "No resources found in default namespace.\n");
  CHECK(c.get("get nodes") == "No resources found\n");
  CHECK(c.get("get pods -A -l name=none") == "No resources found\n");
  CHECK(c.get("get pods -o yaml").rfind("ERROR error: unable to match a printer", 0) == 0);
  CHECK(c.get("get pods -x") == "ERROR error: unknown shorthand flag: 'x' in -x");
  CHECK(c.get("get pods -l name=mongo mongo").rfind("ERROR error: name cannot be provided", 0) == 0);
  CHECK(c.get("get").rfind("ERROR You must specify the type of resource to get.", 0) == 0);
  // What exists is printed, the errors follow it.
  CHECK(c.get("get pods mongo-5c694c878b-46ts2 nope") ==
        "NAME                     READY   STATUS    RESTARTS   AGE\n"
        "mongo-5c694c878b-46ts2   1/1     Running   0          50s\n"
        "Error from server (NotFound): pods \"nope\" not found\n");
}

}  // namespace
}  // namespace ktwin::core::printers
