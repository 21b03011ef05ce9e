// The node lifecycle controller: node health from leases and heartbeats, Ready=Unknown, condition taints,
// rate-limited NoExecute tainting (or legacy pod eviction) per zone, disruption modes
// (k/k pkg/controller/nodelifecycle/node_lifecycle_controller.go, as in 1.20).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/api/node.h"
#include "core/controller/config.h"
#include "core/controller/rate_limited_queue.h"
#include "core/controller/taint_manager.h"
#include "core/controller/workqueue.h"
#include "core/controller/zone_state.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {

class NodeLifecycleController {
 public:
  // scheduler.NodeEvictionPeriod: how often the zone queues are drained.
  static constexpr Duration kEvictionPeriod = std::chrono::milliseconds(100);
  // A monitor pass takes a few milliseconds and wait.Until counts the period from its end, so passes
  // drift later than an exact grid; modelled as a fixed cost per pass.
  static constexpr Duration kMonitorPassDuration = std::chrono::milliseconds(2);

  // config.evictionMode "taints" (default) runs a TaintManager; "legacy" evicts pods itself.
  NodeLifecycleController(const Env& env, const ControlPlaneConfig& config);
  ~NodeLifecycleController();
  NodeLifecycleController(const NodeLifecycleController&) = delete;
  NodeLifecycleController& operator=(const NodeLifecycleController&) = delete;

  // Starts the watches, the taint manager and the monitor loop; the first pass runs on the next executor
  // turn, then every nodeMonitorPeriod + kMonitorPassDuration.
  void start();

  // The last computed state of a zone (zone_key(node); "" for unlabelled nodes).
  std::optional<ZoneState> zone_state(const std::string& zone) const;
  TaintManager* taint_manager() { return taint_manager_.get(); }
  // One monitor pass, now.
  void TEST_monitor_node_health() { monitor_node_health(); }

 private:
  enum class EvictionStatus { kUnmarked, kToBeEvicted, kEvicted };
  struct NodeHealth {
    Time probeTimestamp{}, readyTransitionTimestamp{};
    std::optional<NodeCondition> ready;  // Ready as last seen (status.conditions)
    std::optional<Time> leaseRenewTime;  // renewTime of the lease last seen; nullopt: no lease seen
    bool has_lease = false;
  };
  // What the controller keeps of a node between passes, found with one lookup per node and pass.
  struct NodeRecord {
    bool known = false;               // knownNodeSet: RegisteredNode was reported
    std::optional<NodeHealth> health;  // nodeHealthMap
    // zone_key, excluded_from_disruption and the Ready condition of `read_from`, the Node object they
    // were read from: objects are immutable, so the same pointer means the same labels and conditions,
    // and a pass over an unchanged node reads neither its label map nor its condition list.
    std::shared_ptr<const Node> read_from;
    std::string zone;
    bool excluded = false;
    const NodeCondition* ready = nullptr;  // in read_from; null when never posted
    bool unreachable_taint = false, not_ready_taint = false;  // read_from's NoExecute taints
    uint64_t seen_in_pass = 0;
    // The node's Lease as the watch last delivered it (k/k reads it from the lease informer's cache).
    bool lease_exists = false;
    std::optional<Time> lease_renew;
  };
  struct HealthResult {
    Duration grace{};
    std::shared_ptr<const Node> observed_in;    // the Node read at the start of the pass
    const NodeCondition* observed_ready = nullptr;  // its Ready; null when never posted
    std::optional<NodeCondition> never_posted;  // the fake Unknown condition then
    const NodeCondition* current = nullptr;     // Ready after the pass, in the Node the caller holds
    const NodeCondition& observed() const { return observed_ready ? *observed_ready : *never_posted; }
  };

  static NodeHealth fresh_health(Time probe, Time transition, std::optional<NodeCondition> ready);
  bool taint_mode() const { return config_.evictionMode != "legacy"; }
  void schedule_monitor(Duration delay);
  void monitor_node_health();
  // The node's record, its cached fields read from `node` if they were read from another object.
  NodeRecord& record_of(const std::shared_ptr<const Node>& node);
  // The same for the node at `position` in this pass's list: passes list the same nodes in the same
  // order, mostly the very same objects, so the record at that position last pass is tried first.
  NodeRecord& record_at(size_t position, const std::shared_ptr<const Node>& node);
  static void read_node(NodeRecord& record, const std::shared_ptr<const Node>& node);
  // May point `node` at a copy with updated conditions (the one written, if any).
  Result<HealthResult> try_update_node_health(std::shared_ptr<const Node>& node, NodeRecord& record);
  void handle_disruption(const std::map<std::string, std::vector<const NodeCondition*>>& zones,
                         const std::vector<std::shared_ptr<const Node>>& nodes);
  void set_limiter_in_zone(const std::string& zone, size_t zone_size, ZoneState state);
  void add_evictor_for_new_zone(const std::string& zone);

  // Taint-based eviction.
  // `zone` is zone_key(node).
  // REQUIRES: record was read from node (record.read_from == node).
  void process_taint_base_eviction(const Node& node, const NodeRecord& record, const NodeCondition& observed);
  bool mark_node_for_tainting(const Node& node, const std::string& zone, const std::string& status);
  bool mark_node_as_reachable(const Node& node, const std::string& zone);
  bool mark_node_as_reachable(const Node& node, const std::string& zone, bool unreachable_taint,
                              bool not_ready_taint);
  void do_no_execute_tainting_pass();
  Status do_no_schedule_tainting_pass(const std::string& node_name);
  // Adds `add` (timeAdded = now) and removes `remove` (matched by key and effect) in one update.
  bool swap_node_taints(const std::string& node_name, const std::vector<Taint>& add,
                        const std::vector<Taint>& remove);

  // Legacy eviction.
  void process_no_taint_base_eviction(const Node& node, const NodeCondition& observed,
                                      const std::vector<std::shared_ptr<const Pod>>& pods);
  bool cancel_pod_eviction(const Node& node);
  bool evict_pods(const Node& node, const std::vector<std::shared_ptr<const Pod>>& pods);
  void do_eviction_pass();
  Status delete_pods(const std::vector<std::shared_ptr<const Pod>>& pods, const std::string& node_name);

  Status mark_pods_not_ready(const std::vector<std::shared_ptr<const Pod>>& pods, const std::string& node_name);
  std::vector<std::shared_ptr<const Pod>> pods_on(const std::string& node_name) const;
  void on_pod_event(const WatchEvent& event);
  void on_lease_event(const WatchEvent& event);
  void log(const std::string& message);  // kube-controller-manager's klog line (EventRecorder::log)
  void record_node_event(const std::string& node, const std::string& reason, const std::string& message);
  void ensure_eviction_ticker();

  Env env_;
  ControlPlaneConfig config_;
  std::unique_ptr<TaintManager> taint_manager_;
  WorkQueue node_update_queue_;  // NoSchedule condition taints, per node update
  std::unordered_map<std::string, NodeRecord> records_;  // by node name; never erased
  std::vector<NodeRecord*> by_position_;                 // the last pass's records, by list position
  uint64_t pass_ = 0;                                    // monitor passes run
  std::map<std::string, EvictionStatus> eviction_status_;
  std::set<std::string> nodes_to_retry_;
  std::map<std::string, ZoneState> zone_states_;
  std::map<std::string, std::unique_ptr<RateLimitedTimedQueue>> zone_queues_;  // tainter or pod evictor
  std::vector<WatchId> watches_;
  Time start_time_{};
  std::optional<TimerId> monitor_timer_, ticker_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
