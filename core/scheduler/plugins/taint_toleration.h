// Filter: NoSchedule and NoExecute taints the pod does not tolerate keep it away. Score: fewer
// untolerated PreferNoSchedule taints is better (k/k pkg/scheduler/framework/plugins/tainttoleration).
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

class TaintToleration : public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "TaintToleration";
  // minor: the Kubernetes minor version, which picks the message wording.
  explicit TaintToleration(int minor = 20) : minor_(minor) {}
  std::string_view name() const override { return kName; }
  PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                    const FilterRejection& reject) const override;
  // The pod's tolerations that can apply to PreferNoSchedule, once per cycle (taint_toleration.go PreScore).
  PluginStatus pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const override;
  // Raw score: the number of PreferNoSchedule taints not tolerated.
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const override;
  // Reversed: 100 - raw * 100 / max.
  void normalize_scores(const CycleState& state, const Pod& pod,
                        std::vector<NodeScore>& scores) const override;
  // 100 when no node of the snapshot is tainted: every raw score is 0, and DefaultNormalizeScore reversed
  // then gives every node MaxNodeScore (k/k plugins/helper/normalize_score.go).
  std::optional<int64_t> uniform_score(const CycleState& state, const Pod& pod) const override;

 private:
  int minor_;
};

}  // namespace ktwin::core
