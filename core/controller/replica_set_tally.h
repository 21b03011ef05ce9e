// Incremental ReplicaSet status counts: per ReplicaSet, the active matching pods it owns and how many
// are fully labeled and ready, updated from the store's synchronous pod-write feed so a sync costs
// the pods that changed since the last one, not every pod the ReplicaSet owns.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "core/api/workload.h"
#include "core/store/store.h"

namespace ktwin::core {

class ReplicaSetTally {
 public:
  struct Counts {
    int32_t replicas = 0, fullyLabeled = 0, ready = 0;
  };
  // `store` outlives this.
  explicit ReplicaSetTally(Store& store);
  ~ReplicaSetTally();
  ReplicaSetTally(const ReplicaSetTally&) = delete;
  ReplicaSetTally& operator=(const ReplicaSetTally&) = delete;

  // Counts over the pods in rs's namespace controlled by rs (uid) whose labels its selector matches
  // and that are active; nullopt when the store offers no write feed (count by listing then).
  std::optional<Counts> counts(const ReplicaSet& rs);
  void forget(const std::string& uid) { by_uid_.erase(uid); }

 private:
  struct PodFacts {
    bool fully_labeled = false, ready = false;
  };
  struct Entry {
    std::string ns;
    LabelSelector selector;
    Labels template_labels;
    std::unordered_map<std::string, PodFacts> pods;  // counted pods by name
    Counts counts;
    std::set<std::pair<std::string, std::string>> dirty;  // (namespace, name) written since
  };
  void on_write(const ObjectPtr& old, const ObjectPtr& now);
  void mark(const ObjectPtr& pod);
  void recount(Entry& e, const ReplicaSet& rs);
  void refresh(Entry& e, const std::string& uid, const std::string& name);
  void add(Entry& e, const std::string& name, const Pod& pod);

  Store& store_;
  WatchId observer_ = 0;
  std::unordered_map<std::string, Entry> by_uid_;
};

}  // namespace ktwin::core
