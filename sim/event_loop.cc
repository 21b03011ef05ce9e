// EventLoop: a binary heap ordered by (due time, posting order) over slots of tasks; cancellation is lazy.
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
  uint32_t slot;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  Slot& s = slots_[slot];
  s.task = std::move(task);
  s.pending = true;
  ++s.generation;
  ++pending_;
  queue_.push(Entry{now_ + delay, (observer ? kObserverBit : 0) | next_order_++, slot});
  return (uint64_t{s.generation} << 32) | slot;
}

core::Task EventLoop::pop_top() {
  uint32_t slot = queue_.top().slot;
  queue_.pop();
  Slot& s = slots_[slot];
  core::Task task = std::move(s.task);
  s.task = nullptr;
  if (s.pending) --pending_;
  s.pending = false;
  free_slots_.push_back(slot);
  return task;
}

void EventLoop::cancel(core::TimerId id) {
  uint32_t slot = static_cast<uint32_t>(id);
  if (slot >= slots_.size()) return;
  Slot& s = slots_[slot];
  if (!s.pending || s.generation != static_cast<uint32_t>(id >> 32)) return;  // ran, cancelled or reused
  s.pending = false;
  s.task = nullptr;  // its captures go now; the heap entry is dropped when it comes up
  --pending_;
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
    if (!slots_[queue_.top().slot].pending) {  // cancelled
      pop_top();
      continue;
    }
    if (!catch_up(queue_.top().due)) return true;  // the co-simulation's event comes first
    Time due = queue_.top().due;
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
    if (!queue_.empty() && !slots_[queue_.top().slot].pending) {  // cancelled
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
