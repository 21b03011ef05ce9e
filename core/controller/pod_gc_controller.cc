// PodGCController: force-deletes (grace 0) pods nobody else will finish.
#include "core/controller/pod_gc_controller.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_set>

#include "core/api/node.h"

namespace ktwin::core {

PodGCController::PodGCController(const Env& env, const ControlPlaneConfig& config)
    : env_(env), threshold_(config.terminatedPodGCThreshold) {}

namespace {

bool is_terminated(const Pod& pod) {
  const std::string& phase = pod.status.phase;
  return phase != "Pending" && phase != "Running" && phase != "Unknown";
}

}  // namespace

PodGCController::~PodGCController() {
  *alive_ = false;
  if (timer_) env_.executor.cancel(*timer_);
  if (feed_) env_.store.unobserve_pod_writes(feed_);
}

void PodGCController::start() {
  feed_ = env_.store.observe_pod_writes([this](const ObjectPtr& old, const ObjectPtr& now) {
    if (old && now && cancels_out(static_cast<const Pod&>(*old), static_cast<const Pod&>(*now))) return;
    if (old) tally(old, -1);
    if (now) tally(now, +1);
  });
  if (feed_) env_.store.visit(Kind::kPod, [this](const ObjectPtr& pod) { tally(pod, +1); });
  schedule(Duration(0));
}

bool PodGCController::cancels_out(const Pod& old, const Pod& now) {
  // Most writes are status writes of a bound pod: the same node, so only termination could move a count.
  return !now.spec.nodeName.empty() && is_terminated(old) == is_terminated(now) &&
         old.spec.nodeName == now.spec.nodeName;
}

void PodGCController::tally(const ObjectPtr& obj, int64_t delta) {
  const Pod& pod = static_cast<const Pod&>(*obj);
  if (is_terminated(pod)) terminated_ += delta;
  if (pod.spec.nodeName.empty()) {
    if (pod.metadata.deletionTimestamp) unscheduled_terminating_ += delta;
  } else if ((bound_to_[pod.spec.nodeName] += delta) == 0) {
    bound_to_.erase(pod.spec.nodeName);
  }
}

void PodGCController::schedule(Duration delay) {
  std::weak_ptr<bool> alive = alive_;
  timer_ = env_.executor.post_after(delay, [this, alive] {
    if (alive.expired()) return;
    timer_.reset();
    gc();
    schedule(kGCCheckPeriod);
  });
}

void PodGCController::gc() {
  if (threshold_ > 0) gc_terminated();
  gc_orphaned();
  gc_unscheduled_terminating();
}

void PodGCController::force_delete(const std::string& ns, const std::string& name) {
  DeleteOptions options;
  options.gracePeriodSeconds = 0;
  env_.store.remove(Kind::kPod, ns, name, options);  // NotFound: someone was faster, fine
}

void PodGCController::gc_terminated() {
  if (feed_ && terminated_ <= threshold_) return;  // the walk below would find no excess
  std::vector<std::shared_ptr<const Pod>> terminated;
  env_.store.visit(Kind::kPod, [&](const ObjectPtr& obj) {
    if (is_terminated(static_cast<const Pod&>(*obj))) terminated.push_back(as<Pod>(obj));
  });
  int64_t excess = static_cast<int64_t>(terminated.size()) - threshold_;
  if (excess <= 0) return;
  // Oldest first; equal times by name so the choice is deterministic.
  std::stable_sort(terminated.begin(), terminated.end(), [](const auto& a, const auto& b) {
    return a->metadata.creationTimestamp < b->metadata.creationTimestamp;
  });
  for (int64_t i = 0; i < excess; ++i) force_delete(terminated[i]->metadata.namespace_, terminated[i]->metadata.name);
}

void PodGCController::gc_orphaned() {
  const std::vector<ObjectPtr> listed = env_.store.list(Kind::kNode);
  std::unordered_set<std::string_view> nodes;  // names owned by `listed`; asked once per pod
  for (const ObjectPtr& node : listed) nodes.insert(node->metadata.name);
  Time now = env_.executor.now();
  // New missing nodes wait out the quarantine (nodeQueue.AddAfter keeps the earliest deadline).
  auto quarantine = [&](const std::string& node) {
    if (!node.empty() && !nodes.count(node)) quarantine_.emplace(node, now + kQuarantineTime);
  };
  if (feed_) {
    for (const auto& [node, pods] : bound_to_) quarantine(node);  // the nodes the pods name, once each
  } else {
    env_.store.visit(Kind::kPod, [&](const ObjectPtr& obj) { quarantine(static_cast<const Pod&>(*obj).spec.nodeName); });
  }
  std::set<std::string> deleted_nodes;
  for (auto it = quarantine_.begin(); it != quarantine_.end();) {
    if (it->second > now) {
      ++it;
      continue;
    }
    // The live GET after the quarantine: only a node still absent counts as deleted.
    if (!nodes.count(it->first) && !env_.store.find(Kind::kNode, "", it->first)) deleted_nodes.insert(it->first);
    it = quarantine_.erase(it);
  }
  if (deleted_nodes.empty()) return;
  // Nothing was written since the walk above, so this listing is the one it saw.
  for (const auto& pod : list<Pod>(env_.store))
    if (deleted_nodes.count(pod->spec.nodeName)) force_delete(pod->metadata.namespace_, pod->metadata.name);
}

void PodGCController::gc_unscheduled_terminating() {
  if (feed_ && unscheduled_terminating_ == 0) return;
  std::vector<std::pair<std::string, std::string>> doomed;  // collected first: visit() forbids writes
  env_.store.visit(Kind::kPod, [&](const ObjectPtr& obj) {
    const Pod& pod = static_cast<const Pod&>(*obj);
    if (pod.metadata.deletionTimestamp && pod.spec.nodeName.empty())
      doomed.emplace_back(pod.metadata.namespace_, pod.metadata.name);
  });
  for (const auto& [ns, name] : doomed) force_delete(ns, name);
}

}  // namespace ktwin::core
