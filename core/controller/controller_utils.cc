// Shared workload-controller helpers (k/k pkg/controller/controller_utils.go).
#include "core/controller/controller_utils.h"

#include <algorithm>
#include <numeric>

namespace ktwin::core {
namespace {

// podPhaseToOrdinal: an unknown or empty phase counts as Pending (the map's zero value).
int phase_ordinal(const std::string& phase) {
  if (phase == "Unknown") return 1;
  if (phase == "Running") return 2;
  return 0;
}

// podReadyTime: the Ready condition's lastTransitionTime if the pod is Ready, else the zero time.
Time ready_time(const Pod& pod) {
  if (!pod.is_ready()) return Time{};
  const PodCondition* c = pod.find_condition("Ready");
  return c && c->lastTransitionTime ? *c->lastTransitionTime : Time{};
}

// afterOrZero: a zero time sorts first, then the later time.
bool after_or_zero(Time a, Time b) {
  if (a == Time{} || b == Time{}) return a == Time{};
  return a > b;
}

int32_t max_container_restarts(const Pod& pod) {
  int32_t most = 0;
  for (const ContainerStatus& s : pod.status.containerStatuses) most = std::max(most, s.restartCount);
  return most;
}

}  // namespace

std::string object_key(const Object& obj) {
  if (obj.metadata.namespace_.empty()) return obj.metadata.name;
  return obj.metadata.namespace_ + "/" + obj.metadata.name;
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

OwnerReference controller_ref_to(const Object& owner) {
  OwnerReference ref;
  ref.apiVersion = std::string(api_version(owner.kind()));
  ref.kind = std::string(kind_name(owner.kind()));
  ref.name = owner.metadata.name;
  ref.uid = owner.metadata.uid;
  ref.controller = true;
  ref.blockOwnerDeletion = true;
  return ref;
}

bool is_controlled_by(const Object& obj, const Object& owner) {
  const OwnerReference* ref = obj.metadata.controller_ref();
  return ref != nullptr && ref->uid == owner.metadata.uid;
}

std::shared_ptr<Pod> pod_from_template(const PodTemplateSpec& tmpl, const Object& parent, const OwnerReference& ref) {
  auto pod = std::make_shared<Pod>();
  pod->metadata.namespace_ = parent.metadata.namespace_;
  pod->metadata.generateName = parent.metadata.name + "-";
  pod->metadata.labels = tmpl.metadata.labels;
  pod->metadata.annotations = tmpl.metadata.annotations;
  pod->metadata.finalizers = tmpl.metadata.finalizers;
  pod->metadata.ownerReferences.push_back(ref);
  pod->spec = tmpl.spec;
  if (tmpl.original && tmpl.original->is_object()) {
    // Only metadata and spec: a template document has nothing else a pod should inherit.
    nlohmann::json doc = nlohmann::json::object();
    if (tmpl.original->contains("metadata")) {
      nlohmann::json meta = (*tmpl.original)["metadata"];
      // Identity fields of the template never belong to the pod.
      if (meta.is_object())
        for (const char* field : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp", "ownerReferences"})
          meta.erase(field);
      doc["metadata"] = meta;
    }
    if (tmpl.original->contains("spec")) doc["spec"] = (*tmpl.original)["spec"];
    pod->original = std::make_shared<const nlohmann::json>(std::move(doc));
  }
  return pod;
}

std::vector<PodPtr> filter_active_pods(const std::vector<PodPtr>& pods) {
  std::vector<PodPtr> out;
  for (const PodPtr& p : pods)
    if (p && p->is_active()) out.push_back(p);
  return out;
}

bool is_pod_available(const Pod& pod, int32_t min_ready_seconds, Time now) {
  if (!pod.is_ready()) return false;
  if (min_ready_seconds == 0) return true;
  const PodCondition* c = pod.find_condition("Ready");
  if (!c->lastTransitionTime || *c->lastTransitionTime == Time{}) return false;
  // k/k pkg/api/v1/pod/util.go IsPodAvailable: strictly Before(now).
  return *c->lastTransitionTime + std::chrono::seconds(min_ready_seconds) < now;
}

std::optional<Time> pod_available_at(const Pod& pod, int32_t min_ready_seconds, Time now) {
  if (!pod.is_ready() || is_pod_available(pod, min_ready_seconds, now)) return std::nullopt;
  const PodCondition* c = pod.find_condition("Ready");
  if (!c->lastTransitionTime || *c->lastTransitionTime == Time{}) return std::nullopt;
  return *c->lastTransitionTime + std::chrono::seconds(min_ready_seconds);
}

bool pod_deletes_before(const Pod& a, int rank_a, const Pod& b, int rank_b) {
  // 1. Unassigned before assigned.
  const std::string &node_a = a.spec.nodeName, &node_b = b.spec.nodeName;
  if (node_a != node_b && (node_a.empty() || node_b.empty())) return node_a.empty();
  // 2. Pending before Unknown before Running.
  int phase_a = phase_ordinal(a.status.phase), phase_b = phase_ordinal(b.status.phase);
  if (phase_a != phase_b) return phase_a < phase_b;
  // 3. Not ready before ready.
  if (a.is_ready() != b.is_ready()) return !a.is_ready();
  // 4. More related pods on the same node first (k/k PR #80004, the 1.20 rule before deletion cost).
  if (rank_a != rank_b) return rank_a > rank_b;
  // 5. Ready for a shorter time first.
  if (a.is_ready() && b.is_ready()) {
    Time ta = ready_time(a), tb = ready_time(b);
    if (ta != tb) return after_or_zero(ta, tb);
  }
  // 6. More container restarts first.
  int32_t ra = max_container_restarts(a), rb = max_container_restarts(b);
  if (ra != rb) return ra > rb;
  // 7. Newer first; a zero creation time counts as newest.
  if (a.metadata.creationTimestamp != b.metadata.creationTimestamp)
    return after_or_zero(a.metadata.creationTimestamp, b.metadata.creationTimestamp);
  return false;
}

void sort_pods_for_deletion(std::vector<PodPtr>& pods, std::vector<int>& ranks) {
  KT_CHECK(pods.size() == ranks.size(), "one rank per pod");
  std::vector<size_t> order(pods.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) {
    return pod_deletes_before(*pods[i], ranks[i], *pods[j], ranks[j]);
  });
  std::vector<PodPtr> sorted_pods;
  std::vector<int> sorted_ranks;
  for (size_t i : order) {
    sorted_pods.push_back(pods[i]);
    sorted_ranks.push_back(ranks[i]);
  }
  pods = std::move(sorted_pods);
  ranks = std::move(sorted_ranks);
}

int slow_start_batch(int count, int initial_batch_size, const std::function<Status()>& fn, Status* first_error) {
  int remaining = count, successes = 0;
  for (int batch = std::min(remaining, initial_batch_size); batch > 0; batch = std::min(2 * batch, remaining)) {
    // The calls of one batch run in parallel in Kubernetes: all are attempted even if one fails.
    int failures = 0;
    for (int i = 0; i < batch; ++i) {
      Status s = fn();
      if (!s.is_ok()) {
        if (failures++ == 0 && first_error) *first_error = s;
      }
    }
    successes += batch - failures;
    if (failures > 0) return successes;
    remaining -= batch;
  }
  return successes;
}

bool Expectations::satisfied(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return true;  // a new controller, or its expectations were dropped
  const Entry& e = it->second;
  if (e.add <= 0 && e.del <= 0) return true;
  return clock_.now() - e.timestamp > timeout_;
}

void Expectations::expect_creations(const std::string& key, int count) {
  entries_[key] = Entry{count, 0, clock_.now(), {}};
}

void Expectations::expect_deletions(const std::string& key, const std::vector<std::string>& pod_keys) {
  Entry e{0, 0, clock_.now(), {}};
  e.deleting.insert(pod_keys.begin(), pod_keys.end());
  e.del = static_cast<int64_t>(e.deleting.size());
  entries_[key] = std::move(e);
}

void Expectations::creation_observed(const std::string& key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) --it->second.add;
}

void Expectations::deletion_observed(const std::string& key, const std::string& pod_key) {
  auto it = entries_.find(key);
  if (it == entries_.end() || !it->second.deleting.erase(pod_key)) return;
  --it->second.del;
}

void Expectations::forget(const std::string& key) { entries_.erase(key); }

std::optional<std::pair<int64_t, int64_t>> Expectations::TEST_pending(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return std::make_pair(it->second.add, it->second.del);
}

}  // namespace ktwin::core
