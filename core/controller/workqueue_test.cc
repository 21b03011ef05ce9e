// WorkQueue: dedup, requeue while processing, backoff on failure.
#include "core/controller/workqueue.h"

#include <catch2/catch.hpp>

#include "sim/event_loop.h"

using namespace ktwin;
using namespace std::chrono_literals;

TEST_CASE("a key added twice is reconciled once", "[controller]") {
  sim::EventLoop loop(core::Time{});
  std::vector<std::string> runs;
  core::WorkQueue q(loop, [&](const std::string& k) {
    runs.push_back(k);
    return core::Status::ok();
  });
  q.add("a");
  q.add("b");
  q.add("a");
  loop.run_until(core::Time{});
  CHECK(runs == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a failing key is retried with doubling delays", "[controller]") {
  sim::EventLoop loop(core::Time{});
  std::vector<core::Time> attempts;
  core::WorkQueue q(
      loop,
      [&](const std::string&) {
        attempts.push_back(loop.now());
        return attempts.size() < 4 ? core::Status::conflict("retry") : core::Status::ok();
      },
      1s, 10s);
  q.add("k");
  loop.run_until(core::Time{} + 1min);
  REQUIRE(attempts.size() == 4);
  CHECK(attempts[1] - attempts[0] == 1s);
  CHECK(attempts[2] - attempts[1] == 2s);
  CHECK(attempts[3] - attempts[2] == 4s);
  CHECK(q.failures("k") == 0);
}

TEST_CASE("a key added during its own reconcile runs again afterwards", "[controller]") {
  sim::EventLoop loop(core::Time{});
  int runs = 0;
  core::WorkQueue* queue = nullptr;
  core::WorkQueue q(loop, [&](const std::string& k) {
    if (++runs == 1) queue->add(k);
    return core::Status::ok();
  });
  queue = &q;
  q.add("k");
  loop.run_until(core::Time{});
  CHECK(runs == 2);
}
