// A bounded history of recent store events per kind, so a watch can start at a list's resourceVersion
// with no gap and no duplicate (k8s.io/apiserver/pkg/storage/cacher/watch_cache.go, much smaller).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/store/store.h"

namespace ktwin::realnet {

struct CachedEvent {
  core::WatchEventType type;
  core::ObjectPtr object;  // the new state; for kDeleted the last state, with the delete's resourceVersion
  core::ObjectPtr old;     // the previous state (kModified, kDeleted), else null
  uint64_t resource_version() const { return object->metadata.resourceVersion; }
};

class WatchCache {
 public:
  using Listener = std::function<void(const CachedEvent&)>;

  // Watches every kind of `store` (which outlives this) from now on, keeping `capacity` events per kind.
  WatchCache(core::Store& store, size_t capacity);
  ~WatchCache();
  WatchCache(const WatchCache&) = delete;
  WatchCache& operator=(const WatchCache&) = delete;

  // The events of `kind` after `resource_version`, oldest first; nullopt when events after it have already
  // been dropped (a watch from there is "too old": 410 Expired).
  std::optional<std::vector<CachedEvent>> events_since(core::Kind kind, uint64_t resource_version) const;
  // The oldest resourceVersion a watch of `kind` may start from.
  uint64_t oldest_resource_version(core::Kind kind) const;
  // The highest resourceVersion any delivered event carried (or the store's at construction).
  uint64_t latest_resource_version() const { return latest_; }

  // Calls `listener` with every later event of `kind`, on the executor, in write order. The listener may
  // unsubscribe itself or others.
  uint64_t subscribe(core::Kind kind, Listener listener);
  void unsubscribe(uint64_t id);

 private:
  void record(const core::WatchEvent& event);

  struct History {
    std::deque<CachedEvent> events;
    uint64_t horizon = 0;  // every event after this is in `events` (or not yet delivered)
  };
  struct Subscriber {
    core::Kind kind;
    Listener listener;
  };
  core::Store& store_;
  size_t capacity_;
  History histories_[std::size(core::kAllKinds)];
  std::vector<core::WatchId> store_watches_;
  std::map<uint64_t, Subscriber> subscribers_;
  uint64_t next_id_ = 1;
  uint64_t latest_ = 0;
};

}  // namespace ktwin::realnet
