// ReplicaSet controller: informer handlers, expectations, slow-start creates, ranked deletes, status.
#include "core/controller/replica_set_controller.h"

#include <algorithm>
#include <map>

namespace ktwin::core {
namespace {

bool status_equal(const ReplicaSetStatus& a, const ReplicaSetStatus& b) {
  return a.replicas == b.replicas && a.fullyLabeledReplicas == b.fullyLabeledReplicas &&
         a.readyReplicas == b.readyReplicas && a.availableReplicas == b.availableReplicas &&
         a.observedGeneration == b.observedGeneration;
}

bool labels_superset(const Labels& have, const Labels& want) {
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

ReplicaSetController::ReplicaSetController(const Env& env)
    : env_(env),
      queue_(env.executor, [this](const std::string& key) { return reconcile(key); }),
      expectations_(env.executor) {}

ReplicaSetController::~ReplicaSetController() {
  for (WatchId id : watches_) env_.store.unwatch(id);
}

void ReplicaSetController::start() {
  watches_.push_back(env_.store.watch(Kind::kReplicaSet, [this](const WatchEvent& e) { on_replica_set(e); }));
  watches_.push_back(env_.store.watch(Kind::kPod, [this](const WatchEvent& e) { on_pod(e); }));
  // The informer's initial list delivers every existing ReplicaSet as an add.
  for (const ObjectPtr& rs : env_.store.list(Kind::kReplicaSet)) queue_.add(object_key(*rs));
}

ObjectRef ReplicaSetController::ref_of(const ReplicaSet& rs) const {
  return ObjectRef{"ReplicaSet", rs.metadata.namespace_, rs.metadata.name};
}

// ---- informer handlers --------------------------------------------------------------------------------

void ReplicaSetController::on_replica_set(const WatchEvent& event) {
  std::string key = object_key(*event.object);
  if (event.type == WatchEventType::kDeleted) {
    // A ReplicaSet recreated under the same name starts with clean expectations.
    expectations_.forget(key);
    tally_.forget(event.object->metadata.uid);
  } else if (event.type == WatchEventType::kModified && event.old &&
             event.old->metadata.uid != event.object->metadata.uid) {
    expectations_.forget(key);
  }
  queue_.add(key);
}

ReplicaSetController::RSPtr ReplicaSetController::resolve_controller_ref(const std::string& ns,
                                                                         const OwnerReference& ref) const {
  if (ref.kind != "ReplicaSet") return nullptr;
  auto rs = find<ReplicaSet>(env_.store, ns, ref.name);
  if (!rs || rs->metadata.uid != ref.uid) return nullptr;
  return rs;
}

void ReplicaSetController::pod_deleted(const Pod& pod) {
  const OwnerReference* ref = pod.metadata.controller_ref();
  if (!ref) return;
  RSPtr rs = resolve_controller_ref(pod.metadata.namespace_, *ref);
  // The ReplicaSet may be gone already; its expectations were dropped with it.
  if (!rs) return;
  std::string key = object_key(*rs);
  expectations_.deletion_observed(key, object_key(pod));
  queue_.add(key);
}

void ReplicaSetController::on_pod(const WatchEvent& event) {
  const auto& pod = static_cast<const Pod&>(*event.object);
  switch (event.type) {
    case WatchEventType::kAdded: {
      if (pod.metadata.deletionTimestamp) return pod_deleted(pod);
      const OwnerReference* ref = pod.metadata.controller_ref();
      if (!ref) return;  // orphans: adoption is not modelled
      RSPtr rs = resolve_controller_ref(pod.metadata.namespace_, *ref);
      if (!rs) return;
      std::string key = object_key(*rs);
      expectations_.creation_observed(key);
      queue_.add(key);
      return;
    }
    case WatchEventType::kModified: {
      const auto& old = static_cast<const Pod&>(*event.old);
      if (pod.metadata.deletionTimestamp) {
        // k/k replica_set.go updatePod: a graceful delete counts as the observed delete at once.
        pod_deleted(pod);
        if (old.metadata.labels != pod.metadata.labels) pod_deleted(old);
        return;
      }
      const OwnerReference* cur_ref = pod.metadata.controller_ref();
      const OwnerReference* old_ref = old.metadata.controller_ref();
      if (old_ref && (!cur_ref || cur_ref->uid != old_ref->uid))
        if (RSPtr rs = resolve_controller_ref(old.metadata.namespace_, *old_ref)) queue_.add(object_key(*rs));
      if (cur_ref)
        if (RSPtr rs = resolve_controller_ref(pod.metadata.namespace_, *cur_ref)) queue_.add(object_key(*rs));
      return;
    }
    case WatchEventType::kDeleted:
      pod_deleted(pod);
      return;
  }
}

// ---- sync -----------------------------------------------------------------------------------------------

std::vector<PodPtr> ReplicaSetController::owned_pods(const ReplicaSet& rs) const {
  std::vector<PodPtr> out;
  // Through the controllerUID index rather than every pod of the namespace (same pods, same order).
  for (const ObjectPtr& obj : env_.store.list_controlled_by(Kind::kPod, rs.metadata.namespace_, rs.metadata.uid))
    if (rs.spec.selector.matches(obj->metadata.labels)) out.push_back(as<Pod>(obj));
  return out;
}

std::vector<PodPtr> ReplicaSetController::related_pods(const ReplicaSet& rs) const {
  std::vector<PodPtr> out;
  const OwnerReference* owner = rs.metadata.controller_ref();
  // k/k replica_set.go getReplicaSetsWithSameController: a ReplicaSet without owner has no relatives,
  // so every rank is 0.
  if (!owner) return out;
  std::set<std::string> seen;
  for (const auto& other : list<ReplicaSet>(env_.store, rs.metadata.namespace_)) {
    const OwnerReference* other_owner = other->metadata.controller_ref();
    if (!other_owner || other_owner->uid != owner->uid) continue;
    for (const auto& pod : list<Pod>(env_.store, rs.metadata.namespace_))
      if (other->spec.selector.matches(pod->metadata.labels) && seen.insert(pod->metadata.uid).second)
        out.push_back(pod);
  }
  return out;
}

Status ReplicaSetController::reconcile(const std::string& key) {
  auto [ns, name] = split_key(key);
  RSPtr rs = find<ReplicaSet>(env_.store, ns, name);
  if (!rs) {
    expectations_.forget(key);
    return Status::ok();
  }
  bool needs_sync = expectations_.satisfied(key);
  // Counting needs no pod list; it is built only to pick pods to delete or for minReadySeconds.
  ReplicaSetStatus status = calculate_status(*rs);
  const bool manage = needs_sync && !rs->metadata.deletionTimestamp;
  std::vector<PodPtr> active;
  if ((manage && status.replicas > rs->desired_replicas()) || rs->spec.minReadySeconds > 0)
    active = filter_active_pods(owned_pods(*rs));

  Status manage_status;
  if (manage) manage_status = manage_replicas(status.replicas, active, *rs, key);

  Result<RSPtr> updated = update_status(rs, status);
  if (!updated.is_ok()) return updated.status();
  if (manage_status.is_ok() && rs->spec.minReadySeconds > 0) {
    // Availability is a function of time: sync again when the next Ready pod passes minReadySeconds.
    // (Kubernetes requeues after minReadySeconds + 1 s from the Ready transition.)
    std::optional<Time> next;
    for (const PodPtr& pod : active)
      if (auto at = pod_available_at(*pod, rs->spec.minReadySeconds, env_.executor.now()))
        next = next ? std::min(*next, *at) : *at;
    // IsPodAvailable needs now strictly after the instant, hence one more nanosecond.
    if (next) queue_.add_after(key, *next - env_.executor.now() + Duration(1));
  }
  return manage_status;
}

Status ReplicaSetController::manage_replicas(int active_count, const std::vector<PodPtr>& active,
                                             const ReplicaSet& rs, const std::string& key) {
  int diff = active_count - rs.desired_replicas();
  if (diff < 0) return create_pods(std::min(-diff, kBurstReplicas), rs, key);
  if (diff > 0) return delete_pods(active, std::min(diff, kBurstReplicas), rs, key);
  return Status::ok();
}

Status ReplicaSetController::create_pods(int count, const ReplicaSet& rs, const std::string& key) {
  // Expect them all before the first create: the watch may deliver the adds before we are done.
  expectations_.expect_creations(key, count);
  OwnerReference ref = controller_ref_to(rs);
  Status first_error;
  int created = slow_start_batch(count, kSlowStartInitialBatchSize, [&]() -> Status {
    auto result = env_.store.create(pod_from_template(rs.spec.template_, rs, ref));
    if (!result.is_ok()) {
      env_.events.record(ref_of(rs), "Warning", "FailedCreate", "Error creating: " + result.status().message());
      return result.status();
    }
    env_.events.record(ref_of(rs), "Normal", "SuccessfulCreate", "Created pod: " + result.value()->metadata.name);
    return Status::ok();
  }, &first_error);
  // Creates that failed or never ran will not be observed.
  for (int i = created; i < count; ++i) expectations_.creation_observed(key);
  return first_error;
}

Status ReplicaSetController::delete_pods(std::vector<PodPtr> active, int count, const ReplicaSet& rs,
                                         const std::string& key) {
  if (count < static_cast<int>(active.size())) {
    // getPodsRankedByRelatedPodsOnSameNode: rank = active related pods on the same node.
    std::map<std::string, int> pods_on_node;
    for (const PodPtr& pod : related_pods(rs))
      if (pod->is_active()) ++pods_on_node[pod->spec.nodeName];
    std::vector<int> ranks;
    for (const PodPtr& pod : active) ranks.push_back(pods_on_node[pod->spec.nodeName]);
    sort_pods_for_deletion(active, ranks);
  }
  active.resize(count);
  std::vector<std::string> pod_keys;
  for (const PodPtr& pod : active) pod_keys.push_back(object_key(*pod));
  expectations_.expect_deletions(key, pod_keys);

  Status first_error;
  for (const PodPtr& pod : active) {
    Status s = env_.store.remove(Kind::kPod, pod->metadata.namespace_, pod->metadata.name);
    if (s.is_ok()) {
      env_.events.record(ref_of(rs), "Normal", "SuccessfulDelete", "Deleted pod: " + pod->metadata.name);
      continue;
    }
    // The delete will not be observed; a pod already gone is no error.
    expectations_.deletion_observed(key, object_key(*pod));
    if (!s.is_not_found()) {
      env_.events.record(ref_of(rs), "Warning", "FailedDelete", "Error deleting: " + s.message());
      if (first_error.is_ok()) first_error = s;
    }
  }
  return first_error;
}

ReplicaSetStatus ReplicaSetController::calculate_status(const ReplicaSet& rs) const {
  ReplicaSetStatus status = rs.status;
  status.replicas = status.fullyLabeledReplicas = status.readyReplicas = status.availableReplicas = 0;
  if (rs.spec.minReadySeconds == 0)  // availability is then readiness, no clock involved
    if (auto c = tally_.counts(rs)) {
      status.replicas = c->replicas;
      status.fullyLabeledReplicas = c->fullyLabeled;
      status.readyReplicas = status.availableReplicas = c->ready;
      return status;
    }
  Time now = env_.executor.now();
  env_.store.visit_controlled_by(Kind::kPod, rs.metadata.namespace_, rs.metadata.uid, [&](const ObjectPtr& obj) {
    const auto& pod = static_cast<const Pod&>(*obj);
    if (!rs.spec.selector.matches(pod.metadata.labels) || !pod.is_active()) return;  // owned_pods, active
    ++status.replicas;
    if (labels_superset(pod.metadata.labels, rs.spec.template_.metadata.labels)) ++status.fullyLabeledReplicas;
    if (pod.is_ready()) {
      ++status.readyReplicas;
      if (is_pod_available(pod, rs.spec.minReadySeconds, now)) ++status.availableReplicas;
    }
  });
  return status;
}

Result<ReplicaSetController::RSPtr> ReplicaSetController::update_status(RSPtr rs, ReplicaSetStatus status) {
  status.observedGeneration = rs->metadata.generation;
  if (status_equal(rs->status, status)) return rs;
  for (int attempt = 0;; ++attempt) {
    auto copy = mutable_copy(*rs);
    copy->status = status;
    auto updated = env_.store.update(copy);
    if (updated.is_ok()) return as<ReplicaSet>(updated.value());
    if (attempt >= 1 || !updated.status().is_conflict()) return updated.status();
    // k/k replica_set.go updateReplicaSetStatus: re-read and retry once (statusUpdateRetries = 1).
    rs = find<ReplicaSet>(env_.store, rs->metadata.namespace_, rs->metadata.name);
    if (!rs) return Status::not_found("ReplicaSet gone during status update");
    status.observedGeneration = rs->metadata.generation;
  }
}

}  // namespace ktwin::core
