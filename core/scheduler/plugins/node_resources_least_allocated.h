// Score (1.20 only as a plugin of its own): favours nodes with the most free cpu and memory
// (k/k 1.20 pkg/scheduler/framework/plugins/noderesources/least_allocated.go).
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

class NodeResourcesLeastAllocated : public ScorePlugin {
 public:
  static constexpr std::string_view kName = "NodeResourcesLeastAllocated";
  std::string_view name() const override { return kName; }
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
};

}  // namespace ktwin::core
