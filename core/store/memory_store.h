// The in-memory Store that serves both modes; real mode puts a socket and a journal in front of it.
#pragma once

#include <deque>
#include <map>
#include <unordered_map>

#include "core/env/executor.h"
#include "core/env/rng.h"
#include "core/store/store.h"
#include "core/store/object_table.h"
#include "core/store/store_journal.h"

namespace ktwin::core {

class MemoryStore : public Store {
 public:
  // Watch events are delivered through `executor`; uids and generated names come from `rng`.
  MemoryStore(Executor& executor, Rng rng);

  Result<ObjectPtr> create(std::shared_ptr<Object> obj) override;
  Result<ObjectPtr> update(std::shared_ptr<Object> obj) override;
  Status remove(Kind kind, const std::string& ns, const std::string& name,
                const DeleteOptions& options = {}) override;
  ObjectPtr find(Kind kind, const std::string& ns, const std::string& name) const override;
  bool is_latest(const Object& obj) const override;  // no lookup: the object's held_by mark
  std::vector<ObjectPtr> list(Kind kind, const std::string& ns = "") const override;
  void visit(Kind kind, const std::function<void(const ObjectPtr&)>& fn) const override;
  std::vector<ObjectPtr> list_pods_on_node(const std::string& node_name) const override;
  uint64_t pods_on_node_stamp(const std::string& node_name) const override;
  uint64_t node_changes_seq() const override { return change_seq_; }
  void visit_node_changes(uint64_t since, const std::function<void(const std::string&)>& fn) const override;
  std::vector<ObjectPtr> list_controlled_by(Kind kind, const std::string& ns,
                                            const std::string& controller_uid) const override;
  void visit_controlled_by(Kind kind, const std::string& ns, const std::string& controller_uid,
                           const std::function<void(const ObjectPtr&)>& fn) const override;
  WatchId observe_pod_writes(PodWriteObserver fn) override;
  void unobserve_pod_writes(WatchId id) override { pod_observers_.erase(id); }
  WatchId watch(Kind kind, WatchHandler handler) override;
  // Indexed by node: a kubelet's watch costs nothing for other nodes' writes.
  WatchId watch_node(Kind kind, const std::string& node, WatchHandler handler) override;
  void unwatch(WatchId id) override;

  uint64_t resource_version() const override { return revision_; }

  // Every later write is recorded in `journal` (null: none, as in the simulator) before it applies.
  void set_journal(StoreJournal* journal) { journal_ = journal; }
  // Loads persisted objects with their uid, resourceVersion and timestamps, without watch events or
  // journal writes; the revision continues from the highest seen. REQUIRES: nothing written yet.
  // Invalid on a duplicate or malformed object, after which the store must be discarded.
  Status restore(const PersistedState& state);
  // A change another writer made to the datastore (an etcd watch event), applied without journaling:
  // `now` is the object as stored, its resourceVersion `revision`, or null when kind/ns/name was
  // deleted. Watchers see ADDED, MODIFIED or DELETED as for the store's own writes, and the store's
  // revision becomes `revision`. REQUIRES: revision >= resource_version() (equal: another key of the
  // same datastore transaction); now's kind is `kind`.
  void apply(Kind kind, const std::string& ns, const std::string& name, ObjectPtr now, uint64_t revision);
  // Makes the store hold exactly `state` (a re-list, as a reflector's Replace, after the datastore
  // compacted away changes a watch missed): an event for each object whose resourceVersion differs,
  // in resourceVersion order, then a DELETED at state.revision for each object `state` lacks.
  // Objects whose resourceVersion matches stay as they are. The revision becomes at least state's.
  // REQUIRES: every object is well-formed, at most once.
  void replace(const PersistedState& state);

 private:
  using Key = ObjectTable::Key;
  static Key key_of(const std::string& ns, const std::string& name) { return ObjectTable::key_of(ns, name); }
  std::string random_suffix();
  std::string new_uid();
  // Every index after a write of `kind` (old null: created; new null: deleted).
  void index(Kind kind, const ObjectPtr& old_obj, const ObjectPtr& new_obj);
  void index_controller(Kind kind, const ObjectPtr& old_obj, const ObjectPtr& new_obj);
  void index_pod(const ObjectPtr& old_obj, const ObjectPtr& new_obj);
  void publish(WatchEventType type, ObjectPtr object, ObjectPtr old);
  void drain();
  Status erase(Kind kind, const Key& key);
  // The revision the write gets: from the journal, or the next one without.
  Result<uint64_t> record(JournalOp op, const Object& obj, uint64_t previous);
  void install(Kind kind, const Key& key, const ObjectPtr& old, ObjectPtr now, uint64_t revision);

  Executor& executor_;
  Rng rng_;
  uint64_t revision_ = 0;
  StoreJournal* journal_ = nullptr;
  ObjectTable objects_[std::size(kAllKinds)];
  // The indexes below point at the object's slot in objects_ (stable while its key exists), so a
  // write that keeps an object's node and controller (a status write) need not touch them.
  using Slot = const ObjectPtr*;
  Slot slot_of(Kind kind, const ObjectMeta& meta) const;  // REQUIRES: objects_ holds it
  // What the store keeps per node name, found with one hash lookup per write: the pods bound there,
  // the stamp of their last change (pods_on_node_stamp) and the node's latest journal entry.
  struct NodeIndex {
    std::map<Key, Slot> pods;  // by namespace/name
    uint64_t pods_stamp = 0;   // 0: no pod was ever bound there
    uint64_t last_change = 0;  // the seq of the node's latest change in change_log_
  };
  using NodeEntry = std::pair<const std::string, NodeIndex>;
  std::unordered_map<std::string, NodeIndex> nodes_;  // by node name; entries are never erased
  NodeEntry& node_entry(const std::string& node) { return *nodes_.try_emplace(node).first; }
  // By kind, then controller uid: the informers' controllerUID index.
  std::unordered_map<std::string, std::map<Key, Slot>> by_controller_[std::size(kAllKinds)];
  uint64_t next_node_stamp_ = 1;  // stamps start at 2; 1 means "never touched"
  void node_changed(NodeEntry& node);
  uint64_t change_seq_ = 1;
  // Every change appended in seq order; an entry is live while it is its node's latest. Appending
  // costs no allocation (a map entry per pod write did); stale entries are dropped now and then.
  struct NodeChange {
    uint64_t seq;
    const NodeEntry* node;  // stable: nodes_ is node-based and never erased from
  };
  std::vector<NodeChange> change_log_;
  std::map<WatchId, PodWriteObserver> pod_observers_;
  using Handlers = std::map<WatchId, WatchHandler>;
  Handlers by_kind_[std::size(kAllKinds)];                               // watch(): by kind
  std::unordered_map<std::string, Handlers> by_node_[std::size(kAllKinds)];  // watch_node(): by kind, node
  struct WatchPlace {
    Kind kind;
    bool keyed;
    std::string node;
  };
  std::unordered_map<WatchId, WatchPlace> watch_places_;
  WatchId next_watch_id_ = 1;
  std::deque<WatchEvent> pending_;
  bool drain_posted_ = false;
};

}  // namespace ktwin::core
