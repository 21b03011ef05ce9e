// MemoryStore: one ordered map per kind, a global revision, graceful pod deletion, batched watch delivery.
#include "core/store/memory_store.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/api/pod.h"

namespace ktwin::core {
namespace {

// k8s.io/apimachinery/pkg/util/rand: consonants and digits without look-alikes.
constexpr std::string_view kNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
constexpr int64_t kDefaultTerminationGraceSeconds = 30;
constexpr size_t kMaxGenerateNameBase = 58;  // 63 - 5 random characters

}  // namespace

std::string_view watch_event_name(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded: return "ADDED";
    case WatchEventType::kModified: return "MODIFIED";
    case WatchEventType::kDeleted: return "DELETED";
  }
  return "";
}

std::vector<ObjectPtr> Store::list_pods_on_node(const std::string& node_name) const {
  std::vector<ObjectPtr> out;
  for (const ObjectPtr& obj : list(Kind::kPod))
    if (as<Pod>(obj)->spec.nodeName == node_name) out.push_back(obj);
  return out;
}

std::vector<ObjectPtr> Store::list_controlled_by(Kind kind, const std::string& ns,
                                                 const std::string& controller_uid) const {
  std::vector<ObjectPtr> out;
  for (const ObjectPtr& obj : list(kind, ns)) {
    const OwnerReference* ref = obj->metadata.controller_ref();
    if (ref && ref->uid == controller_uid) out.push_back(obj);
  }
  return out;
}

const std::string& watch_node_key(const Object& obj) {
  if (obj.kind() == Kind::kPod) return static_cast<const Pod&>(obj).spec.nodeName;
  return obj.metadata.name;
}

WatchId Store::watch_node(Kind kind, const std::string& node, WatchHandler handler) {
  return watch(kind, [node, handler = std::move(handler)](const WatchEvent& e) {
    if (watch_node_key(*e.object) == node) handler(e);
  });
}

MemoryStore::MemoryStore(Executor& executor, Rng rng) : executor_(executor), rng_(std::move(rng)) {}

std::string MemoryStore::random_suffix() {
  std::string s;
  for (int i = 0; i < 5; ++i) s += kNameAlphabet[rng_.uniform(kNameAlphabet.size())];
  return s;
}

