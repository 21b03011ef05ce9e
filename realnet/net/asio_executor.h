// core::Executor on real time: callbacks run one at a time on the thread that runs the io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>

#include "core/env/executor.h"

namespace ktwin::realnet {

// now() is the wall clock (objects carry RFC 3339 timestamps); timers use the steady clock, so a
// wall-clock step does not fire or stall them. Every method must be called on the io_context's
// thread, like every callback it runs (realnet/README.md: one thread per process).
class AsioExecutor : public core::Executor {
 public:
  explicit AsioExecutor(boost::asio::io_context& io) : io_(io) {}
  ~AsioExecutor() override;
  AsioExecutor(const AsioExecutor&) = delete;
  AsioExecutor& operator=(const AsioExecutor&) = delete;

  core::Time now() const override;
  void post(core::Task task) override;
  core::TimerId post_after(core::Duration delay, core::Task task) override;
  void cancel(core::TimerId id) override;

  boost::asio::io_context& io_context() { return io_; }
  size_t pending_timers() const { return timers_.size(); }

 private:
  boost::asio::io_context& io_;
  core::TimerId next_id_ = 1;
  std::map<core::TimerId, std::unique_ptr<boost::asio::steady_timer>> timers_;
};

}  // namespace ktwin::realnet
