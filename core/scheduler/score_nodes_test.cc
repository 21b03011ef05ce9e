// ScorePlugin::score_nodes, which plugins override to read their cycle state once per cycle, gives
// every feasible node the score score() gives it, for every score plugin of the default profiles; and
// uniform_score, when a plugin gives one, is every node's normalized score.
#include <catch2/catch.hpp>

#include "core/api/workload.h"
#include "core/scheduler/profile.h"
#include "core/scheduler/test_util.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using namespace ktwin::core::testing;

TEST_CASE("score_nodes gives the scores score() gives", "[scheduler]") {
  ktwin::sim::EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  REQUIRE(store.create(web_replica_set()).is_ok());
  auto web = [](const std::string& name, const std::string& cpu, const std::string& node) {
    return web_pod(name, node, cpu, "64Mi");
  };
  // Zones with a zone-less node, images on some nodes, a PreferNoSchedule taint, uneven pods.
  std::vector<std::shared_ptr<const Node>> nodes;
  std::vector<std::shared_ptr<const Pod>> pods;
  for (int i = 0; i < 7; ++i) {
    auto n = make_node("n" + std::to_string(i), std::to_string(2 + i % 3), std::to_string(4 + i) + "Gi");
    if (i != 3) n->metadata.labels["topology.kubernetes.io/zone"] = i % 2 ? "z1" : "z2";
    if (i % 3 == 0) n->status.images.push_back({{"busybox:latest"}, 300 * 1024 * 1024});
    if (i == 5) n->spec.taints = {{"dedicated", "x", "PreferNoSchedule", std::nullopt}};
    nodes.push_back(n);
    for (int k = 0; k < i % 4; ++k)
      pods.push_back(web("w" + std::to_string(i) + "-" + std::to_string(k), "200m", n->metadata.name));
  }
  // And the same nodes without images or taints (the plugins then skip their walks).
  std::vector<std::shared_ptr<const Node>> plain_nodes;
  for (const auto& n : nodes) {
    auto copy = std::make_shared<Node>(*n);
    copy->status.images.clear();
    copy->spec.taints.clear();
    plain_nodes.push_back(copy);
  }
  const std::vector<std::vector<NodeInfo>> snapshots = {make_snapshot(nodes, pods),
                                                        make_snapshot(plain_nodes, pods)};
  auto pod = web("new", "300m", "");
  int uniform_on_plain = 0;  // plugins that gave a uniform score on the snapshot without taints or images
  for (const auto& snapshot : snapshots)
    for (const char* version : {"1.20", "1.32"}) {
      Profile profile = default_profile(version, &store);
      CycleState state(snapshot);
      std::vector<const NodeInfo*> feasible;
      for (const NodeInfo& ni : snapshot) feasible.push_back(&ni);
      for (const auto& plugin : profile.pre_filter) plugin->pre_filter(state, *pod);
      for (const auto& plugin : profile.pre_score) plugin->pre_score(state, *pod, feasible);
      for (const auto& [plugin, weight] : profile.score) {
        std::vector<NodeScore> batch;
        for (const NodeInfo* ni : feasible) batch.push_back({ni, state.position(*ni), -1});
        plugin->score_nodes(state, *pod, batch);
        std::vector<int64_t> got, want;
        for (const NodeScore& ns : batch) got.push_back(ns.score);
        for (const NodeInfo* ni : feasible) want.push_back(plugin->score(state, *pod, *ni));
        INFO(version << " " << plugin->name() << " snapshot " << &snapshot - &snapshots[0]);
        CHECK(got == want);
        if (std::optional<int64_t> uniform = plugin->uniform_score(state, *pod)) {
          plugin->normalize_scores(state, *pod, batch);
          for (const NodeScore& ns : batch) CHECK(ns.score == *uniform);
          uniform_on_plain += &snapshot == &snapshots[1];
        }
      }
    }
  CHECK(uniform_on_plain == 4);  // TaintToleration and ImageLocality, in 1.20 and 1.32
}
