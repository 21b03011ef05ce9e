// Real mode's EventRecorder: each event becomes a v1 Event in the store, so `kubectl get events` and
// `kubectl describe` show it. As client-go's recorder (tools/record/events_cache.go EventLogger), an
// event repeating one already recorded (same object, type, reason, message and source) updates that
// Event's count and lastTimestamp instead of adding one; as kube-apiserver's --event-ttl (1 h), Events
// not seen again for the TTL are deleted. The simulator keeps its trace recorder and stores no Events.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/api/event.h"
#include "core/env/event_recorder.h"
#include "core/env/executor.h"
#include "core/store/store.h"

namespace ktwin::core {

// The component of kube-controller-manager or kube-scheduler that reports `reason` about `object`, as
// each one names its recorder (core's components share one recorder, so the reason tells them apart).
EventSource control_plane_source(const ObjectRef& object, const std::string& reason);

struct StoreEventRecorderOptions {
  // {"kubelet", "worker1"} for an agent's events; unset: control_plane_source.
  std::optional<EventSource> source;
  Duration ttl = std::chrono::hours(1);  // kube-apiserver --event-ttl
  Duration sweep_period = std::chrono::minutes(1);  // zero: no sweeps (an agent; its server sweeps)
  size_t remembered = 4096;  // client-go maxLruCacheEntries: repeats of older events start a new Event
};

class StoreEventRecorder : public EventRecorder {
 public:
  // `store` and `executor` outlive this; `also` (may be null) gets every event and log line as well.
  // Every call comes on the executor's thread.
  StoreEventRecorder(Store& store, Executor& executor, StoreEventRecorderOptions options, EventRecorder* also);
  ~StoreEventRecorder() override;

  void record(const ObjectRef& object, const std::string& type, const std::string& reason,
              const std::string& message) override;
  void log(const std::string& component, const std::string& message) override;

  // Deletes the Events whose lastTimestamp is older than the TTL (run every sweep_period).
  void sweep();

 private:
  void arm_sweep();

  Store& store_;
  Executor& executor_;
  StoreEventRecorderOptions options_;
  EventRecorder* also_;
  struct Remembered {
    std::string key;  // the event's identity: object, type, reason, message
    std::shared_ptr<const Event> event;  // as last written: a repeat updates it without reading it back
  };
  std::list<Remembered> order_;  // least recently recorded first
  std::map<std::string, std::list<Remembered>::iterator> by_key_;
  TimerId sweep_timer_{};
};

}  // namespace ktwin::core
