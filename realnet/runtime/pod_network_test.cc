#include "realnet/runtime/pod_network.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "realnet/runtime/subprocess.h"

using namespace ktwin;
using realnet::PodNetwork;

TEST_CASE("PodNetwork creates a pod's namespace on the node bridge and removes it", "[pod_network]") {
  if (geteuid() != 0 || access("/usr/sbin/ip", X_OK) != 0) {
    WARN("skipped: needs root and iproute2's ip");
    return;
  }
  // A private test range on links of this test only (realnet/README.md: test topology).
  std::string tag = std::to_string(getpid() % 100000);
  PodNetwork net({"ktwt" + tag, "10.199.200.0/24"});
  CHECK(net.gateway() == "10.199.200.1");
  std::string sandbox = "test-" + tag;
  struct Cleanup {  // a failed REQUIRE must not leave the namespace and bridge behind
    PodNetwork& net;
    std::string sandbox;
    ~Cleanup() {
      net.teardown(sandbox);
      net.remove_bridge();
    }
  } cleanup{net, sandbox};
  auto path = net.setup(sandbox, "10.199.200.7");
  REQUIRE(path.is_ok());
  CHECK(path.value() == "/var/run/netns/ktwin-" + sandbox);
  CHECK(std::filesystem::exists(path.value()));
  std::string ns = PodNetwork::netns_name(sandbox);
  auto addr = realnet::run_process({"ip", "-n", ns, "-4", "addr", "show", "dev", "eth0"});
  REQUIRE(addr.is_ok());
  CHECK(addr.value().find("10.199.200.7/24") != std::string::npos);
  auto route = realnet::run_process({"ip", "-n", ns, "route", "show", "default"});
  CHECK(route.value().find("via 10.199.200.1") != std::string::npos);
  auto link = realnet::run_process({"ip", "link", "show", PodNetwork::host_veth(sandbox)});
  REQUIRE(link.is_ok());
  CHECK(link.value().find("master ktwt" + tag) != std::string::npos);
  // The pod answers on its address from the node, through the bridge.
  auto ping = realnet::run_process({"busybox", "ping", "-c", "1", "-W", "2", "10.199.200.7"});
  CHECK(ping.is_ok());
  CHECK(net.setup(sandbox, "10.199.200.7").value() == path.value());  // idempotent

  REQUIRE(net.teardown(sandbox).is_ok());
  CHECK_FALSE(std::filesystem::exists(path.value()));
  CHECK_FALSE(realnet::run_process({"ip", "link", "show", PodNetwork::host_veth(sandbox)}).is_ok());
  CHECK(net.teardown(sandbox).is_ok());  // a missing namespace is fine
  CHECK(net.remove_bridge().is_ok());
  CHECK_FALSE(realnet::run_process({"ip", "link", "show", "ktwt" + tag}).is_ok());
}
