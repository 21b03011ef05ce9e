// node_status_current, the heartbeat's check before copying the Node, agrees with building the new
// status and comparing it (node_status_changed).
#include "core/kubelet/node_status.h"

#include <catch2/catch.hpp>

namespace ktwin::core {
namespace {

Time at(int s) { return Time{} + std::chrono::seconds(s); }

bool slow_unchanged(const Node& node, const NodeRegistration& reg, const KubeletConfig& config,
                    const std::vector<ImageInfo>& images) {
  auto copy = mutable_copy(node);
  set_node_status(*copy, reg, config, images, at(20));
  return !node_status_changed(node, *copy);
}

TEST_CASE("node_status_current holds only where the built status is unchanged", "[kubelet]") {
  NodeRegistration reg;
  reg.name = "worker1";
  reg.internalIP = "10.0.0.1";
  reg.capacity["cpu"] = Quantity::parse("2").value();
  KubeletConfig config;
  std::vector<ImageInfo> images{{{"a:1"}, 10}, {{"b:1"}, 30}, {{"c:1"}, 30}};
  auto node = make_initial_node(reg, config, images, at(0));
  CHECK(node_status_current(*node, reg, config, images));
  CHECK(slow_unchanged(*node, reg, config, images));

  auto check_changed = [&](auto mutate) {
    NodeRegistration r = reg;
    std::vector<ImageInfo> im = images;
    auto n = mutable_copy(*node);
    mutate(*n, r, im);
    bool slow = slow_unchanged(*n, r, config, im);
    // current implies unchanged; every case here is a change.
    CHECK_FALSE(slow);
    CHECK_FALSE(node_status_current(*n, r, config, im));
  };
  check_changed([](Node&, NodeRegistration& r, std::vector<ImageInfo>&) { r.capacity["memory"] = Quantity::parse("1Gi").value(); });
  check_changed([](Node&, NodeRegistration& r, std::vector<ImageInfo>&) { r.capacity["pods"] = Quantity::from_value(50); });
  check_changed([](Node&, NodeRegistration& r, std::vector<ImageInfo>&) { r.internalIP = "10.0.0.2"; });
  check_changed([](Node&, NodeRegistration& r, std::vector<ImageInfo>&) { r.internalIP.clear(); });
  check_changed([](Node&, NodeRegistration& r, std::vector<ImageInfo>&) { r.kernelVersion = "6.1"; });
  check_changed([](Node&, NodeRegistration&, std::vector<ImageInfo>& im) { im.push_back({{"d:1"}, 5}); });
  check_changed([](Node&, NodeRegistration&, std::vector<ImageInfo>& im) { im[0].size = 40; });
  check_changed([](Node& n, NodeRegistration&, std::vector<ImageInfo>&) { n.status.conditions[3].status = "Unknown"; });
  check_changed([](Node& n, NodeRegistration&, std::vector<ImageInfo>&) { n.status.conditions[1].reason = "NodeStatusUnknown"; });
  check_changed([](Node& n, NodeRegistration&, std::vector<ImageInfo>&) { std::swap(n.status.conditions[0], n.status.conditions[1]); });
  check_changed([](Node& n, NodeRegistration&, std::vector<ImageInfo>&) { n.status.conditions.push_back(n.status.conditions[0]); });
  check_changed([](Node& n, NodeRegistration&, std::vector<ImageInfo>&) { n.status.allocatable.erase("cpu"); });

  SECTION("a condition the kubelet does not own is kept, so nothing changes") {
    auto n = mutable_copy(*node);
    n->status.conditions.push_back({"NetworkUnavailable", "False", "RouteCreated", "", at(1), at(1)});
    CHECK(node_status_current(*n, reg, config, images));
    CHECK(slow_unchanged(*n, reg, config, images));
  }
  SECTION("heartbeat times alone are no change") {
    auto n = mutable_copy(*node);
    for (NodeCondition& c : n->status.conditions) c.lastHeartbeatTime = at(7);
    CHECK(node_status_current(*n, reg, config, images));
  }
}

}  // namespace
}  // namespace ktwin::core
