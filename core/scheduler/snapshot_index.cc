// SnapshotIndex: posting lists by label, kept in step with the snapshot's nodes.
#include "core/scheduler/snapshot_index.h"

#include <algorithm>

namespace ktwin::core {

SnapshotIndex::SnapshotIndex(const std::vector<NodeInfo>& nodes) : nodes_(&nodes) {
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
      remove(*old_pods[i++]);
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
}

void SnapshotIndex::remove(const Pod& pod) {
  --pods_;
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

size_t SnapshotIndex::TEST_indexed_pods() const {
  std::set<const Pod*> pods;
  for (const auto& [k, values] : by_label_)
    for (const auto& [v, postings] : values)
      for (const auto& [pod, node] : postings) pods.insert(pod);
  return pods.size();
}

}  // namespace ktwin::core
