#include "realnet/net/asio_executor.h"

#include <boost/asio/post.hpp>
#include <chrono>

namespace ktwin::realnet {

AsioExecutor::~AsioExecutor() {
  for (auto& [id, timer] : timers_) timer->cancel();
}

core::Time AsioExecutor::now() const {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

void AsioExecutor::post(core::Task task) { boost::asio::post(io_, std::move(task)); }

core::TimerId AsioExecutor::post_after(core::Duration delay, core::Task task) {
  core::TimerId id = next_id_++;
  auto timer = std::make_unique<boost::asio::steady_timer>(io_);
  timer->expires_after(delay < core::Duration::zero() ? core::Duration::zero() : delay);
  timer->async_wait([this, id, task = std::move(task)](const boost::system::error_code& ec) {
    if (ec) return;  // operation_aborted: cancelled or shutting down
    if (timers_.erase(id) == 0) return;  // cancelled after it expired but before this ran
    task();
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void AsioExecutor::cancel(core::TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  it->second->cancel();
  timers_.erase(it);
}

}  // namespace ktwin::realnet
