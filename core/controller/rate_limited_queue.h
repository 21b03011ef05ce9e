// The node controller's per-zone RateLimitedTimedQueue: unique node names ordered by processAt, drained
// through a token bucket (k/k pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "core/env/executor.h"

namespace ktwin::core {

// A token bucket after golang.org/x/time/rate with burst tokens, starting full. qps <= 0 never accepts
// (flowcontrol.NewFakeNeverRateLimiter).
class TokenBucket {
 public:
  TokenBucket(double qps, int burst) : qps_(qps), burst_(burst), tokens_(burst) {}
  bool try_accept(Time now);
  double qps() const { return qps_; }

 private:
  double qps_;
  int burst_;
  double tokens_;
  std::optional<Time> last_;
};

struct TimedValue {
  std::string value;  // node name
  std::string uid;    // node uid
  Time addedAt{}, processAt{};
};

class RateLimitedTimedQueue {
 public:
  // Returns {done, retry_after}: done removes the value from the queue (it stays in the set, so it is
  // not queued again until remove() or set_remove()); otherwise it is retried after retry_after.
  using Action = std::function<std::pair<bool, Duration>(const TimedValue&)>;

  static constexpr int kBurst = 1;  // EvictionRateLimiterBurst

  RateLimitedTimedQueue(const PassiveClock& clock, double qps) : clock_(clock), limiter_(qps, kBurst) {}

  // Adds `value` unless it is already in the set. True if it was added.
  bool add(const std::string& value, const std::string& uid);
  // Removes `value` from the queue and the set. True if it was there.
  bool remove(const std::string& value);
  // Forgets `value` in the set only, so a later add() queues it again.
  void set_remove(const std::string& value);
  // Processes queue heads while the limiter gives a token and the head is due; each head checked costs one
  // token, due or not, as Try does.
  void try_process(const Action& fn);
  // Replaces the limiter when the rate changes; a new bucket starts drained if the old one was (burst 1).
  void swap_limiter(double qps);

  double qps() const { return limiter_.qps(); }
  bool empty() const { return queue_.empty(); }
  size_t size() const { return queue_.size(); }
  bool contains(const std::string& value) const { return set_.count(value) > 0; }

 private:
  using Order = std::pair<Time, uint64_t>;  // processAt, then insertion order for equal times
  const PassiveClock& clock_;
  TokenBucket limiter_;
  std::map<Order, TimedValue> queue_;
  // Each value's entries in queue_, first (earliest) first: add() after set_remove() may queue a second.
  std::map<std::string, std::set<Order>> positions_;
  bool erase_first(const std::string& value);  // drops the value's first entry; false if it has none
  std::set<std::string> set_;
  uint64_t seq_ = 0;
};

}  // namespace ktwin::core
