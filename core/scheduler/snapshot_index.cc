// SnapshotIndex: posting lists by label, kept in step with the snapshot's nodes.
#include "core/scheduler/snapshot_index.h"

#include <algorithm>

namespace ktwin::core {

SnapshotIndex::SnapshotIndex(const std::vector<NodeInfo>& nodes) : nodes_(&nodes) {
  rows_.reserve(nodes.size());
  for (const NodeInfo& ni : nodes) {
    rows_.push_back(row_of(ni));
    row_flags_.count(rows_.back(), 1);
  }
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    for (const auto& pod : nodes[i].pods) add(*pod, i);
    if (!nodes[i].pods_with_affinity.empty()) with_affinity_.insert(i);
  }
}

void SnapshotIndex::replace_pods(uint32_t node, const std::vector<std::shared_ptr<const Pod>>& before,
                                 const NodeInfo& after) {
  // Most of a node's pods are the same objects before and after: only the difference is touched.
  std::vector<const Pod*> old_pods, new_pods;
  for (const auto& p : before) old_pods.push_back(p.get());
  for (const auto& p : after.pods) new_pods.push_back(p.get());
  std::sort(old_pods.begin(), old_pods.end());
  std::sort(new_pods.begin(), new_pods.end());
  size_t i = 0, j = 0;
  while (i < old_pods.size() || j < new_pods.size()) {
    if (j == new_pods.size() || (i < old_pods.size() && old_pods[i] < new_pods[j])) {
      remove(*old_pods[i++], node);
    } else if (i == old_pods.size() || new_pods[j] < old_pods[i]) {
      add(*new_pods[j++], node);
    } else {
      ++i, ++j;
    }
  }
  if (after.pods_with_affinity.empty())
    with_affinity_.erase(node);
  else
    with_affinity_.insert(node);
}

void SnapshotIndex::add_pod(uint32_t node, const Pod& pod, bool node_has_affinity) {
  add(pod, node);
  if (node_has_affinity) with_affinity_.insert(node);
}

void SnapshotIndex::add(const Pod& pod, uint32_t node) {
  ++pods_;
  for (const auto& [k, v] : pod.metadata.labels) by_label_[k][v][&pod] = node;
  notify_counts(pod, node, 1);
}

void SnapshotIndex::remove(const Pod& pod, uint32_t node) {
  --pods_;
  notify_counts(pod, node, -1);
  for (const auto& [k, v] : pod.metadata.labels) {
    auto key = by_label_.find(k);
    if (key == by_label_.end()) continue;
    auto value = key->second.find(v);
    if (value == key->second.end()) continue;
    value->second.erase(&pod);
    if (value->second.empty()) key->second.erase(value);  // values such as pod-template-hash come and go
    if (key->second.empty()) by_label_.erase(key);
  }
}

const SnapshotIndex::Postings* SnapshotIndex::postings(const std::string& key, const std::string& value) const {
  auto k = by_label_.find(key);
  if (k == by_label_.end()) return nullptr;
  auto v = k->second.find(value);
  return v == k->second.end() ? nullptr : &v->second;
}

const TopologyDomains& SnapshotIndex::domains(const std::string& key) const {
  std::unique_ptr<TopologyDomains>& slot = domains_[key];
  if (!slot) {
    static const std::vector<NodeInfo> kNoNodes;
    slot = std::make_unique<TopologyDomains>(nodes_ ? *nodes_ : kNoNodes, key);
  }
  return *slot;
}

void SnapshotIndex::node_labels_changed() {
  for (auto& [key, counts] : selector_counts_) counts->forget_domains();  // they point into domains_
  domains_.clear();
}

void SnapshotIndex::notify_counts(const Pod& pod, uint32_t node, int delta) {
  if (listeners_.empty()) return;
  for (const auto& [k, v] : pod.metadata.labels) {
    auto key = listeners_.find(k);
    if (key == listeners_.end()) continue;
    auto value = key->second.find(v);
    if (value == key->second.end()) continue;
    for (SelectorCounts* counts : value->second)
      delta > 0 ? counts->add(pod, node) : counts->remove(pod, node);
  }
}

namespace {

// Namespace and selector as one string; the SelectorCounts found under it is checked against both.
std::string selector_counts_key(const std::string& ns, const LabelSelector& selector) {
  std::string key = ns;
  for (const auto& [k, v] : selector.matchLabels) key.append("\x1f").append(k).append("=").append(v);
  for (const LabelSelectorRequirement& r : selector.matchExpressions) {
    key.append("\x1e").append(r.key).append(" ").append(r.operator_);
    for (const std::string& v : r.values) key.append("\x1d").append(v);
  }
  return key;
}

}  // namespace

const SelectorCounts* SnapshotIndex::selector_counts(const std::string& ns, const LabelSelector& selector) const {
  std::string key = selector_counts_key(ns, selector);
  if (auto it = selector_counts_.find(key); it != selector_counts_.end()) {
    const SelectorCounts& found = *it->second;
    return found.ns() == ns && found.selector() == selector ? &found : nullptr;
  }
  // Listen on the narrowest equality requirement, as visit_candidates narrows.
  size_t best = SIZE_MAX;
  const std::string* best_key = nullptr;
  std::vector<std::string> best_values;
  for (const auto& [k, v] : selector.matchLabels) {
    const Postings* p = postings(k, v);
    size_t n = p ? p->size() : 0;
    if (n < best) best = n, best_key = &k, best_values = {v};
  }
  for (const LabelSelectorRequirement& r : selector.matchExpressions) {
    if (r.operator_ != "In") continue;
    std::set<std::string> values(r.values.begin(), r.values.end());  // "In (a, a)": a's pods once
    size_t n = 0;
    for (const std::string& v : values)
      if (const Postings* p = postings(r.key, v)) n += p->size();
    if (n < best) best = n, best_key = &r.key, best_values.assign(values.begin(), values.end());
  }
  if (best_key == nullptr) return nullptr;
  auto counts = std::make_unique<SelectorCounts>(ns, selector, nodes_ ? nodes_->size() : 0);
  for (const std::string& v : best_values) {
    if (const Postings* p = postings(*best_key, v))
      for (const auto& [pod, node] : *p) counts->add(*pod, node);
    listeners_[*best_key][v].push_back(counts.get());
  }
  return selector_counts_.emplace(std::move(key), std::move(counts)).first->second.get();
}

void SnapshotIndex::trim_selector_counts() {
  const size_t per = nodes_ ? std::max<size_t>(nodes_->size(), 1) : 1;
  if (selector_counts_.size() * per <= kMaxCountedEntries) return;
  listeners_.clear();
  selector_counts_.clear();
}

size_t SnapshotIndex::TEST_indexed_pods() const {
  std::set<const Pod*> pods;
  for (const auto& [k, values] : by_label_)
    for (const auto& [v, postings] : values)
      for (const auto& [pod, node] : postings) pods.insert(pod);
  return pods.size();
}

}  // namespace ktwin::core
