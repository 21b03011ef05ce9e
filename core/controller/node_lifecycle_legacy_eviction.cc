// NodeLifecycleController's legacy eviction path (--enable-taint-manager=false, removed in 1.27):
// pods are deleted by the per-zone pod evictor once pod-eviction-timeout has passed.
#include "core/controller/node_lifecycle_controller.h"

namespace ktwin::core {

void NodeLifecycleController::process_no_taint_base_eviction(const Node& node, const NodeCondition& observed,
                                                             const std::vector<std::shared_ptr<const Pod>>& pods) {
  auto it = records_.find(node.metadata.name);
  if (it == records_.end() || !it->second.health) return;
  const NodeHealth& health = *it->second.health;
  Time now = env_.executor.now();
  // False counts from the Ready transition; Unknown from the last heartbeat seen, not from NotReady.
  if (observed.status == "False") {
    if (now > health.readyTransitionTimestamp + config_.podEvictionTimeout) evict_pods(node, pods);
  } else if (observed.status == "Unknown") {
    if (now > health.probeTimestamp + config_.podEvictionTimeout) evict_pods(node, pods);
  } else if (observed.status == "True") {
    cancel_pod_eviction(node);
  }
}

bool NodeLifecycleController::cancel_pod_eviction(const Node& node) {
  if (auto s = eviction_status_.find(node.metadata.name); s != eviction_status_.end())
    s->second = EvictionStatus::kUnmarked;
  auto it = zone_queues_.find(zone_key(node));
  return it != zone_queues_.end() && it->second->remove(node.metadata.name);
}

bool NodeLifecycleController::evict_pods(const Node& node, const std::vector<std::shared_ptr<const Pod>>& pods) {
  auto status = eviction_status_.find(node.metadata.name);
  if (status != eviction_status_.end() && status->second == EvictionStatus::kEvicted) {
    delete_pods(pods, node.metadata.name);  // the node was evicted already: newcomers go at once
    return false;
  }
  if (status != eviction_status_.end()) status->second = EvictionStatus::kToBeEvicted;
  auto& queue = zone_queues_[zone_key(node)];
  if (!queue) queue = std::make_unique<RateLimitedTimedQueue>(env_.executor, config_.nodeEvictionRate);
  return queue->add(node.metadata.name, node.metadata.uid);
}

void NodeLifecycleController::do_eviction_pass() {
  for (auto& [zone, queue] : zone_queues_) {
    queue->try_process([this](const TimedValue& value) -> std::pair<bool, Duration> {
      if (!delete_pods(pods_on(value.value), value.value).is_ok()) return {false, Duration(0)};
      if (auto s = eviction_status_.find(value.value); s != eviction_status_.end())
        s->second = EvictionStatus::kEvicted;
      return {true, Duration(0)};
    });
  }
}

Status NodeLifecycleController::delete_pods(const std::vector<std::shared_ptr<const Pod>>& pods,
                                            const std::string& node_name) {
  // k/k pkg/controller/util/node DeletePods (1.20): status.reason NodeLost first, then a default DELETE.
  if (!pods.empty())
    record_node_event(node_name, "DeletingAllPods",
                      "Node " + node_name + " event: Deleting all Pods from Node " + node_name + ".");
  Status conflicts;
  for (const auto& original : pods) {
    if (original->spec.nodeName != node_name) continue;
    std::shared_ptr<const Pod> pod = original;
    if (pod->status.reason != "NodeLost") {
      auto copy = mutable_copy(*pod);
      copy->status.reason = "NodeLost";
      copy->status.message = "Node " + node_name + " which was running pod " + pod->metadata.name + " is unresponsive";
      Result<ObjectPtr> written = env_.store.update(copy);
      if (written.is_ok()) {
        pod = as<Pod>(written.value());
      } else if (written.status().is_conflict()) {
        conflicts = written.status();
        continue;
      }
    }
    if (pod->metadata.deletionGracePeriodSeconds) continue;  // already terminating
    const OwnerReference* owner = pod->metadata.controller_ref();
    if (owner != nullptr && owner->kind == "DaemonSet") continue;  // DaemonSet pods stay
    env_.events.record(ObjectRef{"Pod", pod->metadata.namespace_, pod->metadata.name}, "Normal",
                       "NodeControllerEviction",
                       "Marking for deletion Pod " + pod->metadata.name + " from Node " + node_name);
    Status s = env_.store.remove(Kind::kPod, pod->metadata.namespace_, pod->metadata.name);
    if (!s.is_ok() && !s.is_not_found()) return s;
  }
  return conflicts;
}

}  // namespace ktwin::core
