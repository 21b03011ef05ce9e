// WorkQueue: one drain task per executor turn reconciles every dirty key once.
#include "core/controller/workqueue.h"

namespace ktwin::core {

WorkQueue::WorkQueue(Executor& executor, Reconcile reconcile, Duration base_delay, Duration max_delay)
    : executor_(executor), reconcile_(std::move(reconcile)), base_delay_(base_delay), max_delay_(max_delay) {}

WorkQueue::~WorkQueue() {
  *alive_ = false;
  for (auto& [key, id] : delayed_) executor_.cancel(id);
}

void WorkQueue::add(const std::string& key) {
  if (!dirty_.insert(key).second) return;
  if (processing_.count(key)) return;  // re-queued when the current run ends
  queue_.push_back(key);
  schedule_drain();
}

void WorkQueue::add_after(const std::string& key, Duration delay) {
  if (delay.count() <= 0) return add(key);
  auto it = delayed_.find(key);
  if (it != delayed_.end()) return;  // the earlier timer wins, as the delaying queue's heap does
  std::weak_ptr<bool> alive = alive_;
  delayed_[key] = executor_.post_after(delay, [this, alive, key] {
    if (alive.expired()) return;
    delayed_.erase(key);
    add(key);
  });
}

size_t WorkQueue::failures(const std::string& key) const {
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::schedule_drain() {
  if (drain_posted_) return;
  drain_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  executor_.post([this, alive] {
    if (!alive.expired()) drain();
  });
}

void WorkQueue::drain() {
  drain_posted_ = false;
  // Keys added while draining wait for the next turn, so one turn is bounded.
  size_t end = queue_.size();
  while (head_ < end) {
    std::string key = std::move(queue_[head_++]);
    dirty_.erase(key);
    processing_.insert(key);
    Status status = reconcile_(key);
    processing_.erase(key);
    if (status.is_ok()) {
      failures_.erase(key);
    } else {
      size_t n = failures_[key]++;
      Duration delay = base_delay_ * (1LL << std::min<size_t>(n, 40));
      add_after(key, std::min(delay, max_delay_));
    }
    if (dirty_.count(key)) {  // changed while it was being processed
      queue_.push_back(key);
      schedule_drain();
    }
  }
  if (head_ == queue_.size()) {
    queue_.clear();
    head_ = 0;
  } else {
    schedule_drain();
  }
}

}  // namespace ktwin::core
