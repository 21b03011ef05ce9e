// The pods/eviction subresource: a DELETE that first asks the pod's PodDisruptionBudget
// (k/k pkg/registry/core/pod/storage/eviction.go).
#pragma once

#include <string>

#include "core/env/executor.h"
#include "core/store/store.h"

namespace ktwin::core {

struct EvictionResult {
  enum class Code {
    kEvicted,          // 201: the pod is being deleted
    kNotFound,         // 404
    kTooManyRequests,  // 429: the budget allows no disruption now; kubectl drain retries
    kError,            // 500 (several budgets) or a failed write
  };
  Code code = Code::kEvicted;
  std::string message;  // the API error's message, as kubectl prints it
};

// POST pods/NAME/eviction with default DeleteOptions: checks and decrements the one budget that
// selects the pod (recording the pod in status.disruptedPods at `clock.now()`), then deletes the pod
// with its own grace period. Pods that are Pending, finished or already being deleted skip the budget.
EvictionResult evict_pod(Store& store, const PassiveClock& clock, const std::string& ns, const std::string& name);

}  // namespace ktwin::core
