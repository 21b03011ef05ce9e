// The virtual clock: ordering, cancellation and run_until.
#include "sim/event_loop.h"

#include <catch2/catch.hpp>

using namespace ktwin;
using namespace std::chrono_literals;

TEST_CASE("tasks run in time order, equal times in posting order", "[sim]") {
  sim::EventLoop loop(core::Time{});
  std::string order;
  loop.post_after(2s, [&] { order += "c"; });
  loop.post_after(1s, [&] { order += "a"; });
  loop.post_after(1s, [&] { order += "b"; });
  auto id = loop.post_after(1500ms, [&] { order += "x"; });
  loop.cancel(id);
  loop.run_until(core::Time{} + 10s);
  CHECK(order == "abc");
  CHECK(loop.now() == core::Time{} + 10s);
  CHECK(loop.pending() == 0);
}

TEST_CASE("run_until stops before later tasks and a task can post more", "[sim]") {
  sim::EventLoop loop(core::Time{});
  int runs = 0;
  std::function<void()> tick = [&] {
    ++runs;
    loop.post_after(5s, tick);
  };
  loop.post(tick);
  loop.run_until(core::Time{} + 20s);
  CHECK(runs == 5);  // at 0, 5, 10, 15, 20
  CHECK(loop.pending() == 1);
}

TEST_CASE("observers run after everything else due at their instant", "[sim]") {
  sim::EventLoop loop(core::Time{});
  std::string order;
  loop.post_observer_after(1s, [&] { order += "O"; });
  loop.post_after(1s, [&] {
    order += "a";
    loop.post([&] { order += "b"; });  // a consequence at the same instant
  });
  loop.run_until(core::Time{} + 1s);
  CHECK(order == "abO");
}

namespace {
// A co-simulation with events at fixed instants, each posting a task that logs it.
struct FakeCoSimulation : sim::CoSimulation {
  sim::EventLoop& loop;
  std::vector<core::Time> events;  // ascending
  std::string& order;
  FakeCoSimulation(sim::EventLoop& l, std::vector<core::Time> e, std::string& o) : loop(l), events(std::move(e)), order(o) {}
  core::Time advance(core::Time until) override {
    if (events.empty() || events.front() >= until) return until;
    core::Time at = events.front();
    events.erase(events.begin());
    loop.post_after(at - loop.now(), [this] { order += "c"; });
    return at;
  }
  bool busy() const override { return !events.empty(); }
};
}  // namespace

TEST_CASE("a co-simulation's events run at their instant, between the loop's own tasks", "[sim]") {
  sim::EventLoop loop(core::Time{});
  std::string order;
  FakeCoSimulation co(loop, {core::Time{} + 1s, core::Time{} + 3s, core::Time{} + 20s}, order);
  loop.set_co_simulation(&co);
  loop.post_after(2s, [&] { order += "a"; });
  loop.post_after(4s, [&] { order += "b"; });
  loop.run_until(core::Time{} + 10s);
  CHECK(order == "cacb");
  CHECK(loop.now() == core::Time{} + 10s);
  CHECK(co.busy());
  // With nothing queued, run_one still reaches the co-simulation's next event.
  CHECK(loop.run_one());
  CHECK(loop.now() == core::Time{} + 20s);
  CHECK(loop.run_one());
  CHECK(order == "cacbc");
  CHECK_FALSE(loop.run_one());
  loop.set_co_simulation(nullptr);
}

TEST_CASE("reused task slots keep the order, and a task's captures go when it runs or is cancelled", "[sim]") {
  sim::EventLoop loop(core::Time{});
  std::string order;
  auto held = std::make_shared<int>(0);
  auto ran = loop.post_after(1s, [&, held] { order += "a"; });
  auto dropped = loop.post_after(1s, [held] {});
  loop.cancel(dropped);
  loop.run_until(core::Time{} + 1s);
  CHECK(held.use_count() == 1);  // neither the run nor the cancelled task keeps its captures
  // Posted into the freed slots, in an order unlike the slots': time order, then posting order.
  loop.post_after(3s, [&] { order += "d"; });
  loop.post_after(2s, [&] { order += "b"; });
  loop.post_after(2s, [&] { order += "c"; });
  loop.cancel(ran);  // ran already; its slot now holds another task, which must still run
  loop.cancel(dropped);
  CHECK(loop.pending() == 3);
  loop.run_until(core::Time{} + 10s);
  CHECK(order == "abcd");
  CHECK(loop.pending() == 0);
}
