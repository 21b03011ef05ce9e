// The scheduler's node cache: NodeInfos kept between cycles and refreshed only where the store changed
// (k/k pkg/scheduler/internal/cache/cache.go UpdateSnapshot, which copies only nodes whose generation moved).
#pragma once

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
  // `store` outlives this.
  explicit SnapshotCache(const Store& store) : store_(store) {}

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
  };
  // Every node walked (the first time, after nodes came or went, or without a journal).
  void full_update(bool& images_dirty);
  // Only the nodes the store's journal names, plus those made dirty; false if the shape changed.
  bool update_from_journal(bool& images_dirty);
  void rebuild_structure(const std::vector<ObjectPtr>& listed);
  // Points node `i` at a newer object of it.
  void set_node(size_t i, std::shared_ptr<const Node> node, bool& images_dirty);
  void relist_pods(size_t i, uint64_t stamp);

  const Store& store_;
  std::vector<NodeInfo> nodes_;
  std::vector<Entry> entries_;
  std::unordered_map<std::string, size_t> index_;  // node name -> position in nodes_
  SnapshotIndex snapshot_index_;
  uint64_t journal_seq_ = 0;  // Store::node_changes_seq() when the cache was last brought up to date
  std::vector<size_t> dirty_;  // positions given an assumed pod by the last update
};

}  // namespace ktwin::core
