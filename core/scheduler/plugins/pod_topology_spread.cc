// PodTopologySpread filter and score.
#include "core/scheduler/plugins/pod_topology_spread.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <set>
#include <type_traits>

#include "core/api/service.h"
#include "core/api/workload.h"
#include "core/scheduler/plugins/helpers.h"
#include "core/scheduler/plugins/round_half_away.h"
#include "core/store/store.h"

namespace ktwin::core {
namespace {

const std::string kHostname = "kubernetes.io/hostname";

// Counts are per topology domain (TopologyDomains ids), read per node through its position.
struct FilterState : StateData {
  std::vector<PodTopologySpread::Constraint> constraints;
  // Per constraint: its key's domains, its key's slot in `count`, whether it selects the pod itself.
  std::vector<const TopologyDomains*> domains;
  std::vector<size_t> key_slot;
  std::vector<int64_t> self;
  // Per distinct key (constraints with one key share their counts, as 1.20's TpPairToMatchNum keyed by
  // (key, value) does): domain -> matching pods on eligible nodes, and the critical path minimum over
  // the domains of eligible nodes (0 when there are none).
  std::vector<std::vector<int64_t>> count;
  std::vector<int64_t> min_count;
};

struct ScoreState : StateData {
  std::vector<PodTopologySpread::Constraint> constraints;
  // By node position: feasible nodes scoring leaves out (missing a topology key it requires).
  std::vector<bool> ignored;
  std::vector<const TopologyDomains*> domains;  // per constraint
  std::vector<bool> by_host;                    // per constraint: its key is the hostname
  // Per constraint: for the hostname key, node position -> matching pods there; otherwise bucket ->
  // matching pods, a bucket being the node's domain or, for a node without the key, the domain of the
  // value "" (or one past the domains when no node has it), as the value-keyed map it replaces did.
  std::vector<std::vector<int64_t>> count;
  // Per constraint, instead of `count` when set: the SnapshotIndex's running counts of its selector,
  // per node for the hostname key, per bucket otherwise.
  std::vector<const std::vector<int32_t>*> node_counts;
  std::vector<const std::vector<int64_t>*> bucket_counts;
  std::vector<double> weight;
};

bool is_ignored(const ScoreState& s, uint32_t position) { return !s.ignored.empty() && s.ignored[position]; }

const StateKey<FilterState> kPreFilterKey("PreFilterPodTopologySpread");
const StateKey<ScoreState> kPreScoreKey("PreScorePodTopologySpread");

std::vector<const TopologyDomains*> domains_of(const CycleState& state,
                                               const std::vector<PodTopologySpread::Constraint>& cs) {
  std::vector<const TopologyDomains*> out;
  for (const auto& c : cs) out.push_back(&state.index().domains(c.topology_key));
  return out;
}

// The node carries every constraint's key.
bool has_all_keys(const std::vector<const TopologyDomains*>& domains, uint32_t node) {
  for (const TopologyDomains* d : domains)
    if (d->of(node) == TopologyDomains::kMissing) return false;
  return true;
}

// Every node passes the pod's node selector and required node affinity
// (pod_matches_node_selector_and_affinity without asking each node).
bool any_node_eligible_by_selector(const Pod& pod) {
  return pod.spec.nodeSelector.empty() &&
         !(pod.spec.affinity && pod.spec.affinity->nodeAffinity &&
           pod.spec.affinity->nodeAffinity->requiredDuringSchedulingIgnoredDuringExecution);
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
  out.reserve(2);
  out.push_back({3, kHostname, selector, false});
  out.push_back({5, "topology.kubernetes.io/zone", std::move(selector), false});
  return out;
}

PluginStatus PodTopologySpread::pre_filter(CycleState& state, const Pod& pod) const {
  auto s = std::make_shared<FilterState>();
  s->constraints = constraints_for(pod, "DoNotSchedule");
  if (!s->constraints.empty()) {
    s->domains = domains_of(state, s->constraints);
    std::vector<std::string> keys;
    for (size_t c = 0; c < s->constraints.size(); ++c) {
      const Constraint& con = s->constraints[c];
      size_t slot = std::find(keys.begin(), keys.end(), con.topology_key) - keys.begin();
      if (slot == keys.size()) {
        keys.push_back(con.topology_key);
        s->count.emplace_back(s->domains[c]->size(), 0);
      }
      s->key_slot.push_back(slot);
      s->self.push_back(selects(con, pod.metadata.labels) ? 1 : 0);
    }
    const std::vector<NodeInfo>& nodes = state.all_nodes();
    std::vector<bool> eligible(nodes.size());
    std::vector<std::vector<bool>> present;  // per key: a domain of an eligible node
    for (const auto& count : s->count) present.emplace_back(count.size(), false);
    for (uint32_t i = 0; i < nodes.size(); ++i) {
      if (!has_all_keys(s->domains, i) || !pod_matches_node_selector_and_affinity(pod, *nodes[i].node)) continue;
      eligible[i] = true;
      for (size_t c = 0; c < s->constraints.size(); ++c) present[s->key_slot[c]][s->domains[c]->of(i)] = true;
    }
    for (size_t c = 0; c < s->constraints.size(); ++c) {
      std::vector<int64_t>& count = s->count[s->key_slot[c]];
      const TopologyDomains& domains = *s->domains[c];
      for_each_matching(state, s->constraints[c], pod.metadata.namespace_, [&](uint32_t i) {
        if (eligible[i]) ++count[domains.of(i)];
      });
    }
    for (size_t k = 0; k < s->count.size(); ++k) {
      int64_t min = std::numeric_limits<int64_t>::max();
      for (size_t d = 0; d < s->count[k].size(); ++d)
        if (present[k][d]) min = std::min(min, s->count[k][d]);
      s->min_count.push_back(min == std::numeric_limits<int64_t>::max() ? 0 : min);
    }
  }
  // No DoNotSchedule constraint: Filter passes every node.
  const bool skip = s->constraints.empty();
  state.write(kPreFilterKey, s);
  return skip ? PluginStatus::skipped() : PluginStatus::success();
}

PluginStatus PodTopologySpread::filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const FilterState* s = state.read(kPreFilterKey);
  if (s == nullptr) return PluginStatus::error("PodTopologySpread: PreFilter state missing");
  const uint32_t position = state.position(node);
  for (size_t c = 0; c < s->constraints.size(); ++c) {
    int32_t domain = s->domains[c]->of(position);
    if (domain == TopologyDomains::kMissing) return PluginStatus::unresolvable(kErrReasonNodeLabelNotMatch);
    const size_t k = s->key_slot[c];
    int64_t skew = s->count[k][domain] + s->self[c] - s->min_count[k];
    if (skew > s->constraints[c].max_skew) return PluginStatus::unschedulable(kErrReasonConstraintsNotMatch);
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
    const std::vector<NodeInfo>& nodes = state.all_nodes();
    s->domains = domains_of(state, s->constraints);
    const size_t n_constraints = s->constraints.size();
    std::vector<int32_t> empty_bucket(n_constraints);  // where a node without the key counts
    std::vector<std::vector<uint8_t>> present(n_constraints);  // bytes: read and set per feasible node
    std::vector<size_t> domains(n_constraints, 0);     // buckets of feasible, not ignored nodes
    for (size_t i = 0; i < n_constraints; ++i) s->by_host.push_back(s->constraints[i].topology_key == kHostname);
    for (size_t i = 0; i < n_constraints; ++i) {
      const TopologyDomains& d = *s->domains[i];
      if (s->by_host[i]) {
        s->count.emplace_back();  // sized below unless the index's running counts serve
        continue;
      }
      int32_t empty = d.find("");
      empty_bucket[i] = empty == TopologyDomains::kMissing ? static_cast<int32_t>(d.size()) : empty;
      s->count.emplace_back(d.size() + 1, 0);
      present[i].assign(d.size() + 1, 0);
    }
    auto bucket = [&](size_t i, uint32_t node) {
      int32_t d = s->domains[i]->of(node);
      return d == TopologyDomains::kMissing ? empty_bucket[i] : d;
    };
    size_t ignored = 0;
    if (require_all) s->ignored.assign(nodes.size(), false);  // otherwise no node is ignored
    std::vector<size_t> bucketed;  // the constraints not by hostname (those are counted per node below)
    for (size_t i = 0; i < n_constraints; ++i)
      if (!s->by_host[i]) bucketed.push_back(i);
    // Once the feasible nodes have shown every bucket the snapshot's nodes fall in, the others can
    // show none new: without require_all (nothing to mark ignored) the walk stops there, after a few
    // nodes for three zones instead of every feasible node.
    size_t unseen = 0;  // bucketed constraints with a bucket not present yet
    std::vector<size_t> possible(n_constraints, 0);
    for (size_t i : bucketed) {
      const TopologyDomains& d = *s->domains[i];
      possible[i] = d.size() + (d.any_missing() && empty_bucket[i] == static_cast<int32_t>(d.size()) ? 1 : 0);
      if (possible[i] > 0) ++unseen;
    }
    if (require_all || !bucketed.empty()) {
      for (const NodeInfo* ni : feasible) {
        if (!require_all && unseen == 0) break;
        const uint32_t position = state.position(*ni);
        if (require_all && !has_all_keys(s->domains, position)) {
          s->ignored[position] = true;
          ++ignored;
          continue;
        }
        for (size_t i : bucketed) {
          auto b = bucket(i, position);
          if (!present[i][b]) {
            present[i][b] = 1;
            if (++domains[i] == possible[i]) --unseen;
          }
        }
      }
    }
    for (size_t i = 0; i < n_constraints; ++i) {
      size_t n = s->by_host[i] ? feasible.size() - ignored : domains[i];
      s->weight.push_back(std::log(static_cast<double>(n + 2)));  // topologyNormalizingWeight
    }
    // Matching pods on every node of the snapshot that passes the pod's node selector and affinity
    // (and has every key when required); for the hostname key, per node.
    // Sized on first use, -1: not decided yet. Most cycles never ask (hostname constraints only read
    // counts), and filling a byte per node of the cluster showed in the profile.
    std::vector<int8_t> eligible;
    auto is_eligible = [&](uint32_t i) {
      if (eligible.empty()) eligible.assign(nodes.size(), -1);
      if (eligible[i] < 0)
        eligible[i] = pod_matches_node_selector_and_affinity(pod, *nodes[i].node) &&
                      (!require_all || has_all_keys(s->domains, i));
      return eligible[i] == 1;
    };
    // The index's running counts replace the walk over the selector's pods: for the hostname key the
    // counts per node are those (score reads feasible nodes only); otherwise when every node is
    // eligible, the per-bucket sums over all nodes are those (score reads only the buckets of feasible
    // nodes, which are the present ones).
    const bool all_eligible = !require_all && any_node_eligible_by_selector(pod);
    s->node_counts.assign(n_constraints, nullptr);
    s->bucket_counts.assign(n_constraints, nullptr);
    const Constraint* asked = nullptr;  // the constraint last looked up, and what the index answered
    const SelectorCounts* answer = nullptr;
    for (size_t i = 0; i < n_constraints; ++i) {
      const Constraint& c = s->constraints[i];
      if (c.match_nothing || (!s->by_host[i] && !all_eligible)) continue;
      // The system defaults' two constraints share one selector: one lookup (its key built once).
      if (asked == nullptr || !(asked->selector == c.selector))
        answer = state.index().selector_counts(pod.metadata.namespace_, c.selector), asked = &c;
      const SelectorCounts* running = answer;
      if (running == nullptr) continue;
      if (s->by_host[i])
        s->node_counts[i] = &running->per_node();
      else
        s->bucket_counts[i] = &running->per_bucket(*s->domains[i]);
    }
    for (size_t i = 0; i < n_constraints; ++i) {
      const Constraint& c = s->constraints[i];
      std::vector<int64_t>& count = s->count[i];
      if (s->node_counts[i] || s->bucket_counts[i]) continue;
      if (s->by_host[i]) {
        count.assign(nodes.size(), 0);
        // score() counts a feasible, not ignored node's own pods, eligible or not: without the index,
        // only the feasible nodes are walked.
        if (!for_each_indexed(state, c, pod.metadata.namespace_, [&](uint32_t n) { ++count[n]; }))
          for (const NodeInfo* ni : feasible) {
            if (is_ignored(*s, state.position(*ni))) continue;  // score() reads no count
            int64_t k = 0;
            for (const auto& p : ni->pods) k += counts(c, pod.metadata.namespace_, *p);
            count[state.position(*ni)] = k;
          }
        continue;
      }
      if (domains[i] == 0) continue;
      for_each_matching(state, c, pod.metadata.namespace_, [&](uint32_t n) {
        if (!is_eligible(n)) return;
        auto b = bucket(i, n);
        if (present[i][b]) ++count[b];
      });
    }
  }
  // No ScheduleAnyway constraint: from 1.23 normalize_scores gives every node 0 (1.20 gives 100).
  const bool skip = s->constraints.empty() && minor_ >= 23;
  state.write(kPreScoreKey, s);
  return skip ? PluginStatus::skipped() : PluginStatus::success();
}

int64_t PodTopologySpread::score(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const ScoreState* s = state.read(kPreScoreKey);
  const uint32_t position = state.position(node);
  if (s == nullptr || s->constraints.empty() || is_ignored(*s, position)) return 0;
  double score = 0;
  for (size_t i = 0; i < s->count.size(); ++i) {  // empty when PreScore saw no feasible node
    const Constraint& c = s->constraints[i];
    int32_t domain = s->domains[i]->of(position);
    if (domain == TopologyDomains::kMissing) continue;
    int64_t count;
    if (s->by_host[i])
      count = s->node_counts[i] ? (*s->node_counts[i])[position] : s->count[i][position];
    else
      count = s->bucket_counts[i] ? (*s->bucket_counts[i])[static_cast<uint32_t>(domain)] : s->count[i][domain];
    score +=
        static_cast<double>(count) * s->weight[i] + static_cast<double>(c.max_skew - 1);  // scoreForCount
  }
  return minor_ < 23 ? static_cast<int64_t>(score) : static_cast<int64_t>(round_half_away(score));
}

void PodTopologySpread::score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const {
  const ScoreState* s = state.read(kPreScoreKey);
  if (s == nullptr || s->constraints.empty() || s->count.empty()) {
    for (NodeScore& ns : scores) ns.score = score(state, pod, *ns.node);
    return;
  }
  // score() with each constraint's counts, domains and terms looked up once per cycle.
  struct Term {
    const int32_t* domain_of;    // by node position, TopologyDomains::of
    const int32_t* node_counts;  // by node position (the hostname key, from the index)
    const int64_t* counts;       // by node position for the hostname key, else by domain
    bool by_host;
    double weight, skew;
  };
  std::vector<Term> terms;
  for (size_t i = 0; i < s->count.size(); ++i) {
    const int64_t* counts = s->bucket_counts[i] ? s->bucket_counts[i]->data() : s->count[i].data();
    terms.push_back({s->domains[i]->ids(), s->node_counts[i] ? s->node_counts[i]->data() : nullptr, counts,
                     static_cast<bool>(s->by_host[i]), s->weight[i],
                     static_cast<double>(s->constraints[i].max_skew - 1)});
  }
  // Term by term over every node, each loop with one kind of count: the sums are score()'s, each node's
  // terms added in the same order, from 0. The first term writes the running sums (no zero-fill), the
  // last rounds them into the scores (no pass of its own). The term's fields are read into locals: a
  // store to a sum may alias a double of `t`, so they were reloaded per node.
  const size_t n = scores.size();
  const bool any_ignored = !s->ignored.empty();
  const bool truncate = minor_ < 23;
  std::unique_ptr<double[]> sums(terms.size() > 1 ? new double[n] : nullptr);
  auto add_term = [&](const Term& t, auto count_of, auto first, auto last) {
    const int32_t* const domain_of = t.domain_of;
    const double weight = t.weight, skew = t.skew;
    double* const sum = sums.get();
    for (size_t i = 0; i < n; ++i) {
      const uint32_t position = scores[i].position;
      const int32_t domain = domain_of[position];
      double score = 0;
      if constexpr (!decltype(first)::value) score = sum[i];
      if (domain != TopologyDomains::kMissing)
        score += static_cast<double>(count_of(position, domain)) * weight + skew;  // scoreForCount
      if constexpr (decltype(last)::value) {
        if (any_ignored && s->ignored[position])
          scores[i].score = 0;
        else
          scores[i].score = truncate ? static_cast<int64_t>(score) : static_cast<int64_t>(round_half_away(score));
      } else {
        sum[i] = score;
      }
    }
  };
  auto add_with = [&](const Term& t, auto first, auto last) {
    const int64_t* const counts = t.counts;
    const int32_t* const node_counts = t.node_counts;
    if (!t.by_host)
      add_term(t, [&](uint32_t, int32_t domain) { return counts[domain]; }, first, last);
    else if (node_counts)
      add_term(t, [&](uint32_t position, int32_t) { return node_counts[position]; }, first, last);
    else
      add_term(t, [&](uint32_t position, int32_t) { return counts[position]; }, first, last);
  };
  using Yes = std::true_type;
  using No = std::false_type;
  if (terms.size() == 1) {
    add_with(terms[0], Yes{}, Yes{});
    return;
  }
  add_with(terms[0], Yes{}, No{});
  for (size_t k = 1; k + 1 < terms.size(); ++k) add_with(terms[k], No{}, No{});
  add_with(terms.back(), No{}, Yes{});
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
  const bool any_ignored = !s->ignored.empty();
  auto ignored = [&](const NodeScore& ns) { return any_ignored && s->ignored[ns.position]; };
  int64_t min = std::numeric_limits<int64_t>::max(), max = 0;
  for (const NodeScore& ns : scores) {
    if (ignored(ns)) continue;
    min = std::min(min, ns.score);
    max = std::max(max, ns.score);
  }
  // The normalized score takes one value per distinct raw score, and raw scores span a few dozen
  // values: each division is done once per distinct score rather than once per node.
  std::vector<int64_t> by_raw;
  if (max != 0 && min <= max && max - min < 4096) {
    by_raw.resize(static_cast<size_t>(max - min + 1));
    for (int64_t raw = min; raw <= max; ++raw)
      by_raw[static_cast<size_t>(raw - min)] = kMaxNodeScore * (max + min - raw) / max;
  }
  for (NodeScore& ns : scores) {
    if (ignored(ns))
      ns.score = 0;
    else if (max == 0)
      ns.score = kMaxNodeScore;
    else if (!by_raw.empty())
      ns.score = by_raw[static_cast<size_t>(ns.score - min)];
    else
      ns.score = kMaxNodeScore * (max + min - ns.score) / max;
  }
}

}  // namespace ktwin::core
