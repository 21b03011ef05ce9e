// The kubelet's knobs (KubeletConfiguration defaults), what a node registers with, and what survives a halt.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/api/node.h"
#include "core/util/time.h"

namespace ktwin::core {

// k/k pkg/kubelet/apis/config/v1beta1/defaults.go and pkg/kubelet/kubelet.go.
struct KubeletConfig {
  Duration nodeStatusUpdateFrequency = std::chrono::seconds(10);
  bool nodeStatusUpdateFrequencySet = false;  // explicit: the report frequency defaults to it (config loader)
  Duration nodeStatusReportFrequency = std::chrono::minutes(5);
  int32_t nodeLeaseDurationSeconds = 40;  // renewed every 0.25 x this (nodeLeaseRenewIntervalFraction)
  Duration containerBackOffInitial = std::chrono::seconds(10);  // containerBackOffPeriod
  Duration containerBackOffMax = std::chrono::seconds(300);     // MaxContainerBackOff
  std::string kubeletVersion = "v1.20.4+k3s1";
  std::string containerRuntimeVersion = "containerd://1.4.3-k3s3";
};

// What the kubelet registers its Node with (--node-labels, --register-with-taints, machine info).
struct NodeRegistration {
  std::string name;
  std::vector<std::string> roles;  // each adds node-role.kubernetes.io/<role>=true
  Labels labels;                   // kubernetes.io/hostname, /os and /arch are added
  std::vector<Taint> taints;
  ResourceList capacity;           // cpu, memory, pods (110 when absent); allocatable = capacity
  std::string internalIP;          // InternalIP address; Hostname is the node name
  std::string osImage = "Ubuntu 20.04.2 LTS";
  std::string kernelVersion = "5.4.0-66-generic";
  std::string operatingSystem = "linux";
  std::string architecture = "amd64";
};

// The node's disk: what outlives the kubelet process and a power cycle. Owned by the caller (the
// simulated node), passed by reference to each Kubelet incarnation.
struct KubeletDisk {
  // CNI host-local IPAM (/var/lib/cni/networks/<net>): last reserved address per range, and the
  // addresses held, by address -> pod uid.
  std::map<std::string, std::string> lastReservedIP;  // range (podCIDR) -> address
  std::map<std::string, std::string> allocatedIPs;    // address -> pod uid
};

}  // namespace ktwin::core
