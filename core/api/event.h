// core/v1 Event (k/k staging/src/k8s.io/api/core/v1/types.go): what `kubectl get events` and the
// Events section of `kubectl describe` show. Real mode stores them; the simulator traces them instead.
#pragma once

#include <string>

#include "core/api/meta.h"

namespace ktwin::core {

// v1 ObjectReference, as Events use it.
struct EventObjectReference {
  std::string kind, namespace_, name, uid, apiVersion, resourceVersion, fieldPath;
  bool operator==(const EventObjectReference&) const = default;
};

struct EventSource {
  std::string component, host;  // "kubelet", "worker1"; "default-scheduler", ""
  bool operator==(const EventSource&) const = default;
};

struct Event : KindOf<Event, Kind::kEvent> {
  EventObjectReference involvedObject;
  std::string reason, message, type;  // type: Normal or Warning
  EventSource source;
  Time firstTimestamp{}, lastTimestamp{};
  int32_t count = 0;  // how often it happened (the recorder folds repeats into one Event)
  std::string reportingComponent, reportingInstance;
};

}  // namespace ktwin::core
