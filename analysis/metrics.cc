// Replays a trace object by object and folds it into Metrics (see metrics.h for the definitions).
#include "analysis/metrics.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/util/time.h"

namespace ktwin::analysis {
namespace {

using core::Status;
using nlohmann::json;

// Only these kinds are replayed: Node and Lease heartbeats are most of a trace and no metric reads them.
const std::set<std::string> kReplayed = {"Deployment", "ReplicaSet", "Pod", "Service", "Endpoints"};

std::string key_of(const std::string& kind, const std::string& name) { return kind + "|" + name; }

int64_t int_at(const json& object, const json::json_pointer& path, int64_t fallback) {
  if (!object.contains(path)) return fallback;
  const json& v = object.at(path);
  return v.is_number() ? v.get<int64_t>() : fallback;
}

// The name (namespace/name) of the controller owner of `kind`, or "".
std::string owner_of(const json& object, const std::string& kind) {
  const json& meta = object.value("metadata", json::object());
  for (const json& ref : meta.value("ownerReferences", json::array()))
    if (ref.value("kind", "") == kind) return meta.value("namespace", "") + "/" + ref.value("name", "");
  return "";
}

class Replay {
 public:
  Status line(const json& l) {
    if (!l.contains("t") || !l["t"].is_string()) return Status::invalid("trace line without \"t\"");
    auto t = core::parse_go_duration(l["t"].get<std::string>());
    if (!t) return Status::invalid("trace line with a bad \"t\": " + l["t"].dump());
    double now = core::to_seconds(*t);
    integrate_until(now);
    if (l.contains("change")) return change(l, now);
    if (l.contains("event")) event(l, now);
    if (l.contains("scenario") && l["scenario"] == "haltNode" && !out_.halt_at) halt(l["details"], now);
    return Status::ok();
  }

  Metrics finish() {
    out_.end = last_;
    for (auto& [name, d] : deployments_) {
      if (out_.halt_at && !d.unavailable_replica_seconds_after_halt) d.unavailable_replica_seconds_after_halt = 0.0;
      if (first_eviction_) d.pods_rescheduled = rescheduled_[name];
      out_.deployments.push_back(d);
    }
    for (auto& [name, s] : services_) out_.services.push_back(s);
    return std::move(out_);
  }

 private:
  struct Recovery {
    bool fell = false, recovered = false;
  };

  // Adds [last_, now) to the integrals, with the state as it was during that interval.
  void integrate_until(double now) {
    double dt = now - last_;
    last_ = std::max(last_, now);
    if (dt <= 0) return;
    bool after_halt = out_.halt_at.has_value();
    for (auto& [name, d] : deployments_) {
      const json* obj = find("Deployment", name);
      if (!obj) continue;  // deleted
      double short_by = static_cast<double>(shortfall(*obj));
      d.unavailable_replica_seconds += short_by * dt;
      if (after_halt) d.unavailable_replica_seconds_after_halt = d.unavailable_replica_seconds_after_halt.value_or(0) + short_by * dt;
    }
    if (!after_halt) return;
    for (auto& [name, s] : services_) {
      if (!find("Service", name)) continue;
      const json* ep = find("Endpoints", name);
      double add = (ep == nullptr || ready_addresses(*ep) == 0) ? dt : 0.0;
      s.zero_ready_endpoint_seconds_after_halt = s.zero_ready_endpoint_seconds_after_halt.value_or(0) + add;
    }
  }

  static int64_t shortfall(const json& deployment) {
    int64_t want = int_at(deployment, "/spec/replicas"_json_pointer, 1);  // the API default
    int64_t ready = int_at(deployment, "/status/readyReplicas"_json_pointer, 0);  // omitted when 0
    return std::max<int64_t>(0, want - ready);
  }

  static size_t ready_addresses(const json& endpoints) {
    size_t n = 0;
    for (const json& subset : endpoints.value("subsets", json::array())) n += subset.value("addresses", json::array()).size();
    return n;
  }

  const json* find(const std::string& kind, const std::string& name) const {
    auto it = objects_.find(key_of(kind, name));
    return it == objects_.end() ? nullptr : &it->second;
  }

  Status change(const json& l, double now) {
    std::string kind = l.value("kind", ""), name = l.value("name", ""), what = l.value("change", "");
    if (!kReplayed.count(kind)) return Status::ok();
    std::string key = key_of(kind, name);
    if (what == "ADDED") {
      objects_[key] = l.value("object", json::object());
      added(kind, name, objects_[key], now);
    } else if (what == "MODIFIED") {
      auto it = objects_.find(key);
      if (it == objects_.end()) return Status::invalid("MODIFIED before ADDED: " + kind + " " + name);
      json before = it->second;
      try {
        it->second = before.patch(l.value("patch", json::array()));
      } catch (const json::exception& e) {
        return Status::invalid("patch of " + kind + " " + name + " at " + l["t"].get<std::string>() + ": " + e.what());
      }
      modified(kind, name, before, it->second, now);
    } else if (what == "DELETED") {
      objects_.erase(key);
    }
    if (kind == "Deployment" && objects_.count(key)) check_recovery(name, objects_[key], now);
    return Status::ok();
  }

