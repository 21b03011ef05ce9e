// Score (1.20 only as a plugin of its own): favours nodes with the most free cpu and memory
// (k/k 1.20 pkg/scheduler/framework/plugins/noderesources/least_allocated.go).
#pragma once

#include <optional>

#include "core/scheduler/framework.h"
#include "core/scheduler/plugin_args.h"
#include "core/scheduler/plugins/pod_requests_state.h"

namespace ktwin::core {

class NodeResourcesLeastAllocated : public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeResourcesLeastAllocated";
  // `strategy`: NodeResourcesLeastAllocatedArgs.resources; unset is cpu:1, memory:1.
  explicit NodeResourcesLeastAllocated(int minor = 20, std::optional<ScoringStrategy> strategy = std::nullopt)
      : minor_(minor), strategy_(std::move(strategy)) {}
  std::string_view name() const override { return kName; }
  PluginStatus pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const override {
    pre_score_pod_requests(state, pod);
    return PluginStatus::success();
  }
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;

 private:
  int minor_;
  std::optional<ScoringStrategy> strategy_;
};

}  // namespace ktwin::core
