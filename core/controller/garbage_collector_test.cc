// GarbageCollector: Deployment -> ReplicaSet -> Pod cascades in the background.
#include "core/controller/garbage_collector.h"

#include <catch2/catch.hpp>

#include "core/api/workload.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/test_env.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace std::chrono_literals;

namespace {
struct Fixture : testing::TestEnv {

  template <class T>
  ObjectPtr add(const std::string& name, ObjectPtr owner, const std::string& node = "") {
    auto obj = std::make_shared<T>();
    obj->metadata.name = name;
    if (owner)
      obj->metadata.ownerReferences.push_back(OwnerReference{"apps/v1", std::string(kind_name(owner->kind())),
                                                             owner->metadata.name, owner->metadata.uid, true, true});
    if constexpr (std::is_same_v<T, Pod>) obj->spec.nodeName = node;
    auto created = store.create(obj);
    REQUIRE(created.is_ok());
    return created.value();
  }
};
}  // namespace

TEST_CASE("deleting a deployment cascades to its replica sets and their pods", "[gc]") {
  Fixture f;
  GarbageCollector gc(f.env);
  gc.start();
  ObjectPtr deploy = f.add<Deployment>("web", nullptr);
  ObjectPtr rs = f.add<ReplicaSet>("web-5c694c878b", deploy);
  f.add<Pod>("web-5c694c878b-abcde", rs, "worker1");
  f.add<Pod>("web-5c694c878b-fghij", rs);  // unscheduled: deleted at once
  ObjectPtr other = f.add<ReplicaSet>("other", nullptr);
  f.add<Pod>("other-zzzzz", other);
  f.loop.run_until(Time{} + 1s);
  REQUIRE(f.store.find(Kind::kReplicaSet, "default", "web-5c694c878b"));  // owners alive: nothing happens

  REQUIRE(f.store.remove(Kind::kDeployment, "default", "web").is_ok());
  f.loop.run_until(Time{} + 2s);
  CHECK_FALSE(f.store.find(Kind::kReplicaSet, "default", "web-5c694c878b"));
  auto bound = find<Pod>(f.store, "default", "web-5c694c878b-abcde");
  REQUIRE(bound);  // a bound pod is deleted gracefully: the kubelet finishes it
  CHECK(bound->metadata.deletionTimestamp.has_value());
  CHECK_FALSE(f.store.find(Kind::kPod, "default", "web-5c694c878b-fghij"));
  CHECK(f.store.find(Kind::kReplicaSet, "default", "other"));
  CHECK(f.store.find(Kind::kPod, "default", "other-zzzzz"));
}

TEST_CASE("an owner recreated under the same name does not adopt old dependents", "[gc]") {
  Fixture f;
  ObjectPtr rs = f.add<ReplicaSet>("web", nullptr);
  f.add<Pod>("web-abcde", rs);
  REQUIRE(f.store.remove(Kind::kReplicaSet, "default", "web").is_ok());
  f.add<ReplicaSet>("web", nullptr);  // new uid
  GarbageCollector gc(f.env);
  gc.start();  // found at start: the reference dangles
  f.loop.run_until(Time{} + 1s);
  CHECK_FALSE(f.store.find(Kind::kPod, "default", "web-abcde"));
}

TEST_CASE("dangling references next to a live owner are dropped, not the object", "[gc]") {
  Fixture f;
  GarbageCollector gc(f.env);
  gc.start();
  ObjectPtr a = f.add<ReplicaSet>("a", nullptr);
  ObjectPtr b = f.add<ReplicaSet>("b", nullptr);
  auto pod = std::make_shared<Pod>();
  pod->metadata.name = "shared";
  pod->metadata.ownerReferences = {OwnerReference{"apps/v1", "ReplicaSet", "a", a->metadata.uid, false, false},
                                   OwnerReference{"apps/v1", "ReplicaSet", "b", b->metadata.uid, false, false}};
  REQUIRE(f.store.create(pod).is_ok());
  f.loop.run_until(Time{} + 1s);
  REQUIRE(f.store.remove(Kind::kReplicaSet, "default", "a").is_ok());
  f.loop.run_until(Time{} + 2s);
  auto left = find<Pod>(f.store, "default", "shared");
  REQUIRE(left);
  REQUIRE(left->metadata.ownerReferences.size() == 1);
  CHECK(left->metadata.ownerReferences[0].name == "b");
}
