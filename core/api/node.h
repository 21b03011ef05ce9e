// core/v1 Node and coordination.k8s.io/v1 Lease: what the kubelet reports and the node controller reads.
#pragma once

#include "core/api/pod.h"

namespace ktwin::core {

struct NodeCondition {
  std::string type, status, reason, message;
  std::optional<Time> lastHeartbeatTime, lastTransitionTime;
};

struct NodeAddress {
  std::string type, address;
};

struct NodeSystemInfo {
  std::string machineID, systemUUID, bootID, kernelVersion, osImage, containerRuntimeVersion, kubeletVersion,
      kubeProxyVersion, operatingSystem, architecture;
};

struct ContainerImage {
  std::vector<std::string> names;
  int64_t sizeBytes = 0;
};

struct NodeSpec {
  std::string podCIDR, providerID;
  std::vector<std::string> podCIDRs;
  bool unschedulable = false;
  std::vector<Taint> taints;
};

struct NodeStatus {
  ResourceList capacity, allocatable;
  std::vector<NodeCondition> conditions;
  std::vector<NodeAddress> addresses;
  NodeSystemInfo nodeInfo;
  std::vector<ContainerImage> images;
};

struct Node : KindOf<Node, Kind::kNode> {
  NodeSpec spec;
  NodeStatus status;

  const NodeCondition* find_condition(std::string_view type) const;
  NodeCondition* find_condition(std::string_view type);
  bool is_ready() const;  // Ready condition is True
  bool has_taint(std::string_view key, std::string_view effect) const;
  std::string internal_ip() const;
};

struct LeaseSpec {
  std::string holderIdentity;
  std::optional<int32_t> leaseDurationSeconds, leaseTransitions;
  std::optional<Time> acquireTime, renewTime;
};

struct Lease : KindOf<Lease, Kind::kLease> {
  LeaseSpec spec;
};

}  // namespace ktwin::core
