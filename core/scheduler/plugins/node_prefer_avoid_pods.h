// Score (1.20 only, weight 10000): 0 on a node whose scheduler.alpha.kubernetes.io/preferAvoidPods
// annotation names the pod's ReplicaSet or ReplicationController, else 100
// (k/k 1.20 pkg/scheduler/framework/plugins/nodepreferavoidpods/node_prefer_avoid_pods.go).
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

class NodePreferAvoidPods : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodePreferAvoidPods";
  static constexpr const char* kAnnotation = "scheduler.alpha.kubernetes.io/preferAvoidPods";
  std::string_view name() const override { return kName; }
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
};

}  // namespace ktwin::core
