// Golden placements: one hand-built cluster (mixed capacities, a master taint, a PreferNoSchedule
// taint, node labels and zones) and a sequence of pods using node affinity, inter-pod (anti-)affinity
// and topology spread, placed one after another with the 1.20 and 1.32 default profiles. Every
// expected node is derived in the comments from Kubernetes' formulas; no step is a tie.
#include <catch2/catch.hpp>

#include "core/scheduler/explain.h"
#include "core/scheduler/schedule_one.h"
#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;
using json = nlohmann::json;

namespace {

// m (master, tainted, zone a), big (8 cpu / 16Gi, ssd, zone a), small (2 / 4Gi, zone b),
// mid (4 / 8Gi, PreferNoSchedule "spot", zone b).
std::vector<std::shared_ptr<const Node>> cluster() {
  auto m = make_node("m", "4", "8Gi");
  m->spec.taints = {{"node-role.kubernetes.io/master", "", "NoSchedule", std::nullopt}};
  auto big = make_node("big", "8", "16Gi");
  big->metadata.labels["disk"] = "ssd";
  auto small = make_node("small", "2", "4Gi");
  auto mid = make_node("mid", "4", "8Gi");
  mid->spec.taints = {{"spot", "true", "PreferNoSchedule", std::nullopt}};
  m->metadata.labels["topology.kubernetes.io/zone"] = "a";
  big->metadata.labels["topology.kubernetes.io/zone"] = "a";
  small->metadata.labels["topology.kubernetes.io/zone"] = "b";
  mid->metadata.labels["topology.kubernetes.io/zone"] = "b";
  return {m, big, small, mid};
}

json term(const std::string& app, const std::string& key) {
  return {{"labelSelector", {{"matchLabels", {{"app", app}}}}}, {"topologyKey", key}};
}

std::shared_ptr<Pod> app_pod(const std::string& name, const std::string& app, const std::string& cpu, const std::string& mem) {
  auto p = make_pod(name, cpu, mem);
  p->metadata.labels["app"] = app;
  return p;
}

// web pods: prefer db's zone (weight 100); from web-1 on, never share a host with another web pod.
std::shared_ptr<Pod> web(const std::string& name, bool spread_hosts) {
  auto p = app_pod(name, "web", "500m", "1Gi");
  p->spec.affinity = Affinity{};
  p->spec.affinity->podAffinity = {{"preferredDuringSchedulingIgnoredDuringExecution",
                                    json::array({{{"weight", 100}, {"podAffinityTerm", term("db", "topology.kubernetes.io/zone")}}})}};
  if (spread_hosts)
    p->spec.affinity->podAntiAffinity = {{"requiredDuringSchedulingIgnoredDuringExecution",
                                          json::array({term("web", "kubernetes.io/hostname")})}};
  return p;
}

struct Placer {
  explicit Placer(const std::string& version) : profile(default_profile(version, nullptr)) {}
  ScheduleResult place(std::shared_ptr<Pod> pod) {
    ScheduleResult r = schedule_one(profile, *pod, make_snapshot(nodes, pods), rng);
    if (!r.node.empty()) {
      pod->spec.nodeName = r.node;
      pods.push_back(pod);
    }
    return r;
  }
  Profile profile;
  std::vector<std::shared_ptr<const Node>> nodes = cluster();
  std::vector<std::shared_ptr<const Pod>> pods;
  Rng rng{11, "scheduler"};
};

}  // namespace

