// The store seam: versioned objects with optimistic concurrency and watches, as the apiserver offers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/api/meta.h"
#include "core/util/status.h"

namespace ktwin::core {

enum class WatchEventType { kAdded, kModified, kDeleted };
std::string_view watch_event_name(WatchEventType type);  // "ADDED", "MODIFIED", "DELETED"

struct WatchEvent {
  WatchEventType type;
  ObjectPtr object;  // the new state; for kDeleted the last state
  ObjectPtr old;     // the previous state for kModified and kDeleted, else null
};
using WatchHandler = std::function<void(const WatchEvent&)>;
using WatchId = uint64_t;

// The node an object is about for watch_node: a Pod's spec.nodeName, else the object's name.
const std::string& watch_node_key(const Object& obj);

struct DeleteOptions {
  std::optional<int64_t> gracePeriodSeconds;  // unset: the pod's terminationGracePeriodSeconds (30)
  std::optional<std::string> preconditionUid;
};

class Store {
 public:
  virtual ~Store() = default;
  // Sets uid, resourceVersion, creationTimestamp and, from generateName, the name.
  // AlreadyExists if the name is taken; Invalid if it has no name.
  virtual Result<ObjectPtr> create(std::shared_ptr<Object> obj) = 0;
  // NotFound if absent; Conflict if obj's resourceVersion is set and stale (0 means unconditional).
  virtual Result<ObjectPtr> update(std::shared_ptr<Object> obj) = 0;
  // Graceful for pods bound to a node (sets deletionTimestamp; the kubelet finishes with grace 0),
  // immediate otherwise.
  virtual Status remove(Kind kind, const std::string& ns, const std::string& name,
                        const DeleteOptions& options = {}) = 0;
  virtual ObjectPtr find(Kind kind, const std::string& ns, const std::string& name) const = 0;
  // Whether find() of obj's kind, namespace and name would return obj itself (a reader that kept the
  // object it last read can skip reading it again). A store may answer without a lookup.
  virtual bool is_latest(const Object& obj) const {
    return find(obj.kind(), obj.metadata.namespace_, obj.metadata.name).get() == &obj;
  }
  // Objects of `kind` in namespace `ns` ("" for all), ordered by namespace then name, as etcd lists.
  virtual std::vector<ObjectPtr> list(Kind kind, const std::string& ns = "") const = 0;
  // Calls `fn` with each object list(kind) would return, in that order, without building the list.
  // `fn` must not write to the store.
  virtual void visit(Kind kind, const std::function<void(const ObjectPtr&)>& fn) const {
    for (const ObjectPtr& obj : list(kind)) fn(obj);
  }
  // Pods bound to `node_name`, by namespace and name. A store may index this.
  virtual std::vector<ObjectPtr> list_pods_on_node(const std::string& node_name) const;
  // A stamp that changes whenever a pod bound to `node_name` is added, changed or removed, so a
  // cache (the scheduler's) can skip re-listing unchanged nodes. 0: not tracked, list every time.
  virtual uint64_t pods_on_node_stamp(const std::string& node_name) const { return 0; }
  // A journal of the nodes whose Node object or bound pods changed, for caches that must not walk
  // every node each time: node_changes_seq() grows with every such change (0: no journal kept), and
  // visit_node_changes(since, fn) calls fn once with each node changed after position `since`
  // (deleted nodes included), in no particular order.
  virtual uint64_t node_changes_seq() const { return 0; }
  virtual void visit_node_changes(uint64_t since, const std::function<void(const std::string&)>& fn) const {}
  // Objects of `kind` in `ns` ("" for all) whose controller reference has `controller_uid`, by
  // namespace and name (the informers' controllerUID index, k/k pkg/controller/controller_utils.go
  // AddPodControllerUIDIndexer; the Deployment controller's ReplicaSets too).
  virtual std::vector<ObjectPtr> list_controlled_by(Kind kind, const std::string& ns,
                                                    const std::string& controller_uid) const;
  // Calls `fn` with each object list_controlled_by would return, without building the list.
  virtual void visit_controlled_by(Kind kind, const std::string& ns, const std::string& controller_uid,
                                   const std::function<void(const ObjectPtr&)>& fn) const {
    for (const ObjectPtr& obj : list_controlled_by(kind, ns, controller_uid)) fn(obj);
  }
  // Calls `fn(old, now)` synchronously inside every write of a pod (old null on create, now null on
  // delete), so a cache can follow the store exactly, unlike a watch, which lags. Returns 0 when the
  // store cannot (the caller then re-lists every time).
  using PodWriteObserver = std::function<void(const ObjectPtr& old, const ObjectPtr& now)>;
  virtual WatchId observe_pod_writes(PodWriteObserver fn) { return 0; }
  virtual void unobserve_pod_writes(WatchId id) {}
  // Delivers every later change of `kind` through the executor, in write order, never inside a write.
  virtual WatchId watch(Kind kind, WatchHandler handler) = 0;
  // As watch, but only the events about `node`: Pods whose spec.nodeName is `node` (the kubelet's
  // fieldSelector, k/k pkg/kubelet/config/apiserver.go NewSourceApiserver), objects of other kinds
  // named `node`. Handlers of both kinds of watch run in the order they were added. A store may
  // index this so that a write costs the same however many nodes watch; this one filters.
  virtual WatchId watch_node(Kind kind, const std::string& node, WatchHandler handler);
  virtual void unwatch(WatchId id) = 0;
  // The resourceVersion of the latest write (of any kind), so a list can say which state it shows and
  // a watch from there misses nothing (an API server's list metadata). 0: the store does not track it.
  virtual uint64_t resource_version() const { return 0; }
};

template <class T>
std::shared_ptr<const T> find(const Store& store, const std::string& ns, const std::string& name) {
  return as<T>(store.find(T::kKind, ns, name));
}

template <class T>
std::vector<std::shared_ptr<const T>> list(const Store& store, const std::string& ns = "") {
  std::vector<std::shared_ptr<const T>> out;
  for (const ObjectPtr& obj : store.list(T::kKind, ns)) out.push_back(as<T>(obj));
  return out;
}

}  // namespace ktwin::core
