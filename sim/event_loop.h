// The discrete-event executor: virtual time that jumps from one due task to the next.
#pragma once

#include <queue>
#include <vector>

#include "core/env/executor.h"

namespace ktwin::sim {

using core::Duration;
using core::Time;

// A second simulator run in lockstep with the loop (SimGrid's network model, sim/platform/): the loop
// stays the master clock and lets it catch up before running tasks at a later instant.
class CoSimulation {
 public:
  virtual ~CoSimulation() = default;
  // Advances its own clock towards `until` but stops at its first own event on the way, whose
  // consequences it posts into the loop (at that instant). Returns where it stopped: `until` when
  // nothing happened before. Called with the loop's clock still at the previous instant.
  virtual Time advance(Time until) = 0;
  // True while it will produce an event without further input (a transfer under way).
  virtual bool busy() const = 0;
};

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
  size_t pending() const { return pending_; }
  // Attaches (or, with null, detaches) the co-simulation advanced in lockstep; not owned.
  void set_co_simulation(CoSimulation* co) { co_ = co; }
  uint64_t tasks_run() const { return tasks_run_; }

 private:
  // The heap holds small trivially-copyable entries, so its sifts move 24 bytes each; the tasks
  // themselves stay put in slots (kubemark-500: moving std::function through the heap cost 4%). A
  // TimerId names a slot and its generation, so cancel() needs no lookup and a stale id misses.
  struct Entry {
    Time due;
    uint64_t order;  // observers after ordinary tasks of an instant, then posting order
    uint32_t slot;
    bool operator>(const Entry& o) const { return due != o.due ? due > o.due : order > o.order; }
  };
  struct Slot {
    core::Task task;
    uint32_t generation = 0;  // bumped at each use
    bool pending = false;     // queued, not yet run or cancelled
  };
  static constexpr uint64_t kObserverBit = uint64_t{1} << 63;
  // Takes the top entry off the heap and frees its slot; returns its task, empty when cancelled.
  core::Task pop_top();
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  size_t pending_ = 0;
  Time now_;
  uint64_t next_order_ = 1;
  uint64_t tasks_run_ = 0;
  CoSimulation* co_ = nullptr;

  // Lets the co-simulation catch up to `until`; false when it stopped earlier (the clock is then at
  // its event and the tasks it posted are due now).
  bool catch_up(Time until);

  core::TimerId push(Duration delay, core::Task task, bool observer);
};

}  // namespace ktwin::sim
