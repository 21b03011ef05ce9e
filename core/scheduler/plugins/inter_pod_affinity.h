// InterPodAffinity: PreFilter + Filter for required pod affinity, anti-affinity and the existing pods'
// required anti-affinity; PreScore + Score for preferred terms (both ways) and existing pods' required
// affinity at hardPodAffinityWeight (k/k pkg/scheduler/framework/plugins/interpodaffinity/filtering.go,
// scoring.go, release-1.20 and 1.32).
#pragma once

#include <unordered_map>

#include "core/scheduler/framework.h"
#include "core/scheduler/plugins/pod_affinity_terms.h"

namespace ktwin::core {

class InterPodAffinity : public PreFilterPlugin, public FilterPlugin, public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "InterPodAffinity";
  // filtering.go ErrReason* (before 1.22, kErrReasonAffinityNotMatch comes before each specific reason).
  static constexpr const char* kErrReasonAffinityNotMatch = "node(s) didn't match pod affinity/anti-affinity";
  static constexpr const char* kErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
  static constexpr const char* kErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";
  static constexpr const char* kErrReasonExistingAntiAffinityRulesNotMatch =
      "node(s) didn't satisfy existing pods anti-affinity rules";

  // InterPodAffinityArgs.hardPodAffinityWeight: default 1, valid 0..100 (v1 defaults.go, validation).
  explicit InterPodAffinity(int minor = 20, int32_t hard_pod_affinity_weight = 1)
      : minor_(minor), hard_weight_(hard_pod_affinity_weight) {}

  std::string_view name() const override { return kName; }
  PluginStatus pre_filter(CycleState& state, const Pod& pod) const override;
  PluginStatus filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  PluginStatus pre_score(CycleState& state, const Pod& pod,
                         const std::vector<const NodeInfo*>& feasible) const override;
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void normalize_scores(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const override;

 private:
  // The parsed terms of a bound pod. Store objects are immutable, so they are parsed once per object
  // (Kubernetes keeps them in its PodInfo); a dead object's entry is replaced or pruned.
  const PodAffinityTerms& terms_of(const std::shared_ptr<const Pod>& pod) const;

  struct CachedTerms {
    std::weak_ptr<const Pod> pod;
    PodAffinityTerms terms;
  };
  int minor_;
  int32_t hard_weight_;
  mutable std::unordered_map<const Pod*, CachedTerms> cache_;
  mutable size_t prune_at_ = 1024;
};

}  // namespace ktwin::core
