// Deployment controller: informer handlers, the sync entry point, the new ReplicaSet and scaling writes.
#include "core/controller/deployment_controller.h"

#include <algorithm>

namespace ktwin::core {
namespace {

// Go's %q for the plain names Kubernetes objects have.
std::string go_quote(const std::string& s) { return "\"" + s + "\""; }

void replace_by_uid(RSList& rss, const RSPtr& updated) {
  for (RSPtr& rs : rss)
    if (rs && rs->metadata.uid == updated->metadata.uid) rs = updated;
}

}  // namespace

DeploymentController::DeploymentController(const Env& env)
    : env_(env), queue_(env.executor, [this](const std::string& key) { return reconcile(key); }) {}

DeploymentController::~DeploymentController() {
  for (WatchId id : watches_) env_.store.unwatch(id);
}

void DeploymentController::start() {
  watches_.push_back(env_.store.watch(Kind::kDeployment, [this](const WatchEvent& e) { on_deployment(e); }));
  watches_.push_back(env_.store.watch(Kind::kReplicaSet, [this](const WatchEvent& e) { on_replica_set(e); }));
  watches_.push_back(env_.store.watch(Kind::kPod, [this](const WatchEvent& e) { on_pod(e); }));
  for (const ObjectPtr& d : env_.store.list(Kind::kDeployment)) queue_.add(object_key(*d));
}

ObjectRef DeploymentController::ref_of(const Deployment& d) const {
  return ObjectRef{"Deployment", d.metadata.namespace_, d.metadata.name};
}

// ---- informer handlers --------------------------------------------------------------------------------

void DeploymentController::on_deployment(const WatchEvent& event) { queue_.add(object_key(*event.object)); }

std::shared_ptr<const Deployment> DeploymentController::resolve_controller_ref(const std::string& ns,
                                                                               const OwnerReference& ref) const {
  if (ref.kind != "Deployment") return nullptr;
  auto d = find<Deployment>(env_.store, ns, ref.name);
  if (!d || d->metadata.uid != ref.uid) return nullptr;
  return d;
}

void DeploymentController::on_replica_set(const WatchEvent& event) {
  const Object& rs = *event.object;
  // Orphaned ReplicaSets are not adopted, so only controller references matter.
  if (event.type == WatchEventType::kModified) {
    const OwnerReference* old_ref = event.old->metadata.controller_ref();
    const OwnerReference* cur_ref = rs.metadata.controller_ref();
    if (old_ref && (!cur_ref || cur_ref->uid != old_ref->uid))
      if (auto d = resolve_controller_ref(rs.metadata.namespace_, *old_ref)) queue_.add(object_key(*d));
  }
  if (const OwnerReference* ref = rs.metadata.controller_ref())
    if (auto d = resolve_controller_ref(rs.metadata.namespace_, *ref)) queue_.add(object_key(*d));
}

void DeploymentController::on_pod(const WatchEvent& event) {
  // k/k deployment_controller.go deletePod: only Recreate waits on pods, and only for the last one.
  if (event.type != WatchEventType::kDeleted) return;
  const Object& pod = *event.object;
  const OwnerReference* rs_ref = pod.metadata.controller_ref();
  if (!rs_ref || rs_ref->kind != "ReplicaSet") return;
  auto rs = find<ReplicaSet>(env_.store, pod.metadata.namespace_, rs_ref->name);
  if (!rs || rs->metadata.uid != rs_ref->uid) return;
  const OwnerReference* d_ref = rs->metadata.controller_ref();
  if (!d_ref) return;
  auto d = resolve_controller_ref(rs->metadata.namespace_, *d_ref);
  if (!d || d->spec.strategy.type != "Recreate") return;
  size_t pods = 0;
  for (const auto& [uid, list] : pods_for(*d, replica_sets_for(*d))) pods += list.size();
  if (pods == 0) queue_.add(object_key(*d));
}

RSList DeploymentController::replica_sets_for(const Deployment& d) const {
  RSList out;
  // Through the controllerUID index, in store order as the namespace's listing gave.
  env_.store.visit_controlled_by(Kind::kReplicaSet, d.metadata.namespace_, d.metadata.uid, [&](const ObjectPtr& obj) {
    auto rs = as<ReplicaSet>(obj);
    if (is_controlled_by(*rs, d) && d.spec.selector.matches(rs->metadata.labels)) out.push_back(rs);
  });
  return out;
}

DeploymentController::PodMap DeploymentController::pods_for(const Deployment& d, const RSList& rss) const {
  PodMap out;
  for (const RSPtr& rs : rss) out[rs->metadata.uid];
  // Through the controllerUID index: each ReplicaSet's pods in store order, as the full listing gave.
  for (auto& [uid, pods] : out)
    for (const ObjectPtr& obj : env_.store.list_controlled_by(Kind::kPod, d.metadata.namespace_, uid))
      if (d.spec.selector.matches(obj->metadata.labels)) pods.push_back(as<Pod>(obj));
  return out;
}

// ---- sync entry point -------------------------------------------------------------------------------

Status DeploymentController::reconcile(const std::string& key) {
  auto [ns, name] = split_key(key);
  auto stored = find<Deployment>(env_.store, ns, name);
  if (!stored) return Status::ok();  // deleted; the garbage collector removes its ReplicaSets
  auto d = mutable_copy(*stored);

  if (d->spec.selector.empty()) {
    env_.events.record(ref_of(*d), "Warning", "SelectingAll",
                       "This deployment is selecting all pods. A non-empty selector is required.");
    if (d->status.observedGeneration < d->metadata.generation) {
      d->status.observedGeneration = d->metadata.generation;
      return update_deployment(*d);
    }
    return Status::ok();
  }

  RSList rss = replica_sets_for(*d);
  PodMap pods;  // only Recreate reads the pods (k/k lists them from the informer cache every sync)
  if (d->spec.strategy.type == "Recreate") pods = pods_for(*d, rss);
  if (d->metadata.deletionTimestamp) return sync_status_only(*d, rss);
  if (Status s = check_paused_conditions(*d); !s.is_ok()) return s;
  if (d->spec.paused) return sync(*d, rss);

  Result<bool> scaling = is_scaling_event(*d, rss);
  if (!scaling.is_ok()) return scaling.status();
  if (scaling.value()) return sync(*d, rss);

  if (d->spec.strategy.type == "Recreate") return rollout_recreate(*d, rss, pods);
  return rollout_rolling(*d, rss);
}

// ---- writes -------------------------------------------------------------------------------------------

Status DeploymentController::update_deployment(Deployment& d) {
  auto result = env_.store.update(mutable_copy(d));
  if (!result.is_ok()) return result.status();
  d.metadata.resourceVersion = result.value()->metadata.resourceVersion;
  return Status::ok();
}

Result<std::pair<RSPtr, RSList>> DeploymentController::get_all_replica_sets(Deployment& d, RSList& rss, bool create) {
  RSList old_rss = find_old_replica_sets(d, rss);
  Result<RSPtr> new_rs = get_new_replica_set(d, rss, old_rss, create);
  if (!new_rs.is_ok()) return new_rs.status();
  return std::make_pair(new_rs.value(), old_rss);
}

Result<RSPtr> DeploymentController::get_new_replica_set(Deployment& d, RSList& rss, const RSList& old_rss,
                                                        bool create) {
  RSPtr existing = find_new_replica_set(d, rss);
  std::string new_revision = std::to_string(max_revision(old_rss) + 1);
  Time now = env_.executor.now();

  if (existing) {
    // Decided on a copy of the annotations (all an existing ReplicaSet's update reads); the whole
    // ReplicaSet is copied only to be written, which most syncs do not.
    ReplicaSet probe;
    probe.metadata.annotations = existing->metadata.annotations;
    bool annotations_updated = set_new_replica_set_annotations(d, probe, new_revision, true);
    bool min_ready_changed = existing->spec.minReadySeconds != d.spec.minReadySeconds;
    if (annotations_updated || min_ready_changed) {
      auto copy = mutable_copy(*existing);
      copy->metadata.annotations = std::move(probe.metadata.annotations);
      if (min_ready_changed) {
        copy->spec.minReadySeconds = d.spec.minReadySeconds;
        ++copy->metadata.generation;  // a spec change; the store leaves generation to the writer
      }
      auto updated = env_.store.update(copy);
      if (!updated.is_ok()) return updated.status();
      RSPtr rs = as<ReplicaSet>(updated.value());
      replace_by_uid(rss, rs);
      return rs;
    }
    // The Deployment mirrors its new ReplicaSet's revision.
    bool needs_update = set_deployment_revision(d, probe.metadata.annotations[kRevisionAnnotation]);
    if (has_progress_deadline(d) && !get_condition(d.status, "Progressing")) {
      set_condition(d.status, new_condition("Progressing", "True", kFoundNewRSReason,
                                            "Found new replica set " + go_quote(existing->metadata.name), now));
      needs_update = true;
    }
    if (needs_update)
      if (Status s = update_deployment(d); !s.is_ok()) return s;
    return existing;
  }
  if (!create) return RSPtr();

  // A new ReplicaSet named after the template's hash, selecting only its own pods.
  std::string hash = compute_pod_template_hash(d.spec.template_, d.status.collisionCount);
  auto rs = std::make_shared<ReplicaSet>();
  rs->spec.template_ = d.spec.template_;
  rs->spec.template_.metadata.labels[kPodTemplateHashLabel] = hash;
  rs->metadata.name = d.metadata.name + "-" + hash;
  rs->metadata.namespace_ = d.metadata.namespace_;
  rs->metadata.ownerReferences.push_back(controller_ref_to(d));
  rs->metadata.labels = rs->spec.template_.metadata.labels;
  rs->spec.selector = d.spec.selector;
  rs->spec.selector.matchLabels[kPodTemplateHashLabel] = hash;
  rs->spec.minReadySeconds = d.spec.minReadySeconds;
  rs->spec.replicas = 0;
  RSList all = old_rss;
  all.push_back(rs);
  int32_t replicas = new_rs_new_replicas(d, all, *rs);
  rs->spec.replicas = replicas;
  set_new_replica_set_annotations(d, *rs, new_revision, false);

  auto created = env_.store.create(rs);
  RSPtr created_rs;
  bool already_exists = false;
  if (created.is_ok()) {
    created_rs = as<ReplicaSet>(created.value());
  } else if (created.status().is_already_exists()) {
    auto found = find<ReplicaSet>(env_.store, rs->metadata.namespace_, rs->metadata.name);
    if (found && is_controlled_by(*found, d) && equal_ignore_hash(d.spec.template_, found->spec.template_)) {
      created_rs = found;  // ours, from an earlier sync
      already_exists = true;
    } else {
      // A hash collision: bump collisionCount so the next sync computes another name.
      d.status.collisionCount = d.status.collisionCount.value_or(0) + 1;
      if (Status s = update_deployment(d); !s.is_ok()) return s;
      return created.status();
    }
  } else {
    std::string msg = "Failed to create new replica set " + go_quote(rs->metadata.name) + ": " + created.status().message();
    if (has_progress_deadline(d)) {
      set_condition(d.status, new_condition("Progressing", "False", kFailedRSCreateReason, msg, now));
      update_deployment(d);  // best effort; the create error is what gets retried
    }
    env_.events.record(ref_of(d), "Warning", kFailedRSCreateReason, msg);
    return created.status();
  }
  if (!already_exists && replicas > 0)
    env_.events.record(ref_of(d), "Normal", "ScalingReplicaSet",
                       "Scaled up replica set " + created_rs->metadata.name + " to " + std::to_string(replicas));
  bool needs_update = set_deployment_revision(d, new_revision);
  if (!already_exists && has_progress_deadline(d)) {
    set_condition(d.status, new_condition("Progressing", "True", kNewReplicaSetReason,
                                          "Created new replica set " + go_quote(created_rs->metadata.name), now));
    needs_update = true;
  }
  if (needs_update)
    if (Status s = update_deployment(d); !s.is_ok()) return s;
  if (!already_exists) rss.push_back(created_rs);
  return created_rs;
}

Result<RSPtr> DeploymentController::scale_replica_set(const RSPtr& rs, int32_t new_scale, const Deployment& d,
                                                      bool* scaled) {
  *scaled = false;
  if (rs->desired_replicas() == new_scale) return rs;
  return scale_replica_set(rs, new_scale, d, rs->desired_replicas() < new_scale ? "up" : "down", scaled);
}

Result<RSPtr> DeploymentController::scale_replica_set(const RSPtr& rs, int32_t new_scale, const Deployment& d,
                                                      const std::string& operation, bool* scaled) {
  *scaled = false;
  bool size_changes = rs->desired_replicas() != new_scale;
  int32_t desired = d.desired_replicas(), max_total = desired + max_surge(d);
  if (!size_changes && !replicas_annotations_need_update(*rs, desired, max_total)) return rs;
  auto copy = mutable_copy(*rs);
  copy->spec.replicas = new_scale;
  if (size_changes) ++copy->metadata.generation;  // a spec change; the store leaves generation to the writer
  set_replicas_annotations(*copy, desired, max_total);
  auto updated = env_.store.update(copy);
  if (!updated.is_ok()) return updated.status();
  if (size_changes) {
    *scaled = true;
    env_.events.record(ref_of(d), "Normal", "ScalingReplicaSet",
                       "Scaled " + operation + " replica set " + rs->metadata.name + " to " + std::to_string(new_scale));
  }
  return as<ReplicaSet>(updated.value());
}

}  // namespace ktwin::core
