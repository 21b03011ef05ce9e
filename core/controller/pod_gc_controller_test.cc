// PodGCController: orphan quarantine timing, terminated-pod threshold, unscheduled terminating pods.
#include "core/controller/pod_gc_controller.h"

#include <catch2/catch.hpp>

#include "core/api/node.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/test_env.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace std::chrono_literals;

namespace {
struct Fixture : testing::TestEnv {
  void add_pod(const std::string& name, const std::string& node, const std::string& phase = "Running") {
    auto pod = std::make_shared<Pod>();
    pod->metadata.name = name;
    pod->spec.nodeName = node;
    pod->status.phase = phase;
    REQUIRE(store.create(pod).is_ok());
  }
  bool exists(const std::string& name) { return store.find(Kind::kPod, "default", name) != nullptr; }
};
}  // namespace

TEST_CASE("pods of a deleted node are force-deleted after the 40 s quarantine", "[podgc]") {
  Fixture f;
  auto node = std::make_shared<Node>();
  node->metadata.name = "worker2";
  REQUIRE(f.store.create(node).is_ok());
  f.add_pod("web", "worker2");
  REQUIRE(f.store.remove(Kind::kPod, "default", "web").is_ok());  // terminating, kubelet gone
  REQUIRE(f.exists("web"));
  PodGCController gc(f.env, ControlPlaneConfig{});
  gc.start();  // passes at 0, 20, 40, ...
  f.loop.run_until(Time{} + 30s);
  REQUIRE(f.store.remove(Kind::kNode, "", "worker2").is_ok());
  // First seen orphaned on the pass at 40 s; the quarantine ends at 80 s.
  f.loop.run_until(Time{} + 79s);
  CHECK(f.exists("web"));
  f.loop.run_until(Time{} + 80s);
  CHECK_FALSE(f.exists("web"));
}

TEST_CASE("a node that comes back within the quarantine keeps its pods", "[podgc]") {
  Fixture f;
  f.add_pod("web", "worker2");  // the node is not there (yet)
  PodGCController gc(f.env, ControlPlaneConfig{});
  gc.start();
  f.loop.run_until(Time{} + 10s);
  auto node = std::make_shared<Node>();
  node->metadata.name = "worker2";
  REQUIRE(f.store.create(node).is_ok());
  f.loop.run_until(Time{} + 200s);
  CHECK(f.exists("web"));
}

TEST_CASE("terminated pods beyond the threshold go, oldest first", "[podgc]") {
  Fixture f;
  auto node = std::make_shared<Node>();
  node->metadata.name = "n";
  REQUIRE(f.store.create(node).is_ok());
  for (int i = 0; i < 5; ++i) {
    f.loop.run_until(Time{} + std::chrono::seconds(i));
    f.add_pod("done" + std::to_string(4 - i), "n", i % 2 ? "Failed" : "Succeeded");  // done4 is the oldest
  }
  f.add_pod("live", "n");
  ControlPlaneConfig config;
  config.terminatedPodGCThreshold = 2;
  PodGCController gc(f.env, config);
  gc.gc();
  CHECK_FALSE(f.exists("done4"));
  CHECK_FALSE(f.exists("done3"));
  CHECK_FALSE(f.exists("done2"));
  CHECK(f.exists("done1"));
  CHECK(f.exists("done0"));
  CHECK(f.exists("live"));
}

TEST_CASE("unscheduled terminating pods are force-deleted", "[podgc]") {
  Fixture f;
  auto pod = std::make_shared<Pod>();
  pod->metadata.name = "stuck";
  pod->metadata.finalizers = {"example.com/hold"};
  pod->metadata.deletionTimestamp = Time{} + 1s;
  REQUIRE(f.store.create(pod).is_ok());
  // The store clears deletionTimestamp on create; set it the way a delete with a finalizer leaves it.
  auto copy = mutable_copy(*find<Pod>(f.store, "default", "stuck"));
  copy->metadata.deletionTimestamp = Time{} + 1s;
  REQUIRE(f.store.update(copy).is_ok());
  REQUIRE(find<Pod>(f.store, "default", "stuck")->metadata.deletionTimestamp);
  PodGCController gc(f.env, ControlPlaneConfig{});
  gc.gc();
  CHECK_FALSE(f.exists("stuck"));
}
