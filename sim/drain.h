// kubectl drain NODE --ignore-daemonsets --delete-emptydir-data --force, without PodDisruptionBudgets:
// cordon, evict every pod on the node not owned by a DaemonSet, then wait for them to go.
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

  // Cordons the node and evicts its pods now (an eviction without a budget is a DELETE with the pod's
  // grace period); then prints "pod/NAME evicted" as each pod object disappears and finally
  // "node/NAME drained". kubectl waits without a timeout by default, so a node whose kubelet never
  // finishes the deletions stays undrained. NotFound for an unknown node.
  core::Status start();

 private:
  struct Evicted {
    std::string ns, name, uid;
  };
  void poll();

  core::Executor& executor_;
  core::Store& store_;
  std::string node_;
  Print print_;
  std::vector<Evicted> waiting_;
  core::TimerId timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::sim
