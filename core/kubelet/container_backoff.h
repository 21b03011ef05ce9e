// Per-container restart back-off, as client-go's flowcontrol.Backoff used by the kubelet (1.20).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/util/time.h"

namespace ktwin::core {

// k/k staging/src/k8s.io/client-go/util/flowcontrol/backoff.go. An entry counts as expired once more
// than 2 x max passed since its last update; an expired entry restarts at `initial`.
class ContainerBackOff {
 public:
  ContainerBackOff(Duration initial, Duration max) : initial_(initial), max_(max) {}

  // IsInBackOffSince: true while now - event_time < the entry's current back-off.
  bool in_backoff_since(const std::string& key, Time event_time, Time now) const;
  // Next: starts (or restarts, when expired) at `initial`, else doubles up to `max`; stamps `now`.
  void next(const std::string& key, Time now);
  // The entry's current back-off, zero without an entry.
  Duration get(const std::string& key) const;
  // GC: drops entries idle for more than 2 x max.
  void gc(Time now);
  void clear() { entries_.clear(); }

 private:
  struct Entry {
    Duration backoff{};
    Time last_update{};
  };
  bool expired(Time event_time, const Entry& e) const { return event_time - e.last_update > 2 * max_; }

  Duration initial_, max_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ktwin::core
