// NodeAffinity filter and score.
#include "core/scheduler/plugins/node_affinity.h"

#include "core/scheduler/plugins/helpers.h"

namespace ktwin::core {

PluginStatus NodeAffinityPlugin::pre_filter(CycleState&, const Pod& pod) const {
  // Without a nodeSelector or required terms pod_matches_node_selector_and_affinity holds everywhere.
  const bool required = pod.spec.affinity && pod.spec.affinity->nodeAffinity &&
                        pod.spec.affinity->nodeAffinity->requiredDuringSchedulingIgnoredDuringExecution;
  return pod.spec.nodeSelector.empty() && !required ? PluginStatus::skipped() : PluginStatus::success();
}

PluginStatus NodeAffinityPlugin::pre_score(CycleState&, const Pod& pod, const std::vector<const NodeInfo*>&) const {
  // Without preferred terms every raw score is 0, and so is every normalized one.
  const bool preferred = pod.spec.affinity && pod.spec.affinity->nodeAffinity &&
                         !pod.spec.affinity->nodeAffinity->preferredDuringSchedulingIgnoredDuringExecution.empty();
  return preferred ? PluginStatus::success() : PluginStatus::skipped();
}

PluginStatus NodeAffinityPlugin::filter(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  if (pod_matches_node_selector_and_affinity(pod, *node.node)) return PluginStatus::success();
  // 1.20 ErrReasonPod; later releases say "Pod's node affinity/selector" (1.22 era).
  return PluginStatus::unresolvable(minor_ >= 22 ? "node(s) didn't match Pod's node affinity/selector"
                                                 : "node(s) didn't match node selector");
}

int64_t NodeAffinityPlugin::score(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  if (!pod.spec.affinity || !pod.spec.affinity->nodeAffinity) return 0;
  int64_t count = 0;
  for (const PreferredSchedulingTerm& term :
       pod.spec.affinity->nodeAffinity->preferredDuringSchedulingIgnoredDuringExecution) {
    // A term with weight 0 or no expressions contributes nothing.
    if (term.weight == 0 || (term.preference.matchExpressions.empty() && term.preference.matchFields.empty()))
      continue;
    if (matches_term(term.preference, *node.node)) count += term.weight;
  }
  return count;
}

void NodeAffinityPlugin::normalize_scores(const CycleState&, const Pod&,
                                          std::vector<NodeScore>& scores) const {
  default_normalize_score(kMaxNodeScore, false, scores);
}

}  // namespace ktwin::core