  void added(const std::string& kind, const std::string& name, const json& object, double now) {
    if (kind == "Deployment") {
      deployments_[name].name = name;
    } else if (kind == "Service") {
      if (object.contains("/spec/selector"_json_pointer)) services_[name].name = name;
    } else if (kind == "Pod") {
      // A Pod's owner chain never changes, and its ReplicaSet may be gone when the Pod is evicted.
      const json* rs = find("ReplicaSet", owner_of(object, "ReplicaSet"));
      std::string deployment = rs ? owner_of(*rs, "Deployment") : "";
      pod_deployment_[name] = deployment;
      if (first_eviction_ && !deployment.empty()) ++rescheduled_[deployment];
      count_restarts(name, object);
    }
  }

  void modified(const std::string& kind, const std::string& name, const json& before, const json& after, double now) {
    if (kind != "Pod") return;
    count_restarts(name, after);
    // Eviction without an event (e.g. a plain delete of the halted node's pods) still shows as
    // graceful deletion of a pod bound to the halted node.
    bool deleting = after.contains("/metadata/deletionTimestamp"_json_pointer) &&
                    !before.contains("/metadata/deletionTimestamp"_json_pointer);
    if (deleting && out_.halt_at && !out_.halted_node.empty() &&
        after.value("/spec/nodeName"_json_pointer, std::string()) == out_.halted_node)
      evicted(name, now);
  }

  void count_restarts(const std::string& pod, const json& object) {
    auto& seen = restarts_[pod];
    int64_t increase = 0;
    for (const json& c : object.value("/status/containerStatuses"_json_pointer, json::array())) {
      std::string container = c.value("name", "");
      int64_t count = c.value("restartCount", int64_t{0});
      auto it = seen.find(container);
      if (it != seen.end() && count > it->second) increase += count - it->second;
      if (it == seen.end() || count > it->second) seen[container] = count;
    }
    const std::string& deployment = pod_deployment_[pod];
    if (increase > 0 && !deployment.empty()) deployments_[deployment].pod_restarts += increase;
  }

  void event(const json& l, double now) {
    std::string reason = l.value("event", "");
    if (!out_.halt_at) return;
    if (reason == "NodeNotReady" && l.value("kind", "") == "Node" && l.value("name", "") == out_.halted_node &&
        !out_.time_to_detect)
      out_.time_to_detect = now - *out_.halt_at;
    // The taint manager reuses its reason for "Cancelling deletion of Pod": not an eviction.
    bool eviction = (reason == "TaintManagerEviction" || reason == "NodeControllerEviction") &&
                    l.value("message", "").rfind("Marking for deletion", 0) == 0 && l.value("kind", "") == "Pod";
    if (eviction) evicted(l.value("name", ""), now);
  }

  void evicted(const std::string& pod, double now) {
    double since = now - *out_.halt_at;
    if (!out_.time_to_evict) out_.time_to_evict = since;
    if (!first_eviction_) first_eviction_ = now;
    auto it = pod_deployment_.find(pod);
    if (it == pod_deployment_.end() || it->second.empty()) return;
    DeploymentMetrics& d = deployments_[it->second];
    if (!d.time_to_evict) d.time_to_evict = since;
  }

  void halt(const json& details, double now) {
    out_.halt_at = now;
    if (details.is_string()) out_.halted_node = details.get<std::string>();
    else if (details.is_object()) out_.halted_node = details.value("node", details.value("name", ""));
    // Recovery is measured from here: state before the halt does not count as a fall.
    for (auto& [name, d] : deployments_)
      if (const json* obj = find("Deployment", name)) check_recovery(name, *obj, now);
  }

  void check_recovery(const std::string& name, const json& deployment, double now) {
    if (!out_.halt_at) return;
    Recovery& r = recovery_[name];
    if (r.recovered) return;
    bool is_short = shortfall(deployment) > 0;
    if (is_short) r.fell = true;
    if (r.fell && !is_short) {
      r.recovered = true;
      deployments_[name].time_to_recover = now - *out_.halt_at;
    }
  }

  Metrics out_;
  double last_ = 0;
  std::optional<double> first_eviction_;
  std::map<std::string, json> objects_;                  // kind|name -> replayed state
  std::map<std::string, DeploymentMetrics> deployments_;  // by name: sorted output
  std::map<std::string, ServiceMetrics> services_;
  std::map<std::string, Recovery> recovery_;
  std::map<std::string, std::string> pod_deployment_;  // pod -> its Deployment, "" when none
  std::map<std::string, std::map<std::string, int64_t>> restarts_;  // pod -> container -> count seen
  std::map<std::string, int64_t> rescheduled_;
};

}  // namespace

core::Result<std::vector<json>> parse_trace(std::istream& in) {
  std::vector<json> lines;
  std::string text;
  for (size_t n = 1; std::getline(in, text); ++n) {
    if (text.empty()) continue;
    json line = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (line.is_discarded()) return Status::invalid("trace line " + std::to_string(n) + ": not JSON");
    lines.push_back(std::move(line));
  }
  return lines;
}

core::Result<Metrics> compute_metrics(const std::vector<json>& trace) {
  Replay replay;
  for (const json& l : trace) {
    Status s = replay.line(l);
    if (!s.is_ok()) return s;
  }
  Metrics metrics = replay.finish();
  auto effective = compute_effective_availability(trace);
  if (!effective.is_ok()) return effective.status();
  metrics.effective_availability = std::move(effective).value();
  auto faults = compute_fault_metrics(trace);
  if (!faults.is_ok()) return faults.status();
  metrics.faults = faults.value();
  return metrics;
}

}  // namespace ktwin::analysis
