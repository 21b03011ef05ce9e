// PodTopologySpread filter and score.
#include "core/scheduler/plugins/pod_topology_spread.h"

#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>

#include "core/api/service.h"
#include "core/api/workload.h"
#include "core/scheduler/plugins/helpers.h"
#include "core/store/store.h"

namespace ktwin::core {
namespace {

const std::string kHostname = "kubernetes.io/hostname";

struct FilterState : StateData {
  std::vector<PodTopologySpread::Constraint> constraints;
  std::map<std::pair<std::string, std::string>, int64_t> pair_count;  // (key, value) -> matching pods
  std::map<std::string, int64_t> min_count;                           // key -> critical path minimum
};

struct ScoreState : StateData {
  std::vector<PodTopologySpread::Constraint> constraints;
  std::set<std::string> ignored;
  std::vector<std::map<std::string, int64_t>> value_count;  // per constraint: value -> matching pods
  // Per hostname constraint: node position -> matching pods there (absent: none).
  std::vector<std::unordered_map<uint32_t, int64_t>> host_count;
  std::vector<double> weight;
};

const StateKey<FilterState> kPreFilterKey("PreFilterPodTopologySpread");
const StateKey<ScoreState> kPreScoreKey("PreScorePodTopologySpread");

bool has_all_keys(const Labels& labels, const std::vector<PodTopologySpread::Constraint>& cs) {
  for (const auto& c : cs)
    if (!labels.count(c.topology_key)) return false;
  return true;
}

bool selects(const PodTopologySpread::Constraint& c, const Labels& labels) {
  return !c.match_nothing && c.selector.matches(labels);
}

// Calls fn(node position) once for every pod of the snapshot that `c` counts (countPodsMatchSelector:
// terminating pods and other namespaces do not count, k/k #87621), found through the label index
// when the selector narrows, else by walking every node.
bool counts(const PodTopologySpread::Constraint& c, const std::string& ns, const Pod& p) {
  return !c.match_nothing && !p.metadata.deletionTimestamp && p.metadata.namespace_ == ns &&
         c.selector.matches(p.metadata.labels);
}

// Through the index only; false (nothing called) when it cannot narrow.
template <class F>
bool for_each_indexed(const CycleState& state, const PodTopologySpread::Constraint& c, const std::string& ns, F fn) {
  if (c.match_nothing) return true;
  return state.index().visit_candidates(c.selector, [&](const Pod& p, uint32_t node) {
    if (counts(c, ns, p)) fn(node);
  });
}

template <class F>
void for_each_matching(const CycleState& state, const PodTopologySpread::Constraint& c, const std::string& ns, F fn) {
  if (for_each_indexed(state, c, ns, fn)) return;
  const std::vector<NodeInfo>& nodes = state.all_nodes();
  for (uint32_t i = 0; i < nodes.size(); ++i)
    for (const auto& p : nodes[i].pods)
      if (counts(c, ns, *p)) fn(i);
}

const std::string* label_of(const Node& node, const std::string& key) {
  auto it = node.metadata.labels.find(key);
  return it == node.metadata.labels.end() ? nullptr : &it->second;
}

}  // namespace

LabelSelector PodTopologySpread::default_selector(const Pod& pod) const {
  LabelSelector out;
  if (store_ == nullptr) return out;
  for (const auto& svc : list<Service>(*store_, pod.metadata.namespace_)) {
    if (svc->spec.selector.empty()) continue;
    LabelSelector s;
    s.matchLabels = svc->spec.selector;
    if (s.matches(pod.metadata.labels))
      out.matchLabels.insert(svc->spec.selector.begin(), svc->spec.selector.end());
  }
  const OwnerReference* owner = pod.metadata.controller_ref();
  if (owner != nullptr && owner->kind == "ReplicaSet") {
    if (auto rs = find<ReplicaSet>(*store_, pod.metadata.namespace_, owner->name)) {
      for (const auto& [k, v] : rs->spec.selector.matchLabels) out.matchExpressions.push_back({k, "In", {v}});
      out.matchExpressions.insert(out.matchExpressions.end(), rs->spec.selector.matchExpressions.begin(),
                                  rs->spec.selector.matchExpressions.end());
    }
  }
  return out;
}

std::vector<PodTopologySpread::Constraint> PodTopologySpread::constraints_for(
    const Pod& pod, const std::string& action) const {
  std::vector<Constraint> out;
  if (!pod.spec.topologySpreadConstraints.empty()) {
    for (const TopologySpreadConstraint& c : pod.spec.topologySpreadConstraints) {
      if (c.whenUnsatisfiable != action) continue;
      Constraint r{c.maxSkew, c.topologyKey, c.labelSelector.value_or(LabelSelector{}),
                   !c.labelSelector.has_value()};
      out.push_back(std::move(r));
    }
    return out;
  }
  if (!system_defaulted()) {
    // common.go buildDefaultConstraints: the configured defaults with the pod's derived selector.
    LabelSelector selector;
    bool derived = false;
    for (const TopologySpreadConstraint& c : args_.defaultConstraints) {
      if (c.whenUnsatisfiable != action) continue;
      if (!derived) selector = default_selector(pod), derived = true;
      if (selector.empty()) return {};
      out.push_back({c.maxSkew, c.topologyKey, selector, false});
    }
    return out;
  }
  if (action != "ScheduleAnyway") return out;  // the system defaults are all ScheduleAnyway
  LabelSelector selector = default_selector(pod);
  if (selector.empty()) return out;
  out.push_back({3, kHostname, selector, false});
  out.push_back({5, "topology.kubernetes.io/zone", selector, false});
  return out;
}

PluginStatus PodTopologySpread::pre_filter(CycleState& state, const Pod& pod) const {
  auto s = std::make_shared<FilterState>();
  s->constraints = constraints_for(pod, "DoNotSchedule");
  if (!s->constraints.empty()) {
    const std::vector<NodeInfo>& nodes = state.all_nodes();
    std::vector<bool> eligible(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Node& node = *nodes[i].node;
      if (!pod_matches_node_selector_and_affinity(pod, node) || !has_all_keys(node.metadata.labels, s->constraints))
        continue;
      eligible[i] = true;
      for (const Constraint& c : s->constraints) s->pair_count.try_emplace({c.topology_key, *label_of(node, c.topology_key)}, 0);
    }
    for (const Constraint& c : s->constraints)
      for_each_matching(state, c, pod.metadata.namespace_, [&](uint32_t i) {
        if (eligible[i]) ++s->pair_count[{c.topology_key, *label_of(*nodes[i].node, c.topology_key)}];
      });
    for (const auto& [pair, count] : s->pair_count) {
      auto it = s->min_count.find(pair.first);
      if (it == s->min_count.end() || count < it->second) s->min_count[pair.first] = count;
    }
  }
  state.write(kPreFilterKey, s);
  return PluginStatus::success();
}

PluginStatus PodTopologySpread::filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const FilterState* s = state.read(kPreFilterKey);
  if (s == nullptr) return PluginStatus::error("PodTopologySpread: PreFilter state missing");
  for (const Constraint& c : s->constraints) {
    const std::string* value = label_of(*node.node, c.topology_key);
    if (value == nullptr) return PluginStatus::unresolvable(kErrReasonNodeLabelNotMatch);
    int64_t self = selects(c, pod.metadata.labels) ? 1 : 0;
    auto count = s->pair_count.find({c.topology_key, *value});
    auto min = s->min_count.find(c.topology_key);
    int64_t skew = (count == s->pair_count.end() ? 0 : count->second) + self -
                   (min == s->min_count.end() ? 0 : min->second);
    if (skew > c.max_skew) return PluginStatus::unschedulable(kErrReasonConstraintsNotMatch);
  }
  return PluginStatus::success();
}

