// RateLimitedTimedQueue and its token bucket.
#include "core/controller/rate_limited_queue.h"

#include <algorithm>

namespace ktwin::core {

bool TokenBucket::try_accept(Time now) {
  if (qps_ <= 0) return false;
  if (last_) {
    // Integer nanoseconds keep 10 s x 0.1 qps at exactly one token.
    auto elapsed_ns = std::max<int64_t>(0, (now - *last_).count());
    tokens_ = std::min<double>(burst_, tokens_ + static_cast<double>(elapsed_ns) * qps_ / 1e9);
  }
  last_ = now;
  // A tiny tolerance absorbs floating-point dust so a token due at t is available at t.
  if (tokens_ + 1e-9 < 1.0) return false;
  tokens_ = std::max(0.0, tokens_ - 1.0);
  return true;
}

bool RateLimitedTimedQueue::add(const std::string& value, const std::string& uid) {
  if (!set_.insert(value).second) return false;
  Time now = clock_.now();
  Order order{now, seq_++};
  queue_.emplace(order, TimedValue{value, uid, now, now});
  positions_[value].insert(order);
  return true;
}

// k/k UniqueQueue.Remove: forgets the value and drops its first entry. After set_remove() (SetRemove)
// add() queues a value again while an older entry may still wait, as k/k's heap does; each entry is
// dropped on its own.
bool RateLimitedTimedQueue::remove(const std::string& value) {
  if (set_.erase(value) == 0) return false;
  erase_first(value);
  return true;
}

bool RateLimitedTimedQueue::erase_first(const std::string& value) {
  auto it = positions_.find(value);
  if (it == positions_.end()) return false;
  queue_.erase(*it->second.begin());
  it->second.erase(it->second.begin());
  if (it->second.empty()) positions_.erase(it);
  return true;
}

void RateLimitedTimedQueue::set_remove(const std::string& value) { set_.erase(value); }

void RateLimitedTimedQueue::try_process(const Action& fn) {
  while (!queue_.empty()) {
    Time now = clock_.now();
    if (!limiter_.try_accept(now)) break;
    auto head = queue_.begin();
    if (now < head->second.processAt) break;
    TimedValue value = head->second;
    auto [done, wait] = fn(value);
    // k/k Try: done -> RemoveFromQueue (only while the value is in the set: fn may have called back
    // into remove()); not done -> Replace. Both drop the value's first entry, the head just processed.
    if (done) {
      if (set_.count(value.value)) erase_first(value.value);
      continue;
    }
    if (!erase_first(value.value)) continue;
    value.processAt = now + wait + Duration(1);
    Order order{value.processAt, seq_++};
    queue_.emplace(order, value);
    positions_[value.value].insert(order);
  }
}

void RateLimitedTimedQueue::swap_limiter(double qps) {
  if (limiter_.qps() == qps) return;
  Time now = clock_.now();
  TokenBucket fresh(qps, kBurst);
  // k/k: "If we're currently waiting on limiter, we drain the new one".
  if (qps > 0 && !limiter_.try_accept(now)) fresh.try_accept(now);
  limiter_ = fresh;
}

}  // namespace ktwin::core
