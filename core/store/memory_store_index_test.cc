// MemoryStore's indexes for caches: per-node pod stamps, the controllerUID index, the pod-write feed.
#include <catch2/catch.hpp>

#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using ktwin::sim::EventLoop;

namespace {
std::shared_ptr<Pod> owned_pod(std::string name, std::string owner_uid, std::string node = "") {
  auto p = std::make_shared<Pod>();
  p->metadata.name = std::move(name);
  p->spec.nodeName = std::move(node);
  if (!owner_uid.empty()) p->metadata.ownerReferences.push_back({"apps/v1", "ReplicaSet", "rs", owner_uid, true});
  return p;
}
std::vector<std::string> names(const std::vector<ObjectPtr>& objs) {
  std::vector<std::string> out;
  for (const ObjectPtr& o : objs) out.push_back(o->metadata.name);
  return out;
}
}  // namespace

TEST_CASE("a node's pod stamp moves exactly when a pod on it is written", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  uint64_t n1 = store.pods_on_node_stamp("n1"), n2 = store.pods_on_node_stamp("n2");
  CHECK(n1 != 0);
  store.create(owned_pod("a", "", "n1"));
  CHECK(store.pods_on_node_stamp("n1") != n1);
  CHECK(store.pods_on_node_stamp("n2") == n2);
  n1 = store.pods_on_node_stamp("n1");
  store.create(owned_pod("pending", ""));  // unbound: no node changes
  CHECK(store.pods_on_node_stamp("n1") == n1);
  auto moved = mutable_copy(*find<Pod>(store, "default", "a"));
  moved->spec.nodeName = "n2";
  store.update(moved);
  CHECK(store.pods_on_node_stamp("n1") != n1);
  CHECK(store.pods_on_node_stamp("n2") != n2);
  n2 = store.pods_on_node_stamp("n2");
  DeleteOptions now;
  now.gracePeriodSeconds = 0;
  store.remove(Kind::kPod, "default", "a", now);
  CHECK(store.pods_on_node_stamp("n2") != n2);
}

TEST_CASE("pods are indexed by controller uid and follow owner changes", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  store.create(owned_pod("b", "u1"));
  store.create(owned_pod("a", "u1"));
  store.create(owned_pod("c", "u2"));
  store.create(owned_pod("orphan", ""));
  CHECK(names(store.list_pods_controlled_by("default", "u1")) == std::vector<std::string>{"a", "b"});
  CHECK(names(store.list_pods_controlled_by("other", "u1")).empty());
  auto b = mutable_copy(*find<Pod>(store, "default", "b"));
  b->metadata.ownerReferences[0].uid = "u2";
  store.update(b);
  CHECK(names(store.list_pods_controlled_by("default", "u2")) == std::vector<std::string>{"b", "c"});
  store.remove(Kind::kPod, "default", "a");
  CHECK(store.list_pods_controlled_by("default", "u1").empty());
  // The base Store's listing fallback gives the same answer.
  std::vector<std::string> visited;
  store.visit_pods_controlled_by("default", "u2", [&](const ObjectPtr& o) { visited.push_back(o->metadata.name); });
  CHECK(visited == names(store.Store::list_pods_controlled_by("default", "u2")));
}

TEST_CASE("pod-write observers are called inside the write with old and new state", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  std::vector<std::string> seen;
  WatchId id = store.observe_pod_writes([&](const ObjectPtr& old, const ObjectPtr& now) {
    seen.push_back((old ? old->metadata.name : "-") + ">" + (now ? now->metadata.name : "-"));
  });
  store.create(owned_pod("a", ""));
  CHECK(seen == std::vector<std::string>{"->a"});
  store.remove(Kind::kPod, "default", "a");  // unbound: deleted at once
  CHECK(seen == std::vector<std::string>{"->a", "a>-"});
  store.unobserve_pod_writes(id);
  store.create(owned_pod("b", ""));
  CHECK(seen.size() == 2);
}
