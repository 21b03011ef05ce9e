// ImageLocality score.
#include "core/scheduler/plugins/image_locality.h"

#include <algorithm>

namespace ktwin::core {
namespace {

struct PreScoreState : StateData {
  std::vector<std::string> images;
};

const StateKey<PreScoreState> kPreScoreKey("PreScoreImageLocality");

}  // namespace

std::string ImageLocality::normalized_image_name(const std::string& name) {
  size_t colon = name.rfind(':');
  size_t slash = name.rfind('/');
  bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  return has_tag ? name : name + ":latest";
}

std::vector<std::string> ImageLocality::images_of(const Pod& pod) const {
  std::vector<std::string> out;
  if (minor_ >= 21)
    for (const Container& c : pod.spec.initContainers) out.push_back(normalized_image_name(c.image));
  for (const Container& c : pod.spec.containers) out.push_back(normalized_image_name(c.image));
  return out;
}

PluginStatus ImageLocality::pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const {
  auto s = std::make_shared<PreScoreState>();
  s->images = images_of(pod);
  state.write(kPreScoreKey, std::move(s));
  return PluginStatus::success();
}

int64_t ImageLocality::image_sum(const NodeInfo& node, const std::vector<std::string>& images,
                                 int64_t total_nodes) {
  int64_t sum = 0;
  for (const std::string& image : images) {
    auto it = node.image_states.find(image);
    if (it == node.image_states.end()) continue;
    // scaledImageScore: size x (nodes having the image / all nodes), truncated.
    double spread = static_cast<double>(it->second.num_nodes) / static_cast<double>(total_nodes);
    sum += static_cast<int64_t>(static_cast<double>(it->second.size) * spread);
  }
  return sum;
}

int64_t ImageLocality::scaled(int64_t sum, const Pod& pod) const {
  int64_t max_threshold = kMaxThreshold;
  if (minor_ >= 21)
    max_threshold =
        kMaxThreshold * static_cast<int64_t>(pod.spec.initContainers.size() + pod.spec.containers.size());
  sum = std::clamp(sum, kMinThreshold, std::max(kMinThreshold, max_threshold));
  if (max_threshold <= kMinThreshold) return 0;
  return kMaxNodeScore * (sum - kMinThreshold) / (max_threshold - kMinThreshold);
}

int64_t ImageLocality::score(const CycleState& state, const Pod& pod, const NodeInfo& node) const {
  const int64_t total_nodes = static_cast<int64_t>(state.all_nodes().size());
  if (total_nodes == 0) return 0;
  const PreScoreState* s = state.read(kPreScoreKey);
  std::vector<std::string> scratch;  // PreScore did not run: a plugin called on its own, as in tests
  if (s == nullptr) scratch = images_of(pod);
  const std::vector<std::string>& images = s ? s->images : scratch;
  return scaled(node.image_states.empty() ? 0 : image_sum(node, images, total_nodes), pod);
}

std::optional<int64_t> ImageLocality::uniform_score(const CycleState& state, const Pod& pod) const {
  if (state.all_nodes().empty() || state.index().row_flag_counts().has_images != 0) return std::nullopt;
  return scaled(0, pod);
}

void ImageLocality::score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const {
  const int64_t total_nodes = static_cast<int64_t>(state.all_nodes().size());
  if (total_nodes == 0) {
    for (NodeScore& ns : scores) ns.score = 0;
    return;
  }
  const PreScoreState* s = state.read(kPreScoreKey);
  std::vector<std::string> scratch;
  if (s == nullptr) scratch = images_of(pod);
  const std::vector<std::string>& images = s ? s->images : scratch;
  const int64_t without_images = scaled(0, pod);  // a node reporting no images (most, in the bench)
  if (state.index().row_flag_counts().has_images == 0) {
    for (NodeScore& ns : scores) ns.score = without_images;
    return;
  }
  const NodeRow* rows = state.rows();
  for (NodeScore& ns : scores)
    ns.score = !rows[ns.position].has_images ? without_images : scaled(image_sum(*ns.node, images, total_nodes), pod);
}

}  // namespace ktwin::core
