// SelectorCounts: the SnapshotCache's index keeps a selector's per-node and per-zone counts equal to
// counting the snapshot's pods afresh, through binds, assumed pods, relabels, deletions, pods in other
// namespaces or terminating, and node label changes.
#include "core/scheduler/selector_counts.h"

#include <catch2/catch.hpp>

#include "core/scheduler/snapshot_cache.h"
#include "core/scheduler/test_util.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using namespace ktwin::core::testing;
using ktwin::sim::EventLoop;

namespace {

const std::string kZone = "topology.kubernetes.io/zone";

// What the counts should be: a walk over every pod of the snapshot.
std::vector<int32_t> walked_per_node(const std::vector<NodeInfo>& nodes, const std::string& ns,
                                     const LabelSelector& selector) {
  std::vector<int32_t> out(nodes.size(), 0);
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& pod : nodes[i].pods)
      if (!pod->metadata.deletionTimestamp && pod->metadata.namespace_ == ns &&
          selector.matches(pod->metadata.labels))
        ++out[i];
  return out;
}

// PodTopologySpread's buckets: the node's zone, or the zone "" (one past the zones if none) without one.
std::vector<int64_t> walked_per_bucket(const std::vector<NodeInfo>& nodes, const std::vector<int32_t>& per_node) {
  std::vector<std::string> zones;
  for (const NodeInfo& ni : nodes)
    if (auto it = ni.node->metadata.labels.find(kZone); it != ni.node->metadata.labels.end())
      if (std::find(zones.begin(), zones.end(), it->second) == zones.end()) zones.push_back(it->second);
  size_t empty = std::find(zones.begin(), zones.end(), "") - zones.begin();
  std::vector<int64_t> out(zones.size() + 1, 0);
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto it = nodes[i].node->metadata.labels.find(kZone);
    size_t b = it == nodes[i].node->metadata.labels.end()
                   ? empty
                   : std::find(zones.begin(), zones.end(), it->second) - zones.begin();
    out[b] += per_node[i];
  }
  return out;
}

std::shared_ptr<Node> zoned_node(const std::string& name, const std::string& zone) {
  auto n = make_node(name, "4", "8Gi");
  if (!zone.empty()) n->metadata.labels[kZone] = zone;
  return n;
}

}  // namespace

TEST_CASE("running selector counts agree with counting the snapshot afresh", "[scheduler]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  SnapshotCache cache(store);
  std::map<std::string, std::shared_ptr<const Pod>> assumed;
  store.create(zoned_node("a", "z1"));
  store.create(zoned_node("b", "z2"));
  store.create(zoned_node("c", ""));  // no zone: counts in the "" bucket
  std::vector<LabelSelector> selectors(3);
  selectors[0].matchLabels = {{"app", "web"}};
  selectors[1].matchExpressions = {{"app", "In", {"web", "db", "web"}}, {"tier", "NotIn", {"back"}}};
  selectors[2].matchLabels = {{"app", "web"}, {"tier", "front"}};
  LabelSelector exists;
  exists.matchExpressions = {{"app", "Exists", {}}};
  // Asked once at the start, so that later checks see counts kept up to date, not counted afresh.
  auto check = [&] {
    const std::vector<NodeInfo>& nodes = cache.update(assumed);
    const SnapshotIndex& index = cache.index();
    for (const LabelSelector& s : selectors) {
      const SelectorCounts* counts = index.selector_counts("default", s);
      REQUIRE(counts != nullptr);
      std::vector<int32_t> want = walked_per_node(nodes, "default", s);
      CHECK(counts->per_node() == want);
      CHECK(counts->per_bucket(index.domains(kZone)) == walked_per_bucket(nodes, want));
    }
    CHECK(index.selector_counts("default", exists) == nullptr);  // no equality requirement to listen on
  };
  check();
  for (int i = 0; i < 9; ++i) {
    auto p = make_pod("p" + std::to_string(i), "100m", "", std::string(1, static_cast<char>('a' + i % 3)));
    p->metadata.labels = {{"app", i % 2 ? "web" : "db"}, {"tier", i % 4 == 0 ? "back" : "front"}};
    store.create(p);
    check();
  }
  auto other_ns = make_pod("x", "100m", "", "a");
  other_ns->metadata.namespace_ = "other";
  other_ns->metadata.labels = {{"app", "web"}};
  store.create(other_ns);
  check();
  // Relabel, terminate, delete.
  auto relabel = mutable_copy(*find<Pod>(store, "default", "p1"));
  relabel->metadata.labels["app"] = "db";
  store.update(relabel);
  check();
  auto terminating = mutable_copy(*find<Pod>(store, "default", "p3"));
  terminating->metadata.deletionTimestamp = loop.now();
  store.update(terminating);
  check();
  store.remove(Kind::kPod, "default", "p5", DeleteOptions{0, std::nullopt});
  check();
  // A node's zone changes: the per-zone sums follow.
  auto moved = mutable_copy(*find<Node>(store, "", "b"));
  moved->metadata.labels[kZone] = "z1";
  store.update(moved);
  check();
  auto unzoned = mutable_copy(*find<Node>(store, "", "a"));
  unzoned->metadata.labels.erase(kZone);
  store.update(unzoned);
  check();
  // An assumed pod counts on its node until the store shows it bound, then once.
  auto pending = make_pod("q", "100m");
  pending->metadata.labels = {{"app", "web"}, {"tier", "front"}};
  store.create(pending);
  auto bound = mutable_copy(*pending);
  bound->spec.nodeName = "c";
  assumed["default/q"] = bound;
  check();
  assumed.clear();
  store.update(bound);
  check();
  // A new node: positions move, the counts start afresh.
  store.create(zoned_node("aa", "z3"));
  check();
}
