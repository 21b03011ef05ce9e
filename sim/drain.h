// kubectl drain NODE --ignore-daemonsets --delete-emptydir-data --force: cordon, evict every pod on the
// node not owned by a DaemonSet through the eviction subresource (which asks PodDisruptionBudgets),
// retry refused evictions every 5 s, then wait for the pods to go.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/env/executor.h"
#include "core/store/store.h"

namespace ktwin::sim {

class Drain {
 public:
  using Print = std::function<void(const std::string&)>;  // one kubectl output line
  // `executor` and `store` must outlive this object; destroying it stops the waiting.
  Drain(core::Executor& executor, core::Store& store, std::string node, Print print);
  ~Drain();
  Drain(const Drain&) = delete;
  Drain& operator=(const Drain&) = delete;

  // Cordons the node and evicts its pods now (an eviction the budget allows is a DELETE with the pod's
  // grace period). A refused eviction (429) prints kubectl's "error when evicting ... (will retry after
  // 5s)" and is tried again 5 s later. Prints "pod/NAME evicted" as each pod object disappears and
  // finally "node/NAME drained". kubectl waits without a timeout by default, so a node whose kubelet
  // never finishes the deletions, or whose budget never allows, stays undrained. NotFound for an
  // unknown node.
  core::Status start();

 private:
  struct Evicted {
    std::string ns, name, uid;
  };
  void poll();
  void try_evict(const Evicted& pod);  // one eviction request; schedules its retry on 429
  void finish_if_done();

  core::Executor& executor_;
  core::Store& store_;
  std::string node_;
  Print print_;
  std::vector<Evicted> waiting_;
  int retrying_ = 0;   // pods whose eviction was refused and will be tried again
  bool drained_ = false;
  core::TimerId timer_ = 0;
  std::vector<core::TimerId> retry_timers_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::sim
