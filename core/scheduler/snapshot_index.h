// Indexes over a scheduler snapshot, so that a plugin's per-cycle count over every node costs what
// the matching pods cost, not what the cluster costs: the snapshot's pods by label, and the nodes
// holding pods with (anti-)affinity (k/k framework.Snapshot HavePodsWithAffinityNodeInfoList), and the
// nodes' topology domains per label key.
// The answers are those of a full walk; only the work differs.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/scheduler/node_info.h"
#include "core/scheduler/node_row.h"
#include "core/scheduler/selector_counts.h"
#include "core/scheduler/topology_domains.h"

namespace ktwin::core {

class SnapshotIndex {
 public:
  SnapshotIndex() = default;
  // Indexes every pod of `nodes`; positions are indexes into `nodes`, which must outlive this (its
  // elements may change: see node_labels_changed).
  explicit SnapshotIndex(const std::vector<NodeInfo>& nodes);

  // Node `node`'s pods went from `before` to `after` (the pods themselves must still be alive).
  void replace_pods(uint32_t node, const std::vector<std::shared_ptr<const Pod>>& before,
                    const NodeInfo& after);
  // `pod` was added to node `node` (an assumed pod).
  void add_pod(uint32_t node, const Pod& pod, bool node_has_affinity);

  // A node of the snapshot now carries different labels: the domains are resolved again when next asked.
  void node_labels_changed();

  // Node `position`'s hot fields (NodeRow), as of the last refresh_row for it (or construction).
  const NodeRow& row(uint32_t position) const { return rows_[position]; }
  const NodeRow* rows() const { return rows_.data(); }
  // How many of the rows carry each flag.
  const NodeRowFlagCounts& row_flag_counts() const { return row_flags_; }
  // Copies node `position`'s fields again, after its NodeInfo changed.
  void refresh_row(uint32_t position) {
    row_flags_.count(rows_[position], -1);
    rows_[position] = row_of((*nodes_)[position]);
    row_flags_.count(rows_[position], 1);
  }
  // The snapshot's nodes grouped by their value of label `key`, resolved once until labels change.
  const TopologyDomains& domains(const std::string& key) const;

  // Positions of the nodes with at least one pod with pod (anti-)affinity, ascending.
  const std::set<uint32_t>& nodes_with_affinity() const { return with_affinity_; }

  // Calls fn(pod, node position) for every indexed pod that carries the labels one of the
  // selector's equality requirements (matchLabels, or In) asks for: a superset of the pods
  // `selector` matches, in no particular order. Returns false, calling nothing, when the selector has
  // no such requirement, or when its narrowest one still offers more than a quarter of the pods
  // (walking the nodes' contiguous lists is then cheaper): the caller must walk the nodes.
  template <class F>
  bool visit_candidates(const LabelSelector& selector, F&& fn) const;

  // The counts of the pods `selector` matches in namespace `ns` (SelectorCounts::counts), per node
  // and per domain, kept from cycle to cycle as pods come and go. Null when the selector has no
  // equality requirement (matchLabels, or In) to hear of its pods through. Valid until the next change
  // to the index or trim_selector_counts().
  const SelectorCounts* selector_counts(const std::string& ns, const LabelSelector& selector) const;
  // Between cycles: drops every SelectorCounts once they hold more than kMaxCountedEntries counts
  // (ReplicaSets come and go; the counts are rebuilt when next asked).
  void trim_selector_counts();
  static constexpr size_t kMaxCountedEntries = 16 << 20;  // 64 MiB of per-node counts

  size_t TEST_indexed_pods() const;

 private:
  using Postings = std::unordered_map<const Pod*, uint32_t>;  // pod -> node position
  using Values = std::unordered_map<std::string, Postings>;
  void add(const Pod& pod, uint32_t node);
  void remove(const Pod& pod, uint32_t node);
  // Tells the SelectorCounts listening on one of `pod`'s labels that it joined (+1) or left (-1) `node`.
  void notify_counts(const Pod& pod, uint32_t node, int delta);
  const Postings* postings(const std::string& key, const std::string& value) const;

  std::unordered_map<std::string, Values> by_label_;  // key -> value -> pods
  std::set<uint32_t> with_affinity_;
  size_t pods_ = 0;  // indexed pods, labelled or not
  const std::vector<NodeInfo>* nodes_ = nullptr;  // null: an index of no nodes
  std::vector<NodeRow> rows_;                     // by node position
  NodeRowFlagCounts row_flags_;                   // over rows_
  mutable std::unordered_map<std::string, std::unique_ptr<TopologyDomains>> domains_;
  // SelectorCounts by namespace and selector (selector_counts_key), and who listens on which label:
  // each listens on the values of one equality requirement, so a pod reaches it at most once.
  mutable std::unordered_map<std::string, std::unique_ptr<SelectorCounts>> selector_counts_;
  mutable std::unordered_map<std::string, std::unordered_map<std::string, std::vector<SelectorCounts*>>> listeners_;
};

template <class F>
bool SnapshotIndex::visit_candidates(const LabelSelector& selector, F&& fn) const {
  // The narrowest requirement: one posting list (matchLabels) or the union of a few (In).
  size_t best = SIZE_MAX;
  const std::string* best_key = nullptr;
  const std::vector<std::string>* best_values = nullptr;
  const std::string* best_value = nullptr;
  for (const auto& [k, v] : selector.matchLabels) {
    const Postings* p = postings(k, v);
    size_t n = p ? p->size() : 0;
    if (n < best) best = n, best_key = &k, best_value = &v, best_values = nullptr;
  }
  for (const LabelSelectorRequirement& r : selector.matchExpressions) {
    if (r.operator_ != "In") continue;
    size_t n = 0;
    for (const std::string& v : r.values)
      if (const Postings* p = postings(r.key, v)) n += p->size();
    if (n < best) best = n, best_key = &r.key, best_values = &r.values, best_value = nullptr;
  }
  if (best_key == nullptr || best > pods_ / 4) return false;
  auto visit = [&](const std::string& value) {
    if (const Postings* p = postings(*best_key, value))
      for (const auto& [pod, node] : *p) fn(*pod, node);
  };
  if (best_value) {
    visit(*best_value);
  } else if (best_values->size() == 1) {
    visit(best_values->front());
  } else {
    std::set<std::string> seen;  // "In (a, a)" names a value twice; its pods count once
    for (const std::string& v : *best_values)
      if (seen.insert(v).second) visit(v);
  }
  return true;
}

}  // namespace ktwin::core
