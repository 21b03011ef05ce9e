// ReplicaSet controller tests in the style of k/k replica_set_test.go: fill a store, run, inspect.
#include "core/controller/replica_set_controller.h"

#include <catch2/catch.hpp>

#include "core/api/codec.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/api_builders.h"
#include "tests/fakes/recording_events.h"

using namespace ktwin;
using namespace std::chrono_literals;
using core::Pod;
using core::ReplicaSet;

namespace {

using testing::container;
using testing::ready_condition;

const core::Time kStart = core::Time{} + 24h;

// Forwards to a MemoryStore; creates fail while `fail_creates` lists a failure for the next call.
class FlakyStore : public core::Store {
 public:
  explicit FlakyStore(core::Store& inner) : inner_(inner) {}
  std::vector<bool> fail_creates;  // popped front to back; true fails that create
  core::Result<core::ObjectPtr> create(std::shared_ptr<core::Object> obj) override {
    if (!fail_creates.empty()) {
      bool fail = fail_creates.front();
      fail_creates.erase(fail_creates.begin());
      if (fail) return core::Status::unavailable("injected failure");
    }
    return inner_.create(obj);
  }
  core::Result<core::ObjectPtr> update(std::shared_ptr<core::Object> obj) override { return inner_.update(obj); }
  core::Status remove(core::Kind k, const std::string& ns, const std::string& n,
                      const core::DeleteOptions& o = {}) override {
    return inner_.remove(k, ns, n, o);
  }
  core::ObjectPtr find(core::Kind k, const std::string& ns, const std::string& n) const override {
    return inner_.find(k, ns, n);
  }
  std::vector<core::ObjectPtr> list(core::Kind k, const std::string& ns = "") const override {
    return inner_.list(k, ns);
  }
  core::WatchId watch(core::Kind k, core::WatchHandler h) override { return inner_.watch(k, std::move(h)); }
  void unwatch(core::WatchId id) override { inner_.unwatch(id); }

 private:
  core::Store& inner_;
};

struct Fixture {
  sim::EventLoop loop{kStart};
  core::MemoryStore memory{loop, core::Rng(7, "store")};
  FlakyStore store{memory};
  testing::RecordingEvents events;
  core::Env env{loop, store, events, 7};
  core::ReplicaSetController rsc{env};

  void settle() { loop.run_until(loop.now()); }
  void advance(core::Duration d) { loop.run_until(loop.now() + d); }

  std::shared_ptr<const ReplicaSet> rs(const std::string& name = "web") {
    return core::find<ReplicaSet>(memory, "default", name);
  }
  std::vector<std::shared_ptr<const Pod>> pods() { return core::list<Pod>(memory, "default"); }
  std::vector<std::shared_ptr<const Pod>> active_pods() { return core::filter_active_pods(pods()); }

  void create_rs(int32_t replicas, const std::string& name = "web", int32_t min_ready = 0) {
    auto r = std::make_shared<ReplicaSet>();
    r->metadata.name = name;
    r->metadata.namespace_ = "default";
    r->spec.replicas = replicas;
    r->spec.minReadySeconds = min_ready;
    r->spec.selector.matchLabels = {{"app", name}};
    r->spec.template_.metadata.labels = {{"app", name}, {"tier", "front"}};
    r->spec.template_.spec.containers.push_back(container("web", "nginx:1.19"));
    REQUIRE(memory.create(r).is_ok());
  }
  void scale(int32_t replicas, const std::string& name = "web") {
    auto copy = core::mutable_copy(*rs(name));
    copy->spec.replicas = replicas;
    ++copy->metadata.generation;
    REQUIRE(memory.update(copy).is_ok());
  }
  void edit_pod(const std::string& name, const std::function<void(Pod&)>& edit) {
    auto copy = core::mutable_copy(*core::find<Pod>(memory, "default", name));
    edit(*copy);
    REQUIRE(memory.update(copy).is_ok());
  }
  std::vector<std::string> messages(const std::string& reason) {
    std::vector<std::string> out;
    for (const auto& e : events.events)
      if (e.reason == reason) out.push_back(e.message);
    return out;
  }
};

void set_ready(Pod& p, core::Time since) {
  p.status.phase = "Running";
  p.status.conditions = {ready_condition(since)};
}

}  // namespace