PluginStatus PodTopologySpread::pre_score(CycleState& state, const Pod& pod,
                                          const std::vector<const NodeInfo*>& feasible) const {
  auto s = std::make_shared<ScoreState>();
  s->constraints = constraints_for(pod, "ScheduleAnyway");
  // From 1.23 (PR #105046) only the pod's own constraints require every topology key on a node.
  // scoring.go requireAllTopologies: also for List defaulting.
  bool require_all = minor_ < 23 || !pod.spec.topologySpreadConstraints.empty() || !system_defaulted();
  if (!s->constraints.empty() && !feasible.empty()) {
    s->value_count.resize(s->constraints.size());
    for (const NodeInfo* ni : feasible) {
      if (require_all && !has_all_keys(ni->node->metadata.labels, s->constraints)) {
        s->ignored.insert(ni->name());
        continue;
      }
      for (size_t i = 0; i < s->constraints.size(); ++i) {
        if (s->constraints[i].topology_key == kHostname) continue;  // counted per node in score()
        const std::string* v = label_of(*ni->node, s->constraints[i].topology_key);
        s->value_count[i].try_emplace(v ? *v : "", 0);
      }
    }
    for (size_t i = 0; i < s->constraints.size(); ++i) {
      size_t domains = s->constraints[i].topology_key == kHostname ? feasible.size() - s->ignored.size()
                                                                   : s->value_count[i].size();
      s->weight.push_back(std::log(static_cast<double>(domains + 2)));  // topologyNormalizingWeight
    }
    // Matching pods on every node of the snapshot that passes the pod's node selector and affinity
    // (and has every key when required); for the hostname key, per node.
    const std::vector<NodeInfo>& nodes = state.all_nodes();
    std::vector<int8_t> eligible(nodes.size(), -1);  // -1: not decided yet
    auto is_eligible = [&](uint32_t i) {
      if (eligible[i] < 0) {
        const Node& node = *nodes[i].node;
        eligible[i] = pod_matches_node_selector_and_affinity(pod, node) &&
                      (!require_all || has_all_keys(node.metadata.labels, s->constraints));
      }
      return eligible[i] == 1;
    };
    s->host_count.resize(s->constraints.size());
    for (size_t i = 0; i < s->constraints.size(); ++i) {
      const Constraint& c = s->constraints[i];
      if (c.topology_key == kHostname) {
        // score() counts a feasible, not ignored node's own pods, eligible or not: without the index,
        // only the feasible nodes are walked.
        auto& host = s->host_count[i];
        if (!for_each_indexed(state, c, pod.metadata.namespace_, [&](uint32_t n) { ++host[n]; }))
          for (const NodeInfo* ni : feasible) {
            if (!s->ignored.empty() && s->ignored.count(ni->name())) continue;  // score() reads no count
            int64_t k = 0;
            for (const auto& p : ni->pods) k += counts(c, pod.metadata.namespace_, *p);
            if (k > 0) host[state.position(*ni)] = k;
          }
        continue;
      }
      if (s->value_count[i].empty()) continue;
      for_each_matching(state, c, pod.metadata.namespace_, [&](uint32_t n) {
        if (!is_eligible(n)) return;
        const std::string* v = label_of(*nodes[n].node, c.topology_key);
        auto it = s->value_count[i].find(v ? *v : "");
        if (it != s->value_count[i].end()) ++it->second;
      });
    }
  }
  state.write(kPreScoreKey, s);
  return PluginStatus::success();
}

