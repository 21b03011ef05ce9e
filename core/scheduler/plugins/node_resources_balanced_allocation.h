// Score: favours nodes whose cpu and memory fractions stay close
// (k/k pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go).
#pragma once

#include "core/scheduler/framework.h"
#include "core/scheduler/plugins/pod_requests_state.h"

namespace ktwin::core {

class NodeResourcesBalancedAllocation : public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeResourcesBalancedAllocation";
  // minor < 22: the 1.20 formula on non-zero requests, (1 - |cpuFraction - memFraction|) * 100, and 0
  // when either fraction is >= 1. Later: real requests, fractions capped at 1, (1 - std) * 100 with
  // std = |f1 - f2| / 2 (PRs #102925, #105845).
  explicit NodeResourcesBalancedAllocation(int minor = 20) : minor_(minor) {}
  std::string_view name() const override { return kName; }
  PluginStatus pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const override {
    pre_score_pod_requests(state, pod);
    return PluginStatus::success();
  }
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const override;

 private:
  // The pod's requests this score reads.
  struct Requests {
    int64_t milli_cpu, memory, non_zero_milli_cpu, non_zero_memory;
    static Requests of(const PodRequests& r) {
      return {r.requested.milli_cpu, r.requested.memory, r.non_zero_milli_cpu, r.non_zero_memory};
    }
  };
  int64_t score_with(Requests r, const NodeRow& node) const;

  int minor_;
};

}  // namespace ktwin::core
