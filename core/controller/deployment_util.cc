// Deployment helpers (k/k pkg/controller/deployment/util/deployment_util.go, pkg/apis/apps/v1/defaults.go).
#include "core/controller/deployment_util.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <set>

#include "core/api/codec.h"

namespace ktwin::core {
namespace {

constexpr std::string_view kSafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";
constexpr size_t kMaxRevHistoryLengthInChars = 2000;

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<int32_t> int_annotation(const Object& obj, const char* key) {
  auto it = obj.metadata.annotations.find(key);
  if (it == obj.metadata.annotations.end()) return std::nullopt;
  auto v = parse_int(it->second);
  if (!v || *v < INT32_MIN || *v > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(*v);
}

// The template as the apiserver would serialize it (keys sorted: nlohmann::json orders objects).
nlohmann::json template_json(const PodTemplateSpec& tmpl) {
  Deployment holder;
  holder.spec.template_ = tmpl;
  return encode(holder)["spec"]["template"];
}

uint32_t fnv1a(uint32_t h, const unsigned char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    h ^= data[i];
    h *= 16777619u;
  }
  return h;
}

bool older(const RSPtr& a, const RSPtr& b) {
  if (a->metadata.creationTimestamp != b->metadata.creationTimestamp)
    return a->metadata.creationTimestamp < b->metadata.creationTimestamp;
  return a->metadata.name < b->metadata.name;
}

// Annotations a Deployment never passes to its ReplicaSets (annotationsToSkip).
bool skip_copy_annotation(const std::string& key) {
  static const std::set<std::string> skip = {"kubectl.kubernetes.io/last-applied-configuration",
                                             kRevisionAnnotation,
                                             kRevisionHistoryAnnotation,
                                             kDesiredReplicasAnnotation,
                                             kMaxReplicasAnnotation,
                                             "deprecated.deployment.rollback.to"};
  return skip.count(key) > 0;
}

}  // namespace

void set_deployment_defaults(Deployment& d) {
  if (!d.spec.replicas) d.spec.replicas = 1;
  DeploymentStrategy& strategy = d.spec.strategy;
  if (strategy.type.empty()) strategy.type = "RollingUpdate";
  if (strategy.type == "RollingUpdate") {
    if (!strategy.rollingUpdate) strategy.rollingUpdate = RollingUpdateDeployment{};
    if (!strategy.rollingUpdate->maxUnavailable) strategy.rollingUpdate->maxUnavailable = IntOrString::of("25%");
    if (!strategy.rollingUpdate->maxSurge) strategy.rollingUpdate->maxSurge = IntOrString::of("25%");
  }
  if (!d.spec.revisionHistoryLimit) d.spec.revisionHistoryLimit = 10;
  if (!d.spec.progressDeadlineSeconds) d.spec.progressDeadlineSeconds = 600;
}

int32_t value_from_int_or_percent(const IntOrString& v, int32_t total, bool round_up) {
  if (!v.is_string) return v.int_value;
  std::string s = v.str_value;
  if (!s.empty() && s.back() == '%') s.pop_back();
  // Validation rejects anything else; treat garbage as 0 rather than abort.
  int64_t pct = parse_int(s).value_or(0);
  double exact = static_cast<double>(pct) * static_cast<double>(total) / 100.0;
  return static_cast<int32_t>(round_up ? std::ceil(exact) : std::floor(exact));
}

std::pair<int32_t, int32_t> resolve_fenceposts(const std::optional<IntOrString>& max_surge_v,
                                               const std::optional<IntOrString>& max_unavailable_v, int32_t desired) {
  int32_t surge = value_from_int_or_percent(max_surge_v.value_or(IntOrString::of(0)), desired, true);
  int32_t unavailable = value_from_int_or_percent(max_unavailable_v.value_or(IntOrString::of(0)), desired, false);
  // Both zero would forbid any progress.
  if (surge == 0 && unavailable == 0) unavailable = 1;
  return {surge, unavailable};
}

int32_t max_surge(const Deployment& d) {
  if (d.spec.strategy.type != "RollingUpdate" || !d.spec.strategy.rollingUpdate) return 0;
  const auto& ru = *d.spec.strategy.rollingUpdate;
  return resolve_fenceposts(ru.maxSurge, ru.maxUnavailable, d.desired_replicas()).first;
}

int32_t max_unavailable(const Deployment& d) {
  if (d.spec.strategy.type != "RollingUpdate" || !d.spec.strategy.rollingUpdate || d.desired_replicas() == 0) return 0;
  const auto& ru = *d.spec.strategy.rollingUpdate;
  int32_t unavailable = resolve_fenceposts(ru.maxSurge, ru.maxUnavailable, d.desired_replicas()).second;
  return std::min(unavailable, d.desired_replicas());
}

std::string safe_encode_string(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += kSafeAlphabet[c % kSafeAlphabet.size()];
  return out;
}

std::string compute_pod_template_hash(const PodTemplateSpec& tmpl, std::optional<int32_t> collision_count) {
  std::string dump = template_json(tmpl).dump();
  uint32_t h = fnv1a(2166136261u, reinterpret_cast<const unsigned char*>(dump.data()), dump.size());
  if (collision_count) {
    auto c = static_cast<uint32_t>(*collision_count);
    unsigned char bytes[8] = {static_cast<unsigned char>(c), static_cast<unsigned char>(c >> 8),
                              static_cast<unsigned char>(c >> 16), static_cast<unsigned char>(c >> 24), 0, 0, 0, 0};
    h = fnv1a(h, bytes, sizeof bytes);
  }
  return safe_encode_string(std::to_string(h));
}

// a == b with the pod-template-hash label left out of both, without copying either.
bool labels_equal_ignore_hash(const Labels& a, const Labels& b) {
  auto ia = a.begin(), ib = b.begin();
  while (true) {
    if (ia != a.end() && ia->first == kPodTemplateHashLabel) ++ia;
    if (ib != b.end() && ib->first == kPodTemplateHashLabel) ++ib;
    if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
    if (*ia != *ib) return false;
    ++ia, ++ib;
  }
}

bool equal_ignore_hash(const PodTemplateSpec& a, const PodTemplateSpec& b) {
  // Typed fields first: cheap, and decisive whenever they differ.
  if (!labels_equal_ignore_hash(a.metadata.labels, b.metadata.labels) ||
      a.metadata.annotations != b.metadata.annotations || !(a.spec == b.spec))
    return false;
  // Fields ktwin does not model live only in the original document; one shared document is equal.
  if (a.original == b.original) return true;
  auto strip = [](nlohmann::json j) {
    if (j.contains("metadata") && j["metadata"].contains("labels")) {
      j["metadata"]["labels"].erase(kPodTemplateHashLabel);
      // Semantic.DeepEqual treats an empty map like a missing one.
      if (j["metadata"]["labels"].empty()) j["metadata"].erase("labels");
    }
    return j;
  };
  return strip(template_json(a)) == strip(template_json(b));
}

int64_t revision_of(const Object& obj) {
  auto it = obj.metadata.annotations.find(kRevisionAnnotation);
  if (it == obj.metadata.annotations.end()) return 0;
  return parse_int(it->second).value_or(0);
}

int64_t max_revision(const RSList& rss) {
  int64_t most = 0;
  for (const RSPtr& rs : rss)
    if (rs) most = std::max(most, revision_of(*rs));
  return most;
}

bool set_new_replica_set_annotations(const Deployment& d, ReplicaSet& rs, const std::string& new_revision, bool exists) {
  bool changed = false;
  auto& ann = rs.metadata.annotations;
  for (const auto& [k, v] : d.metadata.annotations) {
    if (skip_copy_annotation(k)) continue;
    auto it = ann.find(k);
    if (it != ann.end() && it->second == v) continue;
    ann[k] = v;
    changed = true;
  }
  auto old_it = ann.find(kRevisionAnnotation);
  bool had_revision = old_it != ann.end();
  std::string old_revision = had_revision ? old_it->second : "";
  int64_t old_rev = 0;
  if (had_revision) {
    auto parsed = parse_int(old_revision);
    if (!parsed) return false;  // an unparsable revision is left alone, as upstream does
    old_rev = *parsed;
  }
  int64_t new_rev = parse_int(new_revision).value_or(0);
  if (old_rev < new_rev) {
    ann[kRevisionAnnotation] = new_revision;
    changed = true;
    // A ReplicaSet that had a revision and gets a newer one is being rolled back to: keep history.
    if (had_revision) {
      std::string history = ann[kRevisionHistoryAnnotation];
      if (history.empty()) {
        history = old_revision;
      } else {
        std::vector<std::string> parts;
        for (size_t start = 0;;) {
          size_t comma = history.find(',', start);
          parts.push_back(history.substr(start, comma - start));
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        size_t total = history.size() + old_revision.size() + 1, first = 0;
        while (total > kMaxRevHistoryLengthInChars && first < parts.size()) total -= parts[first++].size() + 1;
        if (total <= kMaxRevHistoryLengthInChars) {
          history.clear();
          for (size_t i = first; i < parts.size(); ++i) history += parts[i] + ",";
          history += old_revision;
        }
      }
      ann[kRevisionHistoryAnnotation] = history;
    }
  }
  if (!exists && set_replicas_annotations(rs, d.desired_replicas(), d.desired_replicas() + max_surge(d)))
    changed = true;
  return changed;
}

bool set_deployment_revision(Deployment& d, const std::string& revision) {
  auto& ann = d.metadata.annotations;
  auto it = ann.find(kRevisionAnnotation);
  if (it != ann.end() && it->second == revision) return false;
  ann[kRevisionAnnotation] = revision;
  return true;
}

bool replicas_annotations_need_update(const ReplicaSet& rs, int32_t desired, int32_t max_replicas) {
  const auto& ann = rs.metadata.annotations;
  auto d = ann.find(kDesiredReplicasAnnotation), m = ann.find(kMaxReplicasAnnotation);
  return d == ann.end() || d->second != std::to_string(desired) || m == ann.end() ||
         m->second != std::to_string(max_replicas);
}

bool set_replicas_annotations(ReplicaSet& rs, int32_t desired, int32_t max_replicas) {
  if (!replicas_annotations_need_update(rs, desired, max_replicas)) return false;
  rs.metadata.annotations[kDesiredReplicasAnnotation] = std::to_string(desired);
  rs.metadata.annotations[kMaxReplicasAnnotation] = std::to_string(max_replicas);
  return true;
}

std::optional<int32_t> desired_replicas_annotation(const ReplicaSet& rs) {
  return int_annotation(rs, kDesiredReplicasAnnotation);
}
std::optional<int32_t> max_replicas_annotation(const ReplicaSet& rs) { return int_annotation(rs, kMaxReplicasAnnotation); }

void sort_by_creation(RSList& rss) { std::stable_sort(rss.begin(), rss.end(), older); }

void sort_by_revision(RSList& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const RSPtr& a, const RSPtr& b) {
    int64_t ra = revision_of(*a), rb = revision_of(*b);
    return ra != rb ? ra < rb : older(a, b);
  });
}

