// A cluster to simulate: the Kubernetes version's defaults with the scenario's overrides applied.
#pragma once

#include "core/controller/config.h"
#include "core/kubelet/kubelet_config.h"
#include "sim/scenario/scenario.h"

namespace ktwin::sim {

struct ClusterConfig {
  uint64_t seed = 0;
  std::string kubernetesVersion = "1.20";
  core::ControlPlaneConfig controlPlane;
  core::KubeletConfig kubelet;
  std::vector<NodeSpecEntry> nodes;
  std::map<std::string, AppModelEntry> apps;
  std::vector<core::ProfileConfig> schedulerProfiles;  // empty: the version's default profile

  // cluster.platform: set, SimCluster runs the network on SimGrid (sim/platform/); unset, the fast path.
  PlatformSpec platform;
};

// Defaults of `kubernetesVersion` (1.32 raises nodeMonitorGracePeriod to 50 s), then the scenario's
// controlPlane and kubelet values (already validated by the loader).
core::Result<ClusterConfig> make_cluster_config(const Scenario& scenario);

}  // namespace ktwin::sim
