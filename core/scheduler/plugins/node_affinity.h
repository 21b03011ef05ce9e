// Filter: spec.nodeSelector and required node affinity. Score: the weights of the preferred terms a node
// matches, scaled by the maximum (k/k pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go).
// The class is NodeAffinityPlugin because the API's NodeAffinity owns the plain name.
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

class NodeAffinityPlugin : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeAffinity";
  explicit NodeAffinityPlugin(int minor = 20) : minor_(minor) {}
  std::string_view name() const override { return kName; }
  // Both only say whether the pod has anything for Filter or Score to look at (skip when not).
  PluginStatus pre_filter(CycleState& state, const Pod& pod) const override;
  PluginStatus pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const override;
  PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void normalize_scores(const CycleState& state, const Pod& pod,
                        std::vector<NodeScore>& scores) const override;

 private:
  int minor_;
};

}  // namespace ktwin::core
