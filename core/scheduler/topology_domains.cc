// TopologyDomains: label values numbered in order of first appearance.
#include "core/scheduler/topology_domains.h"

namespace ktwin::core {

TopologyDomains::TopologyDomains(const std::vector<NodeInfo>& nodes, const std::string& key) {
  ids_.reserve(nodes.size());
  for (const NodeInfo& ni : nodes) {
    const Labels& labels = ni.node->metadata.labels;
    auto it = labels.find(key);
    if (it == labels.end()) {
      ids_.push_back(kMissing);
      any_missing_ = true;
      continue;
    }
    auto [slot, added] = by_value_.try_emplace(it->second, static_cast<int32_t>(values_.size()));
    if (added) values_.push_back(it->second);
    ids_.push_back(slot->second);
  }
}

int32_t TopologyDomains::find(const std::string& value) const {
  auto it = by_value_.find(value);
  return it == by_value_.end() ? kMissing : it->second;
}

}  // namespace ktwin::core
