// Replays Nodes, Pods and ReplicaSets with the scenario's fault lines (definitions in fault_metrics.h).
#include "analysis/fault_metrics.h"

#include <deque>
#include <set>

#include "core/util/time.h"

namespace ktwin::analysis {
namespace {

using core::Status;
using nlohmann::json;

const std::set<std::string> kFaultActions = {"haltNode", "stopKubelet", "partition", "slowNetwork", "flapNode"};

std::string node_of(const json& details) {
  if (details.is_string()) return details.get<std::string>();
  if (details.is_object()) return details.value("node", details.value("name", ""));
  return "";
}

bool ready(const json& node) {
  for (const json& c : node.value("/status/conditions"_json_pointer, json::array()))
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  return false;
}

std::string owner_of(const json& object, const std::string& kind) {
  const json& meta = object.value("metadata", json::object());
  for (const json& ref : meta.value("ownerReferences", json::array()))
    if (ref.value("kind", "") == kind) return meta.value("namespace", "") + "/" + ref.value("name", "");
  return "";
}

class FaultReplay {
 public:
  Status line(const json& l) {
    if (!l.contains("t") || !l["t"].is_string()) return Status::invalid("trace line without \"t\"");
    auto t = core::parse_go_duration(l["t"].get<std::string>());
    if (!t) return Status::invalid("trace line with a bad \"t\": " + l["t"].dump());
    now_ = core::to_seconds(*t);
    if (l.contains("scenario")) scenario(l.value("scenario", ""), l.value("details", json()));
    if (l.contains("change")) return change(l);
    if (l.contains("event")) event(l);
    return Status::ok();
  }

  std::optional<FaultMetrics> finish() {
    if (faulted_.empty()) return std::nullopt;
    out_.faulted_nodes.assign(faulted_.begin(), faulted_.end());
    for (Duplicate& d : duplicates_)
      if (d.start && !d.end) end(d);  // still running twice at the end
    return std::move(out_);
  }

 private:
  struct NodeState {
    bool partitioned = false, kubelet_stopped = false, powered = true, ready = false;
    std::vector<std::pair<std::string, std::string>> evicted;  // pod, deployment: awaiting the node's return
  };
  struct Duplicate {
    std::string pod, node, deployment;
    std::optional<double> start, end;
  };

  void scenario(const std::string& what, const json& details) {
    std::string node = node_of(details);
    if (node.empty()) return;
    NodeState& n = nodes_[node];
    if (kFaultActions.count(what)) faulted_.insert(node);
    if (what == "partition") n.partitioned = true;
    if (what == "heal") n.partitioned = false;
    if (what == "stopKubelet") n.kubelet_stopped = true;
    if (what == "startKubelet" || what == "resumeNode") n.kubelet_stopped = false;  // a boot starts it
    if (what == "resumeNode") n.powered = true;
    if (what == "haltNode" || what == "deleteNode") {
      n.powered = false;
      // The machine is off: the old copies stop running with it.
      for (Duplicate& d : duplicates_)
        if (d.node == node && !d.end) d.start ? end(d) : void(d.end = now_);
    }
  }

  Status change(const json& l) {
    std::string kind = l.value("kind", ""), name = l.value("name", ""), what = l.value("change", "");
    if (kind != "Node" && kind != "Pod" && kind != "ReplicaSet") return Status::ok();
    std::string key = kind + "|" + name;
    if (what == "DELETED") {
      objects_.erase(key);
      if (kind == "Pod")
        for (Duplicate& d : duplicates_)
          if (d.pod == name && !d.end) d.start ? end(d) : void(d.end = now_);
      return Status::ok();
    }
    json before;
    if (what == "ADDED") {
      objects_[key] = l.value("object", json::object());
    } else {
      auto it = objects_.find(key);
      if (it == objects_.end()) return Status::invalid("MODIFIED before ADDED: " + kind + " " + name);
      before = it->second;
      try {
        it->second = before.patch(l.value("patch", json::array()));
      } catch (const json::exception& e) {
        return Status::invalid("patch of " + kind + " " + name + " at " + l["t"].get<std::string>() + ": " + e.what());
      }
    }
    const json& after = objects_[key];
    if (kind == "Node") node_changed(name, after);
    if (kind == "Pod") pod_changed(name, before, after, what == "ADDED");
    return Status::ok();
  }

