// GarbageCollector: an owner-uid index fed by watches; owner deletions queue their dependents.
#include "core/controller/garbage_collector.h"

namespace ktwin::core {
namespace {

std::string key_of(const Object& obj) {
  return std::string(kind_name(obj.kind())) + "/" + obj.metadata.namespace_ + "/" + obj.metadata.name;
}

}  // namespace

GarbageCollector::GarbageCollector(const Env& env)
    : env_(env), queue_(env.executor, [this](const std::string& key) { return reconcile(key); }) {}

GarbageCollector::~GarbageCollector() {
  for (WatchId id : watches_) env_.store.unwatch(id);
}

void GarbageCollector::start() {
  for (Kind kind : kAllKinds) {
    watches_.push_back(env_.store.watch(kind, [this](const WatchEvent& e) {
      if (e.type == WatchEventType::kDeleted) {
        // The owner is gone: its dependents get checked (the graph builder's attemptToDelete).
        auto it = dependents_.find(e.object->metadata.uid);
        if (it == dependents_.end()) return;
        for (const std::string& dep : it->second) queue_.add(dep);
        dependents_.erase(it);
        return;
      }
      // k/k garbagecollector/graph_builder.go processGraphChanges: an update whose owner references
      // are unchanged (referencesDiffs empty) queues nothing; the object was registered and checked
      // when it was added or its references last changed, and an owner's deletion queues it again.
      // Most updates are of this kind (lease renewals, pod status), so each was a needless check.
      if (e.type == WatchEventType::kModified && e.old &&
          e.old->metadata.ownerReferences == e.object->metadata.ownerReferences)
        return;
      observe(*e.object);
    }));
    for (const ObjectPtr& obj : env_.store.list(kind)) observe(*obj);
  }
}

void GarbageCollector::observe(const Object& obj) {
  if (obj.metadata.ownerReferences.empty()) return;
  std::string key = key_of(obj);
  for (const OwnerReference& ref : obj.metadata.ownerReferences) dependents_[ref.uid].insert(key);
  // An owner that never existed (or vanished before we looked) is caught here.
  queue_.add(key);
}

Status GarbageCollector::reconcile(const std::string& key) {
  auto first = key.find('/'), second = key.find('/', first + 1);
  std::optional<Kind> kind = parse_kind(key.substr(0, first));
  if (!kind) return Status::ok();
  std::string ns = key.substr(first + 1, second - first - 1), name = key.substr(second + 1);
  ObjectPtr obj = env_.store.find(*kind, ns, name);
  if (!obj || obj->metadata.ownerReferences.empty()) return Status::ok();

  std::vector<OwnerReference> solid;
  bool dangling = false;
  for (const OwnerReference& ref : obj->metadata.ownerReferences) {
    std::optional<Kind> owner_kind = parse_kind(ref.kind);
    if (!owner_kind) {
      solid.push_back(ref);  // a kind ktwin does not model cannot be checked: keep it
      continue;
    }
    ObjectPtr owner = env_.store.find(*owner_kind, is_namespaced(*owner_kind) ? ns : "", ref.name);
    // A same-named object with another uid is a different owner: the reference dangles.
    if (owner && owner->metadata.uid == ref.uid)
      solid.push_back(ref);
    else
      dangling = true;
  }
  if (!dangling) return Status::ok();
  if (solid.empty()) {
    if (obj->metadata.deletionTimestamp) return Status::ok();  // already on its way out
    Status s = env_.store.remove(*kind, ns, name);
    return s.is_not_found() ? Status::ok() : s;
  }
  // Some owners live: only the dangling references go (k/k patches them away).
  auto copy = obj->clone();
  copy->metadata.ownerReferences = solid;
  Result<ObjectPtr> written = env_.store.update(copy);
  return written.is_ok() || written.status().is_not_found() ? Status::ok() : written.status();
}

}  // namespace ktwin::core
