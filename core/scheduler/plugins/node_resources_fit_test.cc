// NodeResourcesFit filter reasons and the LeastAllocated / BalancedAllocation formulas, by hand.
#include "core/scheduler/plugins/node_resources_fit.h"

#include <catch2/catch.hpp>

#include "core/scheduler/plugins/node_resources_balanced_allocation.h"
#include "core/scheduler/test_util.h"

using namespace ktwin::core;
using ktwin::core::testing::make_node;
using ktwin::core::testing::make_pod;

namespace {

// The walk-through's controller: 2 CPU / 3Gi with coredns (100m/70Mi) and three pods without requests.
std::vector<NodeInfo> k3s_cluster() {
  std::vector<std::shared_ptr<const Node>> nodes = {make_node("controller", "2", "3Gi"),
                                                    make_node("worker1", "2", "3Gi")};
  std::vector<std::shared_ptr<const Pod>> pods = {
      make_pod("coredns", "100m", "70Mi", "controller"), make_pod("metrics-server", "", "", "controller"),
      make_pod("local-path", "", "", "controller"), make_pod("traefik", "", "", "controller")};
  return make_snapshot(nodes, pods);
}

}  // namespace

TEST_CASE("non-zero requests default unset cpu and memory, not explicit zeros",
          "[scheduler][noderesources]") {
  auto nodes = k3s_cluster();
  CHECK(nodes[0].non_zero_milli_cpu == 100 + 3 * 100);
  CHECK(nodes[0].non_zero_memory == (70 + 3 * 200) * 1024 * 1024);
  CHECK(nodes[0].requested.milli_cpu == 100);  // real requests: coredns only
  auto zero = make_pod("zero", "0", "0");
  PodRequests r = compute_pod_requests(*zero);
  CHECK(r.non_zero_milli_cpu == 0);
  CHECK(r.non_zero_memory == 0);
}

TEST_CASE("LeastAllocated scores non-zero requests including the incoming pod",
          "[scheduler][noderesources]") {
  auto nodes = k3s_cluster();
  CycleState state(nodes);
  auto pod = make_pod("web");  // no requests: counts 100m / 200Mi
  NodeResourcesFit fit;
  // controller: cpu (2000-500)*100/2000 = 75; memory (3072Mi-870Mi)*100/3072Mi = 71 (71.7); (75+71)/2 = 73.
  CHECK(fit.score(state, *pod, nodes[0]) == 73);
  // worker1: cpu 1900*100/2000 = 95; memory 2872*100/3072 = 93 (93.5); (95+93)/2 = 94.
  CHECK(fit.score(state, *pod, nodes[1]) == 94);
}

TEST_CASE("BalancedAllocation 1.20 uses |cpuFraction - memFraction|; later the halved std",
          "[scheduler][noderesources]") {
  auto nodes = k3s_cluster();
  CycleState state(nodes);
  auto pod = make_pod("web");
  NodeResourcesBalancedAllocation v120(20);
  // controller: cpu 500/2000 = 0.25, memory 870/3072 = 0.2832; (1 - 0.0332) * 100 = 96.7 -> 96.
  CHECK(v120.score(state, *pod, nodes[0]) == 96);
  // worker1: 0.05 vs 200/3072 = 0.0651; (1 - 0.0151) * 100 = 98.5 -> 98.
  CHECK(v120.score(state, *pod, nodes[1]) == 98);
  NodeResourcesBalancedAllocation v132(32);
  // 1.32 uses real requests: controller cpu 100/2000 = 0.05, memory 70/3072 = 0.0228; std = 0.0136 -> 98.
  CHECK(v132.score(state, *pod, nodes[0]) == 98);
  // worker1: nothing requested, std 0 -> 100.
  CHECK(v132.score(state, *pod, nodes[1]) == 100);
  // A fraction at or above 1 scores 0 in 1.20.
  auto big = make_pod("big", "1900m", "100Mi");
  CHECK(v120.score(state, *big, nodes[0]) == 0);
}

TEST_CASE("NodeResourcesFit lists every insufficient resource", "[scheduler][noderesources]") {
  std::vector<std::shared_ptr<const Node>> nodes = {make_node("small", "1", "1Gi", "2")};
  std::vector<std::shared_ptr<const Pod>> pods = {make_pod("a", "800m", "512Mi", "small")};
  auto snapshot = make_snapshot(nodes, pods);
  NodeResourcesFit fit;
  auto run = [&](const Pod& pod) {
    CycleState state(snapshot);
    REQUIRE(fit.pre_filter(state, pod).is_success());
    return fit.filter(state, pod, snapshot[0]);
  };
  SECTION("fits") { CHECK(run(*make_pod("b", "200m", "512Mi")).is_success()); }
  SECTION("cpu and memory") {
    PluginStatus st = run(*make_pod("b", "300m", "600Mi"));
    CHECK(st.code == PluginStatus::Code::kUnschedulable);
    CHECK(st.reasons == std::vector<std::string>{"Insufficient cpu", "Insufficient memory"});
  }
  SECTION("pod count") {
    pods.push_back(make_pod("c", "", "", "small"));
    snapshot = make_snapshot(nodes, pods);
    CHECK(run(*make_pod("b")).reasons == std::vector<std::string>{"Too many pods"});
  }
  SECTION("a pod without requests ignores the resources in 1.20") { CHECK(run(*make_pod("b")).is_success()); }
}