TEST_CASE("a ReplicaSet creates its pods from the template with owner references", "[controller][replicaset]") {
  Fixture f;
  f.create_rs(3);
  // An unknown template field must survive into the pods.
  {
    auto copy = core::mutable_copy(*f.rs());
    copy->spec.template_.original = std::make_shared<const nlohmann::json>(nlohmann::json::parse(
        R"({"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"shareProcessNamespace":true,"containers":[{"name":"web","image":"nginx:1.19"}]}})"));
    REQUIRE(f.memory.update(copy).is_ok());
  }
  f.rsc.start();
  f.settle();

  auto rs = f.rs();
  auto pods = f.pods();
  REQUIRE(pods.size() == 3);
  for (const auto& pod : pods) {
    CHECK(pod->metadata.name.rfind("web-", 0) == 0);
    CHECK(pod->metadata.name.size() == 4 + 5);
    CHECK(pod->metadata.generateName == "web-");
    CHECK(pod->metadata.namespace_ == "default");
    CHECK(pod->metadata.labels == core::Labels{{"app", "web"}, {"tier", "front"}});
    REQUIRE(pod->metadata.ownerReferences.size() == 1);
    const auto& ref = pod->metadata.ownerReferences[0];
    CHECK(ref.apiVersion == "apps/v1");
    CHECK(ref.kind == "ReplicaSet");
    CHECK(ref.name == "web");
    CHECK(ref.uid == rs->metadata.uid);
    CHECK(ref.controller);
    CHECK(ref.blockOwnerDeletion);
    CHECK(pod->spec.containers.at(0).image == "nginx:1.19");
    CHECK(core::encode(*pod)["spec"].value("shareProcessNamespace", false));
  }
  auto created = f.messages("SuccessfulCreate");
  REQUIRE(created.size() == 3);
  std::vector<std::string> names;
  for (const auto& p : pods) names.push_back("Created pod: " + p->metadata.name);
  std::sort(created.begin(), created.end());
  CHECK(created == names);
  CHECK(f.events.events[0].object.kind == "ReplicaSet");
  CHECK(f.events.events[0].object.name == "web");
  CHECK(rs->status.replicas == 3);
  CHECK(rs->status.fullyLabeledReplicas == 3);
  CHECK(rs->status.readyReplicas == 0);
  CHECK(rs->status.observedGeneration == 1);
}

TEST_CASE("creates go out in slow-start batches and stop after a failed batch", "[controller][replicaset]") {
  Fixture f;
  f.create_rs(10);
  f.rsc.start();
  // Batches of 1, 2, 4: the 4th create fails, the rest of its batch still runs, the batch of 8 does not.
  f.store.fail_creates = {false, false, false, true, false, false, false};
  core::Status s = f.rsc.reconcile("default/web");
  CHECK_FALSE(s.is_ok());
  CHECK(f.pods().size() == 6);
  CHECK(f.events.count("SuccessfulCreate") == 6);
  CHECK(f.events.count("FailedCreate") == 1);
  // Only the 6 creates that happened are still expected.
  CHECK(f.rsc.TEST_expectations().TEST_pending("default/web") == std::make_pair(int64_t{6}, int64_t{0}));
  f.settle();  // the watch delivers the adds; the retry creates the rest
  f.advance(1s);
  CHECK(f.pods().size() == 10);
}

