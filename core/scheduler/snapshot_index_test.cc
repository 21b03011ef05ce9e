// SnapshotIndex: the candidates it offers contain every pod a selector matches, per node, and the
// SnapshotCache keeps it equal to one built afresh through binds, relabels, deletions and new nodes.
#include "core/scheduler/snapshot_index.h"

#include <catch2/catch.hpp>

#include "core/scheduler/snapshot_cache.h"
#include "core/scheduler/test_util.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using namespace ktwin::core::testing;
using ktwin::sim::EventLoop;

namespace {

// node position -> pods `selector` matches there, through the index (nullopt: it cannot narrow).
std::optional<std::map<uint32_t, int>> indexed(const SnapshotIndex& index, const LabelSelector& selector) {
  std::map<uint32_t, int> out;
  bool narrowed = index.visit_candidates(selector, [&](const Pod& pod, uint32_t node) {
    if (selector.matches(pod.metadata.labels)) ++out[node];
  });
  if (!narrowed) return std::nullopt;
  return out;
}

std::map<uint32_t, int> walked(const std::vector<NodeInfo>& nodes, const LabelSelector& selector) {
  std::map<uint32_t, int> out;
  for (uint32_t i = 0; i < nodes.size(); ++i)
    for (const auto& pod : nodes[i].pods)
      if (selector.matches(pod->metadata.labels)) ++out[i];
  return out;
}

std::vector<LabelSelector> selectors() {
  std::vector<LabelSelector> out(5);
  out[0].matchLabels = {{"app", "web"}};
  out[1].matchLabels = {{"app", "web"}, {"tier", "front"}};
  out[2].matchExpressions = {{"app", "In", {"db", "web", "db"}}};
  out[3].matchExpressions = {{"app", "In", {"web"}}, {"tier", "NotIn", {"back"}}};
  out[4].matchLabels = {{"app", "nothing-has-this"}};
  return out;
}

}  // namespace

TEST_CASE("index candidates find every matching pod on its node", "[scheduler]") {
  auto a = make_node("a", "4", "8Gi"), b = make_node("b", "4", "8Gi");
  std::vector<std::shared_ptr<const Pod>> pods;
  for (int i = 0; i < 12; ++i) {
    auto p = make_pod("p" + std::to_string(i), "100m", "", i % 3 == 0 ? "a" : "b");
    p->metadata.labels["app"] = i % 2 ? "web" : "db";
    if (i % 4 == 0) p->metadata.labels["tier"] = "front";
    if (i % 5 == 0) p->metadata.labels["tier"] = "back";
    pods.push_back(p);
  }
  for (int i = 0; i < 80; ++i) {  // other pods, so that the selectors above are narrow
    auto p = make_pod("f" + std::to_string(i), "10m", "", i % 2 ? "a" : "b");
    p->metadata.labels["app"] = "filler-" + std::to_string(i);
    pods.push_back(p);
  }
  auto nodes = make_snapshot({a, b}, pods);
  SnapshotIndex index(nodes);
  for (const LabelSelector& s : selectors()) {
    auto got = indexed(index, s);
    REQUIRE(got);
    CHECK(*got == walked(nodes, s));
  }
  LabelSelector exists, wide;
  exists.matchExpressions = {{"app", "Exists", {}}};
  CHECK_FALSE(index.visit_candidates(exists, [](const Pod&, uint32_t) {}));
  // More than a quarter of the pods: the caller walks the nodes instead.
  wide.matchExpressions = {{"app", "In", {}}};
  for (int i = 0; i < 24; ++i) wide.matchExpressions[0].values.push_back("filler-" + std::to_string(i));
  CHECK_FALSE(index.visit_candidates(wide, [](const Pod&, uint32_t) {}));
  CHECK(index.TEST_indexed_pods() == 92);
}

TEST_CASE("the cache's index follows the store like a fresh one", "[scheduler]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  SnapshotCache cache(store);
  std::map<std::string, std::shared_ptr<const Pod>> assumed;
  store.create(make_node("a", "4", "8Gi"));
  store.create(make_node("c", "4", "8Gi"));
  auto check = [&] {
    const std::vector<NodeInfo>& nodes = cache.update(assumed);
    SnapshotIndex fresh(nodes);
    for (const LabelSelector& s : selectors()) {
      CHECK(indexed(cache.index(), s) == indexed(fresh, s));
      CHECK(*indexed(cache.index(), s) == walked(nodes, s));
    }
    CHECK(cache.index().TEST_indexed_pods() == fresh.TEST_indexed_pods());
    CHECK(cache.index().nodes_with_affinity() == fresh.nodes_with_affinity());
  };
  check();
  for (int i = 0; i < 80; ++i) {  // other pods, so that the selectors are narrow
    auto p = make_pod("f" + std::to_string(i), "10m", "", i % 2 ? "a" : "c");
    p->metadata.labels["app"] = "filler-" + std::to_string(i);
    store.create(p);
  }
  for (int i = 0; i < 6; ++i) {
    auto p = make_pod("p" + std::to_string(i), "100m", "", i % 2 ? "a" : "c");
    p->metadata.labels = {{"app", i < 3 ? "web" : "db"}, {"tier", "front"}};
    store.create(p);
  }
  check();
  // Relabel, delete, and a new node sorting between the others (positions move).
  auto relabel = mutable_copy(*find<Pod>(store, "default", "p1"));
  relabel->metadata.labels["app"] = "db";
  store.update(relabel);
  store.remove(Kind::kPod, "default", "p2", DeleteOptions{0, std::nullopt});
  check();
  store.create(make_node("b", "4", "8Gi"));
  auto moved = make_pod("p9", "100m", "", "b");
  moved->metadata.labels = {{"app", "web"}};
  moved->spec.affinity.emplace();
  moved->spec.affinity->podAntiAffinity = nlohmann::json::object();
  store.create(moved);
  check();
  CHECK(cache.index().nodes_with_affinity() == std::set<uint32_t>{1});
  // An assumed pod counts on its node until the store shows it bound.
  auto pending = make_pod("q", "100m");
  pending->metadata.labels = {{"app", "web"}};
  store.create(pending);
  auto bound = mutable_copy(*pending);
  bound->spec.nodeName = "c";
  assumed["default/q"] = bound;
  check();
  assumed.clear();
  store.update(bound);
  check();
}
