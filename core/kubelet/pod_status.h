// What the kubelet knows about each container of a pod, and the PodStatus it derives from that
// (k/k pkg/kubelet/kubelet_pods.go generateAPIPodStatus, getPhase; pkg/kubelet/status/generate.go).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/api/pod.h"
#include "core/env/executor.h"

namespace ktwin::core {

// One container of a pod, across its restarts.
struct ContainerRecord {
  std::string name, image, imageID;
  std::string id;         // the current instance's runtime id; empty before the first create
  bool starting = false;  // create/start in flight
  bool running = false;
  bool stopping = false;  // stop_container in flight
  Time startedAt{};
  // The current instance's exit, shown as state.terminated, or as lastState while backing off.
  std::optional<ContainerStateTerminated> terminated;
  std::optional<ContainerStateTerminated> lastTerminated;  // the exit before the current instance
  int32_t restartCount = 0;
  bool backingOff = false;  // waiting CrashLoopBackOff with `backOffMessage`
  std::string backOffMessage;
  TimerId restartTimer = 0;
  // When the running instance turns Ready (container_ready_time); unset: as soon as it runs.
  std::optional<Time> readyAt;
};

struct PodStatusInputs {
  std::string hostIP, podIP;
  std::optional<Time> startTime;
  const std::vector<ContainerRecord>* containers = nullptr;
};

// The status the kubelet would write now. `pod` supplies the spec and the previous status, whose
// condition transition times carry over when a condition keeps its status, and whose conditions the
// kubelet does not own (PodScheduled, DisruptionTarget...) are kept. A terminal phase stays terminal.
PodStatus generate_pod_status(const Pod& pod, const PodStatusInputs& in, Time now);

// getPhase for pods without init containers.
std::string pod_phase(const PodSpec& spec, const std::vector<ContainerStatus>& statuses);

// True if the two statuses encode differently.
bool pod_status_differs(const Pod& pod, const PodStatus& status);

}  // namespace ktwin::core
