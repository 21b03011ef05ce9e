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
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(tasks_.size());
    tasks_.push_back(std::move(task));
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    tasks_[slot] = std::move(task);
  }
  queue_.push(Entry{now_ + delay, (observer ? kObserverBit : 0) | id, slot});
  return id;
}

core::Task EventLoop::pop_top() {
  uint32_t slot = queue_.top().slot;
  queue_.pop();
  core::Task task = std::move(tasks_[slot]);
  tasks_[slot] = nullptr;
  free_slots_.push_back(slot);
  return task;
}

void EventLoop::cancel(core::TimerId id) {
  if (live_.erase(id)) cancelled_.insert(id);
}

bool EventLoop::catch_up(Time until) {
  if (!co_) return true;
  Time reached = co_->advance(until);
  KT_CHECK(reached >= now_ && reached <= until, "co-simulation stopped outside the window it was given");
  if (reached == until) return true;
  now_ = reached;
  return false;
}

bool EventLoop::run_one() {
  while (!queue_.empty()) {
    if (!cancelled_.empty() && cancelled_.erase(id_of(queue_.top()))) {
      pop_top();
      continue;
    }
    if (!catch_up(queue_.top().due)) return true;  // the co-simulation's event comes first
    Time due = queue_.top().due;
    live_.erase(id_of(queue_.top()));
    core::Task task = pop_top();
    now_ = due;
    ++tasks_run_;
    task();
    return true;
  }
  // Nothing queued: a transfer under way still ends somewhere.
  if (!co_ || !co_->busy()) return false;
  catch_up(Time::max());
  return true;
}

void EventLoop::run_until(Time until) {
  while (true) {
    if (!queue_.empty() && !cancelled_.empty() && cancelled_.erase(id_of(queue_.top()))) {
      pop_top();
      continue;
    }
    if (!queue_.empty() && queue_.top().due <= until) {
      run_one();
      continue;
    }
    // The co-simulation's events between the last task and `until` post tasks of their own.
    if (until > now_ && !catch_up(until)) continue;
    break;
  }
  if (until > now_) now_ = until;
}

}  // namespace ktwin::sim
