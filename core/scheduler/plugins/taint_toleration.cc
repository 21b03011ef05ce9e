// TaintToleration filter and score.
#include "core/scheduler/plugins/taint_toleration.h"

#include "core/scheduler/plugins/helpers.h"

namespace ktwin::core {

PluginStatus TaintToleration::filter(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  const Taint* taint = find_untolerated_taint(
      node.node->spec.taints, pod.spec.tolerations,
      [](const Taint& t) { return t.effect == "NoSchedule" || t.effect == "NoExecute"; });
  if (taint == nullptr) return PluginStatus::success();
  // The wording changed to "had untolerated taint" in later releases (1.25 era).
  std::string reason = minor_ >= 25 ? "node(s) had untolerated taint {" : "node(s) had taint {";
  reason += taint->key + ": " + taint->value + "}";
  if (minor_ < 25) reason += ", that the pod didn't tolerate";
  return PluginStatus::unresolvable(reason);
}

int64_t TaintToleration::score(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  // Only tolerations that can apply to PreferNoSchedule (that effect or empty) count.
  std::vector<Toleration> prefer;
  for (const Toleration& t : pod.spec.tolerations)
    if (t.effect.empty() || t.effect == "PreferNoSchedule") prefer.push_back(t);
  int64_t count = 0;
  for (const Taint& taint : node.node->spec.taints)
    if (taint.effect == "PreferNoSchedule" && !tolerations_tolerate(prefer, taint)) ++count;
  return count;
}

void TaintToleration::normalize_scores(const CycleState&, const Pod&, std::vector<NodeScore>& scores) const {
  default_normalize_score(kMaxNodeScore, true, scores);
}

}  // namespace ktwin::core
