// Node lifecycle test fixture: a store on a virtual clock, fake kubelets renewing leases, and watches
// that note when nodes went NotReady or were tainted and when pods started terminating.
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/recording_events.h"

namespace ktwin::testing::nlc {

using namespace ktwin::core;
using namespace std::chrono_literals;


// Rounded to the nanosecond: seconds() truncates, and 65.1 * 1e9 is 65099999999.99.
inline Time at(double s) { return Time{} + Duration(std::llround(s * 1e9)); }

struct Cluster {
  sim::EventLoop loop{Time{}};
  MemoryStore store{loop, Rng(7, "store")};
  testing::RecordingEvents events;
  Env env{loop, store, events, 7};
};

// A kubelet that registers its node with Ready=True and renews its Lease every 10 s until halted.
class FakeKubelet {
 public:
  FakeKubelet(Cluster& c, std::string name, Labels labels = {}) : c_(c), name_(std::move(name)) {
    auto node = std::make_shared<Node>();
    node->metadata.name = name_;
    node->metadata.labels = std::move(labels);
    node->status.conditions.push_back(NodeCondition{"Ready", "True", "KubeletReady", "kubelet is posting ready status",
                                                    c_.loop.now(), c_.loop.now()});
    node->status.conditions.push_back(
        NodeCondition{"MemoryPressure", "False", "KubeletHasSufficientMemory", "", c_.loop.now(), c_.loop.now()});
    REQUIRE(c_.store.create(node).is_ok());
    auto lease = std::make_shared<Lease>();
    lease->metadata.name = name_;
    lease->metadata.namespace_ = "kube-node-lease";
    lease->spec.holderIdentity = name_;
    lease->spec.leaseDurationSeconds = 40;
    lease->spec.renewTime = c_.loop.now();
    REQUIRE(c_.store.create(lease).is_ok());
    schedule();
  }
  void halt() { running_ = false; }
  // Comes back: posts Ready=True with a fresh heartbeat, then renews again.
  void resume() {
    running_ = true;
    auto node = mutable_copy(*find<Node>(c_.store, "", name_));
    NodeCondition* ready = node->find_condition("Ready");
    if (ready->status != "True") ready->lastTransitionTime = c_.loop.now();
    *ready = NodeCondition{"Ready", "True", "KubeletReady", "", c_.loop.now(), ready->lastTransitionTime};
    REQUIRE(c_.store.update(node).is_ok());
    renew();
    schedule();
  }

 private:
  void schedule() {
    int generation = ++generation_;
    c_.loop.post_after(10s, [this, generation] {
      if (!running_ || generation != generation_) return;
      renew();
      schedule();
    });
  }
  void renew() {
    auto lease = mutable_copy(*find<Lease>(c_.store, "kube-node-lease", name_));
    lease->spec.renewTime = c_.loop.now();
    REQUIRE(c_.store.update(lease).is_ok());
  }
  Cluster& c_;
  std::string name_;
  bool running_ = true;
  int generation_ = 0;
};

// A running pod as the kubelet reports it, with the tolerations DefaultTolerationSeconds adds.
inline void add_pod(Cluster& c, const std::string& name, const std::string& node, int64_t toleration_seconds = 300) {
  auto pod = std::make_shared<Pod>();
  pod->metadata.name = name;
  pod->metadata.namespace_ = "default";
  pod->spec.nodeName = node;
  for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"})
    pod->spec.tolerations.push_back(Toleration{key, "Exists", "", "NoExecute", toleration_seconds});
  pod->status.phase = "Running";
  pod->status.podIP = "10.42.1.5";
  pod->status.conditions.push_back(PodCondition{"Ready", "True", "", "", std::nullopt, c.loop.now()});
  REQUIRE(c.store.create(pod).is_ok());
}

// Times at which things first happened, seen through watches.
struct Observed {
  std::map<std::string, Time> not_ready, no_execute, no_schedule, deleting;
  explicit Observed(Cluster& c) {
    c.store.watch(Kind::kNode, [this, &c](const WatchEvent& e) {
      auto node = as<Node>(e.object);
      const std::string& n = node->metadata.name;
      if (!node->is_ready() && !not_ready.count(n)) not_ready[n] = c.loop.now();
      if (node->has_taint("node.kubernetes.io/unreachable", "NoExecute") && !no_execute.count(n))
        no_execute[n] = c.loop.now();
      if (node->has_taint("node.kubernetes.io/unreachable", "NoSchedule") && !no_schedule.count(n))
        no_schedule[n] = c.loop.now();
    });
    c.store.watch(Kind::kPod, [this, &c](const WatchEvent& e) {
      if (e.object->metadata.deletionTimestamp && !deleting.count(e.object->metadata.name))
        deleting[e.object->metadata.name] = c.loop.now();
    });
  }
};

inline const Taint* find_taint(const Node& node, const std::string& key, const std::string& effect) {
  for (const Taint& t : node.spec.taints)
    if (t.key == key && t.effect == effect) return &t;
  return nullptr;
}


}  // namespace ktwin::testing::nlc
