// InterPodAffinity: required affinity / anti-affinity by topology, existing pods' anti-affinity, the
// self-affinity exception, preferred-term scores with 1.20's and 1.32's normalization, reasons.
#include "core/scheduler/plugins/inter_pod_affinity.h"

#include <catch2/catch.hpp>

#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;
using json = nlohmann::json;

namespace {

std::shared_ptr<Node> zoned(const std::string& name, const std::string& zone) {
  auto n = make_node(name, "4", "8Gi");
  n->metadata.labels["topology.kubernetes.io/zone"] = zone;
  return n;
}

json term(const std::string& app, const std::string& key) {
  return {{"labelSelector", {{"matchLabels", {{"app", app}}}}}, {"topologyKey", key}};
}

std::shared_ptr<Pod> labelled(const std::string& name, const std::string& app, const std::string& node = "") {
  auto p = make_pod(name, "", "", node);
  p->metadata.labels["app"] = app;
  return p;
}

std::vector<NodeInfo> snapshot(const std::vector<std::shared_ptr<Node>>& nodes,
                               const std::vector<std::shared_ptr<Pod>>& pods) {
  std::vector<std::shared_ptr<const Node>> n(nodes.begin(), nodes.end());
  std::vector<std::shared_ptr<const Pod>> p(pods.begin(), pods.end());
  return make_snapshot(n, p);
}

// Filter verdict per node: "" when it passes, else its reasons joined with "|".
std::vector<std::string> filter_all(const InterPodAffinity& plugin, const Pod& pod, const std::vector<NodeInfo>& nodes) {
  CycleState state(nodes);
  REQUIRE(plugin.pre_filter(state, pod).is_success());
  std::vector<std::string> out;
  for (const NodeInfo& ni : nodes) {
    PluginStatus st = plugin.filter(state, pod, ni);
    std::string r;
    for (const std::string& s : st.reasons) r += (r.empty() ? "" : "|") + s;
    out.push_back(r);
  }
  return out;
}

std::vector<int64_t> scores_of(const InterPodAffinity& plugin, const Pod& pod, const std::vector<NodeInfo>& nodes) {
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

TEST_CASE("required pod affinity passes only nodes in a zone holding a matching pod", "[scheduler][interpodaffinity]") {
  auto nodes = snapshot({zoned("a1", "a"), zoned("a2", "a"), zoned("b1", "b"), make_node("nozone", "4", "8Gi")},
                        {labelled("db-0", "db", "a1")});
  auto web = labelled("web", "web");
  web->spec.affinity = Affinity{};
  web->spec.affinity->podAffinity = {{"requiredDuringSchedulingIgnoredDuringExecution",
                                      json::array({term("db", "topology.kubernetes.io/zone")})}};
  SECTION("1.20 gives the generic reason too") {
    std::string no = "node(s) didn't match pod affinity/anti-affinity|node(s) didn't match pod affinity rules";
    CHECK(filter_all(InterPodAffinity(20), *web, nodes) == std::vector<std::string>{"", "", no, no});
  }
  SECTION("1.32 gives only the specific reason") {
    std::string no = "node(s) didn't match pod affinity rules";
    CHECK(filter_all(InterPodAffinity(32), *web, nodes) == std::vector<std::string>{"", "", no, no});
  }
  SECTION("a pod in another namespace does not count") {
    auto other = labelled("db-0", "db", "a1");
    other->metadata.namespace_ = "other";
    auto nodes2 = snapshot({zoned("a1", "a"), zoned("b1", "b")}, {other});
    auto v = filter_all(InterPodAffinity(32), *web, nodes2);
    CHECK(v[0] == "node(s) didn't match pod affinity rules");
    SECTION("unless the term names that namespace") {
      web->spec.affinity->podAffinity["requiredDuringSchedulingIgnoredDuringExecution"][0]["namespaces"] = {"other"};
      CHECK(filter_all(InterPodAffinity(32), *web, nodes2) == std::vector<std::string>{"", "node(s) didn't match pod affinity rules"});
    }
  }
}

TEST_CASE("the first pod of a self-affine group may go anywhere with the topology label", "[scheduler][interpodaffinity]") {
  auto nodes = snapshot({zoned("a1", "a"), make_node("nozone", "4", "8Gi")}, {});
  auto cache = labelled("cache-0", "cache");
  cache->spec.affinity = Affinity{};
  cache->spec.affinity->podAffinity = {{"requiredDuringSchedulingIgnoredDuringExecution",
                                        json::array({term("cache", "topology.kubernetes.io/zone")})}};
  CHECK(filter_all(InterPodAffinity(32), *cache, nodes) ==
        std::vector<std::string>{"", "node(s) didn't match pod affinity rules"});
}

TEST_CASE("required anti-affinity keeps replicas on distinct hosts, both ways", "[scheduler][interpodaffinity]") {
  auto with_anti = [](const std::string& name, const std::string& node) {
    auto p = labelled(name, "web", node);
    p->spec.affinity = Affinity{};
    p->spec.affinity->podAntiAffinity = {{"requiredDuringSchedulingIgnoredDuringExecution",
                                          json::array({term("web", "kubernetes.io/hostname")})}};
    return p;
  };
  SECTION("the incoming pod's own anti-affinity") {
    auto nodes = snapshot({zoned("a1", "a"), zoned("a2", "a")}, {labelled("web-0", "web", "a1")});
    auto v = filter_all(InterPodAffinity(20), *with_anti("web-1", ""), nodes);
    CHECK(v == std::vector<std::string>{
                   "node(s) didn't match pod affinity/anti-affinity|node(s) didn't match pod anti-affinity rules", ""});
  }
  SECTION("an existing pod's anti-affinity rejects a plain pod it selects") {
    auto nodes = snapshot({zoned("a1", "a"), zoned("a2", "a")}, {with_anti("web-0", "a2")});
    auto v = filter_all(InterPodAffinity(32), *labelled("web-1", "web"), nodes);
    CHECK(v == std::vector<std::string>{"", "node(s) didn't satisfy existing pods anti-affinity rules"});
    // A pod it does not select is not affected.
    CHECK(filter_all(InterPodAffinity(32), *labelled("db", "db"), nodes) == std::vector<std::string>{"", ""});
  }
}

TEST_CASE("preferred terms score by zone: weights, anti-affinity, 1.20 vs 1.32 normalization", "[scheduler][interpodaffinity]") {
  // db in zone a (on a1), cache in zone b (on b1); c1 in zone c holds nothing.
  auto nodes = snapshot({zoned("a1", "a"), zoned("a2", "a"), zoned("b1", "b"), zoned("c1", "c")},
                        {labelled("db-0", "db", "a1"), labelled("cache-0", "cache", "b1")});
  auto web = labelled("web", "web");
  web->spec.affinity = Affinity{};
  web->spec.affinity->podAffinity = {
      {"preferredDuringSchedulingIgnoredDuringExecution",
       json::array({{{"weight", 80}, {"podAffinityTerm", term("db", "topology.kubernetes.io/zone")}}})}};
  web->spec.affinity->podAntiAffinity = {
      {"preferredDuringSchedulingIgnoredDuringExecution",
       json::array({{{"weight", 20}, {"podAffinityTerm", term("cache", "topology.kubernetes.io/zone")}}})}};
  // Raw: a1 80, a2 80, b1 -20, c1 0.
  SECTION("1.20: min and max start at 0, so the range is -20..80") {
    // int64(100 * (80+20)/100) = 100; (-20+20)/100 -> 0; (0+20)/100*100 = 20.
    CHECK(scores_of(InterPodAffinity(20), *web, nodes) == std::vector<int64_t>{100, 100, 0, 20});
  }
  SECTION("1.32: the same here, since the raw scores already straddle 0") {
    CHECK(scores_of(InterPodAffinity(32), *web, nodes) == std::vector<int64_t>{100, 100, 0, 20});
  }
  SECTION("only positive raw scores: 1.20 keeps 0 as the minimum, 1.32 does not") {
    web->spec.affinity->podAntiAffinity = nullptr;
    auto nodes2 = snapshot({zoned("a1", "a"), zoned("b1", "b")},
                           {labelled("db-0", "db", "a1"), labelled("db-1", "db", "a1"), labelled("db-2", "db", "b1")});
    // Raw: a1 160, b1 80.
    CHECK(scores_of(InterPodAffinity(20), *web, nodes2) == std::vector<int64_t>{100, 50});
    CHECK(scores_of(InterPodAffinity(32), *web, nodes2) == std::vector<int64_t>{100, 0});
  }
}

TEST_CASE("existing pods' required affinity attracts at hardPodAffinityWeight", "[scheduler][interpodaffinity]") {
  auto follower = labelled("sidecar-0", "sidecar", "b1");
  follower->spec.affinity = Affinity{};
  follower->spec.affinity->podAffinity = {{"requiredDuringSchedulingIgnoredDuringExecution",
                                           json::array({term("web", "kubernetes.io/hostname")})}};
  auto nodes = snapshot({zoned("a1", "a"), zoned("b1", "b")}, {follower});
  // A web pod has no terms; sidecar-0's required term selects it: b1 raw 1 (weight 1), a1 0.
  CHECK(scores_of(InterPodAffinity(20), *labelled("web", "web"), nodes) == std::vector<int64_t>{0, 100});
  CHECK(scores_of(InterPodAffinity(20, 0), *labelled("web", "web"), nodes) == std::vector<int64_t>{0, 0});
  // A pod nobody selects scores 0 everywhere.
  CHECK(scores_of(InterPodAffinity(32), *labelled("db", "db"), nodes) == std::vector<int64_t>{0, 0});
}
