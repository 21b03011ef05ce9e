// ModelledRuntime on its own: start-up latency, dependency failure and recovery, kills, power loss.
#include "sim/runtime/modelled_runtime.h"

#include <catch2/catch.hpp>

#include "core/api/service.h"
#include "core/kubelet/kubelet.h"
#include "core/store/memory_store.h"
#include "core/env/env.h"
#include "sim/event_loop.h"

namespace ktwin::sim {
namespace {

using core::ContainerEvent;
using std::chrono::seconds;
const Time kStart = Time(std::chrono::hours(24 * 365 * 51));

struct Harness {
  EventLoop loop{kStart};
  core::MemoryStore store{loop, core::Rng(1, "store")};
  ModelledRuntime runtime{loop, store,
                          AppModels{{"mongo", AppModel{seconds(3), {}, 400'000'000}},
                                    {"sdelements/lets-chat", AppModel{seconds(2), {"mongo"}, 0}}},
                          "worker1"};
  std::vector<std::pair<Time, ContainerEvent>> events;
  std::string sandbox;

  Harness() {
    runtime.set_event_handler([this](const ContainerEvent& e) { events.emplace_back(loop.now(), e); });
    runtime.run_pod_sandbox(core::PodSandboxConfig{"uid-1", "letschat-abc", "default", 0, "10.42.1.2"},
                            [this](core::Result<std::string> r) { sandbox = r.value(); });
    loop.run_until(loop.now());
  }
  std::string start(const std::string& name, const std::string& image) {
    std::string id;
    runtime.create_container(sandbox, core::ContainerConfig{name, image, {}, {}, 0},
                             [&](core::Result<std::string> r) { id = r.value(); });
    loop.run_until(loop.now());
    REQUIRE(!id.empty());
    runtime.start_container(id, [](core::Status s) { CHECK(s.is_ok()); });
    return id;
  }
  void set_mongo_endpoints(int ready) {
    auto ep = std::make_shared<core::Endpoints>();
    ep->metadata.name = "mongo";
    ep->metadata.namespace_ = "default";
    core::EndpointSubset subset;
    auto address = [](std::string ip) {
      core::EndpointAddress a;
      a.ip = std::move(ip);
      return a;
    };
    for (int i = 0; i < ready; ++i) subset.addresses.push_back(address("10.42.2." + std::to_string(i + 2)));
    if (ready == 0) subset.notReadyAddresses.push_back(address("10.42.2.9"));
    ep->subsets.push_back(subset);
    auto existing = store.find(core::Kind::kEndpoints, "default", "mongo");
    if (existing) ep->metadata.resourceVersion = existing->metadata.resourceVersion;
    REQUIRE((existing ? store.update(ep) : store.create(ep)).is_ok());
  }
  std::vector<core::ContainerInfo> containers() {
    std::vector<core::ContainerInfo> out;
    runtime.list_containers([&](core::Result<std::vector<core::ContainerInfo>> r) { out = r.value(); });
    loop.run_until(loop.now());
    return out;
  }
};

TEST_CASE("a container runs after its image's start-up time; its image is listed", "[runtime]") {
  Harness h;
  std::string id = h.start("mongo", "mongo:4.4");
  h.loop.run_until(kStart + seconds(3) - core::millis(1));
  CHECK(h.events.empty());
  h.loop.run_until(kStart + seconds(3));
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].second.type == ContainerEvent::Type::kStarted);
  CHECK(h.events[0].second.container.id == id);
  CHECK(h.events[0].second.container.podUid == "uid-1");
  CHECK(h.events[0].second.container.image == "docker.io/library/mongo:4.4");
  CHECK(h.events[0].second.container.startedAt == kStart + seconds(3));
  CHECK(id.size() == 64);
  std::vector<core::ImageInfo> images;
  h.runtime.list_images([&](core::Result<std::vector<core::ImageInfo>> r) { images = r.value(); });
  h.loop.run_until(h.loop.now());
  REQUIRE(images.size() == 1);
  CHECK(images[0].repoTags[0] == "docker.io/library/mongo:4.4");
  CHECK(images[0].size == 400'000'000);
  CHECK(ModelledRuntime::image_name("docker.io/sdelements/lets-chat:latest") == "sdelements/lets-chat");
  CHECK(ModelledRuntime::image_name("localhost:5000/app@sha256:abc") == "localhost:5000/app");
}

