// The scheduler's node cache: NodeInfos kept between cycles and refreshed only where the store changed
// (k/k pkg/scheduler/internal/cache/cache.go UpdateSnapshot, which copies only nodes whose generation moved).
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/scheduler/node_info.h"
#include "core/scheduler/snapshot_index.h"
#include "core/store/store.h"

namespace ktwin::core {

class SnapshotCache {
 public:
  // The first bytes of a pod's "namespace/name" (its listing key), zero-padded: two pods' prefixes order
  // them as their keys do unless they are equal, so the search for a new pod's place in a node's list
  // compares these instead of reading each listed pod's (cold) object.
  using ListedPrefix = std::array<char, 24>;

  // `store` outlives this.
  explicit SnapshotCache(Store& store);
  ~SnapshotCache();
  SnapshotCache(const SnapshotCache&) = delete;
  SnapshotCache& operator=(const SnapshotCache&) = delete;

  // The store's nodes in list order, each with its bound pods (terminal ones skipped), plus the
  // `assumed` pods (key -> pod with spec.nodeName set) that the store does not show bound yet.
  // Equal to make_snapshot over a fresh listing; only nodes whose object or pods changed are rebuilt.
  const std::vector<NodeInfo>& update(const std::map<std::string, std::shared_ptr<const Pod>>& assumed);
  // Indexes the NodeInfos update() returned.
  const SnapshotIndex& index() const { return snapshot_index_; }

 private:
  struct Entry {
    uint64_t pods_stamp = 0;  // Store::pods_on_node_stamp when the pods were listed
    bool dirty = true;        // must re-list: new, or an assumed pod was added on top
    std::vector<ListedPrefix> prefixes;  // of the NodeInfo's pods, in step with them unless dirty
  };
  // Every node walked (the first time, after nodes came or went, or without a journal).
  void full_update(bool& images_dirty);
  // Only the nodes the store's journal names, plus those made dirty; false if the shape changed.
  bool update_from_journal(bool& images_dirty);
  void rebuild_structure(const std::vector<ObjectPtr>& listed);
  // Points node `i` at a newer object of it.
  void set_node(size_t i, std::shared_ptr<const Node> node, bool& images_dirty);
  void relist_pods(size_t i, uint64_t stamp);
  // Brings node `i`'s pods up to date from the pod writes the store reported on it since it was last
  // listed, when those are all additions (a binding): inserts the new pods where a listing puts them
  // and counts only them, without listing the node and reading its every pod. False, changing
  // nothing, when they are not known or not all additions; the caller then re-lists.
  bool add_written_pods(size_t i, uint64_t stamp);
  void record_pod_write(const ObjectPtr& old, const ObjectPtr& now);

  Store& store_;
  // The pod writes on each node (by name) since the last update, in write order, as the store's
  // observe_pod_writes reported them. Bounded: a node with too many, or all once there are too many
  // in total, are re-listed instead.
  struct PodWrite {
    std::shared_ptr<const Pod> pod;
    bool added;  // `pod` was put on the node; otherwise it was taken off (or rewritten)
  };
  struct NodeWrites {
    std::vector<PodWrite> writes;
    bool overflowed = false;
  };
  static constexpr size_t kMaxWritesPerNode = 8, kMaxWrites = 4096;
  WatchId pod_writes_ = 0;  // 0: the store cannot report them
  std::unordered_map<std::string, NodeWrites> written_;
  size_t written_total_ = 0;
  bool written_overflowed_ = false;
  std::vector<NodeInfo> nodes_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;  // node name -> position in nodes_
  SnapshotIndex snapshot_index_;
  uint64_t journal_seq_ = 0;  // Store::node_changes_seq() when the cache was last brought up to date
  std::vector<size_t> dirty_;  // positions given an assumed pod by the last update
  // NodeInfos changed during this update, whose index rows it refreshes at its end.
  std::vector<size_t> touched_;
  bool touch_all_ = false;
};

}  // namespace ktwin::core
