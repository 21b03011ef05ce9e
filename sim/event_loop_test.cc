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
