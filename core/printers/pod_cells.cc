// printPod's READY/STATUS/RESTARTS rules, for the 1.20 printer and the changes made after it.
#include "core/printers/pod_cells.h"

#include "core/printers/human_duration.h"

namespace ktwin::core::printers {
namespace {

// Rules that changed after 1.20. RESTARTS "(x ago)" came with k/k PR #100142 (1.22); the others (terminal
// pods are not Terminating, Completed+running but unready is NotReady, SchedulingGated) arrived around
// 1.26-1.27: the exact minor is approximate, 1.20 and 1.32 are the versions ktwin prints.
constexpr int kRestartAgeMinor = 22;
constexpr int kNewerStatusMinor = 26;

bool pod_condition_true(const Pod& pod, std::string_view type) {
  const PodCondition* c = pod.find_condition(type);
  return c != nullptr && c->status == "True";
}

// The latest lastState.terminated.finishedAt; a plain pair, since Time{} is a valid virtual instant.
struct LastRestart {
  bool known = false;
  Time at{};
  void note(const ContainerStatus& c) {
    if (c.lastState.terminated && (!known || at < c.lastState.terminated->finishedAt)) {
      known = true;
      at = c.lastState.terminated->finishedAt;
    }
  }
};

std::string terminated_reason(const ContainerStateTerminated& t, const std::string& prefix) {
  if (!t.reason.empty()) return prefix + t.reason;
  if (t.signal != 0) return prefix + "Signal:" + std::to_string(t.signal);
  return prefix + "ExitCode:" + std::to_string(t.exitCode);
}

}  // namespace

int kubectl_minor(std::string_view v) {
  if (v.size() < 3 || v.substr(0, 2) != "1.") return 20;
  int minor = 0;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') break;
    minor = minor * 10 + (c - '0');
  }
  return minor == 0 ? 20 : minor;
}

PodCells pod_cells(const Pod& pod, Time now, std::string_view kubectl_version) {
  const int minor = kubectl_minor(kubectl_version);
  const bool newer = minor >= kNewerStatusMinor;
  int restarts = 0;
  int ready = 0;
  LastRestart last_restart;
  std::string reason = pod.status.reason.empty() ? pod.status.phase : pod.status.reason;
  if (newer) {
    const PodCondition* scheduled = pod.find_condition("PodScheduled");
    if (scheduled != nullptr && scheduled->reason == "SchedulingGated") reason = "SchedulingGated";
  }

  // The first init container that has not succeeded decides the status while initializing.
  bool initializing = false;
  const auto& inits = pod.status.initContainerStatuses;
  for (size_t i = 0; i < inits.size(); ++i) {
    const ContainerStatus& c = inits[i];
    restarts += c.restartCount;
    last_restart.note(c);
    if (c.state.terminated && c.state.terminated->exitCode == 0) continue;
    if (c.state.terminated) {
      reason = terminated_reason(*c.state.terminated, "Init:");
    } else if (c.state.waiting && !c.state.waiting->reason.empty() &&
               c.state.waiting->reason != "PodInitializing") {
      reason = "Init:" + c.state.waiting->reason;
    } else {
      reason = "Init:" + std::to_string(i) + "/" + std::to_string(pod.spec.initContainers.size());
    }
    initializing = true;
    break;
  }

  if (!initializing || (newer && pod_condition_true(pod, "Initialized"))) {
    // Only app containers count once initialized (sidecar init containers are not modelled).
    restarts = 0;
    last_restart = LastRestart{};
    bool has_running = false;
    // Last to first, so the first container in spec order with a reason wins.
    const auto& cs = pod.status.containerStatuses;
    for (auto it = cs.rbegin(); it != cs.rend(); ++it) {
      const ContainerStatus& c = *it;
      restarts += c.restartCount;
      last_restart.note(c);
      if (c.state.waiting && !c.state.waiting->reason.empty()) {
        reason = c.state.waiting->reason;
      } else if (c.state.terminated) {
        reason = terminated_reason(*c.state.terminated, "");
      } else if (c.ready && c.state.running) {
        has_running = true;
        ++ready;
      }
    }
    if (reason == "Completed" && has_running)
      reason = (!newer || pod_condition_true(pod, "Ready")) ? "Running" : "NotReady";
  }

  // NodeLost was set by the pre-taint eviction path (k/k pkg/util/node NodeUnreachablePodReason).
  if (pod.metadata.deletionTimestamp && pod.status.reason == "NodeLost") {
    reason = "Unknown";
  } else if (pod.metadata.deletionTimestamp && !(newer && pod.is_terminal())) {
    reason = "Terminating";
  }

  PodCells cells;
  cells.ready = std::to_string(ready) + "/" + std::to_string(pod.spec.containers.size());
  cells.status = reason;
  cells.restarts = std::to_string(restarts);
  if (minor >= kRestartAgeMinor && restarts != 0 && last_restart.known)
    cells.restarts += " (" + human_duration(now - last_restart.at) + " ago)";
  return cells;
}

std::string pod_status(const Pod& pod, std::string_view kubectl_version) {
  return pod_cells(pod, Time{}, kubectl_version).status;
}

}  // namespace ktwin::core::printers
