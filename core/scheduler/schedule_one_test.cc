// schedule_one on small hand-built clusters: exact placements, scores and the FailedScheduling text.
#include "core/scheduler/schedule_one.h"

#include <catch2/catch.hpp>

#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;

TEST_CASE("FailedScheduling counts reasons per node and sorts them as strings", "[scheduler][schedule_one]") {
  auto controller = make_node("controller", "2", "3Gi");
  auto worker1 = make_node("worker1", "2", "3Gi");
  auto worker2 = make_node("worker2", "2", "3Gi");
  auto worker3 = make_node("worker3", "2", "3Gi");
  worker2->spec.taints = {{"node.kubernetes.io/unreachable", "", "NoSchedule", std::nullopt}};
  worker3->spec.taints = {{"node.kubernetes.io/unreachable", "", "NoSchedule", std::nullopt}};
  auto nodes =
      make_snapshot({controller, worker1, worker2, worker3},
                    {make_pod("hog", "1500m", "", "worker1"), make_pod("hog2", "1500m", "", "controller")});
  Rng rng(1, "scheduler");
  auto pod = make_pod("web", "1", "100Mi");

  ScheduleResult r = schedule_one(default_profile("1.20", nullptr), *pod, nodes, rng);
  CHECK(r.node.empty());
  CHECK(
      r.message ==
      "0/4 nodes are available: 2 Insufficient cpu, 2 node(s) had taint {node.kubernetes.io/unreachable: }, "
      "that the pod didn't tolerate.");
  CHECK(r.filter_failures.at("worker1") == "Insufficient cpu");
  CHECK(r.failed_plugin.at("worker2") == "TaintToleration");

  SECTION("1.32 wording and the preemption verdict") {
    ScheduleResult r32 = schedule_one(default_profile("1.32", nullptr), *pod, nodes, rng);
    CHECK(r32.message ==
          "0/4 nodes are available: 2 Insufficient cpu, 2 node(s) had untolerated taint "
          "{node.kubernetes.io/unreachable: }. preemption: 0/4 nodes are available: "
          "2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.");
  }
  SECTION("1.20 runs NodeResourcesFit before TaintToleration: a tainted full node reports cpu") {
    auto full_tainted = make_snapshot({worker2}, {make_pod("hog", "1500m", "", "worker2")});
    ScheduleResult one = schedule_one(default_profile("1.20", nullptr), *pod, full_tainted, rng);
    CHECK(one.message == "0/1 nodes are available: 1 Insufficient cpu.");
  }
  SECTION("no nodes at all") {
    CHECK(schedule_one(default_profile("1.20", nullptr), *pod, {}, rng).message ==
          "no nodes available to schedule pods");
  }
}

