// reconstruct_timeline: replays Pods, Nodes and Deployments line by line (patches applied as the
// trace writer made them) and turns scenario lines into fault intervals and markers.
#include "analysis/report/timeline.h"

#include <map>

#include "core/api/codec.h"
#include "core/api/pod.h"
#include "core/printers/pod_cells.h"
#include "core/util/time.h"

namespace ktwin::analysis::report {
namespace {

using core::Status;
using nlohmann::json;

// Which action ends the interval that another opens.
// Cordoning is not here: the Node's spec.unschedulable shows it, whoever set it (cordonNode, drainNode).
const std::map<std::string, std::string> kUndoneBy = {
    {"haltNode", "resumeNode"}, {"partition", "heal"}, {"stopKubelet", "startKubelet"}};
const std::map<std::string, std::string> kUndoes = {
    {"resumeNode", "haltNode"}, {"heal", "partition"}, {"startKubelet", "stopKubelet"}};

std::string pod_state(const json& object) {
  json doc = object;
  doc["kind"] = "Pod";
  if (!doc.contains("apiVersion")) doc["apiVersion"] = "v1";
  auto decoded = core::decode(doc);
  if (!decoded.is_ok()) return "Unknown";
  const core::Pod& pod = *core::as<core::Pod>(decoded.value());
  std::string state = core::printers::pod_status(pod);
  if (state != "Running") return state;
  for (const core::PodCondition& c : pod.status.conditions)
    if (c.type == "Ready") return c.status == "True" ? state : "Running (not ready)";
  return "Running (not ready)";
}

bool node_ready(const json& node) {
  for (const json& c : node.value("/status/conditions"_json_pointer, json::array()))
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  return false;
}

std::string join(const json& lines) {
  if (!lines.is_array()) return lines.is_string() ? lines.get<std::string>() : lines.dump();
  std::string out;
  for (const json& l : lines) out += (out.empty() ? "" : "; ") + (l.is_string() ? l.get<std::string>() : l.dump());
  return out;
}

class Rebuild {
 public:
  Status line(const json& l) {
    if (!l.contains("t") || !l["t"].is_string()) return Status::invalid("trace line without \"t\"");
    auto t = core::parse_go_duration(l["t"].get<std::string>());
    if (!t) return Status::invalid("trace line with a bad \"t\": " + l["t"].dump());
    now_ = core::to_seconds(*t);
    if (l.contains("change")) return change(l);
    if (l.contains("scenario")) scenario(l.value("scenario", ""), l.value("details", json()));
    return Status::ok();
  }

  RunTimeline finish() {
    RunTimeline out;
    out.end = now_;
    for (Pod& p : pods_) {
      if (!p.bar.deleted && !p.bar.segments.empty()) p.bar.segments.back().end = now_;
      lane(p.node).pods.push_back(std::move(p.bar));
    }
    for (auto& [name, lane] : lanes_) {
      for (auto& [what, start] : open_faults_[name]) lane.faults.push_back({start, now_, what});
      if (not_ready_since_.count(name)) lane.not_ready.push_back({not_ready_since_[name], now_, "NotReady"});
      if (cordoned_since_.count(name)) lane.cordoned.push_back({cordoned_since_[name], now_, "SchedulingDisabled"});
      if (!name.empty()) out.nodes.push_back(std::move(lane));
    }
    if (lanes_.count("")) out.nodes.push_back(std::move(lanes_[""]));
    for (auto& [name, series] : deployments_) out.deployments.push_back(std::move(series));
    out.scenario = std::move(scenario_);
    return out;
  }

 private:
  struct Pod {
    std::string node;
    PodBar bar;
  };

  NodeLane& lane(const std::string& node) {
    NodeLane& l = lanes_[node];
    l.node = node;
    return l;
  }

  Status change(const json& l) {
    std::string kind = l.value("kind", ""), name = l.value("name", ""), what = l.value("change", "");
    if (kind != "Pod" && kind != "Node" && kind != "Deployment") return Status::ok();
    std::string key = kind + "|" + name;
    if (what == "ADDED") {
      objects_[key] = l.value("object", json::object());
    } else if (what == "MODIFIED") {
      auto it = objects_.find(key);
      if (it == objects_.end()) return Status::invalid("MODIFIED before ADDED: " + kind + " " + name);
      try {
        it->second = it->second.patch(l.value("patch", json::array()));
      } catch (const json::exception& e) {
        return Status::invalid("patch of " + kind + " " + name + " at " + l["t"].get<std::string>() + ": " + e.what());
      }
    }
    const json* object = what == "DELETED" ? nullptr : &objects_[key];
    if (kind == "Pod") pod(name, what, object);
    if (kind == "Node") node(name, object);
    if (kind == "Deployment" && object) deployment(name, *object);
    if (what == "DELETED") objects_.erase(key);
    return Status::ok();
  }

