// NodeLifecycleController: the monitor pass, zone disruption handling and taint-based eviction.
#include "core/controller/node_lifecycle_controller.h"

#include <algorithm>

namespace ktwin::core {
namespace {

constexpr const char* kNodeLeaseNamespace = "kube-node-lease";
constexpr const char* kUnreachable = "node.kubernetes.io/unreachable";
constexpr const char* kNotReady = "node.kubernetes.io/not-ready";
constexpr const char* kUnschedulable = "node.kubernetes.io/unschedulable";
constexpr int kUpdateRetries = 5;  // scheduler.NodeHealthUpdateRetry

bool conditions_equal(const NodeCondition& a, const NodeCondition& b) {
  return a.type == b.type && a.status == b.status && a.reason == b.reason && a.message == b.message &&
         a.lastHeartbeatTime == b.lastHeartbeatTime && a.lastTransitionTime == b.lastTransitionTime;
}

// nodeConditionToTaintKeyStatusMap: which condition status gives which NoSchedule taint.
const char* condition_taint_key(const NodeCondition& c) {
  if (c.type == "Ready") return c.status == "False" ? kNotReady : c.status == "Unknown" ? kUnreachable : nullptr;
  if (c.status != "True") return nullptr;
  if (c.type == "MemoryPressure") return "node.kubernetes.io/memory-pressure";
  if (c.type == "DiskPressure") return "node.kubernetes.io/disk-pressure";
  if (c.type == "NetworkUnavailable") return "node.kubernetes.io/network-unavailable";
  if (c.type == "PIDPressure") return "node.kubernetes.io/pid-pressure";
  return nullptr;
}

bool is_condition_taint_key(const std::string& key) {
  return key == kNotReady || key == kUnreachable || key == kUnschedulable ||
         key == "node.kubernetes.io/memory-pressure" || key == "node.kubernetes.io/disk-pressure" ||
         key == "node.kubernetes.io/network-unavailable" || key == "node.kubernetes.io/pid-pressure";
}

Taint taint(const char* key, const char* effect) { return Taint{key, "", effect, std::nullopt}; }

}  // namespace

NodeLifecycleController::NodeLifecycleController(const Env& env, const ControlPlaneConfig& config)
    : env_(env),
      config_(config),
      node_update_queue_(env.executor, [this](const std::string& key) { return do_no_schedule_tainting_pass(key); }) {
  if (taint_mode()) taint_manager_ = std::make_unique<TaintManager>(env);
}

NodeLifecycleController::~NodeLifecycleController() {
  *alive_ = false;
  for (WatchId id : watches_) env_.store.unwatch(id);
  if (monitor_timer_) env_.executor.cancel(*monitor_timer_);
  if (ticker_timer_) env_.executor.cancel(*ticker_timer_);
}

void NodeLifecycleController::start() {
  start_time_ = env_.executor.now();
  watches_.push_back(env_.store.watch(Kind::kNode, [this](const WatchEvent& e) {
    const std::string& name = e.object->metadata.name;
    if (e.type == WatchEventType::kDeleted) {
      nodes_to_retry_.erase(name);
      eviction_status_.erase(name);
      return;
    }
    if (e.type == WatchEventType::kAdded) eviction_status_[name] = EvictionStatus::kUnmarked;
    node_update_queue_.add(name);
  }));
  watches_.push_back(env_.store.watch(Kind::kPod, [this](const WatchEvent& e) { on_pod_event(e); }));
  watches_.push_back(env_.store.watch(Kind::kLease, [this](const WatchEvent& e) { on_lease_event(e); }));
  for (const auto& lease : list<Lease>(env_.store, kNodeLeaseNamespace))
    on_lease_event(WatchEvent{WatchEventType::kAdded, lease, nullptr});
  for (const auto& node : list<Node>(env_.store)) {
    eviction_status_[node->metadata.name] = EvictionStatus::kUnmarked;
    node_update_queue_.add(node->metadata.name);
  }
  if (taint_manager_) taint_manager_->start();
  schedule_monitor(Duration(0));
}

std::optional<ZoneState> NodeLifecycleController::zone_state(const std::string& zone) const {
  auto it = zone_states_.find(zone);
  if (it == zone_states_.end()) return std::nullopt;
  return it->second;
}

void NodeLifecycleController::schedule_monitor(Duration delay) {
  std::weak_ptr<bool> alive = alive_;
  monitor_timer_ = env_.executor.post_after(delay, [this, alive] {
    if (alive.expired()) return;
    monitor_timer_.reset();
    monitor_node_health();
    schedule_monitor(config_.nodeMonitorPeriod + kMonitorPassDuration);
  });
}

void NodeLifecycleController::log(const std::string& message) { env_.events.log("node-controller", message); }

void NodeLifecycleController::record_node_event(const std::string& node, const std::string& reason,
                                                const std::string& message) {
  env_.events.record(ObjectRef{"Node", "", node}, "Normal", reason, message);
}

std::vector<std::shared_ptr<const Pod>> NodeLifecycleController::pods_on(const std::string& node_name) const {
  std::vector<std::shared_ptr<const Pod>> out;
  for (const ObjectPtr& obj : env_.store.list_pods_on_node(node_name)) out.push_back(as<Pod>(obj));
  return out;
}

NodeLifecycleController::NodeRecord& NodeLifecycleController::record_of(const std::shared_ptr<const Node>& node) {
  NodeRecord& record = records_[node->metadata.name];
  read_node(record, node);
  return record;
}

void NodeLifecycleController::read_node(NodeRecord& record, const std::shared_ptr<const Node>& node) {
  if (record.read_from == node) return;
  record.zone = zone_key(*node);
  record.excluded = excluded_from_disruption(*node);
  record.ready = node->find_condition("Ready");
  record.unreachable_taint = node->has_taint(kUnreachable, "NoExecute");
  record.not_ready_taint = node->has_taint(kNotReady, "NoExecute");
  record.read_from = node;
}

NodeLifecycleController::NodeRecord& NodeLifecycleController::record_at(size_t position,
                                                                        const std::shared_ptr<const Node>& node) {
  // The same object means the same name: no need to read the Node nor hash its name.
  if (position < by_position_.size() && by_position_[position]->read_from == node) return *by_position_[position];
  return record_of(node);
}

void NodeLifecycleController::monitor_node_health() {
  auto nodes = list<Node>(env_.store);
  ++pass_;
  // classifyNodes: new nodes, vanished nodes and known nodes of a zone not seen yet.
  std::vector<NodeRecord*> records;  // by position in `nodes`
  records.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& node = nodes[i];
    NodeRecord& record = record_at(i, node);
    records.push_back(&record);
    record.seen_in_pass = pass_;
    const std::string& name = node->metadata.name;
    if (!record.known) {
      record_node_event(name, "RegisteredNode", "Node " + name + " event: Registered Node " + name + " in Controller");
      record.known = true;
      add_evictor_for_new_zone(record.zone);
      if (taint_mode())
        mark_node_as_reachable(*node, record.zone);
      else
        cancel_pod_eviction(*node);
    } else if (!zone_states_.count(record.zone)) {
      add_evictor_for_new_zone(record.zone);
    }
  }
  by_position_ = records;
  std::vector<std::string> vanished;
  for (auto& [name, record] : records_)
    if (record.known && record.seen_in_pass != pass_) vanished.push_back(name);
  std::sort(vanished.begin(), vanished.end());  // reported in name order
  for (const std::string& name : vanished) {
    record_node_event(name, "RemovingNode", "Node " + name + " event: Removing Node " + name + " from Controller");
    records_[name].known = false;
  }

