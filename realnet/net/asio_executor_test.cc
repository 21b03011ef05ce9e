#include "realnet/net/asio_executor.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <vector>

using ktwin::core::millis;
using ktwin::realnet::AsioExecutor;

TEST_CASE("AsioExecutor runs posted tasks in order and timers after their delay", "[asio_executor]") {
  boost::asio::io_context io;
  AsioExecutor executor(io);
  std::vector<int> order;
  auto start = std::chrono::steady_clock::now();
  executor.post_after(millis(30), [&] { order.push_back(3); });
  executor.post_after(millis(10), [&] { order.push_back(2); });
  executor.post([&] { order.push_back(1); });
  io.run();
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK(elapsed >= std::chrono::milliseconds(30));
  CHECK(executor.pending_timers() == 0);
}

TEST_CASE("AsioExecutor cancel stops a pending timer, even from a callback due at the same time", "[asio_executor]") {
  boost::asio::io_context io;
  AsioExecutor executor(io);
  bool cancelled_ran = false;
  bool other_ran = false;
  ktwin::core::TimerId victim = 0;
  executor.post_after(millis(5), [&] {
    other_ran = true;
    executor.cancel(victim);
  });
  victim = executor.post_after(millis(5), [&] { cancelled_ran = true; });
  executor.cancel(12345);  // unknown ids are a no-op
  io.run();
  CHECK(other_ran);
  CHECK_FALSE(cancelled_ran);
}

TEST_CASE("AsioExecutor now() is the wall clock", "[asio_executor]") {
  boost::asio::io_context io;
  AsioExecutor executor(io);
  auto wall = std::chrono::system_clock::now();
  auto diff = executor.now() - std::chrono::time_point_cast<ktwin::core::Duration>(wall);
  CHECK(std::chrono::abs(diff) < std::chrono::seconds(1));
}