  void pod(const std::string& name, const std::string& what, const json* object) {
    if (what == "ADDED") {
      current_[name] = pods_.size();
      pods_.push_back({"", PodBar{name, {}, false}});
    }
    auto it = current_.find(name);
    if (it == current_.end()) return;
    Pod& p = pods_[it->second];
    PodBar& bar = p.bar;
    if (!object) {  // DELETED: the bar ends here
      if (!bar.segments.empty()) bar.segments.back().end = now_;
      bar.deleted = true;
      current_.erase(it);
      return;
    }
    if (p.node.empty()) p.node = object->value("/spec/nodeName"_json_pointer, std::string());
    std::string state = pod_state(*object);
    if (!bar.segments.empty() && bar.segments.back().state == state) return;
    if (!bar.segments.empty()) bar.segments.back().end = now_;
    // Several changes at one instant: only the last state shows.
    if (!bar.segments.empty() && bar.segments.back().start == now_) bar.segments.pop_back();
    if (!bar.segments.empty() && bar.segments.back().state == state) return;
    bar.segments.push_back({now_, now_, state});
  }

  void node(const std::string& name, const json* object) {
    lane(name);
    spell(name, "NotReady", object && !node_ready(*object), not_ready_since_, lanes_[name].not_ready);
    bool cordoned = object && object->value("/spec/unschedulable"_json_pointer, json(false)) == json(true);
    spell(name, "SchedulingDisabled", cordoned, cordoned_since_, lanes_[name].cordoned);
  }

  // Opens a spell when `on` starts, closes it into `into` when it stops (or the node is deleted).
  void spell(const std::string& node, const std::string& what, bool on, std::map<std::string, double>& since,
             std::vector<NodeInterval>& into) {
    auto it = since.find(node);
    if (on && it == since.end()) since[node] = now_;
    if (!on && it != since.end()) {
      into.push_back({it->second, now_, what});
      since.erase(it);
    }
  }

  void deployment(const std::string& name, const json& d) {
    ReplicaStep step{now_, 0, 1};
    const json& ready = d.value("/status/readyReplicas"_json_pointer, json(0));
    const json& spec = d.value("/spec/replicas"_json_pointer, json(1));
    step.ready = ready.is_number() ? ready.get<int64_t>() : 0;
    step.spec = spec.is_number() ? spec.get<int64_t>() : 1;
    DeploymentSeries& s = deployments_[name];
    s.name = name;
    if (!s.steps.empty() && s.steps.back().ready == step.ready && s.steps.back().spec == step.spec) return;
    if (!s.steps.empty() && s.steps.back().t == now_) s.steps.pop_back();
    s.steps.push_back(step);
  }

  void scenario(const std::string& what, const json& details) {
    if (what == "snapshot") return;
    ScenarioLine line{now_, what, join(details), false};
    std::string node = details.is_string() ? details.get<std::string>() : "";
    if (what == "scale") {
      line.detail = details.value("name", "") + " to " + std::to_string(details.value("replicas", 0));
    } else if (what == "expect") {
      line.detail = details.value("what", "") + " (got " + details.value("got", "") + ")";
      line.failed = !details.value("ok", false);
    } else if (what == "killContainer") {
      std::string pod = "default/" + details.value("pod", "");  // the runner acts in "default"
      std::string container = details.value("container", "");
      line.detail = pod + (container.empty() ? "" : " " + container);
      auto it = current_.find(pod);
      if (it != current_.end() && !pods_[it->second].node.empty())
        lane(pods_[it->second].node).markers.push_back({now_, "killContainer " + line.detail});
    } else if (kUndoneBy.count(what) && !node.empty()) {
      lane(node);
      open_faults_[node].emplace(what, now_);  // a repeat keeps the first start
    } else if (kUndoes.count(what) && !node.empty()) {
      auto& open = open_faults_[node];
      auto it = open.find(kUndoes.at(what));
      if (it != open.end()) {
        lane(node).faults.push_back({it->second, now_, it->first});
        open.erase(it);
      }
    } else if ((what == "drainNode" || what == "addNode" || what == "deleteNode") && !node.empty()) {
      lane(node).markers.push_back({now_, what});
    }
    scenario_.push_back(std::move(line));
  }

  double now_ = 0;
  std::map<std::string, json> objects_;  // kind|name -> replayed state
  std::vector<Pod> pods_;                // in order of ADDED
  std::map<std::string, size_t> current_;  // pod name -> its live entry in pods_
  std::map<std::string, NodeLane> lanes_;
  std::map<std::string, double> not_ready_since_;
  std::map<std::string, double> cordoned_since_;
  std::map<std::string, std::map<std::string, double>> open_faults_;  // node -> what -> start
  std::map<std::string, DeploymentSeries> deployments_;
  std::vector<ScenarioLine> scenario_;
};

}  // namespace

core::Result<RunTimeline> reconstruct_timeline(const std::vector<json>& trace) {
  Rebuild rebuild;
  for (const json& l : trace) {
    Status s = rebuild.line(l);
    if (!s.is_ok()) return s;
  }
  return rebuild.finish();
}

}  // namespace ktwin::analysis::report