void sort_by_size_newer(RSList& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const RSPtr& a, const RSPtr& b) {
    if (a->desired_replicas() == b->desired_replicas()) return older(b, a);
    return a->desired_replicas() > b->desired_replicas();
  });
}

void sort_by_size_older(RSList& rss) {
  std::stable_sort(rss.begin(), rss.end(), [](const RSPtr& a, const RSPtr& b) {
    if (a->desired_replicas() == b->desired_replicas()) return older(a, b);
    return a->desired_replicas() > b->desired_replicas();
  });
}

RSPtr find_new_replica_set(const Deployment& d, const RSList& rss) {
  RSList sorted;
  for (const RSPtr& rs : rss)
    if (rs) sorted.push_back(rs);
  sort_by_creation(sorted);
  // Several equal templates can exist after a hash collision; the oldest wins.
  for (const RSPtr& rs : sorted)
    if (equal_ignore_hash(rs->spec.template_, d.spec.template_)) return rs;
  return nullptr;
}

RSList find_old_replica_sets(const Deployment& d, const RSList& rss) {
  RSPtr new_rs = find_new_replica_set(d, rss);
  RSList out;
  for (const RSPtr& rs : rss)
    if (rs && rs != new_rs) out.push_back(rs);
  return out;
}

RSList filter_active_replica_sets(const RSList& rss) {
  RSList out;
  for (const RSPtr& rs : rss)
    if (rs && rs->desired_replicas() > 0) out.push_back(rs);
  return out;
}

