// PreFilter + Filter for the pod's DoNotSchedule constraints; PreScore + Score for its ScheduleAnyway
// constraints, or, when it has none, the system defaults (hostname maxSkew 3, zone maxSkew 5) over the
// pods of the same Services and ReplicaSet (k/k pkg/scheduler/framework/plugins/podtopologyspread).
#pragma once

#include "core/scheduler/framework.h"
#include "core/scheduler/plugin_args.h"

namespace ktwin::core {

class Store;

class PodTopologySpread : public PreFilterPlugin,
                          public FilterPlugin,
                          public PreScorePlugin,
                          public ScorePlugin {
 public:
  static constexpr std::string_view kName = "PodTopologySpread";
  static constexpr const char* kErrReasonConstraintsNotMatch =
      "node(s) didn't match pod topology spread constraints";
  static constexpr const char* kErrReasonNodeLabelNotMatch =
      "node(s) didn't match pod topology spread constraints (missing required label)";

  // A resolved constraint: the selector is the constraint's, or the derived default selector.
  struct Constraint {
    int32_t max_skew = 1;
    std::string topology_key;
    LabelSelector selector;
    bool match_nothing = false;  // a constraint without labelSelector selects no pods
  };

  // `store` supplies Services and ReplicaSets for the default selector; null disables system defaults.
  // minor < 23: a node missing any topology key is ignored in scoring even under the system defaults,
  // so on nodes without zone labels default spreading is off (fixed by PR #105046); scores truncate
  // (later releases round).
  // `args` (pluginConfig): defaultingType List replaces the system defaults with defaultConstraints.
  PodTopologySpread(const Store* store, int minor = 20, PodTopologySpreadArgs args = {})
      : store_(store), minor_(minor), args_(std::move(args)) {}

  std::string_view name() const override { return kName; }
  PluginStatus pre_filter(CycleState& state, const Pod& pod) const override;
  PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  PluginStatus pre_score(CycleState& state, const Pod& pod,
                         const std::vector<const NodeInfo*>& feasible) const override;
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const override;
  void normalize_scores(const CycleState& state, const Pod& pod,
                        std::vector<NodeScore>& scores) const override;

  // helper.DefaultSelector: the Services selecting the pod, ANDed with its controlling ReplicaSet's selector.
  LabelSelector default_selector(const Pod& pod) const;

 private:
  std::vector<Constraint> constraints_for(const Pod& pod, const std::string& action) const;

  bool system_defaulted() const { return args_.defaultingType != "List"; }

  const Store* store_;
  int minor_;
  PodTopologySpreadArgs args_;
};

}  // namespace ktwin::core
