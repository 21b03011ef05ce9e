// Deployment controller tests: both workload controllers on one store and virtual clock; the test
// plays the kubelet (marks pods Ready, finishes graceful deletes).
#include "core/controller/deployment_controller.h"

#include <catch2/catch.hpp>
#include <regex>

#include "core/controller/replica_set_controller.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/api_builders.h"
#include "tests/fakes/recording_events.h"

using namespace ktwin;
using namespace std::chrono_literals;
using core::Deployment;
using core::Pod;
using core::ReplicaSet;

namespace {

using testing::container;
using testing::ready_condition;

core::DeleteOptions grace_zero() {
  core::DeleteOptions o;
  o.gracePeriodSeconds = 0;
  return o;
}

const core::Time kStart = core::Time{} + 24h;

// Forwards to a MemoryStore and calls `after_write` after every successful write, so a test can check
// invariants at every step of a rollout, not only where it stops.
class ObservedStore : public core::Store {
 public:
  explicit ObservedStore(core::Store& inner) : inner_(inner) {}
  std::function<void()> after_write = [] {};
  core::Result<core::ObjectPtr> create(std::shared_ptr<core::Object> obj) override {
    return observed(inner_.create(obj));
  }
  core::Result<core::ObjectPtr> update(std::shared_ptr<core::Object> obj) override {
    return observed(inner_.update(obj));
  }
  core::Status remove(core::Kind k, const std::string& ns, const std::string& n,
                      const core::DeleteOptions& o = {}) override {
    core::Status s = inner_.remove(k, ns, n, o);
    if (s.is_ok()) after_write();
    return s;
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
  core::Result<core::ObjectPtr> observed(core::Result<core::ObjectPtr> r) {
    if (r.is_ok()) after_write();
    return r;
  }
  core::Store& inner_;
};

struct Fixture {
  sim::EventLoop loop{kStart};
  core::MemoryStore memory{loop, core::Rng(11, "store")};
  ObservedStore store{memory};
  testing::RecordingEvents events;
  core::Env env{loop, store, events, 11};
  // The ReplicaSet controller watches first, as the controller-manager starts it first.
  core::ReplicaSetController rsc{env};
  core::DeploymentController dc{env};

  Fixture() {
    rsc.start();
    dc.start();
  }

  void settle() { loop.run_until(loop.now()); }
  void advance(core::Duration d) { loop.run_until(loop.now() + d); }

  std::shared_ptr<const Deployment> deploy(const std::string& name = "letschat") {
    return core::find<Deployment>(memory, "default", name);
  }
  std::vector<std::shared_ptr<const ReplicaSet>> replica_sets() { return core::list<ReplicaSet>(memory, "default"); }
  std::vector<std::shared_ptr<const Pod>> pods() { return core::list<Pod>(memory, "default"); }
  std::vector<std::shared_ptr<const Pod>> active_pods() { return core::filter_active_pods(pods()); }

