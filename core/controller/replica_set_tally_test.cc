// ReplicaSetTally: incremental counts equal a recount over the controllerUID index after each write.
#include "core/controller/replica_set_tally.h"

#include <catch2/catch.hpp>

#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using ktwin::sim::EventLoop;

namespace {

std::shared_ptr<Pod> pod(const std::string& name, const std::string& uid, const std::string& app) {
  auto p = std::make_shared<Pod>();
  p->metadata.name = name;
  p->metadata.labels = {{"app", app}, {"tier", "web"}};
  p->metadata.ownerReferences.push_back({"apps/v1", "ReplicaSet", "web", uid, true});
  p->status.phase = "Pending";
  return p;
}

ReplicaSetTally::Counts recount(const Store& store, const ReplicaSet& rs) {
  ReplicaSetTally::Counts c;
  for (const ObjectPtr& obj : store.list_controlled_by(Kind::kPod, rs.metadata.namespace_, rs.metadata.uid)) {
    const auto& p = static_cast<const Pod&>(*obj);
    if (!rs.spec.selector.matches(p.metadata.labels) || !p.is_active()) continue;
    ++c.replicas;
    bool full = true;
    for (const auto& [k, v] : rs.spec.template_.metadata.labels)
      if (!p.metadata.labels.count(k) || p.metadata.labels.at(k) != v) full = false;
    c.fullyLabeled += full;
    c.ready += p.is_ready();
  }
  return c;
}

void require_equal(ReplicaSetTally& tally, const Store& store, const ReplicaSet& rs) {
  auto got = tally.counts(rs);
  REQUIRE(got);
  auto want = recount(store, rs);
  CHECK(got->replicas == want.replicas);
  CHECK(got->fullyLabeled == want.fullyLabeled);
  CHECK(got->ready == want.ready);
}

}  // namespace

TEST_CASE("replica set counts follow pod writes", "[controller]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  ReplicaSetTally tally(store);
  ReplicaSet rs;
  rs.metadata.name = "web";
  rs.metadata.namespace_ = "default";
  rs.metadata.uid = "u1";
  rs.spec.selector.matchLabels = {{"app", "web"}};
  rs.spec.template_.metadata.labels = {{"app", "web"}, {"tier", "web"}};

  store.create(pod("a", "u1", "web"));
  store.create(pod("b", "u1", "web"));
  store.create(pod("other", "u2", "web"));
  require_equal(tally, store, rs);
  CHECK(tally.counts(rs)->replicas == 2);

  auto ready = mutable_copy(*find<Pod>(store, "default", "a"));
  ready->status.phase = "Running";
  ready->status.conditions.push_back({"Ready", "True", "", "", std::nullopt, std::nullopt});
  store.update(ready);
  auto relabeled = mutable_copy(*find<Pod>(store, "default", "b"));
  relabeled->metadata.labels["app"] = "db";  // no longer selected
  store.update(relabeled);
  store.create(pod("c", "u1", "web"));
  require_equal(tally, store, rs);
  CHECK(tally.counts(rs)->ready == 1);

  auto adopted = mutable_copy(*find<Pod>(store, "default", "other"));
  adopted->metadata.ownerReferences[0].uid = "u1";
  store.update(adopted);
  store.remove(Kind::kPod, "default", "c");
  auto failed = mutable_copy(*find<Pod>(store, "default", "a"));
  failed->status.phase = "Failed";
  store.update(failed);
  require_equal(tally, store, rs);

  // A changed template recounts from scratch.
  rs.spec.template_.metadata.labels["tier"] = "api";
  require_equal(tally, store, rs);
  CHECK(tally.counts(rs)->fullyLabeled == 0);
}
