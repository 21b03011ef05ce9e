// Plugin arguments a KubeSchedulerConfiguration's pluginConfig may set, already defaulted
// (k/k pkg/scheduler/apis/config/types_pluginargs.go; v1 defaults.go, 1.20 v1beta1 defaults.go).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/api/pod.h"

namespace ktwin::core {

struct ResourceSpec {
  std::string name;
  int64_t weight = 1;
  bool operator==(const ResourceSpec&) const = default;
};

struct UtilizationShapePoint {
  int32_t utilization = 0;  // 0..100
  int32_t score = 0;        // 0..10 (MaxCustomPriorityScore), scaled by 10 to 0..100
  bool operator==(const UtilizationShapePoint&) const = default;
};

// NodeResourcesFitArgs.scoringStrategy (v1beta2+); 1.20's separate score plugins map onto it too.
struct ScoringStrategy {
  enum class Type { kLeastAllocated, kMostAllocated, kRequestedToCapacityRatio };
  Type type = Type::kLeastAllocated;
  std::vector<ResourceSpec> resources = {{"cpu", 1}, {"memory", 1}};
  std::vector<UtilizationShapePoint> shape;  // RequestedToCapacityRatio only
  bool operator==(const ScoringStrategy&) const = default;
};

struct PodTopologySpreadArgs {
  std::vector<TopologySpreadConstraint> defaultConstraints;
  std::string defaultingType = "System";  // "System" or "List" (1.20 v1beta1: List when constraints are set)
  bool operator==(const PodTopologySpreadArgs&) const = default;
};

// The args of one profile, by plugin; unset means the plugin's defaults.
struct PluginArgs {
  std::optional<ScoringStrategy> nodeResourcesFit;             // 1.32: NodeResourcesFitArgs.scoringStrategy
  std::optional<ScoringStrategy> nodeResourcesLeastAllocated;  // 1.20: NodeResourcesLeastAllocatedArgs
  std::optional<ScoringStrategy> nodeResourcesMostAllocated;   // 1.20: NodeResourcesMostAllocatedArgs
  std::optional<ScoringStrategy> requestedToCapacityRatio;     // 1.20: RequestedToCapacityRatioArgs
  std::optional<PodTopologySpreadArgs> podTopologySpread;
  std::optional<int32_t> hardPodAffinityWeight;                // InterPodAffinityArgs
  bool operator==(const PluginArgs&) const = default;
};

}  // namespace ktwin::core
