// The snapshot's nodes grouped by the value of one topology label key ("topology.kubernetes.io/zone",
// "kubernetes.io/hostname"), each value a small integer, so that a plugin counting pods per domain
// indexes vectors per node instead of looking the label up in every node's label map, with a string
// compare per step, on every node of every cycle.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/scheduler/node_info.h"

namespace ktwin::core {

class TopologyDomains {
 public:
  static constexpr int32_t kMissing = -1;

  // Resolves `key` on every node of `nodes`; positions are indexes into `nodes`.
  TopologyDomains(const std::vector<NodeInfo>& nodes, const std::string& key);

  // The domain of node `position`: 0 .. size() - 1, or kMissing when the node lacks the label.
  int32_t of(uint32_t position) const { return ids_[position]; }
  // of() for every position, as one array.
  const int32_t* ids() const { return ids_.data(); }
  // How many distinct values the nodes carry.
  size_t size() const { return values_.size(); }
  const std::string& value(int32_t id) const { return values_[static_cast<size_t>(id)]; }
  // The domain whose value is `value`, or kMissing.
  int32_t find(const std::string& value) const;
  // Some node lacks the label.
  bool any_missing() const { return any_missing_; }

 private:
  bool any_missing_ = false;
  std::vector<int32_t> ids_;
  std::vector<std::string> values_;
  std::unordered_map<std::string, int32_t> by_value_;
};

}  // namespace ktwin::core
