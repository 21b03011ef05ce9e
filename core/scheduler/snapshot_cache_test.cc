// SnapshotCache: after any mix of writes, the cached NodeInfos equal make_snapshot over a fresh listing.
#include "core/scheduler/snapshot_cache.h"

#include <catch2/catch.hpp>

#include "core/scheduler/test_util.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using namespace ktwin::core::testing;
using ktwin::sim::EventLoop;

namespace {

std::vector<NodeInfo> fresh(const Store& store, const std::map<std::string, std::shared_ptr<const Pod>>& assumed) {
  std::vector<std::shared_ptr<const Pod>> pods;
  for (const auto& p : list<Pod>(store)) pods.push_back(p);
  for (const auto& [key, pod] : assumed) {
    auto current = find<Pod>(store, pod->metadata.namespace_, pod->metadata.name);
    if (!current || current->spec.nodeName.empty()) pods.push_back(pod);
  }
  return make_snapshot(list<Node>(store), pods);
}

void require_same(const std::vector<NodeInfo>& a, const std::vector<NodeInfo>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].node == b[i].node);
    REQUIRE(a[i].pods.size() == b[i].pods.size());
    for (size_t j = 0; j < a[i].pods.size(); ++j) CHECK(a[i].pods[j] == b[i].pods[j]);
    CHECK(a[i].requested.milli_cpu == b[i].requested.milli_cpu);
    CHECK(a[i].requested.memory == b[i].requested.memory);
    CHECK(a[i].non_zero_milli_cpu == b[i].non_zero_milli_cpu);
    CHECK(a[i].non_zero_memory == b[i].non_zero_memory);
    CHECK(a[i].requested.ephemeral_storage == b[i].requested.ephemeral_storage);
    CHECK(a[i].requested.scalar == b[i].requested.scalar);
    CHECK(a[i].used_ports == b[i].used_ports);
    CHECK(a[i].pods_with_affinity.size() == b[i].pods_with_affinity.size());
    CHECK(a[i].allocatable.milli_cpu == b[i].allocatable.milli_cpu);
    CHECK(a[i].allowed_pod_number == b[i].allowed_pod_number);
    CHECK(a[i].image_states.size() == b[i].image_states.size());
  }
}

// The cache's index rows (NodeRow) hold what its NodeInfos hold.
void require_rows(const SnapshotCache& cache, const std::vector<NodeInfo>& nodes) {
  NodeRowFlagCounts flags;
  for (size_t i = 0; i < nodes.size(); ++i) {
    INFO("node " << nodes[i].name());
    CHECK(cache.index().row(static_cast<uint32_t>(i)) == row_of(nodes[i]));
    flags.count(row_of(nodes[i]), 1);
  }
  CHECK(cache.index().row_flag_counts() == flags);
}

// One update, checked against a fresh snapshot and its rows against its NodeInfos.
void require_same_and_rows(SnapshotCache& cache, const std::map<std::string, std::shared_ptr<const Pod>>& assumed,
                           const Store& store) {
  const std::vector<NodeInfo>& got = cache.update(assumed);
  require_same(got, fresh(store, assumed));
  require_rows(cache, got);
}

}  // namespace

TEST_CASE("the snapshot cache matches a fresh snapshot after each change", "[scheduler]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  SnapshotCache cache(store);
  std::map<std::string, std::shared_ptr<const Pod>> assumed;
  store.create(make_node("b", "2", "4Gi"));
  store.create(make_node("a", "2", "4Gi"));
  require_same_and_rows(cache, assumed, store);

  store.create(make_pod("p1", "100m", "100Mi", "a"));
  store.create(make_pod("p2", "", "", "b"));
  require_same_and_rows(cache, assumed, store);

  // A node object change (bigger, with an image) keeps the pods and refreshes allocatable and images.
  auto bigger = make_node("a", "8", "16Gi");
  bigger->status.images.push_back({{"busybox"}, 1000});
  store.update(bigger);
  require_same_and_rows(cache, assumed, store);

  // An assumed pod the store does not show bound counts, then disappears once the store shows it.
  auto pending = store.create(make_pod("p3", "500m", "")).value();
  auto bound = mutable_copy(*as<Pod>(pending));
  bound->spec.nodeName = "b";
  assumed["default/p3"] = bound;
  const auto& with_assumed = cache.update(assumed);
  require_same(with_assumed, fresh(store, assumed));
  require_rows(cache, with_assumed);
  CHECK(with_assumed[1].pods.size() == 2);
  store.update(bound);
  require_same_and_rows(cache, assumed, store);

  // Pods added one by one to a node that has some (the counts carried over, only the new ones
  // counted), with host ports, an extended resource and pod affinity among them.
  for (int k = 0; k < 4; ++k) {
    auto p = make_pod("inc" + std::to_string(k), "100m", "64Mi", "a");
    p->spec.containers[0].resources.requests["example.com/gpu"] = *Quantity::parse("1");
    if (k == 1) p->spec.containers[0].ports.push_back({"web", "TCP", 80, 8080});
    if (k == 2) {
      p->spec.affinity = Affinity{};
      p->spec.affinity->podAntiAffinity = nlohmann::json::parse(
          R"({"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "podAffinityTerm":)"
          R"( {"labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "kubernetes.io/hostname"}}]})");
    }
    store.create(p);
    require_same_and_rows(cache, assumed, store);
  }

  // Terminal pods drop out; a removed node takes its pods with it; a new node sorts in.
  auto done = mutable_copy(*find<Pod>(store, "default", "p1"));
  done->status.phase = "Succeeded";
  store.update(done);
  store.remove(Kind::kNode, "", "b");
  store.create(make_node("aa", "1", "1Gi"));
  store.create(make_pod("p4", "50m", "", "aa"));
  require_same_and_rows(cache, assumed, store);
}

