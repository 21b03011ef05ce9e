// NoExecuteTaintManager: deletes pods from nodes with NoExecute taints they do not tolerate, at once or
// after the smallest tolerationSeconds (k/k pkg/controller/nodelifecycle/scheduler/taint_manager.go, 1.20).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/api/node.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {


class TaintManager {
 public:
  explicit TaintManager(const Env& env);
  ~TaintManager();
  TaintManager(const TaintManager&) = delete;
  TaintManager& operator=(const TaintManager&) = delete;

  // Watches nodes and pods and processes the nodes already tainted. Callbacks run on env.executor.
  void start();

  // The instant a pod's deletion is scheduled for, if one is pending ("ns/name").
  std::optional<Time> TEST_scheduled_deletion(const std::string& pod_key) const;

 private:
  struct Work {
    Time created_at{}, fire_at{};
    TimerId timer = 0;
    bool fired = false;  // deleted already: kept so the pod is not scheduled twice (TimedWorkerQueue)
  };

  void on_node_event(const WatchEvent& event);
  void on_pod_event(const WatchEvent& event);
  void handle_node_update(const std::string& node_name);
  void process_pod_on_node(const Pod& pod, const std::vector<Taint>& taints, Time now);
  void add_work(const std::string& pod_key, Time created_at, Time fire_at);
  void cancel_work_with_event(const std::string& pod_key);
  void delete_pod(const std::string& pod_key, int attempt);

  Env env_;
  std::map<std::string, std::vector<Taint>> tainted_nodes_;  // NoExecute taints per node
  std::map<std::string, Work> work_;                          // by "ns/name"
  std::vector<WatchId> watches_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
