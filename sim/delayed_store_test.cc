// DelayedStore: the node's writes and watch events arrive late and in order; the kubelet reads its own
// writes; heartbeats time out when the round trip exceeds the heartbeat client's timeout.
#include "sim/delayed_store.h"

#include <catch2/catch.hpp>

#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "sim/fast_network.h"

namespace ktwin::sim {
namespace {

using std::chrono::seconds;
const Time kStart = Time(std::chrono::hours(24 * 365 * 51));

struct Harness {
  EventLoop loop{kStart};
  core::MemoryStore server{loop, core::Rng(1, "store")};
  FastNetwork net{loop};
  DelayedStore node{server, loop, net, "n1", seconds(10)};

  std::shared_ptr<core::Pod> pod(const std::string& name) {
    auto p = std::make_shared<core::Pod>();
    p->metadata.namespace_ = "default";
    p->metadata.name = name;
    p->spec.nodeName = "n1";
    return p;
  }
};

}  // namespace

TEST_CASE("with no latency the node's store is the server", "[network]") {
  Harness h;
  auto p = h.pod("a");
  REQUIRE(h.node.create(p).is_ok());
  CHECK(h.server.find(core::Kind::kPod, "default", "a"));  // at once
  CHECK(h.node.writes_in_flight() == 0);
}

TEST_CASE("a delayed write lands late, and the node reads its own write meanwhile", "[network]") {
  Harness h;
  REQUIRE(h.server.create(h.pod("a")).is_ok());
  h.net.set_link("n1", seconds(3), std::nullopt);
  auto current = core::find<core::Pod>(h.node, "default", "a");
  auto copy = core::mutable_copy(*current);
  copy->status.phase = "Running";
  REQUIRE(h.node.update(copy).is_ok());
  CHECK(core::find<core::Pod>(h.server, "default", "a")->status.phase == "");        // not there yet
  CHECK(core::find<core::Pod>(h.node, "default", "a")->status.phase == "Running");  // read your writes

  SECTION("a stale resourceVersion is a status patch: the control plane's changes stay") {
    // The control plane marks the pod for deletion while the status write is on the wire.
    REQUIRE(h.server.remove(core::Kind::kPod, "default", "a").is_ok());
    h.loop.run_until(kStart + seconds(3));
    auto landed = core::find<core::Pod>(h.server, "default", "a");
    REQUIRE(landed);
    CHECK(landed->status.phase == "Running");
    CHECK(landed->metadata.deletionTimestamp);
    CHECK(h.node.writes_in_flight() == 0);
  }
  SECTION("writes keep their order even when the latency drops") {
    auto second = core::mutable_copy(*core::find<core::Pod>(h.node, "default", "a"));
    h.net.set_link("n1", Duration{}, std::nullopt);
    second->status.phase = "Succeeded";
    REQUIRE(h.node.update(second).is_ok());
    CHECK(core::find<core::Pod>(h.server, "default", "a")->status.phase == "");  // queued behind the first
    h.loop.run_until(kStart + seconds(3));
    CHECK(core::find<core::Pod>(h.server, "default", "a")->status.phase == "Succeeded");
  }
}

TEST_CASE("heartbeats fail when the round trip reaches the heartbeat timeout", "[network]") {
  Harness h;
  auto lease = std::make_shared<core::Lease>();
  lease->metadata.namespace_ = "kube-node-lease";
  lease->metadata.name = "n1";
  h.net.set_link("n1", seconds(4), std::nullopt);  // 8 s round trip: under 10 s, delayed
  REQUIRE(h.node.create(lease->clone()).is_ok());
  CHECK_FALSE(h.server.find(core::Kind::kLease, "kube-node-lease", "n1"));
  h.loop.run_until(kStart + seconds(4));
  CHECK(h.server.find(core::Kind::kLease, "kube-node-lease", "n1"));

  h.net.set_link("n1", seconds(5), std::nullopt);  // 10 s round trip: the client gives up
  auto copy = core::mutable_copy(*core::find<core::Lease>(h.node, "kube-node-lease", "n1"));
  auto s = h.node.update(copy).status();
  CHECK(s.code() == core::Status::unavailable("").code());
  CHECK(h.node.writes_in_flight() == 0);  // nothing sent
  // Pod writes use the main client, which has no timeout: still delivered.
  CHECK(h.node.create(h.pod("b")).is_ok());
  CHECK(h.node.writes_in_flight() == 1);
}

TEST_CASE("watch events reach the node late, in order, and not after unwatch", "[network]") {
  Harness h;
  h.net.set_link("n1", seconds(2), std::nullopt);
  std::vector<std::pair<double, std::string>> seen;
  core::WatchId id = h.node.watch(core::Kind::kPod, [&](const core::WatchEvent& e) {
    seen.emplace_back(core::to_seconds(h.loop.now() - kStart), e.object->metadata.name);
  });
  REQUIRE(h.server.create(h.pod("a")).is_ok());
  h.loop.run_until(kStart + seconds(1));
  h.net.set_link("n1", Duration{}, std::nullopt);
  REQUIRE(h.server.create(h.pod("b")).is_ok());  // may not overtake a
  h.loop.run_until(kStart + seconds(5));
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == std::make_pair(2.0, std::string("a")));
  CHECK(seen[1] == std::make_pair(2.0, std::string("b")));

