// The discrete-event executor: virtual time that jumps from one due task to the next.
#pragma once

#include <queue>
#include <unordered_set>
#include <vector>

#include "core/env/executor.h"

namespace ktwin::sim {

using core::Duration;
using core::Time;

class EventLoop : public core::Executor {
 public:
  explicit EventLoop(Time start);

  Time now() const override { return now_; }
  void post(core::Task task) override;
  core::TimerId post_after(Duration delay, core::Task task) override;
  void cancel(core::TimerId id) override;

  // Runs `task` once `delay` has passed, after every other task due at that instant, including tasks
  // posted at that instant: observers (snapshots, expectations) see the instant settled.
  core::TimerId post_observer_after(Duration delay, core::Task task);
  // Runs every task due at or before `until`, then sets the clock to `until`.
  void run_until(Time until);
  // Runs the next due task, advancing the clock to it. False when nothing is pending.
  bool run_one();
  size_t pending() const { return live_.size(); }
  uint64_t tasks_run() const { return tasks_run_; }

 private:
  struct Entry {
    Time due;
    bool observer;     // runs after ordinary tasks of the same instant
    core::TimerId id;  // increasing: equal-time tasks run in posting order
    mutable core::Task task;
    bool operator>(const Entry& o) const {
      if (due != o.due) return due > o.due;
      if (observer != o.observer) return observer;
      return id > o.id;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue_;
  std::unordered_set<core::TimerId> live_, cancelled_;  // pending ids; ids cancelled but still queued
  Time now_;
  core::TimerId next_id_ = 1;
  uint64_t tasks_run_ = 0;

  core::TimerId push(Duration delay, core::Task task, bool observer);
};

}  // namespace ktwin::sim
