// The disruption controller: keeps each PodDisruptionBudget's status (expected and healthy pods,
// disruptions allowed) current (k/k pkg/controller/disruption/disruption.go).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/api/pod.h"
#include "core/api/policy.h"
#include "core/controller/workqueue.h"
#include "core/env/env.h"
#include "core/store/store.h"

namespace ktwin::core {

class DisruptionController {
 public:
  // DeletionTimeout: how long a pod the eviction subresource let go stays in status.disruptedPods
  // (not counted as healthy) before the controller concludes its deletion did not happen.
  static constexpr Duration kDeletionTimeout = std::chrono::minutes(2);

  explicit DisruptionController(const Env& env);
  ~DisruptionController();
  DisruptionController(const DisruptionController&) = delete;
  DisruptionController& operator=(const DisruptionController&) = delete;

  // Watches pods and budgets and syncs every existing budget.
  void start();
  // sync for "namespace/name": recomputes the status and writes it when it changed.
  Status reconcile(const std::string& key);

  // The pods a budget selects: policy/v1, an empty selector selects every pod of the namespace, a
  // missing one none.
  static std::vector<std::shared_ptr<const Pod>> pods_for(const Store& store, const PodDisruptionBudget& pdb);
  // getExpectedPodCount: (expectedCount, desiredHealthy), or an error when a pod has no controller
  // whose scale is known.
  static Result<std::pair<int32_t, int32_t>> expected_pod_count(const Store& store, const PodDisruptionBudget& pdb,
                                                                const std::vector<std::shared_ptr<const Pod>>& pods);
  // countHealthyPods: Ready pods that are neither being deleted nor recently evicted (in `disrupted`).
  static int32_t count_healthy(const std::vector<std::shared_ptr<const Pod>>& pods,
                               const std::map<std::string, Time>& disrupted, Time now);

 private:
  void enqueue_budgets_for(const Pod& pod);
  Status fail_safe(const PodDisruptionBudget& pdb);

  Env env_;
  WorkQueue queue_;
  std::vector<WatchId> watches_;
};

}  // namespace ktwin::core