  h.net.set_link("n1", seconds(2), std::nullopt);
  REQUIRE(h.server.create(h.pod("c")).is_ok());
  h.loop.run_until(kStart + seconds(6));
  h.node.unwatch(id);
  h.loop.run_until(kStart + seconds(10));
  CHECK(seen.size() == 2);  // c was in flight when the watcher left
}

}  // namespace ktwin::sim

namespace ktwin::sim {

TEST_CASE("a delayed status write for a pod replaced under the same name is dropped", "[network]") {
  Harness h;
  REQUIRE(h.server.create(h.pod("a")).is_ok());
  h.net.set_link("n1", seconds(3), std::nullopt);
  auto copy = core::mutable_copy(*core::find<core::Pod>(h.node, "default", "a"));
  copy->status.phase = "Failed";
  REQUIRE(h.node.update(copy).is_ok());
  // Meanwhile the pod is deleted and a new one takes its name (as a StatefulSet's would).
  core::DeleteOptions now;
  now.gracePeriodSeconds = 0;
  REQUIRE(h.server.remove(core::Kind::kPod, "default", "a", now).is_ok());
  REQUIRE(h.server.create(h.pod("a")).is_ok());
  h.loop.run_until(kStart + seconds(3));
  CHECK(core::find<core::Pod>(h.server, "default", "a")->status.phase == "");
}

TEST_CASE("the node's Events arrive late too", "[network]") {
  struct Recorder : core::EventRecorder {
    std::vector<std::string> reasons;
    void record(const core::ObjectRef&, const std::string&, const std::string& reason, const std::string&) override {
      reasons.push_back(reason);
    }
  } server_events;
  EventLoop loop{Time(std::chrono::hours(1))};
  FastNetwork net{loop};
  DelayedEvents events{server_events, loop, net, "n1"};
  events.record({"Pod", "default", "a"}, "Normal", "Started", "");
  CHECK(server_events.reasons.size() == 1);  // no latency: at once
  net.set_link("n1", seconds(2), std::nullopt);
  events.record({"Pod", "default", "a"}, "Normal", "Killing", "");
  CHECK(server_events.reasons.size() == 1);
  loop.run_until(loop.now() + seconds(2));
  CHECK(server_events.reasons == std::vector<std::string>{"Started", "Killing"});
}


TEST_CASE("the node's store calls an object latest only when its own reads would return it", "[network]") {
  Harness h;
  auto server_copy = h.server.create(h.pod("a")).value();
  CHECK(h.node.is_latest(*server_copy));  // nothing in flight: the server's answer
  h.net.set_link("n1", seconds(3), std::nullopt);
  auto copy = core::mutable_copy(*core::as<core::Pod>(server_copy));
  copy->status.phase = "Running";
  REQUIRE(h.node.update(copy).is_ok());
  auto seen = core::find<core::Pod>(h.node, "default", "a");
  CHECK(h.server.is_latest(*server_copy));  // the server has not seen the write yet
  CHECK_FALSE(h.node.is_latest(*server_copy));  // but the node reads its own write over it
  CHECK(h.node.is_latest(*seen) == (core::find<core::Pod>(h.node, "default", "a") == seen));
  h.loop.run_until(kStart + seconds(3));
  CHECK_FALSE(h.node.is_latest(*server_copy));
  CHECK(h.node.is_latest(*core::find<core::Pod>(h.server, "default", "a")));
}

}  // namespace ktwin::sim
