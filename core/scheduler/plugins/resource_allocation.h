// The resource scoring strategies (k/k pkg/scheduler/framework/plugins/noderesources/
// resource_allocation.go, least_allocated.go, most_allocated.go, requested_to_capacity_ratio.go):
// NodeResourcesFit's scoringStrategy from 1.23 (v1beta2+), and in 1.20 the separate score plugins
// NodeResourcesLeastAllocated, NodeResourcesMostAllocated and RequestedToCapacityRatio.
#pragma once

#include "core/scheduler/framework.h"
#include "core/scheduler/plugin_args.h"
#include "core/scheduler/plugins/pod_requests_state.h"

namespace ktwin::core {

// The node's score under `strategy` for `pod` (incoming pod included in the requests). cpu and memory
// count non-zero requests (100m / 200Mi for a container without them); other resources real ones.
int64_t resource_allocation_score(const ScoringStrategy& strategy, const PodRequests& pod, const NodeInfo& node,
                                  int minor);
inline int64_t resource_allocation_score(const ScoringStrategy& strategy, const Pod& pod, const NodeInfo& node,
                                         int minor) {
  return resource_allocation_score(strategy, compute_pod_requests(pod), node, minor);
}

// 1.20's MostAllocated and RequestedToCapacityRatio score plugins (not in the default profile).
class ResourceAllocationPlugin : public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kMostAllocated = "NodeResourcesMostAllocated";
  static constexpr std::string_view kRequestedToCapacityRatio = "RequestedToCapacityRatio";
  ResourceAllocationPlugin(std::string_view name, ScoringStrategy strategy, int minor)
      : name_(name), strategy_(std::move(strategy)), minor_(minor) {}
  std::string_view name() const override { return name_; }
  PluginStatus pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const override {
    pre_score_pod_requests(state, pod);
    return PluginStatus::success();
  }
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override {
    PodRequests scratch;
    return resource_allocation_score(strategy_, pod_requests(state, pod, scratch), node, minor_);
  }

 private:
  std::string_view name_;
  ScoringStrategy strategy_;
  int minor_;
};

// What RequestedToCapacityRatio runs when built without args (tests only: a KubeSchedulerConfiguration
// must give a shape, as v1beta1 validation requires): 0% -> 10, 100% -> 0.
ScoringStrategy default_requested_to_capacity_ratio();

}  // namespace ktwin::core