  void create_deployment(int32_t replicas, const std::string& strategy = "RollingUpdate",
                         const std::string& name = "letschat") {
    auto d = std::make_shared<Deployment>();
    d->metadata.name = name;
    d->metadata.namespace_ = "default";
    d->spec.replicas = replicas;
    d->spec.strategy.type = strategy;
    d->spec.selector.matchLabels = {{"app", name}};
    d->spec.template_.metadata.labels = {{"app", name}};
    d->spec.template_.spec.containers.push_back(container(name, "sdelements/lets-chat:0.4.8"));
    core::set_deployment_defaults(*d);
    REQUIRE(store.create(d).is_ok());
  }
  // A spec change as kubectl sends it: the writer bumps generation.
  void edit_deployment(const std::function<void(Deployment&)>& edit, const std::string& name = "letschat") {
    auto copy = core::mutable_copy(*deploy(name));
    edit(*copy);
    ++copy->metadata.generation;
    REQUIRE(memory.update(copy).is_ok());
  }
  // The kubelet's part: every active pod not Ready yet becomes Running and Ready now.
  void make_pods_ready() {
    for (const auto& pod : active_pods()) {
      if (pod->is_ready()) continue;
      auto copy = core::mutable_copy(*pod);
      copy->status.phase = "Running";
      copy->status.conditions = {ready_condition(loop.now())};
      REQUIRE(memory.update(copy).is_ok());
    }
  }
  std::vector<std::string> messages(const std::string& reason) {
    std::vector<std::string> out;
    for (const auto& e : events.events)
      if (e.reason == reason) out.push_back(e.message);
    return out;
  }
  std::shared_ptr<const ReplicaSet> rs_with_revision(const std::string& revision) {
    for (const auto& rs : replica_sets())
      if (rs->metadata.annotations.at(core::kRevisionAnnotation) == revision) return rs;
    return nullptr;
  }
};

const core::DeploymentCondition* condition(const Deployment& d, const std::string& type) {
  return core::get_condition(d.status, type);
}

}  // namespace

TEST_CASE("a Deployment creates one ReplicaSet named after its template hash", "[controller][deployment]") {
  Fixture f;
  f.create_deployment(1);
  f.settle();

  auto d = f.deploy();
  auto rss = f.replica_sets();
  REQUIRE(rss.size() == 1);
  const auto& rs = *rss[0];
  std::string hash = core::compute_pod_template_hash(d->spec.template_, std::nullopt);
  CHECK(std::regex_match(hash, std::regex("[456789bcdf]{1,10}")));
  CHECK(rs.metadata.name == "letschat-" + hash);
  CHECK(rs.metadata.labels == core::Labels{{"app", "letschat"}, {"pod-template-hash", hash}});
  CHECK(rs.spec.selector.matchLabels == core::Labels{{"app", "letschat"}, {"pod-template-hash", hash}});
  CHECK(rs.spec.template_.metadata.labels.at("pod-template-hash") == hash);
  CHECK(rs.desired_replicas() == 1);
  CHECK(rs.metadata.annotations.at("deployment.kubernetes.io/revision") == "1");
  CHECK(rs.metadata.annotations.at("deployment.kubernetes.io/desired-replicas") == "1");
  CHECK(rs.metadata.annotations.at("deployment.kubernetes.io/max-replicas") == "2");
  REQUIRE(rs.metadata.ownerReferences.size() == 1);
  CHECK(rs.metadata.ownerReferences[0].kind == "Deployment");
  CHECK(rs.metadata.ownerReferences[0].uid == d->metadata.uid);
  CHECK(rs.metadata.ownerReferences[0].controller);
  CHECK(d->metadata.annotations.at("deployment.kubernetes.io/revision") == "1");

  auto pods = f.pods();
  REQUIRE(pods.size() == 1);
  CHECK(std::regex_match(pods[0]->metadata.name, std::regex("letschat-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}")));
  CHECK(pods[0]->metadata.labels.at("pod-template-hash") == hash);

  CHECK(f.messages("ScalingReplicaSet") == std::vector<std::string>{"Scaled up replica set letschat-" + hash + " to 1"});
  for (const auto& e : f.events.events)
    if (e.reason == "ScalingReplicaSet") CHECK((e.object.kind == "Deployment" && e.object.name == "letschat"));
  CHECK(d->status.replicas == 1);
  CHECK(d->status.updatedReplicas == 1);
  CHECK(d->status.availableReplicas == 0);
  CHECK(d->status.unavailableReplicas == 1);
  REQUIRE(condition(*d, "Available"));
  CHECK(condition(*d, "Available")->status == "False");
  CHECK(condition(*d, "Available")->reason == "MinimumReplicasUnavailable");
  REQUIRE(condition(*d, "Progressing"));
  CHECK(condition(*d, "Progressing")->status == "True");

  f.make_pods_ready();
  f.settle();
  d = f.deploy();
  CHECK(d->status.readyReplicas == 1);
  CHECK(d->status.availableReplicas == 1);
  CHECK(d->status.unavailableReplicas == 0);
  CHECK(d->status.observedGeneration == d->metadata.generation);
  CHECK(condition(*d, "Available")->status == "True");
  CHECK(condition(*d, "Available")->reason == "MinimumReplicasAvailable");
  CHECK(condition(*d, "Available")->message == "Deployment has minimum availability.");
  CHECK(condition(*d, "Progressing")->reason == "NewReplicaSetAvailable");
  CHECK(condition(*d, "Progressing")->message == "ReplicaSet \"letschat-" + hash + "\" has successfully progressed.");
}

TEST_CASE("scaling a Deployment resizes its one ReplicaSet", "[controller][deployment]") {
  Fixture f;
  f.create_deployment(1);
  f.settle();
  f.make_pods_ready();
  f.settle();
  std::string rs_name = f.replica_sets().at(0)->metadata.name;

  f.edit_deployment([](Deployment& d) { d.spec.replicas = 10; });
  f.settle();
  REQUIRE(f.replica_sets().size() == 1);
  auto rs = f.replica_sets()[0];
  CHECK(rs->desired_replicas() == 10);
  CHECK(rs->metadata.annotations.at(core::kDesiredReplicasAnnotation) == "10");
  CHECK(rs->metadata.annotations.at(core::kMaxReplicasAnnotation) == "13");
  CHECK(f.active_pods().size() == 10);
  CHECK(f.messages("ScalingReplicaSet").back() == "Scaled up replica set " + rs_name + " to 10");

  f.make_pods_ready();
  f.settle();
  CHECK(f.deploy()->status.availableReplicas == 10);

  f.edit_deployment([](Deployment& d) { d.spec.replicas = 1; });
  f.settle();
  REQUIRE(f.replica_sets().size() == 1);
  CHECK(f.replica_sets()[0]->desired_replicas() == 1);
  CHECK(f.active_pods().size() == 1);
  CHECK(f.messages("ScalingReplicaSet").back() == "Scaled down replica set " + rs_name + " to 1");
  CHECK(f.events.count("SuccessfulDelete") == 9);
  auto d = f.deploy();
  CHECK(d->status.replicas == 1);
  CHECK(d->status.availableReplicas == 1);
  CHECK(d->metadata.annotations.at(core::kRevisionAnnotation) == "1");
}

TEST_CASE("a template change rolls out within maxSurge and maxUnavailable", "[controller][deployment]") {
  Fixture f;
  f.create_deployment(10);
  f.settle();
  f.make_pods_ready();
  f.settle();
  REQUIRE(f.deploy()->status.availableReplicas == 10);
  std::string old_name = f.replica_sets().at(0)->metadata.name;

  // 10 replicas, 25%/25%: at most 13 pods, at least 8 available, checked after every write.
  int writes = 0, max_pods = 0, min_available = 10;
  f.store.after_write = [&] {
    ++writes;
    int total = 0, available = 0;
    for (const auto& pod : f.active_pods()) {
      ++total;
      if (pod->is_ready()) ++available;
    }
    int32_t spec_sum = 0;
    for (const auto& rs : f.replica_sets()) spec_sum += rs->desired_replicas();
    max_pods = std::max(max_pods, total);
    min_available = std::min(min_available, available);
    CHECK(total <= 13);
    CHECK(spec_sum <= 13);
    CHECK(available >= 8);
  };
  f.edit_deployment([](Deployment& d) { d.spec.template_.spec.containers[0].image = "sdelements/lets-chat:0.4.9"; });

  for (int step = 0; step < 50; ++step) {
    f.advance(1s);
    auto d = f.deploy();
    if (d->status.updatedReplicas == 10 && d->status.replicas == 10 && d->status.availableReplicas == 10) break;
    f.make_pods_ready();
  }
  f.settle();
  auto d = f.deploy();
  CHECK(d->status.updatedReplicas == 10);
  CHECK(d->status.availableReplicas == 10);
  CHECK(d->status.replicas == 10);
  // The bounds were reached, not just respected: the rollout used its surge and its unavailability.
  CHECK(max_pods == 13);
  CHECK(min_available == 8);
  CHECK(writes > 20);

  REQUIRE(f.replica_sets().size() == 2);
  auto old_rs = core::find<ReplicaSet>(f.memory, "default", old_name);
  auto new_rs = f.rs_with_revision("2");
  REQUIRE(new_rs);
  CHECK(old_rs->metadata.annotations.at(core::kRevisionAnnotation) == "1");
  CHECK(old_rs->desired_replicas() == 0);
  CHECK(new_rs->desired_replicas() == 10);
  CHECK(new_rs->metadata.name != old_name);
  CHECK(d->metadata.annotations.at(core::kRevisionAnnotation) == "2");
  for (const auto& pod : f.active_pods()) CHECK(pod->spec.containers[0].image == "sdelements/lets-chat:0.4.9");

  auto scaling = f.messages("ScalingReplicaSet");
  REQUIRE(scaling.size() >= 4);
  CHECK(scaling[1] == "Scaled up replica set " + new_rs->metadata.name + " to 3");
  CHECK(scaling[2] == "Scaled down replica set " + old_name + " to 8");
  CHECK(scaling.back() == "Scaled down replica set " + old_name + " to 0");
  CHECK(condition(*d, "Progressing")->reason == "NewReplicaSetAvailable");
}

TEST_CASE("Recreate scales up the new ReplicaSet only once the old pods are gone", "[controller][deployment]") {
  Fixture f;
  f.create_deployment(3, "Recreate");
  f.settle();
  // Bound pods terminate gracefully, so they linger after the delete until the kubelet finishes.
  for (const auto& pod : f.pods()) {
    auto copy = core::mutable_copy(*pod);
    copy->spec.nodeName = "worker1";
    REQUIRE(f.memory.update(copy).is_ok());
  }
  f.make_pods_ready();
  f.settle();
  std::string old_name = f.replica_sets().at(0)->metadata.name;
  CHECK(f.replica_sets()[0]->metadata.annotations.count(core::kMaxReplicasAnnotation));
  CHECK(f.replica_sets()[0]->metadata.annotations.at(core::kMaxReplicasAnnotation) == "3");  // no surge

  f.edit_deployment([](Deployment& d) { d.spec.template_.spec.containers[0].image = "sdelements/lets-chat:0.4.9"; });
  f.advance(10s);
  REQUIRE(f.replica_sets().size() == 1);  // no new ReplicaSet while old pods terminate
  CHECK(f.replica_sets()[0]->desired_replicas() == 0);
  CHECK(f.pods().size() == 3);
  CHECK(f.active_pods().empty());
  CHECK(f.messages("ScalingReplicaSet").back() == "Scaled down replica set " + old_name + " to 0");

  // The kubelet finishes two of the three deletes: still waiting.
  auto pods = f.pods();
  REQUIRE(f.memory.remove(core::Kind::kPod, "default", pods[0]->metadata.name, grace_zero()).is_ok());
  REQUIRE(f.memory.remove(core::Kind::kPod, "default", pods[1]->metadata.name, grace_zero()).is_ok());
  f.settle();
  CHECK(f.replica_sets().size() == 1);
  REQUIRE(f.memory.remove(core::Kind::kPod, "default", pods[2]->metadata.name, grace_zero()).is_ok());
  f.settle();
  REQUIRE(f.replica_sets().size() == 2);
  auto new_rs = f.rs_with_revision("2");
  REQUIRE(new_rs);
  CHECK(new_rs->desired_replicas() == 3);
  CHECK(f.active_pods().size() == 3);
  CHECK(f.messages("ScalingReplicaSet").back() == "Scaled up replica set " + new_rs->metadata.name + " to 3");
}

TEST_CASE("a scale during a rollout is spread proportionally", "[controller][deployment]") {
  Fixture f;
  f.create_deployment(10);
  f.settle();
  f.make_pods_ready();
  f.settle();
  std::string old_name = f.replica_sets().at(0)->metadata.name;
  f.edit_deployment([](Deployment& d) { d.spec.template_.spec.containers[0].image = "sdelements/lets-chat:0.4.9"; });
  // New pods never become Ready: new 3, old 8, then new 5 (13 in all), and the rollout stalls.
  f.advance(5s);
  auto new_rs = f.rs_with_revision("2");
  REQUIRE(new_rs);
  REQUIRE(new_rs->desired_replicas() == 5);
  REQUIRE(core::find<ReplicaSet>(f.memory, "default", old_name)->desired_replicas() == 8);

  // 20 replicas: 25 allowed, 12 to add, shared by the max-replicas annotation (13), largest first.
  // Old: round(8*25/13)-8 = 7; new: round(5*25/13)-5 = 5, capped at the 5 left.
  f.edit_deployment([](Deployment& d) { d.spec.replicas = 20; });
  f.settle();
  CHECK(core::find<ReplicaSet>(f.memory, "default", old_name)->desired_replicas() == 15);
  CHECK(core::find<ReplicaSet>(f.memory, "default", new_rs->metadata.name)->desired_replicas() == 10);
  auto scaling = f.messages("ScalingReplicaSet");
  REQUIRE(scaling.size() >= 2);
  CHECK(scaling[scaling.size() - 2] == "Scaled up replica set " + old_name + " to 15");
  CHECK(scaling.back() == "Scaled up replica set " + new_rs->metadata.name + " to 10");

  SECTION("and a scale down is spread the same way") {
    // 4 replicas: allowed 4+1 = 5, 20 to remove; max-replicas is now 25. Old: round(15*5/25)-15 = -12;
    // new: round(10*5/25)-10 = -8, exactly what is left.
    f.edit_deployment([](Deployment& d) { d.spec.replicas = 4; });
    f.settle();
    CHECK(core::find<ReplicaSet>(f.memory, "default", old_name)->desired_replicas() == 3);
    CHECK(core::find<ReplicaSet>(f.memory, "default", new_rs->metadata.name)->desired_replicas() == 2);
  }
}

TEST_CASE("old ReplicaSets beyond revisionHistoryLimit are deleted, lowest revision first", "[controller][deployment]") {
  Fixture f;
  f.create_deployment(2);
  {
    auto copy = core::mutable_copy(*f.deploy());
    copy->spec.revisionHistoryLimit = 2;
    REQUIRE(f.memory.update(copy).is_ok());
  }
  f.settle();
  for (int version = 1; version <= 4; ++version) {
    f.make_pods_ready();
    f.settle();
    f.edit_deployment([&](Deployment& d) {
      d.spec.template_.spec.containers[0].image = "sdelements/lets-chat:0.5." + std::to_string(version);
    });
    for (int step = 0; step < 20; ++step) {
      f.advance(1s);
      f.make_pods_ready();
    }
  }
  f.advance(1s);
  std::vector<std::string> revisions;
  for (const auto& rs : f.replica_sets()) revisions.push_back(rs->metadata.annotations.at(core::kRevisionAnnotation));
  std::sort(revisions.begin(), revisions.end());
  CHECK(revisions == std::vector<std::string>{"3", "4", "5"});
  CHECK(f.deploy()->metadata.annotations.at(core::kRevisionAnnotation) == "5");
}

TEST_CASE("a rollout without progress times out after progressDeadlineSeconds", "[controller][deployment]") {
  Fixture f;
  f.create_deployment(1);
  {
    auto copy = core::mutable_copy(*f.deploy());
    copy->spec.progressDeadlineSeconds = 30;
    REQUIRE(f.memory.update(copy).is_ok());
  }
  f.settle();
  std::string rs_name = f.replica_sets().at(0)->metadata.name;
  auto progressing = condition(*f.deploy(), "Progressing");
  REQUIRE(progressing);
  CHECK(progressing->reason != "ProgressDeadlineExceeded");

  f.advance(29s);
  CHECK(condition(*f.deploy(), "Progressing")->status == "True");
  f.advance(3s);  // nothing but the controller's own requeue wakes it
  progressing = condition(*f.deploy(), "Progressing");
  CHECK(progressing->status == "False");
  CHECK(progressing->reason == "ProgressDeadlineExceeded");
  CHECK(progressing->message == "ReplicaSet \"" + rs_name + "\" has timed out progressing.");
}

TEST_CASE("the same rollout twice gives identical names and events", "[controller][deployment]") {
  auto run = [] {
    Fixture f;
    f.create_deployment(4);
    f.settle();
    f.make_pods_ready();
    f.settle();
    f.edit_deployment([](Deployment& d) { d.spec.template_.spec.containers[0].image = "sdelements/lets-chat:0.4.9"; });
    for (int step = 0; step < 10; ++step) {
      f.advance(1s);
      f.make_pods_ready();
    }
    std::vector<std::string> trace;
    for (const auto& e : f.events.events) trace.push_back(e.object.name + " " + e.reason + " " + e.message);
    for (const auto& p : f.pods()) trace.push_back(p->metadata.name);
    return trace;
  };
  auto first = run();
  CHECK(first.size() > 10);
  CHECK(first == run());
}