TEST_CASE("the snapshot's topology domains follow node label changes", "[scheduler]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  SnapshotCache cache(store);
  std::map<std::string, std::shared_ptr<const Pod>> assumed;
  auto a = make_node("a", "2", "4Gi");
  a->metadata.labels["topology.kubernetes.io/zone"] = "z1";
  store.create(a);
  store.create(make_node("b", "2", "4Gi"));  // no zone
  cache.update(assumed);
  const std::string zone = "topology.kubernetes.io/zone";
  {
    const TopologyDomains& d = cache.index().domains(zone);
    CHECK(d.size() == 1);
    CHECK(d.value(d.of(0)) == "z1");
    CHECK(d.of(1) == TopologyDomains::kMissing);
    CHECK(d.find("z2") == TopologyDomains::kMissing);
  }
  // b joins zone z2 and a moves to it: the domains are resolved again.
  auto b = make_node("b", "2", "4Gi");
  b->metadata.labels[zone] = "z2";
  store.update(b);
  auto a2 = make_node("a", "2", "4Gi");
  a2->metadata.labels[zone] = "z2";
  store.update(a2);
  cache.update(assumed);
  const TopologyDomains& d = cache.index().domains(zone);
  CHECK(d.size() == 1);
  CHECK(d.of(0) == d.of(1));
  CHECK(d.value(d.of(1)) == "z2");
  CHECK(cache.index().domains("kubernetes.io/hostname").size() == 2);
}

TEST_CASE("pods bound between updates are added where a listing puts them", "[scheduler]") {
  // The cache adds the pods the store reports bound instead of re-listing the node: the result must
  // still be a listing's, in its order (by "namespace/name"), its index and its affinity list included.
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  SnapshotCache cache(store);
  std::map<std::string, std::shared_ptr<const Pod>> assumed;
  store.create(make_node("a", "8", "16Gi"));
  store.create(make_node("b", "8", "16Gi"));
  auto check = [&] {
    const std::vector<NodeInfo>& nodes = cache.update(assumed);
    std::vector<NodeInfo> want = fresh(store, assumed);
    require_same(nodes, want);
    require_rows(cache, nodes);
    for (size_t i = 0; i < nodes.size(); ++i) CHECK(nodes[i].pods_with_affinity == want[i].pods_with_affinity);
    SnapshotIndex index(want);
    CHECK(cache.index().TEST_indexed_pods() == index.TEST_indexed_pods());
    CHECK(cache.index().nodes_with_affinity() == index.nodes_with_affinity());
  };
  check();
  auto bind = [&](const std::string& ns, const std::string& name, const std::string& node) {
    auto p = make_pod(name, "100m", "64Mi");
    p->metadata.namespace_ = ns;
    auto created = as<Pod>(store.create(p).value());
    auto bound = mutable_copy(*created);
    bound->spec.nodeName = node;
    store.update(bound);
  };
  // Namespaces whose keys sort unlike the names alone ("a-b/..." before "a/..."), names landing
  // between those listed already, two bindings on one node between updates.
  bind("default", "m", "a");
  check();
  bind("default", "c", "a");
  bind("default", "x", "a");
  check();
  bind("a", "b", "b");
  check();
  bind("a-b", "z", "b");  // "a-b/z" lists before "a/b"
  bind("a", "a", "b");
  check();
  // Keys longer than the prefixes the cache's search compares and sharing them (the pods then decide),
  // and keys that are prefixes of one another ("default/m" before "default/m-" before "default/ma").
  bind("default", "a-long-pod-name-sharing-its-prefix-1", "a");
  check();
  bind("default", "a-long-pod-name-sharing-its-prefix-2", "a");
  bind("default", "a-long-pod-name-sharing-its-prefix-10", "a");
  check();
  bind("default", "ma", "a");
  bind("default", "m-", "a");
  check();
  bind("a-very-long-namespace-name-past-the-prefix", "p", "b");
  bind("a-very-long-namespace-name-past-the-prefix", "o", "b");
  check();
  // A pod created terminal on a node is not listed; one with pod affinity joins pods_with_affinity
  // in listing order.
  auto done = make_pod("d", "100m", "", "a");
  done->status.phase = "Failed";
  store.create(done);
  auto affine = make_pod("e", "100m", "", "a");
  affine->spec.affinity = Affinity{};
  affine->spec.affinity->podAntiAffinity = nlohmann::json::parse(
      R"({"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "podAffinityTerm":)"
      R"( {"labelSelector": {"matchLabels": {"app": "x"}}, "topologyKey": "kubernetes.io/hostname"}}]})");
  store.create(affine);
  check();
  auto affine2 = mutable_copy(*affine);
  affine2->metadata.name = "b";
  affine2->metadata.resourceVersion = 0;
  store.create(affine2);
  check();
  // More writes on one node between updates than the cache keeps: it re-lists.
  for (int k = 0; k < 12; ++k) bind("default", "many" + std::to_string(k), "b");
  check();
  // A pod leaving and an update of a bound pod: re-listed, counted afresh.
  store.remove(Kind::kPod, "default", "m", DeleteOptions{0, std::nullopt});
  auto relabel = mutable_copy(*find<Pod>(store, "default", "c"));
  relabel->metadata.labels["k"] = "v";
  store.update(relabel);
  check();
  bind("default", "after", "a");
  check();
}