int32_t replica_count(const RSList& rss) {
  int32_t n = 0;
  for (const RSPtr& rs : rss)
    if (rs) n += rs->desired_replicas();
  return n;
}
int32_t actual_replica_count(const RSList& rss) {
  int32_t n = 0;
  for (const RSPtr& rs : rss)
    if (rs) n += rs->status.replicas;
  return n;
}
int32_t ready_replica_count(const RSList& rss) {
  int32_t n = 0;
  for (const RSPtr& rs : rss)
    if (rs) n += rs->status.readyReplicas;
  return n;
}
int32_t available_replica_count(const RSList& rss) {
  int32_t n = 0;
  for (const RSPtr& rs : rss)
    if (rs) n += rs->status.availableReplicas;
  return n;
}

int32_t new_rs_new_replicas(const Deployment& d, const RSList& all, const ReplicaSet& new_rs) {
  if (d.spec.strategy.type == "Recreate") return d.desired_replicas();
  // RollingUpdate: grow up to replicas + maxSurge pods in total, never past replicas.
  int32_t max_total = d.desired_replicas() + max_surge(d);
  int32_t current = replica_count(all);
  if (current >= max_total) return new_rs.desired_replicas();
  int32_t up = std::min(max_total - current, d.desired_replicas() - new_rs.desired_replicas());
  return new_rs.desired_replicas() + up;
}