std::string MemoryStore::new_uid() {
  uint64_t a = rng_.next_u64(), b = rng_.next_u64();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

Result<ObjectPtr> MemoryStore::create(std::shared_ptr<Object> obj) {
  ObjectMeta& meta = obj->metadata;
  if (is_namespaced(obj->kind()) && meta.namespace_.empty()) meta.namespace_ = "default";
  if (!is_namespaced(obj->kind())) meta.namespace_.clear();
  auto& table = objects_[static_cast<size_t>(obj->kind())];
  if (meta.name.empty()) {
    if (meta.generateName.empty()) return Status::invalid("name or generateName is required");
    std::string base = meta.generateName.substr(0, kMaxGenerateNameBase);
    // The apiserver returns AlreadyExists on a collision and the client retries; retry here instead.
    do {
      meta.name = base + random_suffix();
    } while (table.contains(key_of(meta.namespace_, meta.name)));
  }
  Key key = key_of(meta.namespace_, meta.name);
  if (table.contains(key))
    return Status::already_exists(std::string(kind_name(obj->kind())) + " \"" + meta.name + "\" already exists");
  meta.uid = new_uid();
  meta.resourceVersion = revision_ + 1;
  meta.creationTimestamp = executor_.now();
  meta.deletionTimestamp.reset();
  if (meta.generation == 0) meta.generation = 1;
  auto revision = record(JournalOp::kCreate, *obj, 0);
  if (!revision.is_ok()) return revision.status();
  meta.resourceVersion = revision_ = revision.value();
  ObjectPtr stored = obj;
  table.assign(key, stored);
  index(obj->kind(), nullptr, stored);
  publish(WatchEventType::kAdded, stored, nullptr);
  return stored;
}

Result<ObjectPtr> MemoryStore::update(std::shared_ptr<Object> obj) {
  ObjectMeta& meta = obj->metadata;
  if (is_namespaced(obj->kind()) && meta.namespace_.empty()) meta.namespace_ = "default";
  auto& table = objects_[static_cast<size_t>(obj->kind())];
  auto it = table.find(meta.namespace_, meta.name);
  if (it == table.end())
    return Status::not_found(std::string(kind_name(obj->kind())) + " \"" + meta.name + "\" not found");
  const ObjectPtr old = it->second;
  if (meta.resourceVersion != 0 && meta.resourceVersion != old->metadata.resourceVersion)
    return Status::conflict("Operation cannot be fulfilled on " + std::string(kind_name(obj->kind())) + " \"" +
                            meta.name + "\": the object has been modified; please apply your changes to the "
                            "latest version and try again");
  // Immutable or server-owned metadata.
  meta.uid = old->metadata.uid;
  meta.creationTimestamp = old->metadata.creationTimestamp;
  if (old->metadata.deletionTimestamp) meta.deletionTimestamp = old->metadata.deletionTimestamp;
  if (meta.generation == 0) meta.generation = old->metadata.generation;
  meta.resourceVersion = revision_ + 1;
  // A journal may apply other writers' changes meanwhile, never to this key while it succeeds (it
  // guards on the key's revision), so `it` and `old` still hold; after a failure neither is used.
  auto revision = record(JournalOp::kUpdate, *obj, old->metadata.resourceVersion);
  if (!revision.is_ok()) return revision.status();
  meta.resourceVersion = revision_ = revision.value();
  ObjectPtr stored = obj;
  table.replace(it, stored);
  index(obj->kind(), old, stored);
  publish(WatchEventType::kModified, stored, old);
  return stored;
}

Status MemoryStore::remove(Kind kind, const std::string& ns_in, const std::string& name,
                           const DeleteOptions& options) {
  std::string ns = is_namespaced(kind) ? (ns_in.empty() ? "default" : ns_in) : "";
  auto& table = objects_[static_cast<size_t>(kind)];
  Key key = key_of(ns, name);
  auto it = table.find(key);
  if (it == table.end()) return Status::not_found(std::string(kind_name(kind)) + " \"" + name + "\" not found");
  if (options.preconditionUid && *options.preconditionUid != it->second->metadata.uid)
    return Status::conflict("Precondition failed: UID in precondition: " + *options.preconditionUid +
                            ", UID in object meta: " + it->second->metadata.uid);
  if (kind == Kind::kPod) {
    auto pod = as<Pod>(it->second);
    // k/k pkg/registry/core/pod/strategy.go CheckGracefulDelete: unscheduled or terminal pods go at once.
    int64_t grace = options.gracePeriodSeconds.value_or(
        pod->spec.terminationGracePeriodSeconds.value_or(kDefaultTerminationGraceSeconds));
    if (pod->spec.nodeName.empty() || pod->is_terminal()) grace = 0;
    if (grace > 0) {
      if (pod->metadata.deletionTimestamp && pod->metadata.deletionGracePeriodSeconds &&
          *pod->metadata.deletionGracePeriodSeconds <= grace)
        return Status::ok();  // already terminating with an equal or shorter grace period
      auto copy = mutable_copy(*pod);
      copy->metadata.deletionTimestamp = executor_.now() + std::chrono::seconds(grace);
      copy->metadata.deletionGracePeriodSeconds = grace;
      copy->metadata.resourceVersion = revision_ + 1;
      auto revision = record(JournalOp::kUpdate, *copy, pod->metadata.resourceVersion);
      if (!revision.is_ok()) return revision.status();
      copy->metadata.resourceVersion = revision_ = revision.value();
      ObjectPtr stored = copy;
      table.replace(it, stored);
      index(Kind::kPod, pod, stored);
      publish(WatchEventType::kModified, stored, pod);
      return Status::ok();
    }
  }
  return erase(kind, key);
}

Status MemoryStore::erase(Kind kind, const Key& key) {
  auto& table = objects_[static_cast<size_t>(kind)];
  auto it = table.find(key);
  ObjectPtr old = it->second;
  // The DELETED event carries the last state with a fresh resourceVersion, as etcd's delete revision.
  auto last = old->clone();
  last->metadata.resourceVersion = revision_ + 1;
  auto revision = record(JournalOp::kDelete, *last, old->metadata.resourceVersion);
  if (!revision.is_ok()) return revision.status();
  last->metadata.resourceVersion = revision_ = revision.value();
  table.erase(it);
  index(kind, old, nullptr);
  publish(WatchEventType::kDeleted, last, old);
  return Status::ok();
}

Result<uint64_t> MemoryStore::record(JournalOp op, const Object& obj, uint64_t previous) {
  if (!journal_) return revision_ + 1;
  auto recorded = journal_->record(JournalEntry{op, obj.kind(), obj.metadata.namespace_, obj.metadata.name, obj,
                                                obj.metadata.resourceVersion, previous});
  if (!recorded.is_ok()) {
    const Status& s = recorded.status();
    if (s.is_conflict() || s.is_already_exists()) return s;  // the datastore's own guard: retry
    return Status::unavailable("storage: the write was not persisted: " + s.message());
  }
  // Watch order is resourceVersion order; a journal that breaks it has a bug or a datastore that went back.
  if (recorded.value() <= revision_)
    return Status::unavailable("storage: the datastore gave revision " + std::to_string(recorded.value()) +
                               ", not above the store's " + std::to_string(revision_) +
                               "; restart the server to reload the state");
  return recorded.value();
}

void MemoryStore::install(Kind kind, const Key& key, const ObjectPtr& old, ObjectPtr now, uint64_t revision) {
  auto& table = objects_[static_cast<size_t>(kind)];
  if (now) {
    table.assign(key, now);
  } else {
    table.erase(key);
  }
  index(kind, old, now);
  revision_ = std::max(revision_, revision);
  if (!now) {
    auto last = old->clone();  // as erase(): the last state at the delete's revision
    last->metadata.resourceVersion = revision;
    publish(WatchEventType::kDeleted, last, old);
  } else {
    publish(old ? WatchEventType::kModified : WatchEventType::kAdded, std::move(now), old);
  }
}

void MemoryStore::apply(Kind kind, const std::string& ns, const std::string& name, ObjectPtr now,
                        uint64_t revision) {
  KT_CHECK(revision >= revision_, "MemoryStore::apply: revision " + std::to_string(revision) +
                                      " is below the store's " + std::to_string(revision_));
  KT_CHECK(!now || now->kind() == kind, "MemoryStore::apply: an object of another kind");
  Key key = key_of(is_namespaced(kind) ? ns : "", name);
  auto& table = objects_[static_cast<size_t>(kind)];
  auto it = table.find(key);
  ObjectPtr old = it == table.end() ? nullptr : it->second;
  if (!old && !now) {  // a delete of what this store never held: only the revision moves
    revision_ = std::max(revision_, revision);
    return;
  }
  install(kind, key, old, std::move(now), revision);
}

void MemoryStore::replace(const PersistedState& state) {
  struct Change {
    Kind kind;
    Key key;
    ObjectPtr old, now;
    uint64_t revision;
  };
  std::vector<Change> changes;
  std::set<std::pair<Kind, Key>> kept;
  for (const ObjectPtr& obj : state.objects) {
    Key key = key_of(obj->metadata.namespace_, obj->metadata.name);
    kept.emplace(obj->kind(), key);
    const auto& table = objects_[static_cast<size_t>(obj->kind())];
    auto it = table.find(key);
    ObjectPtr old = it == table.end() ? nullptr : it->second;
    if (old && old->metadata.resourceVersion == obj->metadata.resourceVersion) continue;  // unchanged: same pointer
    changes.push_back({obj->kind(), key, old, obj, obj->metadata.resourceVersion});
  }
  // What is gone was deleted at some revision up to the list's: a reflector's DeletedFinalStateUnknown.
  for (Kind kind : kAllKinds)
    for (const auto& [key, obj] : objects_[static_cast<size_t>(kind)])
      if (!kept.count({kind, key})) changes.push_back({kind, key, obj, nullptr, state.revision});
  // In resourceVersion order, so watch events keep increasing; deletes last.
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return a.revision < b.revision; });
  for (Change& c : changes) install(c.kind, c.key, c.old, std::move(c.now), c.revision);
  revision_ = std::max(revision_, state.revision);
}

