// DisruptionController: expected pods from the pods' controllers' scale, healthy pods, disruptions
// allowed (k/k pkg/controller/disruption/disruption.go, trySync and its helpers).
#include "core/controller/disruption_controller.h"

#include <algorithm>

#include "core/api/workload.h"
#include "core/controller/deployment_util.h"

namespace ktwin::core {
namespace {

std::string key_of(const Object& o) { return o.metadata.namespace_ + "/" + o.metadata.name; }

// The scale of a pod's controller, keyed by the controller's uid (finders: the Deployment of a
// ReplicaSet it owns, else the ReplicaSet). StatefulSets and ReplicationControllers are not modelled.
std::optional<std::pair<std::string, int32_t>> controller_scale(const Store& store, const Pod& pod) {
  const OwnerReference* ref = pod.metadata.controller_ref();
  if (!ref || ref->kind != "ReplicaSet") return std::nullopt;
  auto rs = find<ReplicaSet>(store, pod.metadata.namespace_, ref->name);
  if (!rs || rs->metadata.uid != ref->uid) return std::nullopt;
  if (const OwnerReference* d_ref = rs->metadata.controller_ref(); d_ref && d_ref->kind == "Deployment") {
    auto d = find<Deployment>(store, pod.metadata.namespace_, d_ref->name);
    if (d && d->metadata.uid == d_ref->uid) return std::make_pair(d->metadata.uid, d->desired_replicas());
    return std::nullopt;
  }
  return std::make_pair(rs->metadata.uid, rs->desired_replicas());
}

bool status_equal(const PodDisruptionBudgetStatus& a, const PodDisruptionBudgetStatus& b) {
  return a.observedGeneration == b.observedGeneration && a.disruptedPods == b.disruptedPods &&
         a.disruptionsAllowed == b.disruptionsAllowed && a.currentHealthy == b.currentHealthy &&
         a.desiredHealthy == b.desiredHealthy && a.expectedPods == b.expectedPods;
}

}  // namespace

DisruptionController::DisruptionController(const Env& env)
    : env_(env), queue_(env.executor, [this](const std::string& key) { return reconcile(key); }) {}

DisruptionController::~DisruptionController() {
  for (WatchId id : watches_) env_.store.unwatch(id);
}

void DisruptionController::start() {
  watches_.push_back(env_.store.watch(Kind::kPodDisruptionBudget, [this](const WatchEvent& e) {
    if (e.type != WatchEventType::kDeleted) queue_.add(key_of(*e.object));
  }));
  watches_.push_back(env_.store.watch(Kind::kPod, [this](const WatchEvent& e) {
    enqueue_budgets_for(*as<Pod>(e.object));
    if (e.old) enqueue_budgets_for(*as<Pod>(e.old));
  }));
  for (const ObjectPtr& pdb : env_.store.list(Kind::kPodDisruptionBudget)) queue_.add(key_of(*pdb));
}

void DisruptionController::enqueue_budgets_for(const Pod& pod) {
  for (const auto& pdb : list<PodDisruptionBudget>(env_.store, pod.metadata.namespace_))
    if (pdb->spec.selector && pdb->spec.selector->matches(pod.metadata.labels)) queue_.add(key_of(*pdb));
}

std::vector<std::shared_ptr<const Pod>> DisruptionController::pods_for(const Store& store,
                                                                       const PodDisruptionBudget& pdb) {
  std::vector<std::shared_ptr<const Pod>> out;
  if (!pdb.spec.selector) return out;
  for (const auto& pod : list<Pod>(store, pdb.metadata.namespace_))
    if (pdb.spec.selector->matches(pod->metadata.labels)) out.push_back(pod);
  return out;
}

Result<std::pair<int32_t, int32_t>> DisruptionController::expected_pod_count(
    const Store& store, const PodDisruptionBudget& pdb, const std::vector<std::shared_ptr<const Pod>>& pods) {
  // An integer minAvailable needs no scale: the pods that exist are the expected ones.
  if (!pdb.spec.maxUnavailable && pdb.spec.minAvailable && !pdb.spec.minAvailable->is_string)
    return std::make_pair(static_cast<int32_t>(pods.size()), pdb.spec.minAvailable->int_value);
  // getExpectedScale: the sum of the scales of the pods' controllers, each counted once.
  std::map<std::string, int32_t> scales;
  for (const auto& pod : pods) {
    auto scale = controller_scale(store, *pod);
    if (!scale) return Status::invalid("found no controllers for pod \"" + pod->metadata.name + "\"");
    scales[scale->first] = scale->second;
  }
  int32_t expected = 0;
  for (const auto& [uid, scale] : scales) expected += scale;
  if (pdb.spec.maxUnavailable) {
    int32_t max_unavailable = value_from_int_or_percent(*pdb.spec.maxUnavailable, expected, true);
    return std::make_pair(expected, std::max(0, expected - max_unavailable));
  }
  if (pdb.spec.minAvailable)  // a percentage, rounded up
    return std::make_pair(expected, value_from_int_or_percent(*pdb.spec.minAvailable, expected, true));
  return std::make_pair(expected, 0);
}

int32_t DisruptionController::count_healthy(const std::vector<std::shared_ptr<const Pod>>& pods,
                                            const std::map<std::string, Time>& disrupted, Time now) {
  int32_t healthy = 0;
  for (const auto& pod : pods) {
    if (pod->metadata.deletionTimestamp) continue;  // being deleted
    auto it = disrupted.find(pod->metadata.name);
    if (it != disrupted.end() && it->second + kDeletionTimeout > now) continue;  // expected to go soon
    if (pod->is_ready()) ++healthy;
  }
  return healthy;
}

Status DisruptionController::fail_safe(const PodDisruptionBudget& pdb) {
  // failSafe: when the status cannot be computed, allow no disruption.
  auto copy = mutable_copy(pdb);
  copy->status.disruptionsAllowed = 0;
  Result<ObjectPtr> written = env_.store.update(copy);
  return written.is_ok() ? Status::ok() : written.status();
}

Status DisruptionController::reconcile(const std::string& key) {
  auto slash = key.find('/');
  auto pdb = find<PodDisruptionBudget>(env_.store, key.substr(0, slash), key.substr(slash + 1));
  if (!pdb) return Status::ok();
  Time now = env_.executor.now();
  auto pods = pods_for(env_.store, *pdb);
  if (pods.empty())
    env_.events.record(ObjectRef{"PodDisruptionBudget", pdb->metadata.namespace_, pdb->metadata.name}, "Normal",
                       "NoPods", "No matching pods found");
  auto counts = expected_pod_count(env_.store, *pdb, pods);
  if (!counts.is_ok()) {
    env_.events.record(ObjectRef{"PodDisruptionBudget", pdb->metadata.namespace_, pdb->metadata.name}, "Warning",
                       "CalculateExpectedPodCountFailed",
                       "Failed to calculate the number of expected pods: " + counts.status().message());
    if (pdb->status.disruptionsAllowed == 0) return Status::ok();
    return fail_safe(*pdb);
  }
  auto [expected, desired] = counts.value();
  // buildDisruptedPodMap: keep evicted pods that still exist until DeletionTimeout, then recheck.
  std::map<std::string, Time> disrupted;
  std::optional<Time> recheck;
  for (const auto& [name, when] : pdb->status.disruptedPods) {
    auto pod = std::find_if(pods.begin(), pods.end(), [&](const auto& p) { return p->metadata.name == name; });
    if (pod == pods.end() || (*pod)->metadata.deletionTimestamp) continue;
    Time expires = when + kDeletionTimeout;
    if (expires < now) continue;  // "Pod was expected to be deleted but it wasn't"
    disrupted[name] = when;
    if (!recheck || expires < *recheck) recheck = expires;
  }
  int32_t healthy = count_healthy(pods, disrupted, now);
  // updatePdbStatus: allowed = currentHealthy - desiredHealthy, never negative, 0 without expected pods.
  int32_t allowed = expected <= 0 ? 0 : std::max(0, healthy - desired);
  PodDisruptionBudgetStatus status;
  status.observedGeneration = pdb->metadata.generation;
  status.disruptedPods = disrupted;
  status.disruptionsAllowed = allowed;
  status.currentHealthy = healthy;
  status.desiredHealthy = desired;
  status.expectedPods = expected;
  if (recheck) queue_.add_after(key, *recheck - now);
  if (status_equal(status, pdb->status)) return Status::ok();
  auto copy = mutable_copy(*pdb);
  copy->status = status;
  Result<ObjectPtr> written = env_.store.update(copy);
  return written.is_ok() ? Status::ok() : written.status();
}

}  // namespace ktwin::core
