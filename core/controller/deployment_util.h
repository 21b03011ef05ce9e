// Deployment helpers: API defaulting, fenceposts, pod-template-hash, revision and replica annotations,
// ReplicaSet orderings and status conditions (k/k pkg/controller/deployment/util/deployment_util.go).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/api/workload.h"

namespace ktwin::core {

using RSPtr = std::shared_ptr<const ReplicaSet>;
using RSList = std::vector<RSPtr>;  // entries may be null (a new ReplicaSet not created yet)

inline constexpr const char* kRevisionAnnotation = "deployment.kubernetes.io/revision";
inline constexpr const char* kRevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
inline constexpr const char* kDesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
inline constexpr const char* kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
inline constexpr const char* kPodTemplateHashLabel = "pod-template-hash";

// Condition reasons, verbatim from deployment_util.go.
inline constexpr const char* kNewReplicaSetReason = "NewReplicaSetCreated";
inline constexpr const char* kFoundNewRSReason = "FoundNewReplicaSet";
inline constexpr const char* kReplicaSetUpdatedReason = "ReplicaSetUpdated";
inline constexpr const char* kNewRSAvailableReason = "NewReplicaSetAvailable";
inline constexpr const char* kTimedOutReason = "ProgressDeadlineExceeded";
inline constexpr const char* kFailedRSCreateReason = "ReplicaSetCreateError";
inline constexpr const char* kPausedDeployReason = "DeploymentPaused";
inline constexpr const char* kResumedDeployReason = "DeploymentResumed";
inline constexpr const char* kMinimumReplicasAvailable = "MinimumReplicasAvailable";
inline constexpr const char* kMinimumReplicasUnavailable = "MinimumReplicasUnavailable";

// apps/v1 SetDefaults_Deployment, as the apiserver applies it on create and update: replicas 1,
// strategy RollingUpdate with maxSurge and maxUnavailable 25%, revisionHistoryLimit 10,
// progressDeadlineSeconds 600. The pod template's own defaults are not applied here.
void set_deployment_defaults(Deployment& d);

// intstr.GetValueFromIntOrPercent: "25%" of total, rounded up or down; an integer as it is.
int32_t value_from_int_or_percent(const IntOrString& v, int32_t total, bool round_up);
// ResolveFenceposts: (surge rounded up, unavailable rounded down); both 0 becomes (0, 1).
std::pair<int32_t, int32_t> resolve_fenceposts(const std::optional<IntOrString>& max_surge,
                                               const std::optional<IntOrString>& max_unavailable, int32_t desired);
int32_t max_surge(const Deployment& d);        // 0 unless RollingUpdate
int32_t max_unavailable(const Deployment& d);  // 0 unless RollingUpdate; at most replicas

// controller.ComputeHash. FNV-1a 32 over a canonical dump of the template, then the collision count
// (4 little-endian bytes and 4 zero bytes), printed in decimal and mapped with SafeEncodeString.
// Kubernetes dumps the Go struct with go-spew; we cannot reproduce that, so we hash the template's
// JSON encoding with sorted keys. The format ("7c66bd64f5") matches, the value does not.
std::string compute_pod_template_hash(const PodTemplateSpec& tmpl, std::optional<int32_t> collision_count);
// rand.SafeEncodeString: each byte b becomes "bcdfghjklmnpqrstvwxz2456789"[b % 27].
std::string safe_encode_string(const std::string& s);
// EqualIgnoreHash: templates equal apart from the pod-template-hash label.
bool equal_ignore_hash(const PodTemplateSpec& a, const PodTemplateSpec& b);

// The revision annotation as a number; 0 when absent or not a number.
int64_t revision_of(const Object& obj);
int64_t max_revision(const RSList& rss);
// SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision (keeping the
// old one in revision-history) and, for a ReplicaSet about to be created, the replica annotations.
// True if anything changed.
bool set_new_replica_set_annotations(const Deployment& d, ReplicaSet& rs, const std::string& new_revision, bool exists);
// Sets the Deployment's revision annotation; true if it changed.
bool set_deployment_revision(Deployment& d, const std::string& revision);
bool replicas_annotations_need_update(const ReplicaSet& rs, int32_t desired, int32_t max_replicas);
bool set_replicas_annotations(ReplicaSet& rs, int32_t desired, int32_t max_replicas);
std::optional<int32_t> desired_replicas_annotation(const ReplicaSet& rs);
std::optional<int32_t> max_replicas_annotation(const ReplicaSet& rs);

// Orderings (controller.ReplicaSetsByCreationTimestamp etc.). Null entries are not allowed.
void sort_by_creation(RSList& rss);  // oldest first, ties by name
void sort_by_revision(RSList& rss);  // lowest revision first, ties by creation
void sort_by_size_newer(RSList& rss);  // largest first, ties newer first
void sort_by_size_older(RSList& rss);  // largest first, ties older first

// FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's; null if none.
RSPtr find_new_replica_set(const Deployment& d, const RSList& rss);
// FindOldReplicaSets' second result: every ReplicaSet but the new one.
RSList find_old_replica_sets(const Deployment& d, const RSList& rss);
RSList filter_active_replica_sets(const RSList& rss);  // non-null with spec.replicas > 0

int32_t replica_count(const RSList& rss);            // sum of spec.replicas
int32_t actual_replica_count(const RSList& rss);     // sum of status.replicas
int32_t ready_replica_count(const RSList& rss);      // sum of status.readyReplicas
int32_t available_replica_count(const RSList& rss);  // sum of status.availableReplicas

// NewRSNewReplicas: how far the new ReplicaSet may grow now.
int32_t new_rs_new_replicas(const Deployment& d, const RSList& all, const ReplicaSet& new_rs);
// FindActiveOrLatest: the one active ReplicaSet, the newest if none is active, null if several are.
RSPtr find_active_or_latest(const RSPtr& new_rs, RSList old_rss);
bool is_saturated(const Deployment& d, const RSPtr& rs);
// GetProportion: the share of a proportional scale (to_add) that `rs` gets, given `added` so far.
int32_t get_proportion(const RSPtr& rs, const Deployment& d, int32_t to_add, int32_t added);

bool has_progress_deadline(const Deployment& d);
bool has_revision_history_limit(const Deployment& d);

// Conditions.
const DeploymentCondition* get_condition(const DeploymentStatus& s, const std::string& type);
DeploymentCondition new_condition(const std::string& type, const std::string& status, const std::string& reason,
                                  const std::string& message, Time now);
// SetDeploymentCondition: no-op if status and reason are unchanged; keeps lastTransitionTime if only
// the reason changed; the condition moves to the end of the list.
void set_condition(DeploymentStatus& s, DeploymentCondition c);
void remove_condition(DeploymentStatus& s, const std::string& type);
bool status_equal(const DeploymentStatus& a, const DeploymentStatus& b);

bool deployment_complete(const Deployment& d, const DeploymentStatus& s);
bool deployment_progressing(const Deployment& d, const DeploymentStatus& new_status);
bool deployment_timed_out(const Deployment& d, const DeploymentStatus& new_status, Time now);

}  // namespace ktwin::core
