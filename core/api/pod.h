// core/v1 Pod and the pieces of PodSpec the control plane reads (names as in k8s.io/api/core/v1).
#pragma once

#include "core/api/meta.h"

namespace ktwin::core {

struct ContainerPort {
  std::string name, protocol;
  int32_t containerPort = 0, hostPort = 0;
  bool operator==(const ContainerPort&) const = default;
};

struct ResourceRequirements {
  ResourceList requests, limits;
  bool operator==(const ResourceRequirements&) const = default;
};

// A probe's timing; its handler (httpGet, tcpSocket, exec) stays in the object's original JSON, since the
// simulated kubelet asks the runtime's model instead. 0 means the API default (period 10 s,
// timeout 1 s, success 1, failure 3).
struct Probe {
  int32_t initialDelaySeconds = 0, timeoutSeconds = 0, periodSeconds = 0, successThreshold = 0, failureThreshold = 0;
  bool operator==(const Probe&) const = default;
};

struct Container {
  std::string name, image, imagePullPolicy;
  std::vector<std::string> command, args;
  std::vector<ContainerPort> ports;
  ResourceRequirements resources;
  std::optional<Probe> readinessProbe;
  bool operator==(const Container&) const = default;
};

struct Taint;

struct Toleration {
  std::string key, operator_, value, effect;
  std::optional<int64_t> tolerationSeconds;
  // v1.Toleration.ToleratesTaint: an empty effect or key matches any; operator "" means Equal.
  bool tolerates(const Taint& taint) const;
  bool operator==(const Toleration&) const = default;
};

struct Taint {
  std::string key, value, effect;  // effect: NoSchedule, PreferNoSchedule, NoExecute
  std::optional<Time> timeAdded;
  bool operator==(const Taint&) const = default;
};

struct NodeSelectorRequirement {
  std::string key, operator_;  // In, NotIn, Exists, DoesNotExist, Gt, Lt
  std::vector<std::string> values;
  bool operator==(const NodeSelectorRequirement&) const = default;
};
struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> matchExpressions, matchFields;
  bool operator==(const NodeSelectorTerm&) const = default;
};
struct NodeSelector {
  std::vector<NodeSelectorTerm> nodeSelectorTerms;
  bool operator==(const NodeSelector&) const = default;
};
struct PreferredSchedulingTerm {
  int32_t weight = 0;
  NodeSelectorTerm preference;
  bool operator==(const PreferredSchedulingTerm&) const = default;
};
struct NodeAffinity {
  std::optional<NodeSelector> requiredDuringSchedulingIgnoredDuringExecution;
  std::vector<PreferredSchedulingTerm> preferredDuringSchedulingIgnoredDuringExecution;
  bool operator==(const NodeAffinity&) const = default;
};
struct Affinity {
  std::optional<NodeAffinity> nodeAffinity;
  nlohmann::json podAffinity, podAntiAffinity;  // kept as documents until the scheduler models them
  bool operator==(const Affinity&) const = default;
};

struct TopologySpreadConstraint {
  int32_t maxSkew = 1;
  std::string topologyKey, whenUnsatisfiable;
  std::optional<LabelSelector> labelSelector;
  bool operator==(const TopologySpreadConstraint&) const = default;
};

struct PodSpec {
  std::vector<Container> initContainers, containers;
  std::string nodeName, schedulerName, priorityClassName, restartPolicy, hostname;
  Labels nodeSelector;
  std::vector<Toleration> tolerations;
  std::optional<Affinity> affinity;
  std::vector<TopologySpreadConstraint> topologySpreadConstraints;
  std::optional<int32_t> priority;
  std::optional<int64_t> terminationGracePeriodSeconds;
  bool operator==(const PodSpec&) const = default;
};

struct PodCondition {
  std::string type, status, reason, message;
  std::optional<Time> lastProbeTime, lastTransitionTime;
  bool operator==(const PodCondition&) const = default;
};

struct ContainerStateRunning {
  Time startedAt{};
  bool operator==(const ContainerStateRunning&) const = default;
};
struct ContainerStateWaiting {
  std::string reason, message;
  bool operator==(const ContainerStateWaiting&) const = default;
};
struct ContainerStateTerminated {
  int32_t exitCode = 0, signal = 0;
  std::string reason, message, containerID;
  Time startedAt{}, finishedAt{};
  bool operator==(const ContainerStateTerminated&) const = default;
};
struct ContainerState {
  std::optional<ContainerStateRunning> running;
  std::optional<ContainerStateWaiting> waiting;
  std::optional<ContainerStateTerminated> terminated;
  bool operator==(const ContainerState&) const = default;
};

struct ContainerStatus {
  std::string name, image, imageID, containerID;
  ContainerState state, lastState;
  bool ready = false;
  int32_t restartCount = 0;
  std::optional<bool> started;
  bool operator==(const ContainerStatus&) const = default;
};

struct PodStatus {
  std::string phase, reason, message, hostIP, podIP, qosClass;
  std::optional<Time> startTime;
  std::vector<PodCondition> conditions;
  std::vector<ContainerStatus> initContainerStatuses, containerStatuses;
  bool operator==(const PodStatus&) const = default;
};

struct Pod : KindOf<Pod, Kind::kPod> {
  PodSpec spec;
  PodStatus status;

  const PodCondition* find_condition(std::string_view type) const;
  // Replaces the condition of the same type, or appends it.
  void set_condition(const PodCondition& condition);
  bool is_ready() const;       // condition Ready=True
  bool is_terminal() const;    // phase Succeeded or Failed
  bool is_active() const;      // not terminal and not being deleted (controller.IsPodActive)
};

struct PodTemplateSpec {
  ObjectMeta metadata;
  PodSpec spec;
  std::shared_ptr<const nlohmann::json> original;  // as Object::original
};

}  // namespace ktwin::core
