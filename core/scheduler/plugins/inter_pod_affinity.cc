// InterPodAffinity filter and score.
#include "core/scheduler/plugins/inter_pod_affinity.h"

#include <algorithm>
#include <map>

#include "core/scheduler/plugins/pod_affinity_terms.h"

namespace ktwin::core {
namespace {

using TopologyPair = std::pair<std::string, std::string>;  // (key, value)
using TopologyCounts = std::map<TopologyPair, int64_t>;

struct PreFilterState : StateData {
  PodAffinityTerms terms;
  TopologyCounts affinity, anti_affinity, existing_anti_affinity;
};

struct PreScoreState : StateData {
  std::map<std::string, std::map<std::string, int64_t>> topology_score;  // key -> value -> score
};

const StateKey<PreFilterState> kPreFilterKey("PreFilterInterPodAffinity");
const StateKey<PreScoreState> kPreScoreKey("PreScoreInterPodAffinity");

const std::string* label(const Node& node, const std::string& key) {
  auto it = node.metadata.labels.find(key);
  return it == node.metadata.labels.end() ? nullptr : &it->second;
}

// filtering.go updateWithAffinityTerms: counted once per term when `pod` matches ALL terms.
void add_affinity(TopologyCounts& m, const Pod& pod, const Node& node, const std::vector<AffinityTerm>& terms) {
  if (!matches_all_terms(terms, pod)) return;
  for (const AffinityTerm& t : terms)
    if (const std::string* v = label(node, t.topology_key)) ++m[{t.topology_key, *v}];
}

// filtering.go updateWithAntiAffinityTerms: counted per term that `pod` matches.
void add_anti_affinity(TopologyCounts& m, const Pod& pod, const Node& node, const std::vector<AffinityTerm>& terms) {
  for (const AffinityTerm& t : terms)
    if (term_matches(t, pod))
      if (const std::string* v = label(node, t.topology_key)) ++m[{t.topology_key, *v}];
}

int64_t count(const TopologyCounts& m, const std::string& key, const std::string& value) {
  auto it = m.find({key, value});
  return it == m.end() ? 0 : it->second;
}

// filtering.go satisfyPodAffinity, with the "first pod of a self-affine series" exception.
bool satisfy_affinity(const PreFilterState& s, const Pod& pod, const Node& node) {
  bool pods_exist = true;
  for (const AffinityTerm& t : s.terms.required_affinity) {
    const std::string* v = label(node, t.topology_key);
    if (!v) return false;  // all topology labels must exist on the node
    if (count(s.affinity, t.topology_key, *v) <= 0) pods_exist = false;
  }
  if (pods_exist) return true;
  return s.affinity.empty() && matches_all_terms(s.terms.required_affinity, pod);
}

bool satisfy_anti_affinity(const PreFilterState& s, const Node& node) {
  for (const AffinityTerm& t : s.terms.required_anti_affinity)
    if (const std::string* v = label(node, t.topology_key))
      if (count(s.anti_affinity, t.topology_key, *v) > 0) return false;
  return true;
}

bool satisfy_existing_anti_affinity(const PreFilterState& s, const Node& node) {
  if (s.existing_anti_affinity.empty()) return true;
  for (const auto& [k, v] : node.metadata.labels)
    if (count(s.existing_anti_affinity, k, v) > 0) return false;
  return true;
}

// scoring.go processTerm: every node sharing the fixed node's topology value gains weight x multiplier.
void process_terms(PreScoreState& s, const std::vector<AffinityTerm>& terms, const Pod& pod, const Node& fixed,
                   int64_t multiplier, int32_t weight_override = 0) {
  for (const AffinityTerm& t : terms) {
    if (!term_matches(t, pod)) continue;
    if (const std::string* v = label(fixed, t.topology_key))
      s.topology_score[t.topology_key][*v] += (weight_override > 0 ? weight_override : t.weight) * multiplier;
  }
}

}  // namespace

const PodAffinityTerms& InterPodAffinity::terms_of(const std::shared_ptr<const Pod>& pod) const {
  auto it = cache_.find(pod.get());
  if (it != cache_.end() && it->second.pod.lock() == pod) return it->second.terms;
  if (cache_.size() >= prune_at_) {
    std::erase_if(cache_, [](const auto& entry) { return entry.second.pod.expired(); });
    prune_at_ = std::max<size_t>(1024, 2 * cache_.size());
  }
  CachedTerms& slot = cache_[pod.get()];
  slot.pod = pod;
  slot.terms = pod_affinity_terms(*pod);
  return slot.terms;
}

PluginStatus InterPodAffinity::pre_filter(CycleState& state, const Pod& pod) const {
  auto s = std::make_shared<PreFilterState>();
  s->terms = pod_affinity_terms(pod);
  const bool incoming = !s->terms.required_affinity.empty() || !s->terms.required_anti_affinity.empty();
  const std::vector<NodeInfo>& nodes = state.all_nodes();
  if (!incoming) {
    // Only existing pods with affinity can contribute: walk just the nodes holding them.
    for (uint32_t i : state.index().nodes_with_affinity())
      for (const auto& existing : nodes[i].pods_with_affinity)
        add_anti_affinity(s->existing_anti_affinity, pod, *nodes[i].node, terms_of(existing).required_anti_affinity);
  } else {
    for (const NodeInfo& ni : nodes) {
      for (const auto& existing : ni.pods) {
        // getTPMapMatchingExistingAntiAffinity: existing pods' required anti-affinity against `pod`.
        if (has_pod_affinity(*existing)) {
          const PodAffinityTerms& theirs = terms_of(existing);
          add_anti_affinity(s->existing_anti_affinity, pod, *ni.node, theirs.required_anti_affinity);
        }
        // getTPMapMatchingIncomingAffinityAntiAffinity: existing pods matching `pod`'s required terms.
        add_affinity(s->affinity, *existing, *ni.node, s->terms.required_affinity);
        add_anti_affinity(s->anti_affinity, *existing, *ni.node, s->terms.required_anti_affinity);
      }
    }
  }
  // Nothing to satisfy either way: Filter passes every node.
  const bool skip = !incoming && s->existing_anti_affinity.empty();
  state.write(kPreFilterKey, s);
  return skip ? PluginStatus::skipped() : PluginStatus::success();
}

PluginStatus InterPodAffinity::filter(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const PreFilterState* s = state.read(kPreFilterKey);
  if (s == nullptr) return PluginStatus::error("InterPodAffinity: PreFilter state missing");
  // 1.20 and 1.21 report the generic reason and the specific one; k/k PR #102518 (merged June 2021,
  // 1.22) dropped the generic one.
  auto status = [&](PluginStatus::Code code, const char* reason) {
    PluginStatus st{code, {}};
    if (minor_ < 22) st.reasons.push_back(kErrReasonAffinityNotMatch);
    st.reasons.push_back(reason);
    return st;
  };
  if (!satisfy_affinity(*s, pod, *node.node))
    return status(PluginStatus::Code::kUnschedulableAndUnresolvable, kErrReasonAffinityRulesNotMatch);
  if (!satisfy_anti_affinity(*s, *node.node))
    return status(PluginStatus::Code::kUnschedulable, kErrReasonAntiAffinityRulesNotMatch);
  if (!satisfy_existing_anti_affinity(*s, *node.node))
    return status(PluginStatus::Code::kUnschedulable, kErrReasonExistingAntiAffinityRulesNotMatch);
  return PluginStatus::success();
}

PluginStatus InterPodAffinity::pre_score(CycleState& state, const Pod& pod,
                                         const std::vector<const NodeInfo*>&) const {
  auto s = std::make_shared<PreScoreState>();
  PodAffinityTerms mine = pod_affinity_terms(pod);
  const bool has_constraints = has_pod_affinity(pod);
  // scoring.go PreScore: every node of the snapshot, feasible or not; without constraints of its
  // own only the pods with affinity can contribute.
  auto process = [&](const Node& fixed, const std::shared_ptr<const Pod>& existing, bool with_affinity) {
    // processExistingPod, in its order.
    process_terms(*s, mine.preferred_affinity, *existing, fixed, 1);
    process_terms(*s, mine.preferred_anti_affinity, *existing, fixed, -1);
    if (!with_affinity) return;
    const PodAffinityTerms& theirs = terms_of(existing);
    if (hard_weight_ > 0) process_terms(*s, theirs.required_affinity, pod, fixed, 1, hard_weight_);
    process_terms(*s, theirs.preferred_affinity, pod, fixed, 1);
    process_terms(*s, theirs.preferred_anti_affinity, pod, fixed, -1);
  };
  const std::vector<NodeInfo>& nodes = state.all_nodes();
  if (!has_constraints) {
    for (uint32_t i : state.index().nodes_with_affinity())
      for (const auto& existing : nodes[i].pods_with_affinity) process(*nodes[i].node, existing, true);
  } else {
    for (const NodeInfo& ni : nodes)
      for (const auto& existing : ni.pods) process(*ni.node, existing, has_pod_affinity(*existing));
  }
  // No topology scores: every node scores 0, and normalize_scores leaves them so.
  const bool skip = s->topology_score.empty();
  state.write(kPreScoreKey, s);
  return skip ? PluginStatus::skipped() : PluginStatus::success();
}

int64_t InterPodAffinity::score(const CycleState& state, const Pod&, const NodeInfo& node) const {
  const PreScoreState* s = state.read(kPreScoreKey);
  if (s == nullptr) return 0;
  int64_t total = 0;
  for (const auto& [key, values] : s->topology_score)
    if (const std::string* v = label(*node.node, key))
      if (auto it = values.find(*v); it != values.end()) total += it->second;
  return total;
}

void InterPodAffinity::normalize_scores(const CycleState& state, const Pod&, std::vector<NodeScore>& scores) const {
  const PreScoreState* s = state.read(kPreScoreKey);
  if (s == nullptr || s->topology_score.empty() || scores.empty()) return;
  // 1.20 starts max and min at 0 (so min <= 0 <= max); later releases use the true extremes
  // (scoring.go NormalizeScore; the release that switched is UNCONFIRMED, 1.22 assumed).
  int64_t max_count = minor_ < 22 ? 0 : scores.front().score;
  int64_t min_count = max_count;
  for (const NodeScore& n : scores) {
    max_count = std::max(max_count, n.score);
    min_count = std::min(min_count, n.score);
  }
  const int64_t diff = max_count - min_count;
  for (NodeScore& n : scores) {
    double f = 0;
    if (diff > 0) f = static_cast<double>(kMaxNodeScore) * (static_cast<double>(n.score - min_count) / static_cast<double>(diff));
    n.score = static_cast<int64_t>(f);
  }
}

}  // namespace ktwin::core
