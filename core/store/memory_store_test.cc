// MemoryStore: naming, optimistic concurrency, graceful pod deletion and watch delivery.
#include "core/store/memory_store.h"

#include <catch2/catch.hpp>

#include "core/api/pod.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using ktwin::sim::EventLoop;

namespace {
std::shared_ptr<Pod> make_pod(std::string name, std::string node = "") {
  auto p = std::make_shared<Pod>();
  p->metadata.name = std::move(name);
  p->spec.nodeName = std::move(node);
  return p;
}
}  // namespace

TEST_CASE("create assigns identity and rejects duplicates", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  auto created = store.create(make_pod("a"));
  REQUIRE(created.is_ok());
  CHECK(created.value()->metadata.namespace_ == "default");
  CHECK(created.value()->metadata.resourceVersion == 1);
  CHECK(created.value()->metadata.uid.size() == 36);
  CHECK(store.create(make_pod("a")).status().is_already_exists());

  auto gen = std::make_shared<Pod>();
  gen->metadata.generateName = "mongo-5c694c878b-";
  auto named = store.create(gen);
  REQUIRE(named.is_ok());
  const std::string& name = named.value()->metadata.name;
  REQUIRE(name.size() == std::string("mongo-5c694c878b-").size() + 5);
  CHECK(name.find_first_not_of("bcdfghjklmnpqrstvwxz2456789", 17) == std::string::npos);
}

TEST_CASE("a stale update is a conflict; a fresh one succeeds", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  auto v1 = store.create(make_pod("a")).value();
  auto first = mutable_copy(*as<Pod>(v1));
  first->status.phase = "Running";
  REQUIRE(store.update(first).is_ok());
  auto stale = mutable_copy(*as<Pod>(v1));
  stale->status.phase = "Failed";
  CHECK(store.update(stale).status().is_conflict());
  CHECK(find<Pod>(store, "default", "a")->status.phase == "Running");
  CHECK(store.update(make_pod("missing")).status().is_not_found());
}

TEST_CASE("deleting a bound pod is graceful; an unbound one goes at once", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  store.create(make_pod("bound", "worker1"));
  store.create(make_pod("unbound"));
  REQUIRE(store.remove(Kind::kPod, "default", "bound").is_ok());
  auto bound = find<Pod>(store, "default", "bound");
  REQUIRE(bound);
  CHECK(bound->metadata.deletionTimestamp == Time{} + std::chrono::seconds(30));
  CHECK(bound->metadata.deletionGracePeriodSeconds == 30);
  DeleteOptions now;
  now.gracePeriodSeconds = 0;
  REQUIRE(store.remove(Kind::kPod, "default", "bound", now).is_ok());
  CHECK_FALSE(find<Pod>(store, "default", "bound"));
  REQUIRE(store.remove(Kind::kPod, "default", "unbound").is_ok());
  CHECK_FALSE(find<Pod>(store, "default", "unbound"));
  CHECK(store.remove(Kind::kPod, "default", "unbound").is_not_found());
}

TEST_CASE("watches deliver in write order, after the write returns", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  std::vector<std::string> seen;
  store.watch(Kind::kPod, [&](const WatchEvent& e) {
    seen.push_back(std::string(watch_event_name(e.type)) + " " + e.object->metadata.name);
  });
  store.create(make_pod("a"));
  store.create(make_pod("b"));
  CHECK(seen.empty());  // never inside the write
  store.remove(Kind::kPod, "default", "a");
  loop.run_until(Time{});
  CHECK(seen == std::vector<std::string>{"ADDED a", "ADDED b", "DELETED a"});
}

TEST_CASE("lists are ordered by namespace and name; pods are indexed by node", "[store]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  store.create(make_pod("b", "n1"));
  store.create(make_pod("a", "n2"));
  store.create(make_pod("c", "n1"));
  auto pods = list<Pod>(store);
  REQUIRE(pods.size() == 3);
  CHECK(pods[0]->metadata.name == "a");
  auto on_n1 = store.list_pods_on_node("n1");
  REQUIRE(on_n1.size() == 2);
  auto moved = mutable_copy(*find<Pod>(store, "default", "b"));
  moved->spec.nodeName = "n2";
  store.update(moved);
  CHECK(store.list_pods_on_node("n1").size() == 1);
  CHECK(store.list_pods_on_node("n2").size() == 2);
}