TEST_CASE("expectations hold the ReplicaSet back until its writes are observed", "[controller][replicaset]") {
  Fixture f;
  f.create_rs(2);
  f.rsc.start();
  REQUIRE(f.rsc.reconcile("default/web").is_ok());
  REQUIRE(f.pods().size() == 2);
  CHECK(f.rsc.TEST_expectations().TEST_pending("default/web") == std::make_pair(int64_t{2}, int64_t{0}));

  // Someone deletes a pod before the controller has seen its own creates: a sync now does nothing.
  REQUIRE(f.memory.remove(core::Kind::kPod, "default", f.pods()[0]->metadata.name).is_ok());
  REQUIRE(f.rsc.reconcile("default/web").is_ok());
  CHECK(f.pods().size() == 1);
  CHECK(f.events.count("SuccessfulCreate") == 2);

  // Once the adds (and the delete) arrive, the replacement is made.
  f.settle();
  CHECK(f.pods().size() == 2);
  CHECK(f.events.count("SuccessfulCreate") == 3);
}

TEST_CASE("unobserved expectations expire after 5 minutes", "[controller][replicaset]") {
  Fixture f;  // the controller is never started, so it never observes its creates
  f.create_rs(2);
  REQUIRE(f.rsc.reconcile("default/web").is_ok());
  REQUIRE(f.pods().size() == 2);
  REQUIRE(f.memory.remove(core::Kind::kPod, "default", f.pods()[0]->metadata.name).is_ok());

  f.advance(5min);
  REQUIRE(f.rsc.reconcile("default/web").is_ok());
  CHECK(f.pods().size() == 1);  // exactly 5 minutes: still waiting
  f.advance(1s);
  REQUIRE(f.rsc.reconcile("default/web").is_ok());
  CHECK(f.pods().size() == 2);  // expired: acts again
}

TEST_CASE("scale down deletes pods in the 1.20 ranking order", "[controller][replicaset]") {
  Fixture f;
  f.create_rs(8);
  {
    // Owned by a Deployment, so pods of the same owner on one node rank higher (k/k PR #80004).
    auto copy = core::mutable_copy(*f.rs());
    core::OwnerReference owner;
    owner.apiVersion = "apps/v1";
    owner.kind = "Deployment";
    owner.name = "web";
    owner.uid = "dep-uid";
    owner.controller = true;
    copy->metadata.ownerReferences.push_back(owner);
    REQUIRE(f.memory.update(copy).is_ok());
  }
  const core::Time t0 = kStart;
  struct Spec {
    std::string name, node, phase;
    std::optional<core::Time> ready_since;
    int32_t restarts = 0;
  };
  // Created one second apart in this order, so later entries are newer.
  std::vector<Spec> specs = {
      {"e", "n2", "Running", t0},      {"g", "n4", "Running", t0, 3}, {"f", "n3", "Running", t0 + 10s},
      {"d", "n2", "Running", t0},      {"h", "n5", "Running", t0},    {"c", "n1", "Running", std::nullopt},
      {"b", "n1", "Pending", std::nullopt}, {"a", "", "Pending", std::nullopt},
  };
  for (const Spec& s : specs) {
    auto pod = std::make_shared<Pod>();
    pod->metadata.name = s.name;
    pod->metadata.namespace_ = "default";
    pod->metadata.labels = {{"app", "web"}, {"tier", "front"}};
    pod->metadata.ownerReferences.push_back(core::controller_ref_to(*f.rs()));
    pod->spec.nodeName = s.node;
    pod->status.phase = s.phase;
    if (s.ready_since) set_ready(*pod, *s.ready_since);
    core::ContainerStatus cs;
    cs.name = "web";
    cs.restartCount = s.restarts;
    pod->status.containerStatuses.push_back(cs);
    REQUIRE(f.memory.create(pod).is_ok());
    f.advance(1s);
  }
  f.rsc.start();
  f.settle();
  REQUIRE(f.events.count("SuccessfulCreate") == 0);
  REQUIRE(f.events.count("SuccessfulDelete") == 0);

  // a: unassigned; b: Pending; c: not Ready; d: two pods on n2 and newer than e; f: Ready for less
  // time; g: more restarts; h: newer than e.
  std::vector<std::string> expected = {"a", "b", "c", "d", "f", "g", "h"};
  for (size_t i = 0; i < expected.size(); ++i) {
    f.scale(static_cast<int32_t>(7 - i));
    f.settle();
    auto deleted = f.messages("SuccessfulDelete");
    REQUIRE(deleted.size() == i + 1);
    CHECK(deleted.back() == "Deleted pod: " + expected[i]);
  }
  auto active = f.active_pods();
  REQUIRE(active.size() == 1);
  CHECK(active[0]->metadata.name == "e");
}

