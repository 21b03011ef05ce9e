// flowcontrol.Backoff semantics: Next and IsInBackOffSince.
#include "core/kubelet/container_backoff.h"

#include <algorithm>

namespace ktwin::core {

bool ContainerBackOff::in_backoff_since(const std::string& key, Time event_time, Time now) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  if (expired(event_time, it->second)) return false;
  return now - event_time < it->second.backoff;
}

void ContainerBackOff::next(const std::string& key, Time now) {
  auto it = entries_.find(key);
  if (it == entries_.end() || expired(now, it->second)) {
    entries_[key] = Entry{initial_, now};
    return;
  }
  it->second.backoff = std::min(it->second.backoff * 2, max_);
  it->second.last_update = now;
}

Duration ContainerBackOff::get(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? Duration::zero() : it->second.backoff;
}

void ContainerBackOff::gc(Time now) {
  for (auto it = entries_.begin(); it != entries_.end();)
    it = expired(now, it->second) ? entries_.erase(it) : std::next(it);
}

}  // namespace ktwin::core