TEST_CASE("an app whose dependency has no ready endpoint fails, and runs once it has one", "[runtime]") {
  Harness h;
  h.set_mongo_endpoints(0);
  h.start("letschat", "sdelements/lets-chat:latest");
  h.loop.run_until(kStart + seconds(3));
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[0].second.type == ContainerEvent::Type::kStarted);
  CHECK(h.events[1].second.type == ContainerEvent::Type::kDied);
  CHECK(h.events[1].first == kStart + seconds(2) + ModelledRuntime::kStartupFailureDelay);
  CHECK(h.events[1].second.container.exitCode == 1);
  CHECK(h.events[1].second.container.reason == "Error");

  // mongo becomes ready: the next attempt stays up.
  h.set_mongo_endpoints(1);
  h.events.clear();
  std::string second = h.start("letschat", "sdelements/lets-chat:latest");
  h.loop.run_until(h.loop.now() + seconds(30));
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].second.type == ContainerEvent::Type::kStarted);

  SECTION("losing every ready address makes it exit shortly after") {
    h.events.clear();
    Time lost = h.loop.now();
    h.set_mongo_endpoints(0);
    h.loop.run_until(lost + seconds(5));
    REQUIRE(h.events.size() == 1);
    CHECK(h.events[0].second.type == ContainerEvent::Type::kDied);
    CHECK(h.events[0].second.container.id == second);
    CHECK(h.events[0].second.container.exitCode == 1);
    CHECK(h.events[0].first == lost + ModelledRuntime::kDependencyLossDelay);
  }
  SECTION("a dependency back before the app notices does not crash it") {
    h.events.clear();
    h.set_mongo_endpoints(0);
    h.loop.run_until(h.loop.now() + core::millis(100));
    h.set_mongo_endpoints(2);
    h.loop.run_until(h.loop.now() + seconds(5));
    CHECK(h.events.empty());
  }
  SECTION("an Endpoints change that keeps ready addresses is ignored") {
    h.events.clear();
    h.set_mongo_endpoints(3);
    h.loop.run_until(h.loop.now() + seconds(5));
    CHECK(h.events.empty());
  }
}

TEST_CASE("kill_container exits 137; stop exits cleanly; power_off loses everything silently", "[runtime]") {
  Harness h;
  h.start("mongo", "mongo:4.4");
  h.loop.run_until(kStart + seconds(3));
  h.events.clear();
  CHECK(h.runtime.kill_container("uid-1", "mongo").is_ok());
  h.loop.run_until(h.loop.now());
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].second.container.exitCode == 137);
  CHECK(h.events[0].second.container.reason == "Error");
  CHECK(h.runtime.kill_container("uid-1", "mongo").is_not_found());

  std::string again = h.start("mongo", "mongo:4.4");
  h.loop.run_until(h.loop.now() + seconds(3));
  h.events.clear();
  bool stopped = false;
  h.runtime.stop_container(again, seconds(30), [&](core::Status) {
    stopped = true;
    CHECK(h.events.size() == 1);  // the exit is reported before the stop completes
  });
  h.loop.run_until(h.loop.now());
  CHECK(stopped);
  CHECK(h.events[0].second.container.exitCode == 0);

  h.start("mongo", "mongo:4.4");  // still starting at power-off
  h.events.clear();
  h.runtime.power_off();
  h.loop.run_until(h.loop.now() + seconds(10));
  CHECK(h.events.empty());
  CHECK(h.containers().empty());
  std::vector<core::PodSandboxInfo> sandboxes{{}};
  h.runtime.list_pod_sandboxes([&](core::Result<std::vector<core::PodSandboxInfo>> r) { sandboxes = r.value(); });
  h.loop.run_until(h.loop.now());
  CHECK(sandboxes.empty());
}

TEST_CASE("with the kubelet: letschat crash-loops while mongo is down, then runs", "[runtime][kubelet]") {
  EventLoop loop{kStart};
  core::MemoryStore store{loop, core::Rng(1, "store")};
  struct NoEvents : core::EventRecorder {
    int backoffs = 0;
    void record(const core::ObjectRef&, const std::string&, const std::string& reason, const std::string&) override {
      backoffs += reason == "BackOff";
    }
  } recorder;
  core::Env env{loop, store, recorder, 3};
  ModelledRuntime runtime{loop, store, AppModels{{"sdelements/lets-chat", AppModel{seconds(2), {"mongo"}, 0}}}, "w1"};
  core::KubeletDisk disk;
  core::NodeRegistration reg;
  reg.name = "w1";
  reg.internalIP = "192.168.56.12";
  core::Kubelet kubelet(env, runtime, core::KubeletConfig{}, reg, disk);
  kubelet.start();
  loop.run_until(kStart + core::millis(1));
  auto node = core::mutable_copy(*core::find<core::Node>(store, "", "w1"));
  node->spec.podCIDR = "10.42.1.0/24";
  REQUIRE(store.update(node).is_ok());
  auto pod = std::make_shared<core::Pod>();
  pod->metadata.name = "letschat";
  pod->spec.nodeName = "w1";
  core::Container c;
  c.name = "letschat";
  c.image = "sdelements/lets-chat:latest";
  pod->spec.containers.push_back(c);
  REQUIRE(store.create(pod).is_ok());
  loop.run_until(kStart + seconds(40));
  auto p = core::find<core::Pod>(store, "default", "letschat");
  const core::ContainerStatus& cs = p->status.containerStatuses.at(0);
  CHECK(cs.restartCount >= 2);
  CHECK(recorder.backoffs >= 1);
  CHECK(p->status.podIP == "10.42.1.2");

  // mongo comes up: after the current back-off the next attempt stays up.
  auto ep = std::make_shared<core::Endpoints>();
  ep->metadata.name = "mongo";
  ep->subsets.resize(1);
  ep->subsets[0].addresses.resize(1);
  ep->subsets[0].addresses[0].ip = "10.42.2.5";
  REQUIRE(store.create(ep).is_ok());
  loop.run_until(kStart + std::chrono::minutes(6));
  p = core::find<core::Pod>(store, "default", "letschat");
  CHECK(p->status.phase == "Running");
  CHECK(p->status.containerStatuses.at(0).state.running);
  CHECK(p->find_condition("Ready")->status == "True");
}

}  // namespace
}  // namespace ktwin::sim
