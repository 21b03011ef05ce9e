// StoreEventRecorder: events as v1 Events in the store, repeats folded, old ones expired.
#include "core/apiserver/store_event_recorder.h"

#include <cstdio>

namespace ktwin::core {

EventSource control_plane_source(const ObjectRef& object, const std::string& reason) {
  if (reason == "Scheduled" || reason == "FailedScheduling") return {"default-scheduler", ""};
  if (object.kind == "Deployment") return {"deployment-controller", ""};
  if (object.kind == "ReplicaSet") return {"replicaset-controller", ""};
  if (object.kind == "PodDisruptionBudget") return {"controllermanager", ""};  // k/k disruption.go
  if (reason == "TaintManagerEviction") return {"taint-controller", ""};        // k/k taint_manager.go (1.20)
  if (reason == "CIDRNotAvailable") return {"cidrAllocator", ""};               // k/k range_allocator.go
  return {"node-controller", ""};  // node lifecycle: RegisteredNode, NodeNotReady, ...
}

StoreEventRecorder::StoreEventRecorder(Store& store, Executor& executor, StoreEventRecorderOptions options,
                                       EventRecorder* also)
    : store_(store), executor_(executor), options_(std::move(options)), also_(also) {
  arm_sweep();
}

StoreEventRecorder::~StoreEventRecorder() {
  if (options_.sweep_period > Duration::zero()) executor_.cancel(sweep_timer_);
}

void StoreEventRecorder::arm_sweep() {
  if (options_.sweep_period <= Duration::zero()) return;
  sweep_timer_ = executor_.post_after(options_.sweep_period, [this] {
    sweep();
    arm_sweep();
  });
}

void StoreEventRecorder::record(const ObjectRef& object, const std::string& type, const std::string& reason,
                                const std::string& message) {
  if (also_) also_->record(object, type, reason, message);
  Time now = executor_.now();
  // client-go getEventKey: source, involved object, type, reason and message make an event's identity.
  std::string key = object.kind + "\n" + object.namespace_ + "\n" + object.name + "\n" + type + "\n" + reason +
                    "\n" + message;
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    // client-go's EventLogger patches count and lastTimestamp without a read: a kubelet may not get Events.
    order_.splice(order_.end(), order_, it->second);
    auto again = std::make_shared<Event>(*it->second->event);
    again->count += 1;
    again->lastTimestamp = now;
    if (auto updated = store_.update(again); updated.is_ok()) {
      it->second->event = std::static_pointer_cast<const Event>(updated.value());
      return;
    }
    order_.erase(it->second);  // expired, deleted or changed by someone else: record it afresh
    by_key_.erase(it);
  }

  auto ev = std::make_shared<Event>();
  // client-go makeEvent: the object's namespace, "default" for cluster-scoped objects; the name is the
  // object's with the time in hexadecimal nanoseconds.
  ev->metadata.namespace_ = object.namespace_.empty() ? "default" : object.namespace_;
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, ".%llx",
                static_cast<unsigned long long>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count()));
  ev->metadata.name = object.name + suffix;
  ev->involvedObject.kind = object.kind;
  ev->involvedObject.namespace_ = object.namespace_;
  ev->involvedObject.name = object.name;
  // The uid is what `kubectl describe` selects a pod's Events by.
  if (auto kind = parse_kind(object.kind))
    if (ObjectPtr target = store_.find(*kind, is_namespaced(*kind) ? object.namespace_ : "", object.name)) {
      ev->involvedObject.uid = target->metadata.uid;
      ev->involvedObject.apiVersion = std::string(api_version(*kind));
      ev->involvedObject.resourceVersion = std::to_string(target->metadata.resourceVersion);
    }
  ev->type = type;
  ev->reason = reason;
  ev->message = message;
  ev->source = options_.source ? *options_.source : control_plane_source(object, reason);
  ev->firstTimestamp = ev->lastTimestamp = now;
  ev->count = 1;
  auto created = store_.create(ev);
  if (!created.is_ok()) {
    log("events", "event " + reason + " about " + object.kind + " " + object.name + " not stored: " +
                      created.status().message());
    return;
  }
  order_.push_back({key, std::static_pointer_cast<const Event>(created.value())});
  by_key_[key] = std::prev(order_.end());
  if (order_.size() > options_.remembered) {
    by_key_.erase(order_.front().key);
    order_.pop_front();
  }
}

void StoreEventRecorder::log(const std::string& component, const std::string& message) {
  if (also_) also_->log(component, message);
}

void StoreEventRecorder::sweep() {
  Time cutoff = executor_.now() - options_.ttl;
  for (const ObjectPtr& obj : store_.list(Kind::kEvent)) {
    auto ev = std::static_pointer_cast<const Event>(obj);
    if (ev->lastTimestamp < cutoff) store_.remove(Kind::kEvent, ev->metadata.namespace_, ev->metadata.name);
  }
}

}  // namespace ktwin::core
