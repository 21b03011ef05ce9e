// kube-scheduler's PriorityQueue: activeQ (priority, then arrival), backoffQ and unschedulableQ
// (k/k pkg/scheduler/internal/queue/scheduling_queue.go). Timers run on the Executor.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/api/pod.h"
#include "core/env/executor.h"

namespace ktwin::core {

struct SchedulingQueueOptions {
  Duration initial_backoff = std::chrono::seconds(1);
  Duration max_backoff = std::chrono::seconds(10);
  // Pods left in unschedulableQ longer than this are retried: 60 s in 1.20, 5 min from 1.24 (PR #108761).
  Duration unschedulable_timeout = std::chrono::seconds(60);
  Duration backoff_flush_period = std::chrono::seconds(1);         // flushBackoffQCompleted
  Duration unschedulable_flush_period = std::chrono::seconds(30);  // flushUnschedulableQLeftover
};

class SchedulingQueue {
 public:
  enum class Where { kNone, kActive, kBackoff, kUnschedulable, kInFlight };

  // `on_active` runs (synchronously) whenever a pod enters activeQ; the periodic flushes are aligned
  // to a grid that starts at construction, as wait.Until's tickers are.
  SchedulingQueue(Executor& executor, SchedulingQueueOptions options, std::function<void()> on_active);
  ~SchedulingQueue();

  // A new pending pod, or a change to one. A pod already queued is refreshed; a changed pod in
  // unschedulableQ is moved to backoffQ or activeQ (`spec_changed` is isPodUpdated).
  void add_or_update(std::shared_ptr<const Pod> pod, bool spec_changed);
  void remove(const std::string& key);
  // Pops the head of activeQ and counts an attempt. Null if activeQ is empty.
  std::shared_ptr<const Pod> pop();
  // The popped pod failed in `cycle`: back to unschedulableQ, or to backoffQ if a move request
  // arrived since the pod was popped.
  void add_unschedulable(const std::string& key, int64_t cycle);
  // The popped pod was bound (or vanished): forget it.
  void done(const std::string& key);
  // A cluster event (node added or changed, assigned pod deleted): unschedulable pods go to backoffQ
  // if still backing off, else to activeQ.
  void move_all_to_active_or_backoff();

  int64_t scheduling_cycle() const { return scheduling_cycle_; }
  Where where(const std::string& key) const;
  int attempts(const std::string& key) const;
  size_t active_size() const { return active_.size(); }
  // Backoff after `attempts` failures: initial x 2^(attempts-1), capped.
  Duration backoff_duration(int attempts) const;

 private:
  struct Entry {
    std::shared_ptr<const Pod> pod;
    Where where = Where::kNone;
    int attempts = 0;
    Time timestamp{};  // arrival, or last failure (backoff and leftover flush measure from it)
    uint64_t seq = 0;  // tie-break in activeQ
    std::optional<TimerId> timer;
  };
  using ActiveKey = std::tuple<int64_t, Time, uint64_t, std::string>;  // -priority, timestamp, seq, key

  ActiveKey active_key(const std::string& key, const Entry& e) const;
  void to_active(const std::string& key, Entry& e);
  void to_backoff(const std::string& key, Entry& e);
  void to_unschedulable(const std::string& key, Entry& e);
  void detach(const std::string& key, Entry& e);
  Time backoff_expiry(const Entry& e) const { return e.timestamp + backoff_duration(e.attempts); }
  // First grid tick >= t (strictly after now).
  Time next_tick(Time t, Duration period) const;

  Executor& executor_;
  SchedulingQueueOptions options_;
  std::function<void()> on_active_;
  Time origin_;
  std::map<std::string, Entry> entries_;
  std::set<ActiveKey> active_;
  int64_t scheduling_cycle_ = 0;
  int64_t move_request_cycle_ = -1;
  uint64_t next_seq_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
