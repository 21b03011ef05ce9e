// Drain: kubectl's drain command (k/k staging/src/k8s.io/kubectl/pkg/drain/drain.go, filters.go).
#include "sim/drain.h"

#include "core/api/pod.h"
#include "core/apiserver/eviction.h"
#include "sim/kubectl_actions.h"

namespace ktwin::sim {
namespace {

// kubectl's waitForDelete polls every second.
constexpr core::Duration kPollInterval = std::chrono::seconds(1);
// evictPods: a pod whose eviction answered 429 is tried again after 5 s.
constexpr core::Duration kEvictionRetry = std::chrono::seconds(5);

}  // namespace

Drain::Drain(core::Executor& executor, core::Store& store, std::string node, Print print)
    : executor_(executor), store_(store), node_(std::move(node)), print_(std::move(print)) {}

Drain::~Drain() {
  *alive_ = false;
  executor_.cancel(timer_);
  for (core::TimerId id : retry_timers_) executor_.cancel(id);
}

core::Status Drain::start() {
  auto cordoned = cordon(store_, node_, true);
  if (!cordoned.is_ok()) return cordoned.status();
  print_(cordoned.value());
  std::vector<std::shared_ptr<const core::Pod>> evict;
  std::string ignored;
  for (const core::ObjectPtr& obj : store_.list_pods_on_node(node_)) {
    auto pod = core::as<core::Pod>(obj);
    const core::OwnerReference* owner = pod->metadata.controller_ref();
    // filters.go daemonSetFilter: with --ignore-daemonsets their pods stay (the DaemonSet controller
    // would put them back at once).
    if (owner && owner->kind == "DaemonSet") {
      ignored += (ignored.empty() ? "" : ", ") + pod->metadata.namespace_ + "/" + pod->metadata.name;
      continue;
    }
    evict.push_back(pod);
  }
  if (!ignored.empty()) print_("WARNING: ignoring DaemonSet-managed Pods: " + ignored);
  // kubectl evicts the pods concurrently: every "evicting pod" line comes before the first answer.
  for (const auto& pod : evict) print_("evicting pod " + pod->metadata.namespace_ + "/" + pod->metadata.name);
  for (const auto& pod : evict) try_evict({pod->metadata.namespace_, pod->metadata.name, pod->metadata.uid});
  poll();
  return core::Status::ok();
}

void Drain::try_evict(const Evicted& pod) {
  core::EvictionResult r = core::evict_pod(store_, executor_, pod.ns, pod.name);
  switch (r.code) {
    case core::EvictionResult::Code::kEvicted:
      waiting_.push_back(pod);
      return;
    case core::EvictionResult::Code::kNotFound:
      return;  // already gone: nothing to wait for, and kubectl prints nothing
    case core::EvictionResult::Code::kTooManyRequests:
      // k/k staging/src/k8s.io/kubectl/pkg/drain/drain.go evictPods.
      print_("error when evicting pods/\"" + pod.name + "\" -n \"" + pod.ns + "\" (will retry after 5s): " + r.message);
      ++retrying_;
      retry_timers_.push_back(executor_.post_after(kEvictionRetry, [this, pod, alive = alive_] {
        if (!*alive) return;
        --retrying_;
        print_("evicting pod " + pod.ns + "/" + pod.name);
        try_evict(pod);
        finish_if_done();
      }));
      return;
    case core::EvictionResult::Code::kError:
      print_("error when evicting pods/\"" + pod.name + "\" -n \"" + pod.ns + "\": " + r.message);
      return;
  }
}

void Drain::poll() {
  std::vector<Evicted> still;
  for (const Evicted& e : waiting_) {
    core::ObjectPtr pod = store_.find(core::Kind::kPod, e.ns, e.name);
    // A pod of the same name but another uid is a successor (a StatefulSet's): the evicted one is gone.
    if (pod && pod->metadata.uid == e.uid) still.push_back(e);
    else print_("pod/" + e.name + " evicted");
  }
  waiting_ = std::move(still);
  finish_if_done();
}

void Drain::finish_if_done() {
  if (drained_) return;
  if (waiting_.empty() && retrying_ == 0) {
    drained_ = true;
    print_("node/" + node_ + " drained");
    return;
  }
  if (waiting_.empty() || timer_ != 0) return;  // the poll loop runs while evicted pods remain
  timer_ = executor_.post_after(kPollInterval, [this, alive = alive_] {
    if (!*alive) return;
    timer_ = 0;
    poll();
  });
}

}  // namespace ktwin::sim