Status MemoryStore::restore(const PersistedState& state) {
  for (const auto& table : objects_)
    if (!table.empty()) return Status::invalid("restore: the store already holds objects");
  if (revision_ != 0) return Status::invalid("restore: the store was already written");
  uint64_t revision = state.revision;
  for (const ObjectPtr& obj : state.objects) {
    const ObjectMeta& meta = obj->metadata;
    auto refuse = [&](const char* why) {
      std::string what = std::string(kind_name(obj->kind())) + " \"" + namespaced_name(*obj) + "\" ";
      return Status::invalid("restore: " + what + why);
    };
    if (is_namespaced(obj->kind()) == meta.namespace_.empty() || meta.name.empty())
      return refuse("has a malformed namespace or name");
    auto& table = objects_[static_cast<size_t>(obj->kind())];
    if (!table.emplace(key_of(meta.namespace_, meta.name), obj)) return refuse("appears twice");
    index_controller(obj->kind(), nullptr, obj);
    if (obj->kind() == Kind::kPod) index_pod(nullptr, obj);
    revision = std::max(revision, meta.resourceVersion);
  }
  revision_ = revision;
  return Status::ok();
}

ObjectPtr MemoryStore::find(Kind kind, const std::string& ns, const std::string& name) const {
  const auto& table = objects_[static_cast<size_t>(kind)];
  auto it = table.find(is_namespaced(kind) ? (ns.empty() ? std::string_view("default") : ns) : "", name);
  return it == table.end() ? nullptr : it->second;
}