RSPtr find_active_or_latest(const RSPtr& new_rs, RSList old_rss) {
  if (!new_rs && old_rss.empty()) return nullptr;
  sort_by_creation(old_rss);
  std::reverse(old_rss.begin(), old_rss.end());
  RSList all = old_rss;
  all.push_back(new_rs);
  RSList active = filter_active_replica_sets(all);
  if (active.empty()) return new_rs ? new_rs : old_rss.front();
  if (active.size() == 1) return active.front();
  return nullptr;
}

bool is_saturated(const Deployment& d, const RSPtr& rs) {
  if (!rs) return false;
  auto desired = desired_replicas_annotation(*rs);
  return desired && *desired == d.desired_replicas() && rs->status.availableReplicas == d.desired_replicas() &&
         rs->desired_replicas() == d.desired_replicas();
}

int32_t get_proportion(const RSPtr& rs, const Deployment& d, int32_t to_add, int32_t added) {
  if (!rs || rs->desired_replicas() == 0 || to_add == 0 || to_add == added) return 0;
  int32_t fraction;
  if (d.desired_replicas() == 0) {
    fraction = -rs->desired_replicas();  // scaling to zero: all of it goes
  } else {
    int32_t deployment_replicas = d.desired_replicas() + max_surge(d);
    // Without the annotation, fall back to the current size (upstream does the same).
    int32_t annotated = max_replicas_annotation(*rs).value_or(d.status.replicas);
    double size = static_cast<double>(rs->desired_replicas()) * deployment_replicas / annotated;
    fraction = static_cast<int32_t>(std::round(size)) - rs->desired_replicas();
  }
  int32_t allowed = to_add - added;
  // Never move more than what is left to add or remove.
  return to_add > 0 ? std::min(fraction, allowed) : std::max(fraction, allowed);
}

bool has_progress_deadline(const Deployment& d) {
  return d.spec.progressDeadlineSeconds && *d.spec.progressDeadlineSeconds != INT32_MAX;
}
bool has_revision_history_limit(const Deployment& d) {
  return d.spec.revisionHistoryLimit && *d.spec.revisionHistoryLimit != INT32_MAX;
}

}  // namespace ktwin::core
