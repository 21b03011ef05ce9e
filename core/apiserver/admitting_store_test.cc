// Admission: default tolerations, pod defaults, ClusterIP and NodePort allocation.
#include "core/apiserver/admitting_store.h"

#include <catch2/catch.hpp>

#include "core/api/pod.h"
#include "core/api/service.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;

namespace {
struct Fixture {
  ktwin::sim::EventLoop loop{Time{}};
  MemoryStore store{loop, Rng(7, "store")};
  ControlPlaneConfig config;
  AdmittingStore api{store, config, Rng(7, "apiserver")};
};

std::shared_ptr<Service> service(std::string name, std::string type) {
  auto s = std::make_shared<Service>();
  s->metadata.name = std::move(name);
  s->spec.type = std::move(type);
  s->spec.ports.push_back({"http", "", "", 8080, 0, IntOrString::of("http-server")});
  return s;
}
}  // namespace

TEST_CASE("pods get the 300 s not-ready and unreachable tolerations", "[apiserver]") {
  Fixture f;
  auto pod = std::make_shared<Pod>();
  pod->metadata.name = "p";
  pod->spec.containers.push_back({"c", "mongo"});
  auto created = as<Pod>(f.api.create(pod).value());
  REQUIRE(created->spec.tolerations.size() == 2);
  CHECK(created->spec.tolerations[0].key == "node.kubernetes.io/not-ready");
  CHECK(created->spec.tolerations[1].key == "node.kubernetes.io/unreachable");
  CHECK(created->spec.tolerations[1].effect == "NoExecute");
  CHECK(created->spec.tolerations[1].tolerationSeconds == 300);
  CHECK(created->spec.restartPolicy == "Always");
  CHECK(created->spec.containers[0].imagePullPolicy == "Always");  // untagged means :latest

  SECTION("a pod that already tolerates a taint keeps its own toleration") {
    auto own = std::make_shared<Pod>();
    own->metadata.name = "q";
    own->spec.tolerations.push_back({"node.kubernetes.io/unreachable", "Exists", "", "NoExecute", 60});
    auto q = as<Pod>(f.api.create(own).value());
    REQUIRE(q->spec.tolerations.size() == 2);
    CHECK(q->spec.tolerations[0].tolerationSeconds == 60);
    CHECK(q->spec.tolerations[1].key == "node.kubernetes.io/not-ready");
  }
}

TEST_CASE("the configured toleration seconds are used", "[apiserver]") {
  Fixture f;
  f.config.defaultUnreachableTolerationSeconds = 60;
  AdmittingStore api(f.store, f.config, Rng(7, "apiserver"));
  auto pod = std::make_shared<Pod>();
  pod->metadata.name = "p";
  auto created = as<Pod>(api.create(pod).value());
  CHECK(created->spec.tolerations[1].tolerationSeconds == 60);
}

TEST_CASE("services get a ClusterIP in 10.43.0.0/16 and NodePorts in 30000-32767", "[apiserver]") {
  Fixture f;
  REQUIRE(f.api.create_kubernetes_service().is_ok());
  CHECK(find<Service>(f.api, "default", "kubernetes")->spec.clusterIP == "10.43.0.1");
  auto svc = as<Service>(f.api.create(service("letschat", "NodePort")).value());
  CHECK(svc->spec.clusterIP.rfind("10.43.", 0) == 0);
  CHECK(svc->spec.clusterIP != "10.43.0.1");
  REQUIRE(svc->spec.ports.size() == 1);
  CHECK(svc->spec.ports[0].nodePort >= 30000);
  CHECK(svc->spec.ports[0].nodePort <= 32767);
  CHECK(svc->spec.ports[0].protocol == "TCP");
  auto plain = as<Service>(f.api.create(service("mongo", "")).value());
  CHECK(plain->spec.type == "ClusterIP");
  CHECK(plain->spec.ports[0].nodePort == 0);
  CHECK(plain->spec.clusterIP != svc->spec.clusterIP);

  SECTION("a taken ClusterIP is refused with the apiserver's message") {
    auto dup = service("dup", "");
    dup->spec.clusterIP = svc->spec.clusterIP;
    auto result = f.api.create(dup);
    REQUIRE_FALSE(result.is_ok());
    CHECK(result.status().message().find("provided IP is already allocated") != std::string::npos);
  }
  SECTION("an update keeps the allocated addresses") {
    auto copy = mutable_copy(*svc);
    copy->spec.clusterIP.clear();
    copy->spec.ports[0].nodePort = 0;
    auto updated = as<Service>(f.api.update(copy).value());
    CHECK(updated->spec.clusterIP == svc->spec.clusterIP);
    CHECK(updated->spec.ports[0].nodePort == svc->spec.ports[0].nodePort);
  }
  SECTION("deleting releases the ClusterIP") {
    REQUIRE(f.api.remove(Kind::kService, "default", "letschat").is_ok());
    auto again = service("again", "");
    again->spec.clusterIP = svc->spec.clusterIP;
    CHECK(f.api.create(again).is_ok());
  }
}

TEST_CASE("a restored store's ClusterIPs and NodePorts are not handed out again", "[apiserver]") {
  // Same seeds on both sides: without the reservation the second allocator picks the same slots.
  Fixture before;
  auto svc = as<Service>(before.api.create(service("letschat", "NodePort")).value());
  PersistedState state{before.store.list(Kind::kService), before.store.resource_version()};

  ktwin::sim::EventLoop loop{Time{}};
  MemoryStore store{loop, Rng(7, "store")};
  ControlPlaneConfig config;
  auto expect_fresh = [&](AdmittingStore& api) {
    auto other = as<Service>(api.create(service("other", "NodePort")).value());
    CHECK(other->spec.clusterIP != svc->spec.clusterIP);
    CHECK(other->spec.ports[0].nodePort != svc->spec.ports[0].nodePort);
    auto dup = service("dup", "");
    dup->spec.clusterIP = svc->spec.clusterIP;
    CHECK(api.create(dup).status().message().find("provided IP is already allocated") != std::string::npos);
  };
  SECTION("an AdmittingStore built over the restored store") {
    REQUIRE(store.restore(state).is_ok());
    AdmittingStore api{store, config, Rng(7, "apiserver")};
    expect_fresh(api);
  }
  SECTION("an AdmittingStore built first, told after the restore") {
    AdmittingStore api{store, config, Rng(7, "apiserver")};
    REQUIRE(store.restore(state).is_ok());
    api.reserve_stored_services();
    api.reserve_stored_services();  // idempotent
    expect_fresh(api);
  }
  SECTION("without the reservation the seeds collide (the test's premise)") {
    AdmittingStore api{store, config, Rng(7, "apiserver")};
    REQUIRE(store.restore(state).is_ok());
    auto other = as<Service>(api.create(service("other", "NodePort")).value());
    CHECK(other->spec.clusterIP == svc->spec.clusterIP);
  }
}
