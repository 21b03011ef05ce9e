// PreFilter + Filter: the pod's requests must fit the node's allocatable minus what its pods request;
// Score: the LeastAllocated strategy (k/k pkg/scheduler/framework/plugins/noderesources/fit.go,
// least_allocated.go). In 1.20 the score is a separate plugin, NodeResourcesLeastAllocated.
#pragma once

#include <optional>

#include "core/scheduler/framework.h"
#include "core/scheduler/plugin_args.h"
#include "core/scheduler/plugins/resource_allocation.h"

namespace ktwin::core {

// LeastAllocated for cpu and memory, weight 1 each, on non-zero requests (incoming pod included):
// sum_r((alloc_r - req_r) * 100 / alloc_r) / 2, a resource scoring 0 when over-requested or alloc is 0.
int64_t least_allocated_score(const PodRequests& pod, const NodeInfo& node);
inline int64_t least_allocated_score(const Pod& pod, const NodeInfo& node) {
  return least_allocated_score(compute_pod_requests(pod), node);
}

class NodeResourcesFit : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeResourcesFit";
  // `strategy` (pluginConfig scoringStrategy): unset is LeastAllocated on cpu:1, memory:1.
  explicit NodeResourcesFit(int minor = 20, std::optional<ScoringStrategy> strategy = std::nullopt)
      : minor_(minor), strategy_(std::move(strategy)) {}
  std::string_view name() const override { return kName; }
  PluginStatus pre_filter(CycleState& state, const Pod& pod) const override;
  // Reasons, all that apply: "Too many pods", "Insufficient cpu", "Insufficient memory", "Insufficient
  // <name>".
  PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                    const FilterRejection& reject) const override;
  PluginStatus pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const override {
    pre_score_pod_requests(state, pod);
    return PluginStatus::success();
  }
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override {
    PodRequests scratch;
    const PodRequests& r = pod_requests(state, pod, scratch);
    return strategy_ ? resource_allocation_score(*strategy_, r, node, minor_) : least_allocated_score(r, node);
  }
  void score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const override;

 private:
  int minor_;
  std::optional<ScoringStrategy> strategy_;
};

}  // namespace ktwin::core
