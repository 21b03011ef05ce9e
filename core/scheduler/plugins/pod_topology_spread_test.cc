// PodTopologySpread: the 1.20 "ignore nodes missing a topology key" rule, the later hostname
// spreading under system defaults, and DoNotSchedule skew.
#include "core/scheduler/plugins/pod_topology_spread.h"

#include <catch2/catch.hpp>

#include "core/api/workload.h"
#include "core/scheduler/test_util.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;
using ktwin::core::testing::web_pod;
using ktwin::core::testing::web_replica_set;

namespace {

std::vector<int64_t> scores_of(const PodTopologySpread& plugin, const Pod& pod,
                               const std::vector<NodeInfo>& nodes) {
  CycleState state(nodes);
  std::vector<const NodeInfo*> feasible;
  for (const NodeInfo& ni : nodes) feasible.push_back(&ni);
  plugin.pre_score(state, pod, feasible);
  std::vector<NodeScore> scores;
  for (const NodeInfo& ni : nodes) scores.push_back({&ni, state.position(ni), plugin.score(state, pod, ni)});
  plugin.normalize_scores(state, pod, scores);
  std::vector<int64_t> out;
  for (const NodeScore& s : scores) out.push_back(s.score);
  return out;
}

}  // namespace

TEST_CASE("system default spreading: off on zone-less nodes in 1.20, by hostname from 1.23",
          "[scheduler][spread]") {
  ktwin::sim::EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  REQUIRE(store.create(web_replica_set()).is_ok());
  // a holds 2 replicas, b 1, c none; no node has topology.kubernetes.io/zone (as on k3s).
  auto nodes =
      make_snapshot({make_node("a", "2", "3Gi"), make_node("b", "2", "3Gi"), make_node("c", "2", "3Gi")},
                    {web_pod("w1", "a"), web_pod("w2", "a"), web_pod("w3", "b")});
  auto pod = web_pod("new");
  // 1.20: every node misses the zone key, so every node is ignored and scores 0.
  CHECK(scores_of(PodTopologySpread(&store, 20), *pod, nodes) == std::vector<int64_t>{0, 0, 0});
  // 1.32: hostname weight ln(3 + 2) = 1.609; raw = count x 1.609 + (3 - 1), rounded: a 5, b 4, c 2.
  // Normalized 100 x (max + min - raw) / max with max 5, min 2: a 40, b 60, c 100.
  CHECK(scores_of(PodTopologySpread(&store, 32), *pod, nodes) == std::vector<int64_t>{40, 60, 100});
  // No owner and no Service: no default constraints. 1.20 still normalizes to 100; 1.32 skips (0).
  auto lone = make_pod("lone");
  CHECK(scores_of(PodTopologySpread(&store, 20), *lone, nodes) == std::vector<int64_t>{100, 100, 100});
  CHECK(scores_of(PodTopologySpread(&store, 32), *lone, nodes) == std::vector<int64_t>{0, 0, 0});

  SECTION("pluginConfig defaultingType List replaces the system defaults") {
    PodTopologySpreadArgs list;
    list.defaultingType = "List";
    // No default constraints at all: no spreading from this plugin.
    CHECK(scores_of(PodTopologySpread(&store, 32, list), *pod, nodes) == std::vector<int64_t>{0, 0, 0});
    // ScheduleAnyway by hostname, maxSkew 1: raw = count x ln(5) + 0, rounded: a 3, b 2, c 0;
    // 100 x (3 + 0 - raw) / 3: a 0, b 33, c 100.
    list.defaultConstraints = {{1, "kubernetes.io/hostname", "ScheduleAnyway", std::nullopt}};
    CHECK(scores_of(PodTopologySpread(&store, 32, list), *pod, nodes) == std::vector<int64_t>{0, 33, 100});
    // DoNotSchedule defaults filter with the pod's derived selector: skew a 3, b 2, c 1.
    list.defaultConstraints = {{1, "kubernetes.io/hostname", "DoNotSchedule", std::nullopt}};
    PodTopologySpread plugin(&store, 32, list);
    CycleState state(nodes);
    REQUIRE(plugin.pre_filter(state, *pod).is_success());
    CHECK_FALSE(plugin.filter(state, *pod, nodes[0]).is_success());
    CHECK_FALSE(plugin.filter(state, *pod, nodes[1]).is_success());
    CHECK(plugin.filter(state, *pod, nodes[2]).is_success());
  }
}

TEST_CASE("DoNotSchedule constraints filter on skew and on missing topology keys", "[scheduler][spread]") {
  auto zoneless = make_node("d", "2", "3Gi");
  zoneless->metadata.labels.erase("kubernetes.io/hostname");
  auto nodes = make_snapshot(
      {make_node("a", "2", "3Gi"), make_node("b", "2", "3Gi"), make_node("c", "2", "3Gi"), zoneless},
      {web_pod("w1", "a"), web_pod("w2", "a"), web_pod("w3", "b")});
  auto pod = web_pod("new");
  TopologySpreadConstraint c;
  c.maxSkew = 1;
  c.topologyKey = "kubernetes.io/hostname";
  c.whenUnsatisfiable = "DoNotSchedule";
  c.labelSelector = LabelSelector{{{"app", "web"}}, {}};
  pod->spec.topologySpreadConstraints.push_back(c);
  PodTopologySpread plugin(nullptr, 20);
  CycleState state(nodes);
  REQUIRE(plugin.pre_filter(state, *pod).is_success());
  // min over a, b, c is 0 (c); skew = count + 1 - 0.
  CHECK(plugin.filter(state, *pod, nodes[0]).reasons ==
        std::vector<std::string>{"node(s) didn't match pod topology spread constraints"});  // 3 > 1
  CHECK_FALSE(plugin.filter(state, *pod, nodes[1]).is_success());                           // 2 > 1
  CHECK(plugin.filter(state, *pod, nodes[2]).is_success());                                 // 1
  PluginStatus missing = plugin.filter(state, *pod, nodes[3]);
  CHECK(missing.code == PluginStatus::Code::kUnschedulableAndUnresolvable);
  CHECK(missing.reasons ==
        std::vector<std::string>{
            "node(s) didn't match pod topology spread constraints (missing required label)"});
}

