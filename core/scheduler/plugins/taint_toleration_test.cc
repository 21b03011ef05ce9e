// TaintToleration filter wording and the reversed PreferNoSchedule score.
#include "core/scheduler/plugins/taint_toleration.h"

#include <catch2/catch.hpp>

#include "core/scheduler/plugins/node_unschedulable.h"
#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;

TEST_CASE("TaintToleration filters NoSchedule and NoExecute taints the pod does not tolerate",
          "[scheduler][taint]") {
  auto node = make_node("worker2", "2", "3Gi");
  node->spec.taints = {{"soft", "", "PreferNoSchedule", std::nullopt},
                       {"node.kubernetes.io/unreachable", "", "NoSchedule", std::nullopt}};
  std::vector<NodeInfo> nodes = make_snapshot({node}, {});
  CycleState state(nodes);
  auto pod = make_pod("web");
  TaintToleration v120(20), v132(32);
  PluginStatus st = v120.filter(state, *pod, nodes[0]);
  CHECK(st.code == PluginStatus::Code::kUnschedulableAndUnresolvable);
  CHECK(st.reasons ==
        std::vector<std::string>{
            "node(s) had taint {node.kubernetes.io/unreachable: }, that the pod didn't tolerate"});
  CHECK(v132.filter(state, *pod, nodes[0]).reasons ==
        std::vector<std::string>{"node(s) had untolerated taint {node.kubernetes.io/unreachable: }"});

  SECTION("an Exists toleration for the key passes") {
    pod->spec.tolerations.push_back({"node.kubernetes.io/unreachable", "Exists", "", "NoExecute", 300});
    CHECK_FALSE(v120.filter(state, *pod, nodes[0]).is_success());  // wrong effect
    pod->spec.tolerations.push_back({"node.kubernetes.io/unreachable", "Exists", "", "", std::nullopt});
    CHECK(v120.filter(state, *pod, nodes[0]).is_success());
  }
}

TEST_CASE("TaintToleration score: 100 - untolerated PreferNoSchedule x 100 / max", "[scheduler][taint]") {
  auto a = make_node("a", "2", "3Gi");
  auto b = make_node("b", "2", "3Gi");
  auto c = make_node("c", "2", "3Gi");
  a->spec.taints = {{"x", "1", "PreferNoSchedule", std::nullopt},
                    {"y", "1", "PreferNoSchedule", std::nullopt}};
  b->spec.taints = {{"x", "1", "PreferNoSchedule", std::nullopt}};
  std::vector<NodeInfo> nodes = make_snapshot({a, b, c}, {});
  CycleState state(nodes);
  auto pod = make_pod("web");
  TaintToleration plugin;
  std::vector<NodeScore> scores;
  for (const NodeInfo& ni : nodes) scores.push_back({&ni, state.position(ni), plugin.score(state, *pod, ni)});
  CHECK(scores[0].score == 2);
  plugin.normalize_scores(state, *pod, scores);
  CHECK(scores[0].score == 0);   // 100 - 2*100/2
  CHECK(scores[1].score == 50);  // 100 - 1*100/2
  CHECK(scores[2].score == 100);
}

TEST_CASE("NodeUnschedulable rejects cordoned nodes unless the pod tolerates the taint",
          "[scheduler][taint]") {
  auto node = make_node("n", "2", "3Gi");
  node->spec.unschedulable = true;
  std::vector<NodeInfo> nodes = make_snapshot({node}, {});
  CycleState state(nodes);
  auto pod = make_pod("web");
  NodeUnschedulable plugin;
  CHECK(plugin.filter(state, *pod, nodes[0]).reasons ==
        std::vector<std::string>{"node(s) were unschedulable"});
  pod->spec.tolerations.push_back(
      {"node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule", std::nullopt});
  CHECK(plugin.filter(state, *pod, nodes[0]).is_success());
}
