// TaintToleration filter and score.
#include "core/scheduler/plugins/taint_toleration.h"

#include "core/scheduler/plugins/helpers.h"

namespace ktwin::core {
namespace {

struct PreScoreState : StateData {
  std::vector<Toleration> prefer_no_schedule;
};

const StateKey<PreScoreState> kPreScoreKey("PreScoreTaintToleration");

// Only tolerations that can apply to PreferNoSchedule (that effect or empty) count.
std::vector<Toleration> prefer_no_schedule(const Pod& pod) {
  std::vector<Toleration> out;
  for (const Toleration& t : pod.spec.tolerations)
    if (t.effect.empty() || t.effect == "PreferNoSchedule") out.push_back(t);
  return out;
}

}  // namespace

PluginStatus TaintToleration::filter(const CycleState&, const Pod& pod, const NodeInfo& node) const {
  if (!node.has_taints) return PluginStatus::success();
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

void TaintToleration::filter_nodes(const CycleState& state, const Pod& pod, std::vector<uint32_t>& positions,
                                   const FilterRejection& reject) const {
  if (state.index().row_flag_counts().has_taints == 0) return;  // every node passes the quick test
  const NodeRow* rows = state.rows();
  keep_passing(state, positions, [&](uint32_t position) { return !rows[position].has_taints; },
               [&](const NodeInfo& node) { return filter(state, pod, node); }, reject);
}

PluginStatus TaintToleration::pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const {
  auto s = std::make_shared<PreScoreState>();
  s->prefer_no_schedule = prefer_no_schedule(pod);
  state.write(kPreScoreKey, std::move(s));
  return PluginStatus::success();
}

int64_t TaintToleration::score(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  if (!node.has_taints) return 0;
  const PreScoreState* s = state.read(kPreScoreKey);
  std::vector<Toleration> scratch;  // PreScore did not run: a plugin called on its own, as in tests
  if (s == nullptr) scratch = prefer_no_schedule(pod);
  const std::vector<Toleration>& prefer = s ? s->prefer_no_schedule : scratch;
  int64_t count = 0;
  for (const Taint& taint : node.node->spec.taints)
    if (taint.effect == "PreferNoSchedule" && !tolerations_tolerate(prefer, taint)) ++count;
  return count;
}

void TaintToleration::score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const {
  // Most nodes carry no taint and score 0 without reading the cycle state; often no node has one.
  if (state.index().row_flag_counts().has_taints == 0) {
    for (NodeScore& ns : scores) ns.score = 0;
    return;
  }
  const NodeRow* rows = state.rows();
  for (NodeScore& ns : scores) ns.score = rows[ns.position].has_taints ? score(state, pod, *ns.node) : 0;
}

std::optional<int64_t> TaintToleration::uniform_score(const CycleState& state, const Pod&) const {
  if (state.index().row_flag_counts().has_taints == 0) return kMaxNodeScore;
  return std::nullopt;
}

void TaintToleration::normalize_scores(const CycleState&, const Pod&, std::vector<NodeScore>& scores) const {
  default_normalize_score(kMaxNodeScore, true, scores);
}

}  // namespace ktwin::core
