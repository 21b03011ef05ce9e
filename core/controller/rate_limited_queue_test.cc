// RateLimitedTimedQueue with the duplicate entries that SetRemove + Add leave in k/k's heap.
#include "core/controller/rate_limited_queue.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "sim/event_loop.h"

using namespace ktwin;
using namespace ktwin::core;

namespace {

Time at(double s) { return Time{} + Duration(std::llround(s * 1e9)); }

}  // namespace

TEST_CASE("a value queued again after set_remove costs a token per entry and blocks nothing", "[nodelifecycle]") {
  sim::EventLoop loop(Time{});
  RateLimitedTimedQueue q(loop, 0.1);
  std::vector<std::string> done;
  auto fn = [&](const TimedValue& v) -> std::pair<bool, Duration> {
    done.push_back(v.value);
    return {true, Duration(0)};
  };
  CHECK(q.add("a", "1"));
  q.try_process(fn);  // the first token: a
  loop.run_until(at(1));
  CHECK(q.add("b", "2"));
  loop.run_until(at(5));
  // markNodeForTainting on every monitor pass while b waits untainted: SetRemove, then Add again.
  q.set_remove("b");
  CHECK(q.add("b", "2"));
  loop.run_until(at(6));
  CHECK(q.add("c", "3"));
  CHECK(q.size() == 3);
  loop.run_until(at(10));
  q.try_process(fn);
  CHECK(done == std::vector<std::string>{"a", "b"});
  // b's second entry is the head now and takes the next token, as in k/k's heap; then c.
  loop.run_until(at(20));
  q.try_process(fn);
  CHECK(done == std::vector<std::string>{"a", "b", "b"});
  loop.run_until(at(30));
  q.try_process(fn);
  CHECK(done == std::vector<std::string>{"a", "b", "b", "c"});
  CHECK(q.empty());
}

TEST_CASE("remove drops one entry of a value and forgets it", "[nodelifecycle]") {
  sim::EventLoop loop(Time{});
  RateLimitedTimedQueue q(loop, 0.1);
  CHECK(q.add("a", "1"));
  q.set_remove("a");
  CHECK(q.add("a", "1"));
  CHECK(q.size() == 2);
  CHECK(q.remove("a"));
  CHECK(q.size() == 1);
  CHECK_FALSE(q.contains("a"));
  CHECK_FALSE(q.remove("a"));  // k/k Remove: nothing when the value is not in the set
  CHECK(q.add("a", "1"));
  CHECK(q.remove("a"));
  // Each Remove drops one entry, as k/k's does: one of the two queued by Add is still there.
  CHECK(q.size() == 1);
}