TEST_CASE("terminating and finished pods are not counted and are replaced at once", "[controller][replicaset]") {
  Fixture f;
  f.create_rs(3);
  f.rsc.start();
  f.settle();
  for (const auto& pod : f.pods()) f.edit_pod(pod->metadata.name, [](Pod& p) { p.spec.nodeName = "n1"; });
  f.settle();
  REQUIRE(f.pods().size() == 3);

  // A graceful delete leaves the pod in the store, terminating, for 30 s.
  std::string victim = f.pods()[0]->metadata.name;
  REQUIRE(f.memory.remove(core::Kind::kPod, "default", victim).is_ok());
  f.settle();
  REQUIRE(core::find<Pod>(f.memory, "default", victim)->metadata.deletionTimestamp);
  CHECK(f.pods().size() == 4);
  CHECK(f.active_pods().size() == 3);
  CHECK(f.rs()->status.replicas == 3);

  // A pod that failed is replaced too.
  std::string failed = f.active_pods()[0]->metadata.name;
  f.edit_pod(failed, [](Pod& p) { p.status.phase = "Failed"; });
  f.settle();
  CHECK(f.pods().size() == 5);
  CHECK(f.active_pods().size() == 3);
  CHECK(f.events.count("SuccessfulCreate") == 5);
  CHECK(f.events.count("SuccessfulDelete") == 0);
}

TEST_CASE("status counts ready, available and fully labeled pods", "[controller][replicaset]") {
  Fixture f;
  f.create_rs(3, "web", /*min_ready=*/10);
  f.rsc.start();
  f.settle();
  auto pods = f.pods();
  REQUIRE(pods.size() == 3);
  // Still selected (app=web) but no longer carrying every template label.
  f.edit_pod(pods[0]->metadata.name, [](Pod& p) { p.metadata.labels.erase("tier"); });
  const core::Time ready_at = f.loop.now();
  f.edit_pod(pods[0]->metadata.name, [&](Pod& p) { set_ready(p, ready_at); });
  f.edit_pod(pods[1]->metadata.name, [&](Pod& p) { set_ready(p, ready_at); });
  f.settle();

  auto status = f.rs()->status;
  CHECK(status.replicas == 3);
  CHECK(status.fullyLabeledReplicas == 2);
  CHECK(status.readyReplicas == 2);
  CHECK(status.availableReplicas == 0);

  // Available once Ready for more than minReadySeconds; nothing but the controller's own requeue
  // happens in between.
  uint64_t rv = f.rs()->metadata.resourceVersion;
  f.loop.run_until(ready_at + 10s);
  CHECK(f.rs()->status.availableReplicas == 0);
  CHECK(f.rs()->metadata.resourceVersion == rv);
  f.loop.run_until(ready_at + 10s + 1ms);
  CHECK(f.rs()->status.availableReplicas == 2);
  CHECK(f.rs()->status.observedGeneration == 1);

  f.scale(1);
  f.settle();
  CHECK(f.rs()->status.observedGeneration == 2);
  CHECK(f.rs()->status.replicas == 1);
}

TEST_CASE("a deleted ReplicaSet is forgotten", "[controller][replicaset]") {
  Fixture f;
  f.create_rs(2);
  f.rsc.start();
  REQUIRE(f.rsc.reconcile("default/web").is_ok());
  REQUIRE(f.rsc.TEST_expectations().TEST_pending("default/web"));
  REQUIRE(f.memory.remove(core::Kind::kReplicaSet, "default", "web").is_ok());
  f.settle();
  CHECK_FALSE(f.rsc.TEST_expectations().TEST_pending("default/web"));
  CHECK(f.rsc.reconcile("default/web").is_ok());
}
