// ImageLocality and NodeAffinity scores, by hand.
#include "core/scheduler/plugins/image_locality.h"

#include <catch2/catch.hpp>

#include "core/scheduler/plugins/node_affinity.h"
#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;

TEST_CASE("ImageLocality scales image size by spread and clamps to 23..1000 MiB", "[scheduler][image]") {
  auto a = make_node("a", "2", "3Gi");
  auto b = make_node("b", "2", "3Gi");
  auto c = make_node("c", "2", "3Gi");
  a->status.images = {{{"mongo:latest"}, 500 * ImageLocality::kMiB}};
  b->status.images = {{{"mongo:latest"}, 500 * ImageLocality::kMiB}, {{"tiny:1"}, 10 * ImageLocality::kMiB}};
  auto nodes = make_snapshot({a, b, c}, {});
  CycleState state(nodes);
  auto pod = make_pod("db");
  pod->spec.containers[0].image = "mongo";  // normalized to mongo:latest
  ImageLocality plugin;
  // 500 MiB x 2/3 = 349525333; 100 x (349525333 - 23 MiB) / (1000 MiB - 23 MiB) = 31 (31.8).
  CHECK(plugin.score(state, *pod, nodes[0]) == 31);
  CHECK(plugin.score(state, *pod, nodes[2]) == 0);
  pod->spec.containers[0].image = "tiny:1";  // below the 23 MiB floor
  CHECK(plugin.score(state, *pod, nodes[1]) == 0);
  CHECK(ImageLocality::normalized_image_name("registry:5000/app") == "registry:5000/app:latest");
}

TEST_CASE("NodeAffinity prefers matching terms by weight and filters required terms",
          "[scheduler][affinity]") {
  auto a = make_node("a", "2", "3Gi");
  auto b = make_node("b", "2", "3Gi");
  auto c = make_node("c", "2", "3Gi");
  a->metadata.labels["disk"] = "ssd";
  a->metadata.labels["gen"] = "5";
  b->metadata.labels["gen"] = "3";
  auto nodes = make_snapshot({a, b, c}, {});
  CycleState state(nodes);
  auto pod = make_pod("db");
  NodeAffinity affinity;
  affinity.preferredDuringSchedulingIgnoredDuringExecution = {
      {80, NodeSelectorTerm{{{"disk", "In", {"ssd"}}}, {}}},
      {20, NodeSelectorTerm{{{"gen", "Gt", {"2"}}}, {}}}};
  affinity.requiredDuringSchedulingIgnoredDuringExecution =
      NodeSelector{{NodeSelectorTerm{{{"gen", "Exists", {}}}, {}}}};
  pod->spec.affinity = Affinity{affinity, {}, {}};
  NodeAffinityPlugin plugin(20);
  std::vector<NodeScore> scores;
  for (const NodeInfo& ni : nodes) scores.push_back({&ni, state.position(ni), plugin.score(state, *pod, ni)});
  CHECK(scores[0].score == 100);
  CHECK(scores[1].score == 20);
  plugin.normalize_scores(state, *pod, scores);
  CHECK(scores[0].score == 100);
  CHECK(scores[1].score == 20);  // 20 x 100 / 100
  CHECK(scores[2].score == 0);
  CHECK(plugin.filter(state, *pod, nodes[1]).is_success());
  CHECK(plugin.filter(state, *pod, nodes[2]).reasons ==
        std::vector<std::string>{"node(s) didn't match node selector"});
}
