// MemoryStore's indexes for caches: per-node pod stamps, the controllerUID index, the pod-write feed.
#include <catch2/catch.hpp>

#include <set>

#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/api/workload.h"
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
  CHECK(names(store.list_controlled_by(Kind::kPod, "default", "u1")) == std::vector<std::string>{"a", "b"});
  CHECK(names(store.list_controlled_by(Kind::kPod, "other", "u1")).empty());
  auto b = mutable_copy(*find<Pod>(store, "default", "b"));
  b->metadata.ownerReferences[0].uid = "u2";
  store.update(b);
  CHECK(names(store.list_controlled_by(Kind::kPod, "default", "u2")) == std::vector<std::string>{"b", "c"});
  store.remove(Kind::kPod, "default", "a");
  CHECK(store.list_controlled_by(Kind::kPod, "default", "u1").empty());
  // The base Store's listing fallback gives the same answer.
  std::vector<std::string> visited;
  store.visit_controlled_by(Kind::kPod, "default", "u2", [&](const ObjectPtr& o) { visited.push_back(o->metadata.name); });
  CHECK(visited == names(store.Store::list_controlled_by(Kind::kPod, "default", "u2")));
}

TEST_CASE("the controller index is per kind and holds the latest object of each key", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  auto rs = std::make_shared<ReplicaSet>();
  rs->metadata.name = "web-1";
  rs->metadata.ownerReferences.push_back({"apps/v1", "Deployment", "web", "u1", true});
  store.create(rs);
  store.create(owned_pod("p", "u1", "n1"));
  CHECK(names(store.list_controlled_by(Kind::kReplicaSet, "", "u1")) == std::vector<std::string>{"web-1"});
  CHECK(names(store.list_controlled_by(Kind::kPod, "", "u1")) == std::vector<std::string>{"p"});
  // Writes that keep the controller (and the pod's node) replace the indexed object.
  auto scaled = mutable_copy(*find<ReplicaSet>(store, "default", "web-1"));
  scaled->spec.replicas = 7;
  store.update(scaled);
  auto status = mutable_copy(*find<Pod>(store, "default", "p"));
  status->status.phase = "Running";
  store.update(status);
  auto listed = store.list_controlled_by(Kind::kReplicaSet, "default", "u1");
  REQUIRE(listed.size() == 1);
  CHECK(as<ReplicaSet>(listed[0])->spec.replicas == 7);
  CHECK(store.list_controlled_by(Kind::kPod, "default", "u1")[0] == store.find(Kind::kPod, "default", "p"));
  CHECK(store.list_pods_on_node("n1")[0] == store.find(Kind::kPod, "default", "p"));
  // Deleted and created again under the same name: the index holds the new object, not the old one.
  REQUIRE(store.remove(Kind::kPod, "default", "p", DeleteOptions{0, std::nullopt}).is_ok());
  CHECK(store.list_pods_on_node("n1").empty());
  CHECK(store.list_controlled_by(Kind::kPod, "default", "u1").empty());
  auto again = store.create(owned_pod("p", "u1", "n1")).value();
  CHECK(store.list_pods_on_node("n1") == std::vector<ObjectPtr>{again});
  CHECK(store.list_controlled_by(Kind::kPod, "default", "u1") == std::vector<ObjectPtr>{again});
  // Orphaned: out of the index.
  auto orphan = mutable_copy(*find<ReplicaSet>(store, "default", "web-1"));
  orphan->metadata.ownerReferences.clear();
  store.update(orphan);
  CHECK(store.list_controlled_by(Kind::kReplicaSet, "default", "u1").empty());
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

TEST_CASE("node-keyed watches see only their node and run in watch order with the others", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  std::vector<std::string> seen;
  store.watch(Kind::kPod, [&](const WatchEvent& e) { seen.push_back("all:" + e.object->metadata.name); });
  WatchId n1 = store.watch_node(Kind::kPod, "n1", [&](const WatchEvent& e) { seen.push_back("n1:" + e.object->metadata.name); });
  store.watch_node(Kind::kPod, "n2", [&](const WatchEvent& e) { seen.push_back("n2:" + e.object->metadata.name); });
  store.watch(Kind::kPod, [&](const WatchEvent& e) { seen.push_back("last:" + e.object->metadata.name); });
  auto node = std::make_shared<Node>();
  node->metadata.name = "n1";
  store.watch_node(Kind::kNode, "n1", [&](const WatchEvent& e) { seen.push_back("node:" + e.object->metadata.name); });
  store.create(owned_pod("a", "", "n1"));
  store.create(owned_pod("b", "", "n2"));
  store.create(owned_pod("u", ""));  // unbound: no node's watch
  store.create(node);
  loop.run_until(loop.now());
  CHECK(seen == std::vector<std::string>{"all:a", "n1:a", "last:a", "all:b", "n2:b", "last:b", "all:u", "last:u",
                                         "node:n1"});
  seen.clear();
  store.unwatch(n1);
  store.remove(Kind::kPod, "default", "a", DeleteOptions{0, std::nullopt});
  loop.run_until(loop.now());
  CHECK(seen == std::vector<std::string>{"all:a", "last:a"});
}

namespace {
// Each node the journal names after `since`, checking it names none twice.
std::set<std::string> nodes_changed_since(const MemoryStore& store, uint64_t since) {
  std::set<std::string> out;
  store.visit_node_changes(since, [&](const std::string& n) { CHECK(out.insert(n).second); });
  return out;
}
}  // namespace

TEST_CASE("the node-change journal names each node changed since a position once", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  auto changed_since = [&](uint64_t since) { return nodes_changed_since(store, since); };
  auto node = std::make_shared<Node>();
  node->metadata.name = "n1";
  store.create(node);
  uint64_t start = store.node_changes_seq();
  CHECK(start != 0);
  CHECK(changed_since(start).empty());
  store.create(owned_pod("a", "", "n2"));
  store.create(owned_pod("b", "", "n2"));
  store.create(owned_pod("pending", ""));
  CHECK(changed_since(start) == std::set<std::string>{"n2"});
  uint64_t mid = store.node_changes_seq();
  store.update(mutable_copy(*find<Node>(store, "", "n1")));
  CHECK(changed_since(mid) == std::set<std::string>{"n1"});
  CHECK(changed_since(start) == std::set<std::string>{"n1", "n2"});
  store.remove(Kind::kNode, "", "n1");
  CHECK(changed_since(store.node_changes_seq()).empty());
  CHECK(changed_since(mid) == std::set<std::string>{"n1"});
}

TEST_CASE("the node-change journal still answers for old positions after it drops superseded entries",
          "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  auto changed_since = [&](uint64_t since) { return nodes_changed_since(store, since); };
  auto bind_pods = [&](const std::string& prefix, int count, const std::string& node) {
    for (int i = 0; i < count; ++i) store.create(owned_pod(prefix + std::to_string(i), "", node));
  };
  uint64_t start = store.node_changes_seq();
  bind_pods("a-", 3000, "busy");  // far more changes than nodes: the journal compacts on the way
  uint64_t before_quiet = store.node_changes_seq();
  bind_pods("q-", 1, "quiet");
  uint64_t after_quiet = store.node_changes_seq();
  bind_pods("b-", 3000, "busy");
  CHECK(changed_since(start) == std::set<std::string>{"busy", "quiet"});
  CHECK(changed_since(before_quiet) == std::set<std::string>{"busy", "quiet"});
  CHECK(changed_since(after_quiet) == std::set<std::string>{"busy"});
  CHECK(changed_since(store.node_changes_seq()).empty());
}

TEST_CASE("is_latest answers as comparing with find() would, through writes and deletes", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  auto same_as_find = [&](const ObjectPtr& obj) {
    bool expected = store.find(obj->kind(), obj->metadata.namespace_, obj->metadata.name) == obj;
    CHECK(store.is_latest(*obj) == expected);
    return expected;
  };
  auto created = store.create(owned_pod("a", "", "n1")).value();
  CHECK(same_as_find(created));
  CHECK_FALSE(same_as_find(created->clone()));
  auto updated = store.update(mutable_copy(*as<Pod>(created))).value();
  CHECK_FALSE(same_as_find(created));
  CHECK(same_as_find(updated));
  REQUIRE(store.remove(Kind::kPod, "default", "a").is_ok());  // bound: graceful, a new version
  auto terminating = store.find(Kind::kPod, "default", "a");
  CHECK_FALSE(same_as_find(updated));
  CHECK(same_as_find(terminating));
  REQUIRE(store.remove(Kind::kPod, "default", "a", DeleteOptions{0, std::nullopt}).is_ok());
  CHECK_FALSE(same_as_find(terminating));
}
