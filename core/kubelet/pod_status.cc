// PodStatus generation: container states as kubectl reads them, phase, and the kubelet's conditions.
#include "core/kubelet/pod_status.h"

#include "core/api/codec.h"

namespace ktwin::core {
namespace {

constexpr const char* kContainerIdPrefix = "containerd://";

ContainerStatus container_status(const Container& spec, const ContainerRecord* rec, Time now) {
  ContainerStatus cs;
  cs.name = spec.name;
  cs.image = spec.image;
  cs.started = false;
  // k/k kubelet_pods.go: a container the runtime has not created yet waits with ContainerCreating.
  cs.state.waiting = ContainerStateWaiting{"ContainerCreating", ""};
  if (!rec) return cs;
  if (!rec->image.empty()) cs.image = rec->image;
  cs.imageID = rec->imageID;
  cs.restartCount = rec->restartCount;
  if (rec->lastTerminated) cs.lastState.terminated = rec->lastTerminated;
  if (rec->running) {
    cs.state = ContainerState{};
    cs.state.running = ContainerStateRunning{rec->startedAt};
    cs.containerID = kContainerIdPrefix + rec->id;
    cs.ready = !rec->readyAt || now >= *rec->readyAt;  // the readiness prober's verdict (prober.h)
    cs.started = true;
  } else if (rec->backingOff && rec->terminated) {
    // k/k kuberuntime_manager.go doBackOff: the dead container becomes lastState.
    cs.state = ContainerState{};
    cs.state.waiting = ContainerStateWaiting{"CrashLoopBackOff", rec->backOffMessage};
    cs.lastState = ContainerState{};
    cs.lastState.terminated = rec->terminated;
    cs.containerID = rec->terminated->containerID;
  } else if (rec->terminated) {
    cs.state = ContainerState{};
    cs.state.terminated = rec->terminated;
    cs.containerID = rec->terminated->containerID;
  }
  return cs;
}

PodCondition condition(const Pod& pod, std::string type, bool ok, std::string reason, std::string message,
                       Time now) {
  PodCondition c{std::move(type), ok ? "True" : "False", std::move(reason), std::move(message), {}, now};
  // k/k pkg/kubelet/status/status_manager.go updateLastTransitionTime: kept while the status holds.
  if (const PodCondition* old = pod.find_condition(c.type); old && old->status == c.status)
    c.lastTransitionTime = old->lastTransitionTime;
  return c;
}

}  // namespace

std::string pod_phase(const PodSpec& spec, const std::vector<ContainerStatus>& statuses) {
  int running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const ContainerStatus& cs : statuses) {
    if (cs.state.running) {
      ++running;
    } else if (cs.state.terminated) {
      ++stopped;
      if (cs.state.terminated->exitCode == 0) ++succeeded;
    } else if (cs.lastState.terminated) {
      ++stopped;  // waiting to restart
    } else {
      ++waiting;
    }
  }
  // k/k pkg/kubelet/kubelet_pods.go getPhase.
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    std::string policy = spec.restartPolicy.empty() ? "Always" : spec.restartPolicy;
    if (policy == "Always") return "Running";
    if (stopped == succeeded) return "Succeeded";
    if (policy == "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

PodStatus generate_pod_status(const Pod& pod, const PodStatusInputs& in, Time now) {
  // Every field but the two lists, which are rebuilt below (copying them only to clear them cost a
  // copy of every condition and container status per status write).
  static_assert(sizeof(PodStatus) == 280, "PodStatus changed: copy its new fields here");
  PodStatus st;
  st.phase = pod.status.phase;
  st.reason = pod.status.reason;
  st.message = pod.status.message;
  st.qosClass = pod.status.qosClass;
  st.startTime = pod.status.startTime;
  st.initContainerStatuses = pod.status.initContainerStatuses;
  st.hostIP = in.hostIP;
  st.podIP = in.podIP;
  if (in.startTime && !st.startTime) st.startTime = in.startTime;
  st.containerStatuses.reserve(pod.spec.containers.size());
  for (const Container& c : pod.spec.containers) {
    const ContainerRecord* rec = nullptr;
    if (in.containers)
      for (const ContainerRecord& r : *in.containers)
        if (r.name == c.name) rec = &r;
    st.containerStatuses.push_back(container_status(c, rec, now));
  }
  // The status manager never moves a pod out of a terminal phase.
  if (!pod.is_terminal()) st.phase = pod_phase(pod.spec, st.containerStatuses);

  // k/k pkg/kubelet/status/generate.go GenerateContainersReadyCondition / GeneratePodReadyCondition.
  std::string unready;
  for (const ContainerStatus& cs : st.containerStatuses)
    if (!cs.ready) unready += (unready.empty() ? "" : " ") + cs.name;
  bool ready = unready.empty();
  std::string reason, message;
  if (!ready) {
    reason = "ContainersNotReady";
    message = "containers with unready status: [" + unready + "]";
  }
  if (st.phase == "Succeeded") {
    ready = false;
    reason = "PodCompleted";
    message.clear();
  }
  std::vector<PodCondition> conditions;
  conditions.reserve(4 + pod.status.conditions.size());
  conditions.push_back(condition(pod, "Initialized", true, st.phase == "Succeeded" ? "PodCompleted" : "", "", now));
  conditions.push_back(condition(pod, "Ready", ready, reason, message, now));
  conditions.push_back(condition(pod, "ContainersReady", ready, reason, message, now));
  conditions.push_back(condition(pod, "PodScheduled", true, "", "", now));
  for (const PodCondition& old : pod.status.conditions)
    if (old.type != "Initialized" && old.type != "Ready" && old.type != "ContainersReady" && old.type != "PodScheduled")
      conditions.push_back(old);
  st.conditions = std::move(conditions);
  return st;
}

bool pod_status_differs(const Pod& pod, const PodStatus& status) { return !(pod.status == status); }

}  // namespace ktwin::core
