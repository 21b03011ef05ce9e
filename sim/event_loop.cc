// EventLoop: a binary heap ordered by (due time, posting order); cancellation is lazy.
#include "sim/event_loop.h"

#include "core/util/status.h"

namespace ktwin::sim {

EventLoop::EventLoop(Time start) : now_(start) {}

void EventLoop::post(core::Task task) { post_after(Duration(0), std::move(task)); }

core::TimerId EventLoop::post_after(Duration delay, core::Task task) { return push(delay, std::move(task), false); }

core::TimerId EventLoop::post_observer_after(Duration delay, core::Task task) {
  return push(delay, std::move(task), true);
}

core::TimerId EventLoop::push(Duration delay, core::Task task, bool observer) {
  KT_CHECK(delay.count() >= 0, "negative delay");
  core::TimerId id = next_id_++;
  live_.insert(id);
  queue_.push(Entry{now_ + delay, observer, id, std::move(task)});
  return id;
}

void EventLoop::cancel(core::TimerId id) {
  if (live_.erase(id)) cancelled_.insert(id);
}

bool EventLoop::run_one() {
  while (!queue_.empty()) {
    Entry entry = std::move(const_cast<Entry&>(queue_.top()));
    queue_.pop();
    if (cancelled_.erase(entry.id)) continue;
    live_.erase(entry.id);
    now_ = entry.due;
    ++tasks_run_;
    entry.task();
    return true;
  }
  return false;
}

void EventLoop::run_until(Time until) {
  while (!queue_.empty()) {
    const Entry& top = queue_.top();
    if (top.due > until) break;
    if (cancelled_.count(top.id)) {
      cancelled_.erase(top.id);
      queue_.pop();
      continue;
    }
    run_one();
  }
  if (until > now_) now_ = until;
}

}  // namespace ktwin::sim
