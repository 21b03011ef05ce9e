// ImageLocality score.
#include "core/scheduler/plugins/image_locality.h"

#include <algorithm>

namespace ktwin::core {

std::string ImageLocality::normalized_image_name(const std::string& name) {
  size_t colon = name.rfind(':');
  size_t slash = name.rfind('/');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return has_tag ? name : name + ":latest";
}

int64_t ImageLocality::score(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const int64_t total_nodes = static_cast<int64_t>(state.all_nodes().size());
  if (total_nodes == 0) return 0;
  int64_t sum = 0;
  auto add = [&](const std::vector<Container>& containers) {
    for (const Container& c : containers) {
      auto it = node.image_states.find(normalized_image_name(c.image));
      if (it == node.image_states.end()) continue;
      // scaledImageScore: size x (nodes having the image / all nodes), truncated.
      double spread = static_cast<double>(it->second.num_nodes) / static_cast<double>(total_nodes);
      sum += static_cast<int64_t>(static_cast<double>(it->second.size) * spread);
    }
  };
  int64_t max_threshold = kMaxThreshold;
  if (minor_ >= 21) {
    add(pod.spec.initContainers);
    max_threshold =
        kMaxThreshold * static_cast<int64_t>(pod.spec.initContainers.size() + pod.spec.containers.size());
  }
  add(pod.spec.containers);
  sum = std::clamp(sum, kMinThreshold, std::max(kMinThreshold, max_threshold));
  if (max_threshold <= kMinThreshold) return 0;
  return kMaxNodeScore * (sum - kMinThreshold) / (max_threshold - kMinThreshold);
}

}  // namespace ktwin::core
