// SimgridNetwork on scenarios/platforms/small.xml: transfer times from SimGrid's flow model, lockstep
// with the EventLoop, links down and up, route latencies. Every test uses the same platform: SimGrid
// loads one per process (tests run one process each under ctest, all in one when run by hand).
#include "sim/platform/simgrid_network.h"

#include <catch2/catch.hpp>

using namespace ktwin;
using namespace std::chrono_literals;

namespace {

const core::Time kT0 = core::Time{} + 1000h;

sim::PlatformSpec small_platform() {
  sim::PlatformSpec spec;
  spec.file = std::string(KTWIN_SOURCE_DIR) + "/scenarios/platforms/small.xml";
  return spec;
}

const std::vector<std::string> kNodes = {"controller", "worker1", "worker2", "worker3"};

std::unique_ptr<sim::SimgridNetwork> make(sim::EventLoop& loop, sim::SimgridNetwork::Reachability r = nullptr) {
  auto net = sim::SimgridNetwork::create(loop, small_platform(), kNodes, std::move(r));
  REQUIRE(net.is_ok());
  return std::move(net.value());
}

// SimGrid 3.32's default network model (LV08, docs "Configuring SimGrid": network/latency-factor,
// network/bandwidth-factor, network/crosstraffic): latencies x 13.01, bandwidth x 0.97, and each flow's
// acknowledgements take 5% more of a shared (not split-duplex) link. Cross-checked with a plain S4U
// program (Comm::sendto_async from maestro): 100 MB over uplink+worker1-link took 0.879640 s.
constexpr double kLatencyFactor = 13.01, kBandwidthFactor = 0.97, kCrossTraffic = 1.05;
constexpr double kUplink = 1e9 / 8;  // bytes/s

// Seconds for `flows` equal flows of `bytes` each over the uplink, on a route of `latency` seconds.
double shared_uplink_time(double bytes, int flows, double latency) {
  return kLatencyFactor * latency + flows * bytes * kCrossTraffic / (kUplink * kBandwidthFactor);
}

double since(const sim::EventLoop&, core::Time t) { return core::to_seconds(t - kT0); }

}  // namespace

TEST_CASE("20 pulls of 500 MB over one 1 Gbit/s uplink end when SimGrid's flow model says", "[platform]") {
  sim::EventLoop loop(kT0);
  auto net = make(loop);
  std::vector<core::Time> ends;
  for (int i = 0; i < 20; ++i) net->pull_image("worker1", 500'000'000, [&] { ends.push_back(loop.now()); });
  loop.run_until(kT0 + 10min);
  REQUIRE(ends.size() == 20);
  // registry -> worker1 crosses uplink (1 ms) and worker1-link (50 us, 10 Gbit/s: not the bottleneck).
  double expected = shared_uplink_time(500e6, 20, 0.00105);
  CHECK(expected == Approx(86.6116).epsilon(1e-4));
  for (core::Time t : ends) CHECK(since(loop, t) == Approx(expected).margin(1e-6));

  SECTION("one pull alone is twenty times faster: the flows shared the uplink") {
    core::Time start = loop.now(), end{};
    net->pull_image("worker1", 500'000'000, [&] { end = loop.now(); });
    loop.run_until(start + 1min);
    CHECK(core::to_seconds(end - start) == Approx(shared_uplink_time(500e6, 1, 0.00105)).margin(1e-6));
  }
}

TEST_CASE("pulls to four nodes share the uplink: the last ends once all bytes have crossed it", "[platform]") {
  sim::EventLoop loop(kT0);
  auto net = make(loop);
  core::Time last{};
  int done = 0;
  for (int i = 0; i < 20; ++i)
    net->pull_image(kNodes[i % 4], 500'000'000, [&] {
      last = loop.now();
      ++done;
    });
  loop.run_until(kT0 + 10min);
  CHECK(done == 20);
  // The uplink stays saturated until the end; routes differ only by up to 150 us of latency.
  CHECK(since(loop, last) == Approx(shared_uplink_time(500e6, 20, 0.00105)).margin(0.005));
}

TEST_CASE("completions run at SimGrid's instant, before later loop tasks, and may start transfers", "[platform]") {
  sim::EventLoop loop(kT0);
  auto net = make(loop);
  std::vector<std::pair<std::string, double>> log;
  double one = shared_uplink_time(100e6, 1, 0.00105);
  loop.post_after(10s, [&] { log.push_back({"task", since(loop, loop.now())}); });
  net->pull_image("worker1", 100'000'000, [&] {
    log.push_back({"first", since(loop, loop.now())});
    net->pull_image("worker1", 100'000'000, [&] { log.push_back({"second", since(loop, loop.now())}); });
  });
  loop.run_until(kT0 + 1min);
  REQUIRE(log.size() == 3);
  CHECK(log[0].first == "first");
  CHECK(log[0].second == Approx(one).margin(1e-6));
  CHECK(log[1].first == "second");
  CHECK(log[1].second == Approx(2 * one).margin(1e-6));
  CHECK(log[2] == std::pair<std::string, double>{"task", 10.0});
  CHECK(net->transfers() == 0);
  CHECK_FALSE(net->busy());

  SECTION("a zero-byte pull ends at once") {
    bool ended = false;
    net->pull_image("worker2", 0, [&] { ended = true; });
    loop.run_until(loop.now());
    CHECK(ended);
  }
}

