// cluster.platform end to end: a scenario on scenarios/platforms/small.xml, where a link turned off
// partitions exactly the nodes behind it. Only this platform is used in sim_tests: SimGrid loads one
// platform per process.
#include <catch2/catch.hpp>
#include <sstream>

#include "sim/platform/simgrid_network.h"
#include "sim/runner.h"
#include "sim/sim_cluster.h"

namespace ktwin::sim {
namespace {

const std::string kScenario = std::string(KTWIN_SOURCE_DIR) + "/scenarios/faults/link-down-platform.yaml";

std::pair<std::string, std::string> run_once(const Scenario& s) {
  std::ostringstream out, trace;
  RunOptions options;
  options.out = &out;
  options.trace = &trace;
  auto result = run_scenario(s, options);
  REQUIRE(result.is_ok());
  CHECK(result.value().failures.empty());
  return {out.str(), trace.str()};
}

}  // namespace

TEST_CASE("linkDown partitions the nodes behind the link, linkUp heals them, twice alike", "[platform]") {
  auto s = load_scenario(kScenario);
  INFO(s.status().message());
  REQUIRE(s.is_ok());
  auto [out, trace] = run_once(s.value());
  CHECK(out.find("[+1m0s] link/tor-b down\n"
                 "[+1m0s] node/worker2 partitioned from the control plane (route crosses link tor-b)\n"
                 "[+1m0s] node/worker3 partitioned from the control plane (route crosses link tor-b)\n") !=
        std::string::npos);
  CHECK(out.find("node/worker1 NotReady") == std::string::npos);
  CHECK(out.find("[+4m0s] link/uplink down\n[+5m30s]") != std::string::npos);  // no node behind the uplink
  // The same platform again in this process: SimGrid's clock has moved on, ktwin's output has not.
  auto [out2, trace2] = run_once(s.value());
  CHECK(out2 == out);
  CHECK(trace2 == trace);
}

TEST_CASE("the cluster's SimGrid network carries image pulls over the platform's uplink", "[platform]") {
  auto s = load_scenario(kScenario);
  REQUIRE(s.is_ok());
  auto config = make_cluster_config(s.value());
  REQUIRE(config.is_ok());
  SimCluster cluster(config.value(), core::Time{});
  SimgridNetwork* net = cluster.platform_network();
  REQUIRE(net != nullptr);
  core::Time end{};
  net->pull_image("worker1", 100'000'000, [&] { end = cluster.loop().now(); });
  cluster.loop().run_until(core::Time{} + std::chrono::seconds(5));
  // LV08 on uplink (1 ms) + worker1-link (50 us): see sim/platform/simgrid_network_test.cc.
  CHECK(core::to_seconds(end - core::Time{}) == Approx(13.01 * 0.00105 + 100e6 * 1.05 / (0.97 * 125e6)).margin(1e-6));
  CHECK(cluster.set_link("tor-c", false).status().is_not_found());
}

}  // namespace ktwin::sim

namespace ktwin::sim {

TEST_CASE("a node added behind a link that is off starts partitioned and heals with the link", "[platform]") {
  auto s = load_scenario(kScenario);
  REQUIRE(s.is_ok());
  auto config = make_cluster_config(s.value());
  REQUIRE(config.is_ok());
  NodeSpecEntry worker3 = config.value().nodes.back();
  REQUIRE(worker3.name == "worker3");
  config.value().nodes.pop_back();
  SimCluster cluster(config.value(), core::Time{});
  cluster.start();
  auto cut = cluster.set_link("tor-b", false);
  REQUIRE(cut.is_ok());
  CHECK(cut.value() == std::vector<std::string>{"worker2"});  // worker3's host has no node yet
  REQUIRE(cluster.add_node(worker3).is_ok());
  CHECK(cluster.find_node("worker3")->partitioned());
  auto healed = cluster.set_link("tor-b", true);
  REQUIRE(healed.is_ok());
  CHECK(healed.value() == std::vector<std::string>{"worker2", "worker3"});
  CHECK_FALSE(cluster.find_node("worker3")->partitioned());
}

}  // namespace ktwin::sim