TEST_CASE("golden placements on hand-built clusters", "[scheduler][schedule_one]") {
  Rng rng(7, "scheduler");
  Profile profile = default_profile("1.20", nullptr);

  SECTION("nodeSelector picks the only labelled node, without scoring") {
    auto a = make_node("a", "2", "3Gi");
    auto b = make_node("b", "2", "3Gi");
    b->metadata.labels["disk"] = "ssd";
    auto pod = make_pod("db");
    pod->spec.nodeSelector["disk"] = "ssd";
    ScheduleResult r = schedule_one(profile, *pod, make_snapshot({a, b}, {}), rng);
    CHECK(r.node == "b");
    CHECK(r.filter_failures.at("a") == "node(s) didn't match node selector");
    CHECK(r.scores.empty());
  }
  SECTION("a NoSchedule taint keeps the pod on the untainted node") {
    auto a = make_node("a", "2", "3Gi");
    auto b = make_node("b", "8", "16Gi");
    b->spec.taints = {{"node.kubernetes.io/not-ready", "", "NoSchedule", std::nullopt}};
    CHECK(schedule_one(profile, *make_pod("web"), make_snapshot({a, b}, {}), rng).node == "a");
  }
  SECTION("the emptier node wins on LeastAllocated + BalancedAllocation") {
    auto a = make_node("a", "2", "4Gi");
    auto b = make_node("b", "2", "4Gi");
    auto c = make_node("c", "2", "4Gi");
    auto nodes =
        make_snapshot({a, b, c}, {make_pod("x", "1", "2Gi", "a"), make_pod("y", "500m", "1Gi", "c")});
    auto pod = make_pod("web", "500m", "1Gi");
    ScheduleResult r = schedule_one(profile, *pod, nodes, rng);
    CHECK(r.node == "b");
    // b: cpu (2000-500)*100/2000 = 75, memory (4096-1024)*100/4096 = 75 -> 75; balanced 100.
    CHECK(r.scores.at("b").at("NodeResourcesLeastAllocated") == 75);
    CHECK(r.scores.at("b").at("NodeResourcesBalancedAllocation") == 100);
    // c: cpu 1000 -> 50, memory 2Gi -> 50 -> 50.
    CHECK(r.scores.at("c").at("NodeResourcesLeastAllocated") == 50);
    // Totals: NodePreferAvoidPods 100 x 10000, TaintToleration 100, PodTopologySpread 100 x 2 (no
    // constraints in 1.20 still normalizes to 100), ImageLocality 0, NodeAffinity 0.
    CHECK(r.totals.at("b") == 75 + 100 + 0 + 0 + 1000000 + 200 + 100);
  }
  SECTION("hostPort conflicts") {
    auto a = make_node("a", "2", "3Gi");
    auto b = make_node("b", "2", "3Gi");
    auto holder = make_pod("lb", "", "", "b");
    holder->spec.containers[0].ports.push_back({"http", "TCP", 80, 80});
    auto pod = make_pod("lb2");
    pod->spec.containers[0].ports.push_back({"http", "", 80, 80});
    ScheduleResult r = schedule_one(profile, *pod, make_snapshot({a, b}, {holder}), rng);
    CHECK(r.node == "a");
    CHECK(r.filter_failures.at("b") == "node(s) didn't have free ports for the requested pod ports");
  }
}

TEST_CASE("ties are broken by reservoir sampling with the scheduler's Rng", "[scheduler][schedule_one]") {
  auto nodes =
      make_snapshot({make_node("a", "2", "3Gi"), make_node("b", "2", "3Gi"), make_node("c", "2", "3Gi")}, {});
  Profile profile = default_profile("1.20", nullptr);
  std::map<std::string, int> counts;
  Rng rng(42, "scheduler");
  for (int i = 0; i < 300; ++i) ++counts[schedule_one(profile, *make_pod("p"), nodes, rng).node];
  // Every node is picked, roughly a third of the time each.
  for (const char* n : {"a", "b", "c"}) {
    CHECK(counts[n] > 70);
    CHECK(counts[n] < 130);
  }
  // Same seed, same choices.
  Rng r1(5, "scheduler"), r2(5, "scheduler");
  for (int i = 0; i < 20; ++i)
    CHECK(schedule_one(profile, *make_pod("p"), nodes, r1).node ==
          schedule_one(profile, *make_pod("p"), nodes, r2).node);
}

TEST_CASE("numFeasibleNodesToFind follows the adaptive percentage", "[scheduler][schedule_one]") {
  CHECK(num_feasible_nodes_to_find(50, 0) == 50);
  CHECK(num_feasible_nodes_to_find(1000, 0) == 420);  // 50 - 1000/125 = 42%
  CHECK(num_feasible_nodes_to_find(5000, 0) == 500);  // max(5, 50 - 40) = 10%
  CHECK(num_feasible_nodes_to_find(200, 10) == 100);  // at least 100
}

