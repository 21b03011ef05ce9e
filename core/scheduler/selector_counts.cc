// SelectorCounts: per-node and per-domain counts of one selector's pods.
#include "core/scheduler/selector_counts.h"

namespace ktwin::core {

SelectorCounts::SelectorCounts(std::string ns, LabelSelector selector, size_t nodes)
    : ns_(std::move(ns)), selector_(std::move(selector)), per_node_(nodes, 0) {}

bool SelectorCounts::counts(const Pod& pod) const {
  return !pod.metadata.deletionTimestamp && pod.metadata.namespace_ == ns_ && selector_.matches(pod.metadata.labels);
}

void SelectorCounts::change(const Pod& pod, uint32_t node, int32_t delta) {
  if (!counts(pod)) return;
  per_node_[node] += delta;
  for (Sums& s : sums_) s.by_bucket[s.bucket(node)] += delta;
}

const std::vector<int64_t>& SelectorCounts::per_bucket(const TopologyDomains& domains) const {
  for (const Sums& s : sums_)
    if (s.domains == &domains) return s.by_bucket;
  int32_t empty = domains.find("");
  Sums s{&domains, empty == TopologyDomains::kMissing ? static_cast<int32_t>(domains.size()) : empty,
         std::vector<int64_t>(domains.size() + 1, 0)};
  for (uint32_t n = 0; n < per_node_.size(); ++n)
    if (per_node_[n] != 0) s.by_bucket[s.bucket(n)] += per_node_[n];
  sums_.push_back(std::move(s));
  return sums_.back().by_bucket;
}

}  // namespace ktwin::core
