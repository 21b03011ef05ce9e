// Pod garbage collection every 20 s: terminated pods over the threshold, pods bound to vanished nodes
// (after a 40 s quarantine), unscheduled terminating pods (k/k pkg/controller/podgc/gc_controller.go, 1.20).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

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

  Env env_;
  int32_t threshold_;
  std::map<std::string, Time> quarantine_;  // missing node -> when it may be declared gone
  std::optional<TimerId> timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
