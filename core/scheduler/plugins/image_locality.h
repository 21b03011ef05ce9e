// Score: favours nodes that already hold the pod's images, weighted by how widely each image is
// spread (k/k pkg/scheduler/framework/plugins/imagelocality/image_locality.go).
#pragma once

#include "core/scheduler/framework.h"

namespace ktwin::core {

class ImageLocality : public PreScorePlugin, public ScorePlugin {
 public:
  static constexpr std::string_view kName = "ImageLocality";
  static constexpr int64_t kMiB = 1024 * 1024;
  static constexpr int64_t kMinThreshold = 23 * kMiB;
  static constexpr int64_t kMaxThreshold = 1000 * kMiB;
  // minor < 21: containers only, upper bound 1000 MiB. Later: init containers too, and the upper
  // bound scales with the number of containers (version of that change UNCONFIRMED).
  explicit ImageLocality(int minor = 20) : minor_(minor) {}
  std::string_view name() const override { return kName; }
  // The pod's image names, normalized once per cycle instead of once per node.
  PluginStatus pre_score(CycleState& state, const Pod& pod, const std::vector<const NodeInfo*>&) const override;
  int64_t score(const CycleState& state, const Pod& pod, const NodeInfo& node) const override;
  void score_nodes(const CycleState& state, const Pod& pod, std::vector<NodeScore>& scores) const override;
  // A node without images' score when no node of the snapshot reports images.
  std::optional<int64_t> uniform_score(const CycleState& state, const Pod& pod) const override;

  // "mongo" -> "mongo:latest"; a name with a tag or a registry port is left alone.
  static std::string normalized_image_name(const std::string& name);

 private:
  // The normalized image names that count: containers' (and, from 1.21, init containers' first).
  std::vector<std::string> images_of(const Pod& pod) const;
  // sumImageScores: the node's images among `images`, each size x its spread over `total_nodes`.
  static int64_t image_sum(const NodeInfo& node, const std::vector<std::string>& images, int64_t total_nodes);
  // calculatePriority: the sum clamped to the thresholds and scaled to 0..100.
  int64_t scaled(int64_t sum, const Pod& pod) const;

  int minor_;
};

}  // namespace ktwin::core
