// EndpointsController: ready / not-ready / terminating pods, named target ports, lifecycle with the Service.
#include "core/controller/endpoints_controller.h"

#include <catch2/catch.hpp>

#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/test_env.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace std::chrono_literals;

namespace {
struct Fixture : testing::TestEnv {

  void add_service(const std::string& name, std::optional<IntOrString> target) {
    auto svc = std::make_shared<Service>();
    svc->metadata.name = name;
    svc->metadata.labels = {{"app", "web"}};
    svc->spec.selector = {{"app", "web"}};
    svc->spec.ports.push_back(ServicePort{"http", "TCP", "", 80, 0, target});
    REQUIRE(store.create(svc).is_ok());
  }
  void add_pod(const std::string& name, const std::string& ip, bool ready, const std::string& node = "worker1") {
    auto pod = std::make_shared<Pod>();
    pod->metadata.name = name;
    pod->metadata.labels = {{"app", "web"}};
    pod->spec.nodeName = node;
    Container c;
    c.name = "web";
    c.ports.push_back(ContainerPort{"web-port", "TCP", 8080, 0});
    pod->spec.containers.push_back(c);
    pod->status.phase = "Running";
    pod->status.podIP = ip;
    pod->status.conditions.push_back(PodCondition{"Ready", ready ? "True" : "False", "", "", std::nullopt, std::nullopt});
    REQUIRE(store.create(pod).is_ok());
  }
  std::shared_ptr<const Endpoints> endpoints(const std::string& name) { return find<Endpoints>(store, "default", name); }
};

std::vector<std::string> ips(const std::vector<EndpointAddress>& addrs) {
  std::vector<std::string> out;
  for (const auto& a : addrs) out.push_back(a.ip);
  return out;
}
}  // namespace

TEST_CASE("endpoints list ready pods, not-ready pods apart, and skip terminating and IP-less ones", "[endpoints]") {
  Fixture f;
  f.add_service("web", IntOrString::of("web-port"));
  f.add_pod("b", "10.42.1.7", true);
  f.add_pod("a", "10.42.2.3", true, "worker2");
  f.add_pod("slow", "10.42.1.9", false);
  f.add_pod("pending", "", false);
  f.add_pod("leaving", "10.42.1.4", true);
  REQUIRE(f.store.remove(Kind::kPod, "default", "leaving").is_ok());  // graceful: deletionTimestamp set
  auto other = std::make_shared<Pod>();
  other->metadata.name = "other";
  other->metadata.labels = {{"app", "db"}};
  other->status.podIP = "10.42.1.50";
  REQUIRE(f.store.create(other).is_ok());

  EndpointsController ec(f.env);
  ec.start();
  f.loop.run_until(Time{} + 1s);
  auto ep = f.endpoints("web");
  REQUIRE(ep);
  CHECK(ep->metadata.labels == Labels{{"app", "web"}});
  REQUIRE(ep->subsets.size() == 1);
  const EndpointSubset& s = ep->subsets[0];
  CHECK(ips(s.addresses) == std::vector<std::string>{"10.42.1.7", "10.42.2.3"});  // sorted by IP
  CHECK(ips(s.notReadyAddresses) == std::vector<std::string>{"10.42.1.9"});
  REQUIRE(s.ports.size() == 1);
  CHECK(s.ports[0].port == 8080);  // the named containerPort
  CHECK(s.ports[0].name == "http");
  CHECK(s.ports[0].protocol == "TCP");
  CHECK(s.addresses[1].nodeName == std::optional<std::string>("worker2"));
  REQUIRE(s.addresses[1].targetRef);
  CHECK(s.addresses[1].targetRef->kind == "Pod");
  CHECK(s.addresses[1].targetRef->name == "a");

  SECTION("a pod turning not ready moves to notReadyAddresses") {
    auto pod = mutable_copy(*find<Pod>(f.store, "default", "a"));
    pod->status.conditions[0].status = "False";
    REQUIRE(f.store.update(pod).is_ok());
    f.loop.run_until(Time{} + 2s);
    CHECK(ips(f.endpoints("web")->subsets[0].addresses) == std::vector<std::string>{"10.42.1.7"});
    CHECK(ips(f.endpoints("web")->subsets[0].notReadyAddresses) ==
          std::vector<std::string>{"10.42.1.9", "10.42.2.3"});
  }
  SECTION("an unchanged sync writes nothing") {
    uint64_t rv = f.endpoints("web")->metadata.resourceVersion;
    REQUIRE(ec.reconcile("default/web").is_ok());
    CHECK(f.endpoints("web")->metadata.resourceVersion == rv);
  }
  SECTION("the endpoints go with the service") {
    REQUIRE(f.store.remove(Kind::kService, "default", "web").is_ok());
    f.loop.run_until(Time{} + 2s);
    CHECK_FALSE(f.endpoints("web"));
  }
}

TEST_CASE("target ports default to the service port and int targets are taken as is", "[endpoints]") {
  Fixture f;
  f.add_service("plain", std::nullopt);
  f.add_pod("p", "10.42.0.5", true);
  EndpointsController ec(f.env);
  ec.start();
  f.loop.run_until(Time{} + 1s);
  CHECK(f.endpoints("plain")->subsets.at(0).ports.at(0).port == 80);

  auto svc = mutable_copy(*find<Service>(f.store, "default", "plain"));
  svc->spec.ports[0].targetPort = IntOrString::of(9090);
  REQUIRE(f.store.update(svc).is_ok());
  f.loop.run_until(Time{} + 2s);
  CHECK(f.endpoints("plain")->subsets.at(0).ports.at(0).port == 9090);
}

TEST_CASE("pods serving different port sets land in different subsets", "[endpoints]") {
  Fixture f;
  auto svc = std::make_shared<Service>();
  svc->metadata.name = "web";
  svc->spec.selector = {{"app", "web"}};
  svc->spec.ports.push_back(ServicePort{"http", "TCP", "", 80, 0, IntOrString::of("web-port")});
  svc->spec.ports.push_back(ServicePort{"admin", "TCP", "", 81, 0, IntOrString::of("admin")});
  f.add_pod("old", "10.42.0.5", true);
  f.add_pod("new", "10.42.0.6", true);
  auto pod = mutable_copy(*find<Pod>(f.store, "default", "new"));
  pod->spec.containers[0].ports.push_back(ContainerPort{"admin", "TCP", 9000, 0});
  auto subsets = EndpointsController::compute_subsets(
      *svc, {find<Pod>(f.store, "default", "old"), std::shared_ptr<const Pod>(pod)});
  REQUIRE(subsets.size() == 2);
  size_t both = subsets[0].ports.size() == 2 ? 0 : 1;
  CHECK(ips(subsets[both].addresses) == std::vector<std::string>{"10.42.0.6"});
  CHECK(ips(subsets[1 - both].addresses) == std::vector<std::string>{"10.42.0.5"});
  CHECK(subsets[1 - both].ports.at(0).port == 8080);
}
