// Eviction: canIgnorePDB, one budget per pod, checkAndDecrement, then the delete.
#include "core/apiserver/eviction.h"

#include "core/api/pod.h"
#include "core/api/policy.h"

namespace ktwin::core {
namespace {

constexpr int kMaxDisruptedPodSize = 2000;  // eviction.go MaxDisruptedPodSize
constexpr int kUpdateRetries = 5;
constexpr const char* kViolation = "Cannot evict pod as it would violate the pod's disruption budget.";

EvictionResult result(EvictionResult::Code code, std::string message) { return {code, std::move(message)}; }

EvictionResult delete_pod(Store& store, const Pod& pod) {
  Status s = store.remove(Kind::kPod, pod.metadata.namespace_, pod.metadata.name);
  if (s.is_not_found()) return result(EvictionResult::Code::kNotFound, s.message());
  if (!s.is_ok()) return result(EvictionResult::Code::kError, s.message());
  return result(EvictionResult::Code::kEvicted, "");
}

}  // namespace

EvictionResult evict_pod(Store& store, const PassiveClock& clock, const std::string& ns, const std::string& name) {
  for (int attempt = 0; attempt < kUpdateRetries; ++attempt) {
    auto pod = find<Pod>(store, ns, name);
    if (!pod) return result(EvictionResult::Code::kNotFound, "pods \"" + name + "\" not found");
    // canIgnorePDB: a pod that is not running or already terminating costs the budget nothing.
    const std::string& phase = pod->status.phase;
    if (phase == "Succeeded" || phase == "Failed" || phase == "Pending" || pod->metadata.deletionTimestamp)
      return delete_pod(store, *pod);
    std::vector<std::shared_ptr<const PodDisruptionBudget>> budgets;
    for (const auto& pdb : list<PodDisruptionBudget>(store, ns))
      if (pdb->spec.selector && pdb->spec.selector->matches(pod->metadata.labels)) budgets.push_back(pdb);
    if (budgets.empty()) return delete_pod(store, *pod);
    if (budgets.size() > 1)
      return result(EvictionResult::Code::kError,
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    const PodDisruptionBudget& pdb = *budgets[0];
    const PodDisruptionBudgetStatus& st = pdb.status;
    // An unready pod of a budget that has its healthy pods goes without using up a disruption (the
    // IfHealthyBudget rule of current eviction.go; that 1.20 had it in this form is UNCONFIRMED).
    if (!pod->is_ready() && st.currentHealthy >= st.desiredHealthy && st.desiredHealthy > 0)
      return delete_pod(store, *pod);
    // checkAndDecrement.
    if (st.observedGeneration < pdb.metadata.generation) return result(EvictionResult::Code::kTooManyRequests, kViolation);
    if (st.disruptionsAllowed < 0)
      return result(EvictionResult::Code::kError, "pdb disruptions allowed is negative");
    if (static_cast<int>(st.disruptedPods.size()) > kMaxDisruptedPodSize)
      return result(EvictionResult::Code::kError,
                    "DisruptedPods map too big - too many evictions not confirmed by PDB controller");
    if (st.disruptionsAllowed == 0) return result(EvictionResult::Code::kTooManyRequests, kViolation);
    auto copy = mutable_copy(pdb);
    copy->status.disruptionsAllowed--;
    copy->status.disruptedPods[name] = clock.now();
    Result<ObjectPtr> written = store.update(copy);
    if (written.status().is_conflict()) continue;  // RetryOnConflict
    if (!written.is_ok()) return result(EvictionResult::Code::kError, written.status().message());
    return delete_pod(store, *pod);
  }
  return result(EvictionResult::Code::kError, "the PodDisruptionBudget kept changing: too many conflicts");
}

}  // namespace ktwin::core
