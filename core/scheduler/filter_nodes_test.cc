// FilterPlugin::filter_nodes, which plugins override to pass most nodes on a quick test, keeps exactly
// the nodes filter() passes, in order, and rejects the others with filter()'s status, for every filter
// plugin of the default profiles.
#include <catch2/catch.hpp>

#include "core/scheduler/profile.h"
#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using namespace ktwin::core::testing;

TEST_CASE("filter_nodes keeps and rejects what filter() does", "[scheduler]") {
  // Nodes failing in different ways: cordoned, tainted, full of cpu, out of pod slots, no GPU.
  std::vector<std::shared_ptr<const Node>> nodes;
  std::vector<std::shared_ptr<const Pod>> pods;
  for (int i = 0; i < 8; ++i) {
    auto n = make_node("n" + std::to_string(i), "2", "4Gi", i == 4 ? "1" : "110");
    if (i == 1) n->spec.unschedulable = true;
    if (i == 2) n->spec.taints = {{"dedicated", "x", "NoSchedule", std::nullopt}};
    if (i == 6) n->spec.taints = {{"soft", "", "PreferNoSchedule", std::nullopt}};
    if (i == 7) n->status.allocatable["example.com/gpu"] = *Quantity::parse("1");
    nodes.push_back(n);
  }
  pods.push_back(make_pod("hog", "1900m", "", "n3"));
  pods.push_back(make_pod("one", "10m", "", "n4"));
  // And the same nodes none of which is cordoned or tainted (the plugins then skip their walks).
  std::vector<std::shared_ptr<const Node>> plain_nodes;
  for (const auto& n : nodes) {
    auto copy = std::make_shared<Node>(*n);
    copy->spec.unschedulable = false;
    copy->spec.taints.clear();
    plain_nodes.push_back(copy);
  }
  const std::vector<std::vector<NodeInfo>> snapshots = {make_snapshot(nodes, pods),
                                                        make_snapshot(plain_nodes, pods)};
  std::vector<std::shared_ptr<Pod>> incoming = {make_pod("plain", "200m", "100Mi"), make_pod("empty"),
                                                make_pod("gpu", "100m", ""), make_pod("pinned", "100m", "")};
  incoming[2]->spec.containers[0].resources.requests["example.com/gpu"] = *Quantity::parse("1");
  incoming[3]->spec.nodeName = "n5";
  for (const char* version : {"1.20", "1.32"}) {
    Profile profile = default_profile(version, nullptr);
    for (const auto& snapshot : snapshots)
      for (const auto& pod : incoming) {
        CycleState state(snapshot);
        for (const auto& plugin : profile.pre_filter) plugin->pre_filter(state, *pod);
        for (const auto& plugin : profile.filter) {
          std::vector<uint32_t> kept;
          for (uint32_t position = 0; position < snapshot.size(); ++position) kept.push_back(position);
          std::map<std::string, std::vector<std::string>> rejected;
          plugin->filter_nodes(state, *pod, kept, [&](const NodeInfo& ni, PluginStatus st) {
            CHECK_FALSE(st.is_success());
            rejected[ni.name()] = st.reasons;
          });
          std::vector<uint32_t> want_kept;
          std::map<std::string, std::vector<std::string>> want_rejected;
          for (const NodeInfo& ni : snapshot) {
            PluginStatus st = plugin->filter(state, *pod, ni);
            if (st.is_success())
              want_kept.push_back(state.position(ni));
            else
              want_rejected[ni.name()] = st.reasons;
          }
          INFO(version << " " << pod->metadata.name << " " << plugin->name() << " snapshot "
                       << &snapshot - &snapshots[0]);
          CHECK(kept == want_kept);
          CHECK(rejected == want_rejected);
        }
      }
  }
}
