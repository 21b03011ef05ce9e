// ReplicaSetTally: dirty pods per controller uid, recounted on demand.
#include "core/controller/replica_set_tally.h"

#include "core/api/pod.h"

namespace ktwin::core {
namespace {

bool superset(const Labels& have, const Labels& want) {
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

ReplicaSetTally::ReplicaSetTally(Store& store) : store_(store) {
  observer_ = store_.observe_pod_writes([this](const ObjectPtr& old, const ObjectPtr& now) { on_write(old, now); });
}

ReplicaSetTally::~ReplicaSetTally() {
  if (observer_) store_.unobserve_pod_writes(observer_);
}

void ReplicaSetTally::mark(const ObjectPtr& pod) {
  if (!pod) return;
  const OwnerReference* ref = pod->metadata.controller_ref();
  if (!ref) return;
  auto it = by_uid_.find(ref->uid);
  if (it != by_uid_.end()) it->second.dirty.emplace(pod->metadata.namespace_, pod->metadata.name);
}

void ReplicaSetTally::on_write(const ObjectPtr& old, const ObjectPtr& now) {
  mark(old);
  mark(now);
}

void ReplicaSetTally::add(Entry& e, const std::string& name, const Pod& pod) {
  // The same tests as owned_pods + filter_active_pods + calculate_status.
  if (!e.selector.matches(pod.metadata.labels) || !pod.is_active()) return;
  PodFacts f{superset(pod.metadata.labels, e.template_labels), pod.is_ready()};
  e.pods[name] = f;
  ++e.counts.replicas;
  e.counts.fullyLabeled += f.fully_labeled;
  e.counts.ready += f.ready;
}

void ReplicaSetTally::recount(Entry& e, const ReplicaSet& rs) {
  e.ns = rs.metadata.namespace_;
  e.selector = rs.spec.selector;
  e.template_labels = rs.spec.template_.metadata.labels;
  e.pods.clear();
  e.counts = {};
  e.dirty.clear();
  store_.visit_controlled_by(Kind::kPod, e.ns, rs.metadata.uid, [&](const ObjectPtr& obj) {
    add(e, obj->metadata.name, static_cast<const Pod&>(*obj));
  });
}

void ReplicaSetTally::refresh(Entry& e, const std::string& uid, const std::string& name) {
  if (auto it = e.pods.find(name); it != e.pods.end()) {
    --e.counts.replicas;
    e.counts.fullyLabeled -= it->second.fully_labeled;
    e.counts.ready -= it->second.ready;
    e.pods.erase(it);
  }
  ObjectPtr obj = store_.find(Kind::kPod, e.ns, name);
  if (!obj) return;
  const OwnerReference* ref = obj->metadata.controller_ref();
  if (ref && ref->uid == uid) add(e, name, static_cast<const Pod&>(*obj));
}

std::optional<ReplicaSetTally::Counts> ReplicaSetTally::counts(const ReplicaSet& rs) {
  if (!observer_) return std::nullopt;
  const std::string& uid = rs.metadata.uid;
  auto [it, inserted] = by_uid_.try_emplace(uid);
  Entry& e = it->second;
  if (inserted || e.ns != rs.metadata.namespace_ || !(e.selector == rs.spec.selector) ||
      e.template_labels != rs.spec.template_.metadata.labels) {
    recount(e, rs);
  } else {
    for (const auto& [ns, name] : e.dirty)
      if (ns == e.ns) refresh(e, uid, name);
    e.dirty.clear();
  }
  return e.counts;
}

}  // namespace ktwin::core
