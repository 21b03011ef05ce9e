// The controller work queue on the Executor: dirty and processing sets keep a key from being reconciled
// twice at once; failures requeue with per-key exponential backoff (client-go util/workqueue).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>
#include <string>

#include "core/env/executor.h"
#include "core/util/status.h"

namespace ktwin::core {

class WorkQueue {
 public:
  using Reconcile = std::function<Status(const std::string& key)>;

  // client-go's DefaultControllerRateLimiter per-item part: 5 ms doubling to 1000 s.
  WorkQueue(Executor& executor, Reconcile reconcile, Duration base_delay = std::chrono::milliseconds(5),
            Duration max_delay = std::chrono::seconds(1000));
  ~WorkQueue();

  // Queues `key` for reconcile on a later executor turn. A key already waiting is not added twice;
  // a key being reconciled is run again after the current run.
  void add(const std::string& key);
  void add_after(const std::string& key, Duration delay);
  size_t failures(const std::string& key) const;
  size_t size() const { return queue_.size(); }

 private:
  void schedule_drain();
  void drain();

  Executor& executor_;
  Reconcile reconcile_;
  Duration base_delay_, max_delay_;
  std::vector<std::string> queue_;  // FIFO of dirty keys (front at head_)
  size_t head_ = 0;
  std::set<std::string> dirty_, processing_;
  std::map<std::string, size_t> failures_;
  std::map<std::string, TimerId> delayed_;
  bool drain_posted_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