  std::map<std::string, std::vector<const NodeCondition*>> zone_conditions;
  std::vector<std::shared_ptr<const Node>> updated;  // keeps the conditions zone_conditions points into
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::shared_ptr<const Node>& original = nodes[i];
    NodeRecord& record = *records[i];
    std::shared_ptr<const Node> node = original;
    Result<HealthResult> result = try_update_node_health(node, record);
    for (int attempt = 1; !result.is_ok() && attempt < kUpdateRetries; ++attempt) {
      auto fresh = find<Node>(env_.store, "", original->metadata.name);
      if (!fresh) break;
      node = fresh;
      result = try_update_node_health(node, record);
    }
    if (!result.is_ok()) continue;  // "Skipping - no pods will be evicted."
    updated.push_back(node);
    if (node != original) read_node(record, node);  // a copy this pass wrote, or a fresh read after a conflict
    const HealthResult& health = result.value();
    const std::string& name = node->metadata.name;
    if (!record.excluded) zone_conditions[record.zone].push_back(health.current);
    if (health.current) {
      // Listed only when used: taint mode writes nodes only, so the list is the same before and after.
      std::optional<std::vector<std::shared_ptr<const Pod>>> pods;
      if (taint_mode()) {
        process_taint_base_eviction(*node, record, health.observed());
      } else {
        pods = pods_on(name);
        process_no_taint_base_eviction(*node, health.observed(), *pods);
      }
      bool needs_retry = nodes_to_retry_.count(name) > 0;
      bool became_not_ready = health.current->status != "True" && health.observed().status == "True";
      if (became_not_ready)  // reported once, on the transition
        record_node_event(name, "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
      if (became_not_ready || (needs_retry && health.observed().status != "True")) {
        if (!pods) pods = pods_on(name);
        if (!mark_pods_not_ready(*pods, name).is_ok()) {
          nodes_to_retry_.insert(name);
          continue;
        }
      }
    }
    nodes_to_retry_.erase(name);
  }
  handle_disruption(zone_conditions, updated);
  ensure_eviction_ticker();
}

