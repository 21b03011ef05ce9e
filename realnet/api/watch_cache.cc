// The watch cache: store events recorded as they are delivered, replayed to watches that start behind.
#include "realnet/api/watch_cache.h"

#include <algorithm>

namespace ktwin::realnet {

WatchCache::WatchCache(core::Store& store, size_t capacity) : store_(store), capacity_(std::max<size_t>(capacity, 1)) {
  uint64_t now = store.resource_version();
  if (now == 0)  // a store that does not track it: the newest object's version is the best lower bound
    for (core::Kind kind : core::kAllKinds)
      for (const core::ObjectPtr& obj : store.list(kind)) now = std::max(now, obj->metadata.resourceVersion);
  latest_ = now;
  for (core::Kind kind : core::kAllKinds) {
    histories_[static_cast<size_t>(kind)].horizon = now;
    store_watches_.push_back(store.watch(kind, [this](const core::WatchEvent& e) { record(e); }));
  }
}

WatchCache::~WatchCache() {
  for (core::WatchId id : store_watches_) store_.unwatch(id);
}

void WatchCache::record(const core::WatchEvent& event) {
  CachedEvent cached{event.type, event.object, event.old};
  uint64_t rv = cached.resource_version();
  latest_ = std::max(latest_, rv);
  History& h = histories_[static_cast<size_t>(event.object->kind())];
  if (rv > h.horizon) {  // events written before this cache existed are already in every list
    h.events.push_back(cached);
    while (h.events.size() > capacity_) {
      h.horizon = h.events.front().resource_version();
      h.events.pop_front();
    }
  }
  // Listeners may unsubscribe (themselves or others) while being called: walk a snapshot of ids.
  std::vector<uint64_t> ids;
  for (const auto& [id, sub] : subscribers_)
    if (sub.kind == event.object->kind()) ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = subscribers_.find(id);
    if (it != subscribers_.end()) {
      Listener listener = it->second.listener;  // a copy: the entry may go while it runs
      listener(cached);
    }
  }
}

std::optional<std::vector<CachedEvent>> WatchCache::events_since(core::Kind kind, uint64_t resource_version) const {
  const History& h = histories_[static_cast<size_t>(kind)];
  if (resource_version < h.horizon) return std::nullopt;
  std::vector<CachedEvent> out;
  for (const CachedEvent& e : h.events)
    if (e.resource_version() > resource_version) out.push_back(e);
  return out;
}

uint64_t WatchCache::oldest_resource_version(core::Kind kind) const {
  return histories_[static_cast<size_t>(kind)].horizon;
}

uint64_t WatchCache::subscribe(core::Kind kind, Listener listener) {
  uint64_t id = next_id_++;
  subscribers_.emplace(id, Subscriber{kind, std::move(listener)});
  return id;
}

void WatchCache::unsubscribe(uint64_t id) { subscribers_.erase(id); }

}  // namespace ktwin::realnet