TEST_CASE("system default spreading counts a zone-less feasible node's bucket after every zone was seen",
          "[scheduler][spread]") {
  ktwin::sim::EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  REQUIRE(store.create(web_replica_set()).is_ok());
  auto a = make_node("a", "2", "3Gi"), b = make_node("b", "2", "3Gi"), c = make_node("c", "2", "3Gi");
  a->metadata.labels["topology.kubernetes.io/zone"] = "z1";
  b->metadata.labels["topology.kubernetes.io/zone"] = "z2";
  std::vector<std::shared_ptr<const Pod>> pods;
  for (int i = 0; i < 5; ++i) pods.push_back(web_pod("w" + std::to_string(i), "a"));
  auto nodes = make_snapshot({a, b, c}, pods);  // c, zone-less, comes after both zones
  auto pod = web_pod("new");
  PodTopologySpread plugin(&store, 32);
  auto raw = [&](size_t feasible_nodes) {
    CycleState state(nodes);
    std::vector<const NodeInfo*> feasible;
    for (size_t i = 0; i < feasible_nodes; ++i) feasible.push_back(&nodes[i]);
    plugin.pre_score(state, *pod, feasible);
    std::vector<int64_t> out;
    for (const NodeInfo* ni : feasible) out.push_back(plugin.score(state, *pod, *ni));
    return out;
  };
  // a, b, c feasible: 3 hostname domains and 3 zone buckets (z1, z2, zone-less), both weights ln(5).
  // a: 5 ln5 + 2 + 5 ln5 + 4 = 22.09; b: 0 + 2 + 0 + 4; c: 2 (no zone term). Without c's bucket the
  // zone weight would be ln(4) and a 20.98, rounded 21.
  CHECK(raw(3) == std::vector<int64_t>{22, 6, 2});
  // a, b feasible: both weights ln(4); a: 5 ln4 + 2 + 5 ln4 + 4 = 19.86.
  CHECK(raw(2) == std::vector<int64_t>{20, 6});
}

TEST_CASE("score_nodes gives score()'s scores for one, two and three ScheduleAnyway constraints",
          "[scheduler][spread]") {
  // Zones and racks, one node without a zone, one without a rack; uneven web pods.
  std::vector<std::shared_ptr<const Node>> nodes;
  std::vector<std::shared_ptr<const Pod>> pods;
  for (int i = 0; i < 9; ++i) {
    auto n = make_node("n" + std::to_string(i), "4", "8Gi");
    if (i != 4) n->metadata.labels["topology.kubernetes.io/zone"] = "z" + std::to_string(i % 3);
    if (i != 7) n->metadata.labels["rack"] = "r" + std::to_string(i % 2);
    nodes.push_back(n);
    for (int k = 0; k < (i * 5) % 4; ++k)
      pods.push_back(web_pod("w" + std::to_string(i) + "-" + std::to_string(k), n->metadata.name));
  }
  auto snapshot = make_snapshot(nodes, pods);
  auto constraint = [](int32_t skew, const std::string& key) {
    TopologySpreadConstraint c;
    c.maxSkew = skew;
    c.topologyKey = key;
    c.whenUnsatisfiable = "ScheduleAnyway";
    c.labelSelector = LabelSelector{{{"app", "web"}}, {}};
    return c;
  };
  const std::vector<TopologySpreadConstraint> all = {constraint(1, "topology.kubernetes.io/zone"),
                                                     constraint(2, "kubernetes.io/hostname"), constraint(3, "rack")};
  for (int minor : {20, 32})
    for (size_t count = 1; count <= all.size(); ++count) {
      auto pod = web_pod("new");
      pod->spec.topologySpreadConstraints.assign(all.begin(), all.begin() + static_cast<long>(count));
      PodTopologySpread plugin(nullptr, minor);
      CycleState state(snapshot);
      std::vector<const NodeInfo*> feasible;
      for (const NodeInfo& ni : snapshot) feasible.push_back(&ni);
      plugin.pre_score(state, *pod, feasible);
      std::vector<NodeScore> batch;
      std::vector<int64_t> got, want;
      for (const NodeInfo* ni : feasible) batch.push_back({ni, state.position(*ni), -1});
      plugin.score_nodes(state, *pod, batch);
      for (const NodeScore& ns : batch) got.push_back(ns.score);
      for (const NodeInfo* ni : feasible) want.push_back(plugin.score(state, *pod, *ni));
      INFO("minor " << minor << ", " << count << " constraints");
      CHECK(got == want);
      CHECK(*std::max_element(got.begin(), got.end()) > 0);
    }
}
