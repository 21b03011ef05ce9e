// Golden facts: replaying a trace's pods and nodes, writing the facts as text and reading them back.
#include "analysis/golden.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include "core/api/codec.h"
#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/printers/printers.h"

namespace ktwin::analysis {
namespace {

using core::Status;
using nlohmann::json;

// Events that only repeat a pod fact (its node, its creation): leaving them out keeps goldens short.
const std::set<std::string> kImpliedEvents = {"Scheduled", "SuccessfulCreate"};

// Appends `value` at `t` unless it is the current value; several changes within one instant keep
// only the last, since intermediate values at one instant are not observable by a client polling.
void transition(std::vector<TimedValue>& statuses, Duration t, const std::string& value) {
  if (value.empty()) return;  // an object without status yet: nothing a client would see
  if (!statuses.empty() && statuses.back().value == value) return;
  if (!statuses.empty() && statuses.back().t == t) {
    statuses.pop_back();
    if (!statuses.empty() && statuses.back().value == value) return;
  }
  statuses.push_back({t, value});
}

std::string controller_owner(const json& object) {
  const json& meta = object.value("metadata", json::object());
  const json refs = meta.value("ownerReferences", json::array());
  for (const json& ref : refs)
    if (ref.value("controller", false)) return ref.value("kind", "") + "/" + ref.value("name", "");
  return refs.empty() ? "" : refs[0].value("kind", "") + "/" + refs[0].value("name", "");
}

std::string action_text(const std::string& verb, const json& details) {
  if (details.is_string()) return verb + " " + details.get<std::string>();
  if (!details.is_object()) return verb + " " + details.dump();
  std::string text = verb;
  // The subject first, bare; other fields as key=value (nlohmann keeps keys sorted: stable text).
  for (const char* bare : {"name", "pod", "command"})
    if (details.contains(bare) && details[bare].is_string()) text += " " + details[bare].get<std::string>();
  for (const auto& [k, v] : details.items()) {
    if (k == "name" || k == "pod" || k == "command" || k == "output") continue;
    if (v.is_string() && v.get<std::string>().empty()) continue;
    text += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return text;
}

class Builder {
 public:
  explicit Builder(std::string kubectl_version) : kubectl_version_(std::move(kubectl_version)) {}

  Status line(const json& l) {
    if (!l.contains("t") || !l["t"].is_string()) return Status::invalid("trace line without \"t\"");
    auto t = core::parse_go_duration(l["t"].get<std::string>());
    if (!t) return Status::invalid("trace line with a bad \"t\": " + l["t"].dump());
    if (l.contains("change")) return change(l, *t);
    if (l.contains("event")) {
      std::string reason = l.value("event", "");
      if (!kImpliedEvents.count(reason))
        out_.events.push_back({*t, reason, l.value("kind", "") + "/" + l.value("name", "")});
    } else if (l.contains("scenario")) {
      scenario(l.value("scenario", ""), l.value("details", json()), *t);
    }
    return Status::ok();
  }

  Golden finish() { return std::move(out_); }

 private:
  void scenario(const std::string& verb, const json& details, Duration t) {
    if (verb == "expect") return;  // ktwin test checks expectations itself
    if (verb == "apps") return;    // the scenario's app models, input rather than behaviour
    if (details.is_array()) {
      for (const json& d : details) out_.actions.push_back({t, action_text(verb, d)});
      if (details.empty()) out_.actions.push_back({t, verb});
    } else {
      out_.actions.push_back({t, action_text(verb, details)});
    }
  }

  Status change(const json& l, Duration t) {
    std::string kind = l.value("kind", ""), name = l.value("name", ""), what = l.value("change", "");
    if (kind != "Pod" && kind != "Node") return Status::ok();
    std::string key = kind + "|" + name;
    if (what == "DELETED") {
      objects_.erase(key);
      if (kind == "Pod") out_.pods[name].deleted = t;
      else out_.nodes[name].deleted = t;
      return Status::ok();
    }
    if (what == "ADDED") {
      objects_[key] = l.value("object", json::object());
      if (kind == "Pod") {
        GoldenPod& p = out_.pods[name];
        p = GoldenPod{};
        p.name = name;
        p.owner = controller_owner(objects_[key]);
        p.created = t;
      } else {
        GoldenNode& n = out_.nodes[name];
        n.name = name;
        n.added = t;
      }
    } else {
      auto it = objects_.find(key);
      if (it == objects_.end()) return Status::invalid("MODIFIED before ADDED: " + kind + " " + name);
      try {
        it->second = it->second.patch(l.value("patch", json::array()));
      } catch (const json::exception& e) {
        return Status::invalid("patch of " + kind + " " + name + " at " + l["t"].get<std::string>() + ": " + e.what());
      }
    }
    auto decoded = core::decode(objects_[key]);
    if (!decoded.is_ok()) return Status::invalid(kind + " " + name + ": " + decoded.status().message());
    if (kind == "Pod") {
      auto pod = core::as<core::Pod>(decoded.value());
      GoldenPod& p = out_.pods[name];
      if (!p.node && !pod->spec.nodeName.empty()) p.node = TimedValue{t, pod->spec.nodeName};
      transition(p.statuses, t, core::printers::pod_status(*pod, kubectl_version_));
    } else {
      transition(out_.nodes[name].statuses, t, core::printers::node_status(*core::as<core::Node>(decoded.value())));
    }
    return Status::ok();
  }

  std::string kubectl_version_;
  std::map<std::string, json> objects_;  // "Kind|name" -> replayed object
  Golden out_;
};

}  // namespace

core::Result<Golden> golden_from_trace(const std::vector<json>& trace, const std::string& kubectl_version) {
  Builder b(kubectl_version);
  for (size_t i = 0; i < trace.size(); ++i)
    if (Status s = b.line(trace[i]); !s.is_ok()) return Status::invalid("trace line " + std::to_string(i + 1) + ": " + s.message());
  return b.finish();
}

std::string render_golden(const Golden& golden, const std::string& header) {
  // (time, rank, name, sequence) sorts facts; the sequence keeps one object's facts in their order.
  std::vector<std::tuple<Duration, int, std::string, size_t, std::string>> facts;
  auto add = [&](Duration t, int rank, const std::string& name, std::string text) {
    facts.emplace_back(t, rank, name, facts.size(), std::move(text));
  };
  for (const GoldenAction& a : golden.actions) add(a.t, 0, "", "action " + a.text);
  for (const auto& [name, n] : golden.nodes) {
    if (n.added) add(*n.added, 1, name, "node " + name + " added");
    for (const TimedValue& s : n.statuses) add(s.t, 1, name, "node " + name + " status " + s.value);
    if (n.deleted) add(*n.deleted, 1, name, "node " + name + " deleted");
  }
  for (const auto& [name, p] : golden.pods) {
    add(p.created, 2, name, "pod " + name + " created" + (p.owner.empty() ? "" : " by " + p.owner));
    if (p.node) add(p.node->t, 2, name, "pod " + name + " node " + p.node->value);
    for (const TimedValue& s : p.statuses) add(s.t, 2, name, "pod " + name + " status " + s.value);
    if (p.deleted) add(*p.deleted, 2, name, "pod " + name + " deleted");
  }
  for (const GoldenEvent& e : golden.events) add(e.t, 3, e.object + " " + e.reason, "event " + e.reason + " " + e.object);
  std::stable_sort(facts.begin(), facts.end());
  std::ostringstream out;
  std::istringstream header_lines(header);
  for (std::string h; std::getline(header_lines, h);) out << "# " << h << "\n";
  for (const auto& f : facts) out << "+" << core::format_go_duration(std::get<0>(f)) << " " << std::get<4>(f) << "\n";
  return out.str();
}

core::Result<Golden> parse_golden(const std::string& text) {
  Golden g;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) { return Status::invalid("golden line " + std::to_string(n) + ": " + why); };
    std::istringstream words(line);
    std::string time, what, name, verb;
    words >> time >> what;
    std::optional<Duration> t = time.size() > 1 && time[0] == '+' ? core::parse_go_duration(time.substr(1)) : std::nullopt;
    if (!t) return bad("expected a time like +5m40s, got \"" + time + "\"");
    std::string rest;
    std::getline(words >> std::ws, rest);
    if (what == "action") {
      g.actions.push_back({*t, rest});
      continue;
    }
    std::istringstream r(rest);
    r >> name >> verb;
    std::string value;
    std::getline(r >> std::ws, value);
    if (what == "event") {
      if (name.empty() || verb.empty()) return bad("expected \"event REASON KIND/NAME\"");
      g.events.push_back({*t, name, verb});
    } else if (what == "node") {
      GoldenNode& node = g.nodes[name];
      node.name = name;
      if (verb == "added") node.added = *t;
      else if (verb == "deleted") node.deleted = *t;
      else if (verb == "status" && !value.empty()) node.statuses.push_back({*t, value});
      else return bad("expected \"node NAME added|deleted|status STATUS\"");
    } else if (what == "pod") {
      GoldenPod& pod = g.pods[name];
      pod.name = name;
      if (verb == "created") {
        pod.created = *t;
        if (value.rfind("by ", 0) == 0) pod.owner = value.substr(3);
      } else if (verb == "node" && !value.empty()) {
        pod.node = TimedValue{*t, value};
      } else if (verb == "status" && !value.empty()) {
        pod.statuses.push_back({*t, value});
      } else if (verb == "deleted") {
        pod.deleted = *t;
      } else {
        return bad("expected \"pod NAME created|node NODE|status STATUS|deleted\"");
      }
    } else {
      return bad("expected action, node, pod or event after the time, got \"" + what + "\"");
    }
  }
  return g;
}

}  // namespace ktwin::analysis
