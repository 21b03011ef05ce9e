// Pod garbage collection every 20 s: terminated pods over the threshold, pods bound to vanished nodes
// (after a 40 s quarantine), unscheduled terminating pods (k/k pkg/controller/podgc/gc_controller.go, 1.20).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/api/pod.h"
#include "core/controller/config.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {

class PodGCController {
 public:
  static constexpr Duration kGCCheckPeriod = std::chrono::seconds(20);
  static constexpr Duration kQuarantineTime = std::chrono::seconds(40);

  // config.terminatedPodGCThreshold <= 0 disables the terminated-pod pass.
  PodGCController(const Env& env, const ControlPlaneConfig& config);
  ~PodGCController();
  PodGCController(const PodGCController&) = delete;
  PodGCController& operator=(const PodGCController&) = delete;

  // The first pass runs on the next executor turn (wait.Until), then every kGCCheckPeriod.
  void start();
  // One pass, now.
  void gc();

 private:
  void schedule(Duration delay);
  void gc_terminated();
  void gc_orphaned();
  void gc_unscheduled_terminating();
  void force_delete(const std::string& ns, const std::string& name);
  // Whether tally(old, -1) then tally(now, +1) would leave every count as it is.
  static bool cancels_out(const Pod& old, const Pod& now);
  void tally(const ObjectPtr& pod, int64_t delta);

  Env env_;
  // What the passes look for, kept from Store::observe_pod_writes so that a pass walks the pods only
  // when there is something to delete (feed_ 0: the store has no feed, every pass walks).
  WatchId feed_ = 0;
  int64_t terminated_ = 0, unscheduled_terminating_ = 0;
  std::map<std::string, int64_t> bound_to_;  // node -> pods naming it
  int32_t threshold_;
  std::map<std::string, Time> quarantine_;  // missing node -> when it may be declared gone
  std::optional<TimerId> timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
