// FastNetwork: an unconstrained link adds nothing; latency, then bytes at a bandwidth shared fairly.
#include "sim/fast_network.h"

#include <catch2/catch.hpp>

#include "sim/event_loop.h"

namespace ktwin::sim {
namespace {

using std::chrono::seconds;
const Time kStart = Time(std::chrono::hours(24 * 365 * 51));
constexpr int64_t kMi = 1024 * 1024;

double since(const EventLoop& loop, Time t) { return core::to_seconds(t - kStart); }

}  // namespace

TEST_CASE("an unconstrained link completes a pull synchronously", "[network]") {
  EventLoop loop{kStart};
  FastNetwork net{loop};
  bool done = false;
  net.pull_image("n1", 600 * kMi, [&] { done = true; });
  CHECK(done);  // inside the call: no task, so no timing changes
  CHECK(loop.pending() == 0);
  CHECK(net.api_latency("n1") == Duration{});
}

TEST_CASE("a pull takes the latency, then size over bandwidth", "[network]") {
  EventLoop loop{kStart};
  FastNetwork net{loop};
  net.set_link("n1", seconds(2), 10 * kMi);
  CHECK(net.api_latency("n1") == seconds(2));
  CHECK(net.api_latency("n2") == Duration{});  // links are per node
  std::optional<Time> done;
  net.pull_image("n1", 100 * kMi, [&] { done = loop.now(); });
  CHECK_FALSE(done);
  loop.run_until(kStart + seconds(60));
  REQUIRE(done);
  CHECK(since(loop, *done) == Approx(12.0));  // 2 s + 100Mi / 10Mi/s
}

TEST_CASE("concurrent pulls on one node share its bandwidth fairly", "[network]") {
  EventLoop loop{kStart};
  FastNetwork net{loop};
  net.set_link("n1", std::nullopt, 10 * kMi);  // bandwidth only
  std::optional<Time> small, big, other_node;
  net.pull_image("n1", 50 * kMi, [&] { small = loop.now(); });
  net.pull_image("n1", 150 * kMi, [&] { big = loop.now(); });
  net.set_link("n2", std::nullopt, 10 * kMi);
  net.pull_image("n2", 100 * kMi, [&] { other_node = loop.now(); });
  loop.run_until(kStart + seconds(100));
  REQUIRE(small);
  REQUIRE(big);
  // Both at 5Mi/s until the small one is done (10 s), then the big one alone: 100Mi left at 10Mi/s.
  CHECK(since(loop, *small) == Approx(10.0));
  CHECK(since(loop, *big) == Approx(20.0));
  REQUIRE(other_node);
  CHECK(since(loop, *other_node) == Approx(10.0));  // another node's link is its own
}

TEST_CASE("a pull in flight moves at the new rate after slowNetwork or restoreNetwork", "[network]") {
  EventLoop loop{kStart};
  FastNetwork net{loop};
  net.set_link("n1", std::nullopt, 10 * kMi);
  std::optional<Time> done;
  net.pull_image("n1", 100 * kMi, [&] { done = loop.now(); });
  loop.run_until(kStart + seconds(4));  // 40Mi moved
  net.set_link("n1", std::nullopt, 20 * kMi);
  loop.run_until(kStart + seconds(5));  // 60Mi moved
  net.restore_link("n1");               // unlimited: the rest arrives at once
  loop.run_until(kStart + seconds(100));
  REQUIRE(done);
  CHECK(since(loop, *done) == Approx(5.0));
  CHECK(net.TEST_active_pulls("n1") == 0);
}

}  // namespace ktwin::sim