TEST_CASE("a link turned off partitions the nodes behind it and stalls the pulls crossing it", "[platform]") {
  sim::EventLoop loop(kT0);
  std::vector<std::string> changes;
  auto net = make(loop, [&](const std::string& node, bool up) { changes.push_back(node + (up ? " up" : " down")); });
  double end = 0;
  net->pull_image("worker2", 100'000'000, [&] { end = since(loop, loop.now()); });
  loop.post_after(500ms, [&] { REQUIRE(net->set_link("tor-b", false).is_ok()); });
  loop.run_until(kT0 + 5s);
  CHECK(changes == std::vector<std::string>{"worker2 down", "worker3 down"});
  CHECK_FALSE(net->reachable("worker2"));
  CHECK(net->reachable("worker1"));
  CHECK(end == 0);
  CHECK(net->transfers() == 1);
  CHECK_FALSE(net->busy());  // waiting for the route, not under way

  loop.post_after(5s, [&] { REQUIRE(net->set_link("tor-b", true).is_ok()); });
  loop.run_until(kT0 + 1min);
  CHECK(changes == std::vector<std::string>{"worker2 down", "worker3 down", "worker2 up", "worker3 up"});
  // registry -> worker2: uplink 1 ms + tor-b 100 us + worker2-link 50 us. The bytes sent before 0.5 s
  // are kept; the rest goes again from 10 s, paying the route's latency once more.
  double latency = kLatencyFactor * 0.00115, rate = kUplink * kBandwidthFactor / kCrossTraffic;
  double sent = (0.5 - latency) * rate;
  CHECK(end == Approx(10 + latency + (100e6 - sent) / rate).margin(1e-5));

  SECTION("an unknown link is NotFound, an unchanged one is fine") {
    CHECK(net->set_link("tor-c", false).is_not_found());
    CHECK(net->set_link("uplink", true).is_ok());
  }
  SECTION("the uplink down stalls pulls but partitions no node") {
    changes.clear();
    REQUIRE(net->set_link("uplink", false).is_ok());
    CHECK(changes.empty());
    CHECK(net->reachable("worker3"));
  }
}

TEST_CASE("api_latency is the route's latency to the control plane plus a small message", "[platform]") {
  sim::EventLoop loop(kT0);
  auto net = make(loop);
  double message = sim::SimgridNetwork::kApiMessageBytes / 1.25e9;  // over a 10 Gbit/s link
  CHECK(core::to_seconds(net->api_latency("controller")) == Approx(100e-6 + message).margin(1e-9));
  CHECK(core::to_seconds(net->api_latency("worker3")) == Approx(200e-6 + message).margin(1e-9));
}

TEST_CASE("the process keeps one platform: reused after a run, another one refused", "[platform]") {
  double first = 0, second = 0;
  for (double* out : {&first, &second}) {
    sim::EventLoop loop(kT0);
    auto net = make(loop);
    net->pull_image("worker1", 100'000'000, [&, out] { *out = since(loop, loop.now()); });
    loop.post_after(30ms, [&] { REQUIRE(net->set_link("worker3-link", false).is_ok()); });
    loop.run_until(kT0 + 1min);
  }  // the first network turned worker3-link back on when it went
  CHECK(first == Approx(shared_uplink_time(100e6, 1, 0.00105)).margin(1e-6));
  CHECK(second == Approx(first).margin(1e-6));

  sim::EventLoop loop(kT0);
  auto net = make(loop);
  CHECK(net->reachable("worker3"));
  sim::EventLoop other_loop(kT0);
  CHECK(sim::SimgridNetwork::create(other_loop, small_platform(), kNodes).status().code() == core::Status::Code::kUnavailable);
  net.reset();
  sim::PlatformSpec other;
  other.is_inline = true;
  CHECK(sim::SimgridNetwork::create(other_loop, other, {"n1"}).status().code() == core::Status::Code::kUnavailable);
  auto missing = sim::SimgridNetwork::create(other_loop, small_platform(), {"worker9"});
  REQUIRE_FALSE(missing.is_ok());
  CHECK(missing.status().message() == "node \"worker9\" has no host in the platform");
}