TEST_CASE("golden placements with affinity, anti-affinity and topology spread, 1.20 and 1.32",
          "[scheduler][golden]") {
  for (const char* version : {"1.20", "1.32"}) {
    CAPTURE(version);
    const bool v20 = std::string(version) == "1.20";
    Placer p(version);

    // db-0 requires disk=ssd: only big passes (m has no label and a taint): placed without scoring.
    auto db = app_pod("db-0", "db", "1", "2Gi");
    db->spec.affinity = Affinity{};
    db->spec.affinity->nodeAffinity = NodeAffinity{NodeSelector{{NodeSelectorTerm{{{"disk", "In", {"ssd"}}}, {}}}}, {}};
    ScheduleResult r = p.place(db);
    CHECK(r.node == "big");
    CHECK(r.scores.empty());
    CHECK(r.failed_plugin.at("small") == "NodeAffinity");

    // web-0: big, small, mid feasible. InterPodAffinity raw 100 on zone a (db-0) -> big 100, others 0.
    // LeastAllocated big (6500/8000, 13/16) 81, small 75, mid 87; Balanced 100 everywhere; TaintToleration
    // mid 0, others 100. 1.20: big 100+81+100+100 = 381 > small 275 > mid 187 (+ constants).
    // 1.32: big 2*100 + 81 + 100 + 3*100 = 681 > small 475 > mid 187.
    r = p.place(web("web-0", false));
    CHECK(r.node == "big");
    CHECK(r.scores.at("big").at("InterPodAffinity") == 100);
    CHECK(r.scores.at("small").at("InterPodAffinity") == 0);
    CHECK(r.scores.at("mid").at("TaintToleration") == 0);
    CHECK(r.scores.at("big").at(v20 ? "NodeResourcesLeastAllocated" : "NodeResourcesFit") == 81);
    // The explanation lists every score plugin of the profile, with its weight.
    std::string why = explain_attempt(p.profile, r);
    for (const auto& [plugin, weight] : p.profile.score)
      CHECK(why.find(std::string(plugin->name()) + "(x" + std::to_string(weight) + ")") != std::string::npos);
    CHECK(why.find(v20 ? "InterPodAffinity(x1)" : "InterPodAffinity(x2)") != std::string::npos);
    CHECK(why.find("chosen big (highest total)") != std::string::npos);
    CHECK(why.find("\n  m     ") != std::string::npos);  // the tainted master is listed, with its reason
    CHECK(why.find(v20 ? "TaintToleration: node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate"
                       : "TaintToleration: node(s) had untolerated taint {node-role.kubernetes.io/master: }") !=
          std::string::npos);

    // web-1 may not share a host with web-0: small and mid. Zone b has no db, so InterPodAffinity is 0
    // for both. small: 75 + Balanced 100 + TaintToleration 100 (x3 in 1.32); mid: 87 + 100 + 0.
    r = p.place(web("web-1", true));
    CHECK(r.node == "small");
    CHECK(r.filter_failures.at("big") == (v20 ? "node(s) didn't match pod affinity/anti-affinity, node(s) didn't match pod anti-affinity rules"
                                              : "node(s) didn't match pod anti-affinity rules"));
    CHECK(r.failed_plugin.at("big") == "InterPodAffinity");
    // web-2: only mid is left.
    CHECK(p.place(web("web-2", true)).node == "mid");
    // web-3: nowhere. Each version's FailedScheduling message, reasons counted per node and sorted.
    r = p.place(web("web-3", true));
    CHECK(r.node.empty());
    CHECK(r.message ==
          (v20 ? "0/4 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't "
                 "tolerate, 3 node(s) didn't match pod affinity/anti-affinity, 3 node(s) didn't match pod anti-affinity rules."
               : "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/master: }, 3 node(s) "
                 "didn't match pod anti-affinity rules. preemption: 0/4 nodes are available: 1 Preemption is not helpful "
                 "for scheduling, 3 No preemption victims found for incoming pod."));

    // api pods (1 cpu, 1Gi) spread by zone with maxSkew 1, DoNotSchedule.
    auto api = [](const std::string& name) {
      auto a = app_pod(name, "api", "1", "1Gi");
      LabelSelector sel;
      sel.matchLabels["app"] = "api";
      a->spec.topologySpreadConstraints = {{1, "topology.kubernetes.io/zone", "DoNotSchedule", sel}};
      return a;
    };
    // api-0: no api pod yet, so no skew. Least: big (5500/8000 -> 68, 12/16 -> 75) 71, small (25, 50) 37,
    // mid (62, 75) 68. Balanced 1.20: big 93, small 75, mid 87; 1.32 (std): big 96, small 87, mid 93.
    // 1.20: big 71+93+100 = 264 > small 212 > mid 155. 1.32: big 71+96+300 = 467 > small 424 > mid 161.
    r = p.place(api("api-0"));
    CHECK(r.node == "big");
    CHECK(r.scores.at("big").at("NodeResourcesBalancedAllocation") == (v20 ? 93 : 96));
    // api-1: zone a has 1, zone b 0: big would make skew 2. small: 37 + 75|87 + 100|300 beats mid 68 + 87|93 + 0.
    r = p.place(api("api-1"));
    CHECK(r.node == "small");
    CHECK(r.filter_failures.at("big") == "node(s) didn't match pod topology spread constraints");
  }
}

TEST_CASE("pluginConfig reaches the plugins: MostAllocated packs where LeastAllocated spreads", "[scheduler][golden]") {
  // a already holds 1 cpu / 2Gi of 2 / 4Gi; b is empty. The pod asks 500m / 1Gi.
  auto nodes = make_snapshot({make_node("a", "2", "4Gi"), make_node("b", "2", "4Gi")}, {make_pod("x", "1", "2Gi", "a")});
  auto pod = make_pod("web", "500m", "1Gi");
  Rng rng(5, "scheduler");
  ScoringStrategy most;
  most.type = ScoringStrategy::Type::kMostAllocated;
  SECTION("1.32: NodeResourcesFit scoringStrategy") {
    ProfileConfig c = default_profile_config("1.32");
    CHECK(schedule_one(build_profile(Registry::in_tree(), c, nullptr).value(), *pod, nodes, rng).node == "b");
    c.args.nodeResourcesFit = most;
    ScheduleResult r = schedule_one(build_profile(Registry::in_tree(), c, nullptr).value(), *pod, nodes, rng);
    // Most: a (1500/2000, 3/4) 75, b (500/2000, 1/4) 25.
    CHECK(r.node == "a");
    CHECK(r.scores.at("a").at("NodeResourcesFit") == 75);
    CHECK(r.scores.at("b").at("NodeResourcesFit") == 25);
  }
  SECTION("1.20: the NodeResourcesMostAllocated plugin in place of LeastAllocated") {
    ProfileConfig c = default_profile_config("1.20");
    for (auto& [name, weight] : c.score)
      if (name == "NodeResourcesLeastAllocated") name = "NodeResourcesMostAllocated";
    c.args.nodeResourcesMostAllocated = most;
    ScheduleResult r = schedule_one(build_profile(Registry::in_tree(), c, nullptr).value(), *pod, nodes, rng);
    CHECK(r.node == "a");
    CHECK(r.scores.at("a").at("NodeResourcesMostAllocated") == 75);
  }
}