bool MemoryStore::is_latest(const Object& obj) const {
  return objects_[static_cast<size_t>(obj.kind())].holds_latest(obj);
}

std::vector<ObjectPtr> MemoryStore::list(Kind kind, const std::string& ns) const {
  const auto& table = objects_[static_cast<size_t>(kind)];
  std::vector<ObjectPtr> out;
  if (ns.empty()) {
    out.reserve(table.size());
    for (const auto& [key, obj] : table) out.push_back(obj);
  } else {
    for (auto it = table.lower_bound(ns + "/"); it != table.end() && it->second->metadata.namespace_ == ns; ++it)
      out.push_back(it->second);
  }
  return out;
}

void MemoryStore::visit(Kind kind, const std::function<void(const ObjectPtr&)>& fn) const {
  for (const auto& [key, obj] : objects_[static_cast<size_t>(kind)]) fn(obj);
}

std::vector<ObjectPtr> MemoryStore::list_pods_on_node(const std::string& node_name) const {
  std::vector<ObjectPtr> out;
  auto it = nodes_.find(node_name);
  if (it == nodes_.end()) return out;
  for (const auto& [key, pod] : it->second.pods) out.push_back(*pod);
  return out;
}

uint64_t MemoryStore::pods_on_node_stamp(const std::string& node_name) const {
  auto it = nodes_.find(node_name);
  return it == nodes_.end() || it->second.pods_stamp == 0 ? 1 : it->second.pods_stamp;  // 1: never touched
}

std::vector<ObjectPtr> MemoryStore::list_controlled_by(Kind kind, const std::string& ns,
                                                       const std::string& controller_uid) const {
  std::vector<ObjectPtr> out;
  visit_controlled_by(kind, ns, controller_uid, [&](const ObjectPtr& obj) { out.push_back(obj); });
  return out;
}

void MemoryStore::visit_controlled_by(Kind kind, const std::string& ns, const std::string& controller_uid,
                                      const std::function<void(const ObjectPtr&)>& fn) const {
  const auto& by_uid = by_controller_[static_cast<size_t>(kind)];
  auto it = by_uid.find(controller_uid);
  if (it == by_uid.end()) return;
  for (const auto& [key, slot] : it->second)
    if (ns.empty() || (*slot)->metadata.namespace_ == ns) fn(*slot);
}

void MemoryStore::node_changed(NodeEntry& node) {
  node.second.last_change = ++change_seq_;
  change_log_.push_back(NodeChange{change_seq_, &node});
  if (change_log_.size() > 2 * nodes_.size() + 1024)
    std::erase_if(change_log_, [](const NodeChange& c) { return c.node->second.last_change != c.seq; });
}

void MemoryStore::visit_node_changes(uint64_t since, const std::function<void(const std::string&)>& fn) const {
  auto first = std::upper_bound(change_log_.begin(), change_log_.end(), since,
                                [](uint64_t seq, const NodeChange& c) { return seq < c.seq; });
  for (auto it = first; it != change_log_.end(); ++it)
    if (it->node->second.last_change == it->seq) fn(it->node->first);
}

WatchId MemoryStore::observe_pod_writes(PodWriteObserver fn) {
  WatchId id = next_watch_id_++;
  pod_observers_.emplace(id, std::move(fn));
  return id;
}

void MemoryStore::index(Kind kind, const ObjectPtr& old_obj, const ObjectPtr& new_obj) {
  index_controller(kind, old_obj, new_obj);
  if (kind == Kind::kPod) index_pod(old_obj, new_obj);
  if (kind == Kind::kNode) node_changed(node_entry(new_obj ? new_obj->metadata.name : old_obj->metadata.name));
}

MemoryStore::Slot MemoryStore::slot_of(Kind kind, const ObjectMeta& meta) const {
  return &objects_[static_cast<size_t>(kind)].find(meta.namespace_, meta.name)->second;
}