  void node_changed(const std::string& name, const json& node) {
    NodeState& n = nodes_[name];
    bool was_ready = n.ready;
    n.ready = ready(node);
    if (was_ready || !n.ready) return;
    // Back: every pod evicted from it while it was away was evicted needlessly.
    for (const auto& [pod, deployment] : n.evicted) {
      ++out_.false_evictions;
      if (!deployment.empty()) ++out_.deployments[deployment].false_evictions;
    }
    n.evicted.clear();
  }

  void pod_changed(const std::string& name, const json& before, const json& after, bool added) {
    if (added) {
      const json* rs = find("ReplicaSet|" + owner_of(after, "ReplicaSet"));
      std::string deployment = rs ? owner_of(*rs, "Deployment") : "";
      pod_deployment_[name] = deployment;
      // A replacement: it pairs with the earliest evicted pod of its Deployment still unpaired.
      auto& waiting = waiting_[deployment];
      while (!waiting.empty() && duplicates_[waiting.front()].end) waiting.pop_front();  // gone meanwhile
      if (!deployment.empty() && !waiting.empty()) {
        duplicates_[waiting.front()].start = now_;
        waiting.pop_front();
      }
      return;
    }
    bool deleting = after.contains("/metadata/deletionTimestamp"_json_pointer) &&
                    !before.contains("/metadata/deletionTimestamp"_json_pointer);
    std::string node = after.value("/spec/nodeName"_json_pointer, std::string());
    if (deleting && faulted_.count(node) && !nodes_[node].ready) evicted(name, node);
  }

  void event(const json& l) {
    std::string reason = l.value("event", "");
    // The taint manager reuses its reason for "Cancelling deletion of Pod": not an eviction.
    bool eviction = (reason == "TaintManagerEviction" || reason == "NodeControllerEviction") &&
                    l.value("message", "").rfind("Marking for deletion", 0) == 0 && l.value("kind", "") == "Pod";
    if (!eviction) return;
    std::string name = l.value("name", "");
    const json* pod = find("Pod|" + name);
    if (pod) evicted(name, pod->value("/spec/nodeName"_json_pointer, std::string()));
  }

  void evicted(const std::string& pod, const std::string& node) {
    if (node.empty() || !evicted_.insert(pod).second) return;
    ++out_.evictions;
    std::string deployment = pod_deployment_[pod];
    NodeState& n = nodes_[node];
    if (faulted_.count(node)) n.evicted.push_back({pod, deployment});
    if (n.powered && (n.partitioned || n.kubelet_stopped) && !deployment.empty()) {
      duplicates_.push_back({pod, node, deployment, std::nullopt, std::nullopt});
      waiting_[deployment].push_back(duplicates_.size() - 1);
    }
  }

  void end(Duplicate& d) {
    d.end = now_;
    double seconds = *d.end - *d.start;
    out_.duplicate_pod_seconds += seconds;
    out_.deployments[d.deployment].duplicate_pod_seconds += seconds;
  }

  const json* find(const std::string& key) const {
    auto it = objects_.find(key);
    return it == objects_.end() ? nullptr : &it->second;
  }

  double now_ = 0;
  FaultMetrics out_;
  std::set<std::string> faulted_;
  std::map<std::string, NodeState> nodes_;
  std::map<std::string, json> objects_;                // kind|name -> replayed state
  std::map<std::string, std::string> pod_deployment_;  // pod -> namespace/name of its Deployment
  std::set<std::string> evicted_;                      // pods counted once
  std::vector<Duplicate> duplicates_;
  std::map<std::string, std::deque<size_t>> waiting_;  // deployment -> duplicates awaiting a replacement
};

}  // namespace

core::Result<std::optional<FaultMetrics>> compute_fault_metrics(const std::vector<json>& trace) {
  FaultReplay replay;
  for (const json& l : trace) {
    Status s = replay.line(l);
    if (!s.is_ok()) return s;
  }
  return replay.finish();
}

}  // namespace ktwin::analysis
