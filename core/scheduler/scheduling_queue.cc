// The scheduling queue's moves between activeQ, backoffQ and unschedulableQ.
#include "core/scheduler/scheduling_queue.h"

namespace ktwin::core {
namespace {

std::string key_of(const Pod& pod) { return pod.metadata.namespace_ + "/" + pod.metadata.name; }

}  // namespace

SchedulingQueue::SchedulingQueue(Executor& executor, SchedulingQueueOptions options,
                                 std::function<void()> on_active)
    : executor_(executor), options_(options), on_active_(std::move(on_active)), origin_(executor.now()) {}

SchedulingQueue::~SchedulingQueue() {
  *alive_ = false;
  for (auto& [key, e] : entries_)
    if (e.timer) executor_.cancel(*e.timer);
}

Duration SchedulingQueue::backoff_duration(int attempts) const {
  // k/k calculateBackoffDuration: double per attempt after the first, stop at the cap.
  Duration d = options_.initial_backoff;
  for (int i = 1; i < attempts; ++i) {
    d *= 2;
    if (d > options_.max_backoff) return options_.max_backoff;
  }
  return d;
}

Time SchedulingQueue::next_tick(Time t, Duration period) const {
  Time now = executor_.now();
  if (t <= now) t = now + Duration(1);
  auto k = (t - origin_ + period - Duration(1)) / period;  // ceil
  return origin_ + k * period;
}

SchedulingQueue::ActiveKey SchedulingQueue::active_key(const std::string& key, const Entry& e) const {
  return {-static_cast<int64_t>(e.pod->spec.priority.value_or(0)), e.timestamp, e.seq, key};
}

void SchedulingQueue::detach(const std::string& key, Entry& e) {
  if (e.where == Where::kActive) active_.erase(active_key(key, e));
  if (e.timer) {
    executor_.cancel(*e.timer);
    e.timer.reset();
  }
  e.where = Where::kNone;
}

void SchedulingQueue::to_active(const std::string& key, Entry& e) {
  detach(key, e);
  e.where = Where::kActive;
  e.seq = next_seq_++;
  active_.insert(active_key(key, e));
  if (on_active_) on_active_();
}

void SchedulingQueue::to_backoff(const std::string& key, Entry& e) {
  detach(key, e);
  e.where = Where::kBackoff;
  // flushBackoffQCompleted runs every second and moves pods whose backoff has expired.
  Time due = next_tick(backoff_expiry(e), options_.backoff_flush_period);
  std::weak_ptr<bool> alive = alive_;
  e.timer = executor_.post_after(due - executor_.now(), [this, alive, key] {
    if (alive.expired() || !*alive.lock()) return;
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.where != Where::kBackoff) return;
    it->second.timer.reset();
    to_active(key, it->second);
  });
}

void SchedulingQueue::to_unschedulable(const std::string& key, Entry& e) {
  detach(key, e);
  e.where = Where::kUnschedulable;
  // flushUnschedulableQLeftover runs every 30 s and moves pods that sat longer than the timeout.
  Time due = next_tick(e.timestamp + options_.unschedulable_timeout + Duration(1),
                       options_.unschedulable_flush_period);
  std::weak_ptr<bool> alive = alive_;
  e.timer = executor_.post_after(due - executor_.now(), [this, alive, key] {
    if (alive.expired() || !*alive.lock()) return;
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.where != Where::kUnschedulable) return;
    it->second.timer.reset();
    Entry& entry = it->second;
    if (backoff_expiry(entry) > executor_.now())
      to_backoff(key, entry);
    else
      to_active(key, entry);
  });
}

void SchedulingQueue::add_or_update(std::shared_ptr<const Pod> pod, bool spec_changed) {
  std::string key = key_of(*pod);
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (inserted || e.where == Where::kNone) {
    e.pod = std::move(pod);
    e.timestamp = executor_.now();
    to_active(key, e);
    return;
  }
  switch (e.where) {
    case Where::kActive:
      // Priority may have changed: re-key.
      active_.erase(active_key(key, e));
      e.pod = std::move(pod);
      active_.insert(active_key(key, e));
      break;
    case Where::kUnschedulable:
      e.pod = std::move(pod);
      if (spec_changed) {
        if (backoff_expiry(e) > executor_.now())
          to_backoff(key, e);
        else
          to_active(key, e);
      }
      break;
    default:  // backoffQ or in flight: keep the newer object
      e.pod = std::move(pod);
      break;
  }
}

void SchedulingQueue::remove(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  detach(key, it->second);
  entries_.erase(it);
}

std::shared_ptr<const Pod> SchedulingQueue::pop() {
  if (active_.empty()) return nullptr;
  std::string key = std::get<3>(*active_.begin());
  Entry& e = entries_.at(key);
  detach(key, e);
  e.where = Where::kInFlight;
  ++e.attempts;
  ++scheduling_cycle_;
  return e.pod;
}

void SchedulingQueue::add_unschedulable(const std::string& key, int64_t cycle) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;  // deleted while in flight
  Entry& e = it->second;
  e.timestamp = executor_.now();
  if (move_request_cycle_ >= cycle)
    to_backoff(key, e);
  else
    to_unschedulable(key, e);
}

void SchedulingQueue::done(const std::string& key) { remove(key); }

void SchedulingQueue::move_all_to_active_or_backoff() {
  std::vector<std::string> keys;
  for (const auto& [key, e] : entries_)
    if (e.where == Where::kUnschedulable) keys.push_back(key);
  for (const std::string& key : keys) {
    Entry& e = entries_.at(key);
    if (backoff_expiry(e) > executor_.now())
      to_backoff(key, e);
    else
      to_active(key, e);
  }
  move_request_cycle_ = scheduling_cycle_;
}

SchedulingQueue::Where SchedulingQueue::where(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? Where::kNone : it->second.where;
}

int SchedulingQueue::attempts(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.attempts;
}

}  // namespace ktwin::core