NodeLifecycleController::NodeHealth NodeLifecycleController::fresh_health(Time probe, Time transition,
                                                                          std::optional<NodeCondition> ready) {
  NodeHealth h;
  h.probeTimestamp = probe;
  h.readyTransitionTimestamp = transition;
  h.ready = std::move(ready);
  return h;
}

Result<NodeLifecycleController::HealthResult> NodeLifecycleController::try_update_node_health(
    std::shared_ptr<const Node>& node, NodeRecord& record) {
  Time now = env_.executor.now();
  HealthResult out;
  out.observed_in = node;  // keeps `current` below alive when `node` is pointed at a copy
  const NodeCondition* current = record.read_from == node ? record.ready : node->find_condition("Ready");
  std::optional<NodeHealth>& health = record.health;  // updated in place: most passes change a timestamp
  if (current == nullptr) {
    // Never posted: a fake Unknown condition dated at creation, and the startup grace period.
    out.never_posted = NodeCondition{"Ready", "Unknown", "", "", node->metadata.creationTimestamp,
                                     node->metadata.creationTimestamp};
    out.grace = config_.nodeStartupGracePeriod;
    if (health)
      health->ready.reset();
    else
      health = fresh_health(node->metadata.creationTimestamp, node->metadata.creationTimestamp, std::nullopt);
  } else {
    out.observed_ready = current;
    out.grace = config_.nodeMonitorGracePeriod;
  }

  const bool saved = health && health->ready;
  const bool saved_has_lease = health && health->has_lease;
  const Time saved_renew = health ? health->leaseRenewTime.value_or(Time{}) : Time{};
  // The cases of tryUpdateNodeHealth; a fresh record drops the remembered lease, as k/k's does.
  if (!health) {
    health = fresh_health(now, now, *current);
  } else if (!saved && current) {
    health = fresh_health(now, now, *current);
  } else if (saved && !current) {
    health = fresh_health(now, now, std::nullopt);
  } else if (saved && current && health->ready->lastHeartbeatTime != current->lastHeartbeatTime) {
    Time transition =
        health->ready->lastTransitionTime != current->lastTransitionTime ? now : health->readyTransitionTimestamp;
    health = fresh_health(now, transition, *current);
  }
  // A newer lease renewal refreshes the probe time with the controller's clock.
  const bool lease = record.lease_exists;
  if (lease && (!saved_has_lease || saved_renew < record.lease_renew.value_or(Time{}))) {
    health->has_lease = true;
    health->leaseRenewTime = record.lease_renew;
    health->probeTimestamp = now;
  }

  // Only Ready decides the write below: one already Unknown writes nothing, so a node that stays down
  // is not copied on every pass.
  const bool write_possible = current == nullptr || current->status != "Unknown";
  if (now > health->probeTimestamp + out.grace && write_possible) {
    std::shared_ptr<Node> copy = mutable_copy(*node);  // copied only when conditions may change
    node = copy;
    for (const char* type : {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"}) {
      NodeCondition* c = copy->find_condition(type);
      if (c == nullptr) {
        copy->status.conditions.push_back(NodeCondition{type, "Unknown", "NodeStatusNeverUpdated",
                                                        "Kubelet never posted node status.",
                                                        node->metadata.creationTimestamp, now});
      } else if (c->status != "Unknown") {
        c->status = "Unknown";
        c->reason = "NodeStatusUnknown";
        c->message = "Kubelet stopped posting node status.";
        c->lastTransitionTime = now;
      }
    }
    const NodeCondition* ready = copy->find_condition("Ready");
    if (!conditions_equal(*ready, out.observed())) {
      Result<ObjectPtr> written = env_.store.update(copy);
      if (!written.is_ok()) return written.status();
      copy->metadata.resourceVersion = written.value()->metadata.resourceVersion;
      health->ready = *ready;
      health->readyTransitionTimestamp = now;
      if (lease) {
        health->has_lease = true;
        health->leaseRenewTime = record.lease_renew;
      }
    }
  }
  out.current = node == out.observed_in ? current : node->find_condition("Ready");
  return out;
}

void NodeLifecycleController::add_evictor_for_new_zone(const std::string& zone) {
  if (zone_states_.count(zone)) return;
  zone_states_[zone] = ZoneState::kInitial;
  zone_queues_[zone] = std::make_unique<RateLimitedTimedQueue>(env_.executor, config_.nodeEvictionRate);
}

void NodeLifecycleController::set_limiter_in_zone(const std::string& zone, size_t zone_size, ZoneState state) {
  auto& queue = zone_queues_[zone];
  if (!queue) queue = std::make_unique<RateLimitedTimedQueue>(env_.executor, config_.nodeEvictionRate);
  switch (state) {
    case ZoneState::kNormal:
    case ZoneState::kFullDisruption:  // HealthyQPSFunc
      queue->swap_limiter(config_.nodeEvictionRate);
      break;
    case ZoneState::kPartialDisruption:  // ReducedQPSFunc: slower in large zones, stopped in small ones
      queue->swap_limiter(static_cast<int32_t>(zone_size) > config_.largeClusterSizeThreshold
                              ? config_.secondaryNodeEvictionRate
                              : 0.0);
      break;
    case ZoneState::kInitial: break;
  }
}

void NodeLifecycleController::handle_disruption(
    const std::map<std::string, std::vector<const NodeCondition*>>& zones,
    const std::vector<std::shared_ptr<const Node>>& nodes) {
  std::map<std::string, ZoneState> new_states;
  bool all_are_fully_disrupted = true;
  for (const auto& [zone, conditions] : zones) {
    ZoneState state = compute_zone_state(conditions, config_.unhealthyZoneThreshold).state;
    if (state != ZoneState::kFullDisruption) all_are_fully_disrupted = false;
    new_states[zone] = state;
    if (!zone_states_.count(zone)) zone_states_[zone] = ZoneState::kInitial;
  }
  bool all_were_fully_disrupted = true;
  for (auto it = zone_states_.begin(); it != zone_states_.end();) {
    if (!zones.count(it->first)) {
      it = zone_states_.erase(it);
      continue;
    }
    if (it->second != ZoneState::kFullDisruption) {
      all_were_fully_disrupted = false;
      break;
    }
    ++it;
  }
  if (all_are_fully_disrupted && all_were_fully_disrupted) return;

  if (all_are_fully_disrupted) {
    // Master disruption mode: most likely the controller lost the nodes, not the nodes died. Stop evicting.
    log("Controller detected that all Nodes are not-Ready. Entering master disruption mode.");
    for (const auto& node : nodes) {
      if (taint_mode())
        mark_node_as_reachable(*node, zone_key(*node));
      else
        cancel_pod_eviction(*node);
    }
    for (auto& [zone, state] : zone_states_) {
      if (auto it = zone_queues_.find(zone); it != zone_queues_.end()) it->second->swap_limiter(0);
      state = ZoneState::kFullDisruption;
    }
    return;
  }
  if (all_were_fully_disrupted) {
    // Leaving master disruption: every node gets a fresh grace period.
    log("Controller detected that some Nodes are Ready. Exiting master disruption mode.");
    Time now = env_.executor.now();
    for (const auto& node : nodes) {
      std::optional<NodeHealth>& h = records_[node->metadata.name].health;
      if (!h) h = NodeHealth{};
      h->probeTimestamp = now;
      h->readyTransitionTimestamp = now;
    }
    for (auto& [zone, state] : zone_states_) {
      set_limiter_in_zone(zone, zones.at(zone).size(), new_states[zone]);
      state = new_states[zone];
    }
    return;
  }
  for (auto& [zone, state] : zone_states_) {
    ZoneState next = new_states[zone];
    if (state == next) continue;
    // k/k logs Initial -> Normal too, once per zone at start-up; left out as noise on the timeline.
    if (state != ZoneState::kInitial || next != ZoneState::kNormal)
      log("Controller detected that zone " + zone_display_name(zone) + " is now in state " +
          std::string(zone_state_name(next)) + ".");
    set_limiter_in_zone(zone, zones.at(zone).size(), next);
    state = next;
  }
}

// ---- Taint-based eviction ----

void NodeLifecycleController::process_taint_base_eviction(const Node& node, const NodeRecord& record,
                                                          const NodeCondition& observed) {
  const std::string& zone = record.zone;
  if (observed.status == "False") {
    // An existing opposite taint is swapped at once, without waiting for the rate limiter.
    if (record.unreachable_taint)
      swap_node_taints(node.metadata.name, {taint(kNotReady, "NoExecute")}, {taint(kUnreachable, "NoExecute")});
    else
      mark_node_for_tainting(node, zone, "False");
  } else if (observed.status == "Unknown") {
    if (record.not_ready_taint)
      swap_node_taints(node.metadata.name, {taint(kUnreachable, "NoExecute")}, {taint(kNotReady, "NoExecute")});
    else
      mark_node_for_tainting(node, zone, "Unknown");
  } else if (observed.status == "True") {
    mark_node_as_reachable(node, zone, record.unreachable_taint, record.not_ready_taint);
  }
}

bool NodeLifecycleController::mark_node_for_tainting(const Node& node, const std::string& zone,
                                                     const std::string& status) {
  auto& queue = zone_queues_[zone];
  if (!queue) queue = std::make_unique<RateLimitedTimedQueue>(env_.executor, config_.nodeEvictionRate);
  // A node not (or no longer) tainted is queued again. Remove, not SetRemove: k/k PR #96876 (Dec 2020)
  // fixed SetRemove's stale heap entries, which kept later nodes from ever being tainted (issues
  // #94183, #96183); whether k3s v1.20.4 has the cherry-pick is UNCONFIRMED.
  if ((status == "False" && !node.has_taint(kNotReady, "NoExecute")) ||
      (status == "Unknown" && !node.has_taint(kUnreachable, "NoExecute")))
    queue->remove(node.metadata.name);
  return queue->add(node.metadata.name, node.metadata.uid);
}

bool NodeLifecycleController::mark_node_as_reachable(const Node& node, const std::string& zone) {
  return mark_node_as_reachable(node, zone, node.has_taint(kUnreachable, "NoExecute"),
                                node.has_taint(kNotReady, "NoExecute"));
}

bool NodeLifecycleController::mark_node_as_reachable(const Node& node, const std::string& zone,
                                                     bool unreachable_taint, bool not_ready_taint) {
  if (unreachable_taint || not_ready_taint)
    swap_node_taints(node.metadata.name, {}, {taint(kUnreachable, "NoExecute"), taint(kNotReady, "NoExecute")});
  auto it = zone_queues_.find(zone);
  return it != zone_queues_.end() && it->second->remove(node.metadata.name);
}

bool NodeLifecycleController::swap_node_taints(const std::string& node_name, const std::vector<Taint>& add,
                                               const std::vector<Taint>& remove) {
  Time now = env_.executor.now();
  for (int attempt = 0; attempt < kUpdateRetries; ++attempt) {
    auto node = find<Node>(env_.store, "", node_name);
    if (!node) return false;
    auto copy = mutable_copy(*node);
    std::vector<Taint> taints;
    bool changed = false;
    for (const Taint& t : copy->spec.taints) {
      bool drop = std::any_of(remove.begin(), remove.end(),
                              [&](const Taint& r) { return r.key == t.key && r.effect == t.effect; });
      bool replaced = std::any_of(add.begin(), add.end(),
                                  [&](const Taint& a) { return a.key == t.key && a.effect == t.effect; });
      // Dropped, or re-added below with a fresh timeAdded (AddOrUpdateTaint).
      if (drop) changed = true;
      if (drop || replaced) continue;
      taints.push_back(t);
    }
    for (Taint t : add) {
      t.timeAdded = now;
      taints.push_back(t);
      changed = true;
    }
    if (!changed) return true;
    copy->spec.taints = std::move(taints);
    Result<ObjectPtr> written = env_.store.update(copy);
    if (written.is_ok()) return true;
    if (!written.status().is_conflict()) return false;
  }
  return false;
}

void NodeLifecycleController::do_no_execute_tainting_pass() {
  for (auto& [zone, queue] : zone_queues_) {
    queue->try_process([this](const TimedValue& value) -> std::pair<bool, Duration> {
      auto node = find<Node>(env_.store, "", value.value);
      if (!node) return {true, Duration(0)};
      const NodeCondition* ready = node->find_condition("Ready");
      // "unreachable" and "not-ready" mirror Ready, so they exclude each other.
      if (ready && ready->status == "False")
        return {swap_node_taints(value.value, {taint(kNotReady, "NoExecute")}, {taint(kUnreachable, "NoExecute")}),
                Duration(0)};
      if (ready && ready->status == "Unknown")
        return {swap_node_taints(value.value, {taint(kUnreachable, "NoExecute")}, {taint(kNotReady, "NoExecute")}),
                Duration(0)};
      return {true, Duration(0)};  // Ready again: nothing to taint
    });
  }
}

Status NodeLifecycleController::do_no_schedule_tainting_pass(const std::string& node_name) {
  auto node = find<Node>(env_.store, "", node_name);
  if (!node) return Status::ok();
  std::vector<Taint> want;
  for (const NodeCondition& c : node->status.conditions)
    if (const char* key = condition_taint_key(c)) want.push_back(taint(key, "NoSchedule"));
  if (node->spec.unschedulable) want.push_back(taint(kUnschedulable, "NoSchedule"));
  std::vector<Taint> to_add, to_remove;
  auto has = [](const std::vector<Taint>& set, const Taint& t) {
    return std::any_of(set.begin(), set.end(), [&](const Taint& x) { return x.key == t.key && x.effect == t.effect; });
  };
  std::vector<Taint> existing;
  for (const Taint& t : node->spec.taints)
    if (t.effect == "NoSchedule" && is_condition_taint_key(t.key)) existing.push_back(t);
  for (const Taint& t : want)
    if (!has(existing, t)) to_add.push_back(t);
  for (const Taint& t : existing)
    if (!has(want, t)) to_remove.push_back(t);
  if (to_add.empty() && to_remove.empty()) return Status::ok();
  if (!swap_node_taints(node_name, to_add, to_remove))
    return Status::conflict("failed to swap NoSchedule taints of node " + node_name);
  return Status::ok();
}

void NodeLifecycleController::ensure_eviction_ticker() {
  if (ticker_timer_) return;
  bool work = std::any_of(zone_queues_.begin(), zone_queues_.end(),
                          [](const auto& z) { return !z.second->empty() && z.second->qps() > 0; });
  if (!work) return;  // an idle (or fully throttled) cluster schedules nothing
  // The drain loop ticks on its own 100 ms grid from start(); the next tick strictly after now.
  Duration since = env_.executor.now() - start_time_;
  Duration next = (since / kEvictionPeriod + 1) * kEvictionPeriod;
  std::weak_ptr<bool> alive = alive_;
  ticker_timer_ = env_.executor.post_after(next - since, [this, alive] {
    if (alive.expired()) return;
    ticker_timer_.reset();
    if (taint_mode())
      do_no_execute_tainting_pass();
    else
      do_eviction_pass();
    ensure_eviction_ticker();
  });
}

// ---- Pods ----

Status NodeLifecycleController::mark_pods_not_ready(const std::vector<std::shared_ptr<const Pod>>& pods,
                                                    const std::string& node_name) {
  Status result;
  for (const auto& pod : pods) {
    if (pod->spec.nodeName != node_name) continue;
    const PodCondition* ready = pod->find_condition("Ready");
    if (ready == nullptr || ready->status == "False") continue;  // UpdatePodCondition: nothing changes
    auto copy = mutable_copy(*pod);
    for (PodCondition& c : copy->status.conditions) {
      if (c.type != "Ready") continue;
      c.status = "False";
      c.lastTransitionTime = env_.executor.now();
    }
    Result<ObjectPtr> written = env_.store.update(copy);
    if (!written.is_ok()) {
      if (written.status().is_not_found()) continue;
      result = written.status();
    }
    env_.events.record(ObjectRef{"Pod", pod->metadata.namespace_, pod->metadata.name}, "Warning", "NodeNotReady",
                       "Node is not ready");
  }
  return result;
}

void NodeLifecycleController::on_lease_event(const WatchEvent& event) {
  const ObjectMeta& meta = event.object->metadata;
  if (meta.namespace_ != kNodeLeaseNamespace) return;
  NodeRecord& record = records_[meta.name];
  record.lease_exists = event.type != WatchEventType::kDeleted;
  record.lease_renew = record.lease_exists ? as<Lease>(event.object)->spec.renewTime : std::nullopt;
}

void NodeLifecycleController::on_pod_event(const WatchEvent& event) {
  // processPod: a pod newly bound to a node that is not Ready is marked (and, legacy, evicted) at once.
  if (event.type == WatchEventType::kDeleted) return;
  auto pod = as<Pod>(event.object);
  if (pod->spec.nodeName.empty()) return;
  if (event.old && as<Pod>(event.old)->spec.nodeName == pod->spec.nodeName) return;
  auto current = find<Pod>(env_.store, pod->metadata.namespace_, pod->metadata.name);
  if (!current) return;
  auto record = records_.find(current->spec.nodeName);
  if (record == records_.end() || !record->second.health || !record->second.health->ready) return;
  auto node = find<Node>(env_.store, "", current->spec.nodeName);
  if (!node) return;
  NodeCondition ready = *record->second.health->ready;
  if (!taint_mode()) process_no_taint_base_eviction(*node, ready, {current});
  if (ready.status != "True") mark_pods_not_ready({current}, node->metadata.name);
  ensure_eviction_ticker();
}

}  // namespace ktwin::core