void MemoryStore::index_controller(Kind kind, const ObjectPtr& old_obj, const ObjectPtr& new_obj) {
  const OwnerReference* was = old_obj ? old_obj->metadata.controller_ref() : nullptr;
  const OwnerReference* is = new_obj ? new_obj->metadata.controller_ref() : nullptr;
  if (!was && !is) return;
  if (was && is && was->uid == is->uid) return;  // most updates: the same controller, the same slot
  auto& by_uid = by_controller_[static_cast<size_t>(kind)];
  const ObjectMeta& meta = new_obj ? new_obj->metadata : old_obj->metadata;
  Key key = key_of(meta.namespace_, meta.name);
  if (was) {
    auto it = by_uid.find(was->uid);
    if (it != by_uid.end()) {
      it->second.erase(key);
      if (it->second.empty()) by_uid.erase(it);
    }
  }
  if (is) by_uid[is->uid][key] = slot_of(kind, meta);
}

void MemoryStore::index_pod(const ObjectPtr& old_obj, const ObjectPtr& new_obj) {
  for (const auto& [id, fn] : pod_observers_) fn(old_obj, new_obj);
  const Pod* old_pod = old_obj ? static_cast<const Pod*>(old_obj.get()) : nullptr;
  const Pod* pod = new_obj ? static_cast<const Pod*>(new_obj.get()) : nullptr;
  NodeEntry* was = old_pod && !old_pod->spec.nodeName.empty() ? &node_entry(old_pod->spec.nodeName) : nullptr;
  NodeEntry* is = nullptr;
  if (pod && !pod->spec.nodeName.empty())  // most writes are a status write: the same node, one lookup
    is = was && was->first == pod->spec.nodeName ? was : &node_entry(pod->spec.nodeName);
  if (was) {
    was->second.pods_stamp = ++next_node_stamp_;
    node_changed(*was);
  }
  if (is) {
    is->second.pods_stamp = ++next_node_stamp_;
    node_changed(*is);
  }
  if (was && was == is) return;  // a status write: the same node, the same slot
  const ObjectMeta& meta = pod ? pod->metadata : old_pod->metadata;
  Key key = key_of(meta.namespace_, meta.name);
  if (was) was->second.pods.erase(key);
  if (is) is->second.pods[key] = slot_of(Kind::kPod, meta);
}

WatchId MemoryStore::watch(Kind kind, WatchHandler handler) {
  WatchId id = next_watch_id_++;
  by_kind_[static_cast<size_t>(kind)].emplace(id, std::move(handler));
  watch_places_.emplace(id, WatchPlace{kind, false, {}});
  return id;
}

WatchId MemoryStore::watch_node(Kind kind, const std::string& node, WatchHandler handler) {
  WatchId id = next_watch_id_++;
  by_node_[static_cast<size_t>(kind)][node].emplace(id, std::move(handler));
  watch_places_.emplace(id, WatchPlace{kind, true, node});
  return id;
}

void MemoryStore::unwatch(WatchId id) {
  auto it = watch_places_.find(id);
  if (it == watch_places_.end()) return;
  const WatchPlace& place = it->second;
  size_t k = static_cast<size_t>(place.kind);
  if (!place.keyed) {
    by_kind_[k].erase(id);
  } else if (auto n = by_node_[k].find(place.node); n != by_node_[k].end()) {
    n->second.erase(id);  // the (maybe empty) map stays: drain() may be walking it
  }
  watch_places_.erase(it);
}

void MemoryStore::publish(WatchEventType type, ObjectPtr object, ObjectPtr old) {
  pending_.push_back(WatchEvent{type, std::move(object), std::move(old)});
  if (!drain_posted_) {
    drain_posted_ = true;
    executor_.post([this] { drain(); });
  }
}

void MemoryStore::drain() {
  // Events written by handlers are appended and delivered by this same loop, keeping write order.
  while (!pending_.empty()) {
    WatchEvent event = std::move(pending_.front());
    pending_.pop_front();
    size_t k = static_cast<size_t>(event.object->kind());
    const Handlers& all = by_kind_[k];
    const Handlers* mine = nullptr;
    if (!by_node_[k].empty())
      if (auto n = by_node_[k].find(watch_node_key(*event.object)); n != by_node_[k].end()) mine = &n->second;
    // Both sets merged in id order, each step looked up afresh: a handler may add or remove watches
    // (a watch added meanwhile gets this event too, having a larger id).
    for (WatchId last = 0;;) {
      auto a = all.upper_bound(last);
      auto b = mine ? mine->upper_bound(last) : Handlers::const_iterator{};
      bool has_a = a != all.end(), has_b = mine && b != mine->end();
      if (!has_a && !has_b) break;
      auto it = !has_b || (has_a && a->first < b->first) ? a : b;
      last = it->first;
      it->second(event);
    }
  }
  drain_posted_ = false;
}

}  // namespace ktwin::core