int64_t PodTopologySpread::score(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const ScoreState* s = state.read(kPreScoreKey);
  if (s == nullptr || s->constraints.empty() || s->ignored.count(node.name())) return 0;
  double score = 0;
  for (size_t i = 0; i < s->constraints.size(); ++i) {
    const Constraint& c = s->constraints[i];
    const std::string* v = label_of(*node.node, c.topology_key);
    if (v == nullptr) continue;
    int64_t count = 0;
    if (c.topology_key == kHostname) {
      if (i >= s->host_count.size()) continue;  // PreScore saw no feasible node
      auto it = s->host_count[i].find(state.position(node));
      if (it != s->host_count[i].end()) count = it->second;
    } else {
      count = s->value_count[i].at(*v);
    }
    score +=
        static_cast<double>(count) * s->weight[i] + static_cast<double>(c.max_skew - 1);  // scoreForCount
  }
  return minor_ < 23 ? static_cast<int64_t>(score) : static_cast<int64_t>(std::round(score));
}

void PodTopologySpread::normalize_scores(const CycleState& state, const Pod& pod,
                                         std::vector<NodeScore>& scores) const {
  const ScoreState* s = state.read(kPreScoreKey);
  if (s == nullptr) return;
  // Without constraints, 1.20 still normalizes: every raw score is 0, so every node gets 100. Later
  // releases skip the plugin (PreScore returns Skip), leaving 0.
  if (s->constraints.empty() && minor_ >= 23) {
    for (NodeScore& ns : scores) ns.score = 0;
    return;
  }
  int64_t min = std::numeric_limits<int64_t>::max(), max = 0;
  for (const NodeScore& ns : scores) {
    if (s->ignored.count(ns.name)) continue;
    min = std::min(min, ns.score);
    max = std::max(max, ns.score);
  }
  for (NodeScore& ns : scores) {
    if (s->ignored.count(ns.name))
      ns.score = 0;
    else if (max == 0)
      ns.score = kMaxNodeScore;
    else
      ns.score = kMaxNodeScore * (max + min - ns.score) / max;
  }
}

}  // namespace ktwin::core
