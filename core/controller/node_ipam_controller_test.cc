// NodeIpamController: /24s in registration order, reuse after release follows the rotating candidate.
#include "core/controller/node_ipam_controller.h"

#include <catch2/catch.hpp>

#include "core/api/node.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/test_env.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace std::chrono_literals;

namespace {
struct Fixture : testing::TestEnv {
  void add_node(const std::string& name) {
    auto node = std::make_shared<Node>();
    node->metadata.name = name;
    REQUIRE(store.create(node).is_ok());
  }
  std::string cidr(const std::string& name) { return find<Node>(store, "", name)->spec.podCIDR; }
};
}  // namespace

TEST_CASE("nodes get the next free /24 in order of registration", "[ipam]") {
  Fixture f;
  // Existing nodes are handled by creation time, not by name.
  f.add_node("worker2");
  f.loop.run_until(Time{} + 1s);
  f.add_node("controller");
  NodeIpamController ipam(f.env, ControlPlaneConfig{});
  ipam.start();
  f.loop.run_until(Time{} + 2s);
  f.add_node("worker1");
  f.loop.run_until(Time{} + 3s);
  CHECK(f.cidr("worker2") == "10.42.0.0/24");
  CHECK(f.cidr("controller") == "10.42.1.0/24");
  CHECK(f.cidr("worker1") == "10.42.2.0/24");
  CHECK(find<Node>(f.store, "", "worker1")->spec.podCIDRs == std::vector<std::string>{"10.42.2.0/24"});

  SECTION("a released CIDR is reused only when the scan wraps round to it") {
    REQUIRE(f.store.remove(Kind::kNode, "", "controller").is_ok());
    f.loop.run_until(Time{} + 4s);
    f.add_node("worker3");
    f.loop.run_until(Time{} + 5s);
    CHECK(f.cidr("worker3") == "10.42.3.0/24");
  }
}

TEST_CASE("a node registering with a CIDR keeps it and that CIDR is skipped", "[ipam]") {
  Fixture f;
  NodeIpamController ipam(f.env, ControlPlaneConfig{});
  ipam.start();
  auto node = std::make_shared<Node>();
  node->metadata.name = "preset";
  node->spec.podCIDR = "10.42.0.0/24";
  REQUIRE(f.store.create(node).is_ok());
  f.loop.run_until(Time{} + 1s);
  f.add_node("next");
  f.loop.run_until(Time{} + 2s);
  CHECK(f.cidr("preset") == "10.42.0.0/24");
  CHECK(f.cidr("next") == "10.42.1.0/24");
}

TEST_CASE("an exhausted cluster CIDR reports CIDRNotAvailable", "[ipam]") {
  Fixture f;
  ControlPlaneConfig config;
  config.clusterCIDR = "10.9.0.0/23";  // two /24s
  NodeIpamController ipam(f.env, config);
  ipam.start();
  f.add_node("a");
  f.add_node("b");
  f.add_node("c");
  f.loop.run_until(Time{} + 1s);
  CHECK(f.cidr("a") == "10.9.0.0/24");
  CHECK(f.cidr("b") == "10.9.1.0/24");
  CHECK(f.cidr("c").empty());
  CHECK(f.events.count("CIDRNotAvailable") >= 1);
}
