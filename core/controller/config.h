// kube-controller-manager and kube-apiserver knobs the control plane honours, with Kubernetes defaults.
#pragma once

#include <cstdint>
#include <string>

#include "core/util/time.h"

namespace ktwin::core {

struct ControlPlaneConfig {
  // "taints": NoExecute taints + taint manager (the default since 1.18);
  // "legacy": --enable-taint-manager=false with --pod-eviction-timeout (removed in 1.27).
  std::string evictionMode = "taints";
  Duration nodeMonitorPeriod = std::chrono::seconds(5);
  Duration nodeMonitorGracePeriod = std::chrono::seconds(40);  // 50 s from 1.32 (PR #126287)
  Duration nodeStartupGracePeriod = std::chrono::seconds(60);
  Duration podEvictionTimeout = std::chrono::minutes(5);
  int64_t defaultNotReadyTolerationSeconds = 300;
  int64_t defaultUnreachableTolerationSeconds = 300;
  double nodeEvictionRate = 0.1;
  double secondaryNodeEvictionRate = 0.01;
  double unhealthyZoneThreshold = 0.55;
  int32_t largeClusterSizeThreshold = 50;
  int32_t terminatedPodGCThreshold = 12500;
  std::string serviceClusterIPRange = "10.43.0.0/16";  // k3s
  std::string clusterCIDR = "10.42.0.0/16";            // k3s
  int32_t serviceNodePortMin = 30000, serviceNodePortMax = 32767;
};

}  // namespace ktwin::core
