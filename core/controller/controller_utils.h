// Helpers shared by the workload controllers: keys, controller references, pods from templates,
// active-pod filtering and the 1.20 deletion ranking, and the controller expectations.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/api/pod.h"
#include "core/env/executor.h"
#include "core/util/status.h"

namespace ktwin::core {

using PodPtr = std::shared_ptr<const Pod>;

// k/k pkg/controller/controller_utils.go: ExpectationsTimeout and SlowStartInitialBatchSize.
constexpr Duration kExpectationsTimeout = std::chrono::minutes(5);
constexpr int kSlowStartInitialBatchSize = 1;

// The work-queue key of an object: "namespace/name" (cache.MetaNamespaceKeyFunc).
std::string object_key(const Object& obj);
// Splits "namespace/name"; a key without '/' is a name in the empty namespace.
std::pair<std::string, std::string> split_key(const std::string& key);

// metav1.NewControllerRef: apiVersion and kind of `owner`, controller and blockOwnerDeletion true.
OwnerReference controller_ref_to(const Object& owner);
// True if `obj`'s controller reference points at `owner` (same uid).
bool is_controlled_by(const Object& obj, const Object& owner);

// controller.GetPodFromTemplate: a pod with generateName "<parent>-", the template's labels,
// annotations, finalizers and spec, the parent's namespace and `ref` as its only ownerReference.
// The template's `original` document (metadata and spec) is carried over so fields ktwin does not
// model survive into the pod.
std::shared_ptr<Pod> pod_from_template(const PodTemplateSpec& tmpl, const Object& parent, const OwnerReference& ref);

// controller.FilterActivePods: not Succeeded or Failed, and no deletionTimestamp.
std::vector<PodPtr> filter_active_pods(const std::vector<PodPtr>& pods);

// podutil.IsPodAvailable: Ready, and Ready for strictly more than minReadySeconds.
bool is_pod_available(const Pod& pod, int32_t min_ready_seconds, Time now);
// When a Ready pod that is not yet available will become available; nullopt if it is not Ready or
// already available.
std::optional<Time> pod_available_at(const Pod& pod, int32_t min_ready_seconds, Time now);

// ActivePodsWithRanks.Less as of 1.20 (before pod-deletion-cost and the log scale): true if `a`
// should be deleted before `b`. `rank_*` counts related active pods on the pod's node.
bool pod_deletes_before(const Pod& a, int rank_a, const Pod& b, int rank_b);
// Orders `pods` (with parallel `ranks`) for deletion, first victim first. Stable, so that pods the
// 1.20 rules cannot tell apart keep their input order (Go's sort.Sort leaves it unspecified).
void sort_pods_for_deletion(std::vector<PodPtr>& pods, std::vector<int>& ranks);

// controller.slowStartBatch: calls fn `count` times in batches of 1, 2, 4, ... Stops after the first
// batch with a failure (the rest of that batch is still attempted). Returns the number of successes;
// the first error, if any, goes to *first_error.
int slow_start_batch(int count, int initial_batch_size, const std::function<Status()>& fn, Status* first_error);

// UIDTrackingControllerExpectations: how many creates a controller still waits to observe and which
// deletes (by pod key), so that it does not act twice before its watch has caught up.
class Expectations {
 public:
  explicit Expectations(const PassiveClock& clock, Duration timeout = kExpectationsTimeout)
      : clock_(clock), timeout_(timeout) {}

  // True when nothing is expected for `key`, everything was observed, or the expectation expired.
  bool satisfied(const std::string& key) const;
  // Replaces the expectations of `key` (ExpectCreations / ExpectDeletions reset the timestamp).
  void expect_creations(const std::string& key, int count);
  void expect_deletions(const std::string& key, const std::vector<std::string>& pod_keys);
  void creation_observed(const std::string& key);
  // Lowers the delete expectation only if `pod_key` was one of the expected deletes.
  void deletion_observed(const std::string& key, const std::string& pod_key);
  void forget(const std::string& key);  // DeleteExpectations

  // For tests: pending (adds, dels) of `key`, or nullopt if none is recorded.
  std::optional<std::pair<int64_t, int64_t>> TEST_pending(const std::string& key) const;

 private:
  struct Entry {
    int64_t add = 0, del = 0;
    Time timestamp{};
    std::set<std::string> deleting;
  };
  const PassiveClock& clock_;
  Duration timeout_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ktwin::core