TEST_CASE("plugins whose PreFilter or PreScore say skip still show in the explanation", "[scheduler][schedule_one]") {
  auto nodes = make_snapshot({make_node("a", "2", "3Gi"), make_node("b", "2", "3Gi")}, {});
  auto pod = make_pod("web", "100m", "100Mi");  // no node affinity, no pod affinity, no host ports
  Rng rng(1, "scheduler");
  for (const char* version : {"1.20", "1.32"}) {
    Profile profile = default_profile(version, nullptr);
    ScheduleResult r = schedule_one(profile, *pod, nodes, rng);
    REQUIRE(r.feasible_nodes == 2);
    for (const char* node : {"a", "b"}) {
      CHECK(r.scores.at(node).at("NodeAffinity") == 0);
      CHECK(r.scores.at(node).at("InterPodAffinity") == 0);
      CHECK(r.scores.at(node).size() == profile.score.size());
    }
    // The same placement with the explanation off (the path the Scheduler takes), from the same Rng state.
    Rng first(1, "scheduler"), second(1, "scheduler");
    ScheduleResult with = schedule_one(profile, *pod, nodes, first);
    profile.record_explanation = false;
    ScheduleResult without = schedule_one(profile, *pod, nodes, second);
    CHECK(with.node == without.node);
  }
}

TEST_CASE(
    "plugins whose scores are uniform still show in the explanation, and the pick is the same without it",
    "[scheduler][schedule_one]") {
  // No taints or images: TaintToleration and ImageLocality score every node alike. Uneven load, so the
  // totals differ, and twins among the nodes, so ties are drawn.
  std::vector<std::shared_ptr<const Node>> nodes;
  std::vector<std::shared_ptr<const Pod>> pods;
  for (int i = 0; i < 12; ++i) {
    nodes.push_back(make_node("n" + std::to_string(i), "4", "8Gi"));
    for (int k = 0; k < i % 3; ++k)
      pods.push_back(make_pod("p" + std::to_string(i) + "-" + std::to_string(k), "500m", "1Gi",
                              nodes.back()->metadata.name));
  }
  auto snapshot = make_snapshot(nodes, pods);
  auto pod = make_pod("web", "100m", "100Mi");
  for (const char* version : {"1.20", "1.32"}) {
    Profile with = default_profile(version, nullptr), without = default_profile(version, nullptr);
    without.record_explanation = false;
    Rng first(3, "scheduler"), second(3, "scheduler");
    for (int i = 0; i < 40; ++i) {
      ScheduleResult a = schedule_one(with, *pod, snapshot, first),
                     b = schedule_one(without, *pod, snapshot, second);
      INFO(version << " attempt " << i);
      CHECK(a.node == b.node);
      CHECK(a.scores.at("n0").at("TaintToleration") == 100);
      CHECK(a.scores.at("n0").at("ImageLocality") == 0);
      CHECK(a.totals.at("n0") > a.totals.at("n2"));  // n2 holds two pods
    }
  }
}

TEST_CASE("a scratch reused across calls gives the results of fresh vectors", "[scheduler][schedule_one]") {
  // Snapshots of different sizes in turn, so the reused vectors shrink and grow.
  std::vector<std::shared_ptr<const Node>> big, small;
  std::vector<std::shared_ptr<const Pod>> pods;
  for (int i = 0; i < 12; ++i) {
    big.push_back(make_node("n" + std::to_string(i), std::to_string(2 + i % 3), "8Gi"));
    if (i < 3) small.push_back(big.back());
    for (int k = 0; k < i % 4; ++k)
      pods.push_back(make_pod("p" + std::to_string(i) + "-" + std::to_string(k), "300m", "1Gi",
                              big.back()->metadata.name));
  }
  const std::vector<std::vector<NodeInfo>> snapshots = {make_snapshot(big, pods), make_snapshot(small, pods)};
  auto pod = make_pod("web", "100m", "100Mi");
  Profile profile = default_profile("1.32", nullptr);
  ScheduleScratch scratch;
  Rng first(9, "scheduler"), second(9, "scheduler");
  for (int i = 0; i < 30; ++i) {
    const std::vector<NodeInfo>& nodes = snapshots[static_cast<size_t>(i % 3 == 2)];
    ScheduleResult a = schedule_one(profile, *pod, nodes, first, static_cast<size_t>(i), nullptr, &scratch);
    ScheduleResult b = schedule_one(profile, *pod, nodes, second, static_cast<size_t>(i));
    INFO("call " << i);
    CHECK(a.node == b.node);
    CHECK(a.totals == b.totals);
    CHECK(a.scores == b.scores);
    CHECK(a.feasible_nodes == b.feasible_nodes);
    CHECK(a.next_start_index == b.next_start_index);
  }
}
