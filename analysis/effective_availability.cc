// Effective availability: one pass records when each Service has a ready endpoint and gathers the
// graph's inputs; then each entry point is available while every Service of its closure is ready.
#include "analysis/effective_availability.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "analysis/dependency_graph.h"
#include "core/util/time.h"

namespace ktwin::analysis {
namespace {

using core::Status;
using nlohmann::json;

// The trace's scenario lines that disturb the cluster (sim/runner.cc writes them). A scale, apply,
// delete or cordon is the user's own change, not a fault.
const std::set<std::string> kFaults = {"haltNode", "stopKubelet", "partition", "drainNode", "deleteNode", "killContainer"};

size_t ready_addresses(const json& endpoints) {
  size_t n = 0;
  for (const json& subset : endpoints.value("subsets", json::array())) n += subset.value("addresses", json::array()).size();
  return n;
}

class Pass {
 public:
  Status line(const json& l) {
    if (!l.contains("t") || !l["t"].is_string()) return Status::invalid("trace line without \"t\"");
    auto t = core::parse_go_duration(l["t"].get<std::string>());
    if (!t) return Status::invalid("trace line with a bad \"t\": " + l["t"].dump());
    now_ = core::to_seconds(*t);
    if (l.contains("scenario")) scenario(l.value("scenario", ""), l.value("details", json()));
    if (l.contains("change")) return change(l);
    return Status::ok();
  }

  EffectiveAvailability finish() {
    EffectiveAvailability out;
    out.since = fault_at_.value_or(0);
    out.fault = fault_;
    inputs_.set_apps(apps_);
    DependencyGraph graph(inputs_);
    for (const std::string& entry : graph.entry_points()) {
      EntryPointAvailability e;
      e.name = entry;
      std::vector<std::string> closure = graph.closure(entry);
      for (const std::string& s : closure)
        if (s != entry) e.needs.push_back(s);
      measure(closure, created_[entry], out.since, e);
      out.entry_points.push_back(std::move(e));
    }
    return out;
  }

 private:
  void scenario(const std::string& what, const json& details) {
    if (what == "apps" && details.is_object()) {
      for (const auto& [image, model] : details.items())
        if (model.is_object()) apps_[image] = model.value("dependsOn", std::vector<std::string>{});
    }
    if (kFaults.count(what) && !fault_at_) {
      fault_at_ = now_;
      fault_ = what;
    }
  }

  Status change(const json& l) {
    std::string kind = l.value("kind", ""), name = l.value("name", ""), what = l.value("change", "");
    if (kind == "Pod" || kind == "Deployment" || kind == "ReplicaSet") {
      // Labels and images of a pod source are fixed at creation (a new template is a new ReplicaSet).
      if (what == "ADDED") inputs_.add(kind, l.value("object", json::object()));
      return Status::ok();
    }
    if (kind != "Service" && kind != "Endpoints") return Status::ok();
    std::map<std::string, json>& objects = kind == "Service" ? services_ : endpoints_;
    if (what == "ADDED") {
      objects[name] = l.value("object", json::object());
      if (kind == "Service" && !created_.count(name)) created_[name] = now_;
    } else if (what == "MODIFIED") {
      auto it = objects.find(name);
      if (it == objects.end()) return Status::invalid("MODIFIED before ADDED: " + kind + " " + name);
      try {
        it->second = it->second.patch(l.value("patch", json::array()));
      } catch (const json::exception& e) {
        return Status::invalid("patch of " + kind + " " + name + " at " + l["t"].get<std::string>() + ": " + e.what());
      }
    } else if (what == "DELETED") {
      objects.erase(name);
    }
    // The graph keeps every Service ever seen, with its latest selector.
    if (kind == "Service" && objects.count(name)) inputs_.add(kind, objects[name]);
    bool ready = services_.count(name) && endpoints_.count(name) && ready_addresses(endpoints_[name]) > 0;
    auto& changes = ready_changes_[name];
    if (changes.empty() ? ready : changes.back().second != ready) changes.emplace_back(now_, ready);
    return Status::ok();
  }

  // Whether `service` was ready right after every change at time `t`.
  bool ready_at(const std::string& service, double t) const {
    auto it = ready_changes_.find(service);
    if (it == ready_changes_.end()) return false;
    const auto& changes = it->second;
    auto after = std::upper_bound(changes.begin(), changes.end(), t,
                                  [](double at, const std::pair<double, bool>& c) { return at < c.first; });
    return after != changes.begin() && std::prev(after)->second;
  }

  // Walks the instants where any Service of `closure` changed; between two of them nothing changes.
  void measure(const std::vector<std::string>& closure, double created, double since, EntryPointAvailability& e) const {
    double end = now_;  // the last line's time
    std::set<double> instants = {0, created, since, end};
    for (const std::string& s : closure)
      if (auto it = ready_changes_.find(s); it != ready_changes_.end())
        for (const auto& [at, r] : it->second) instants.insert(at);
    double up_since_creation = 0;
    for (auto it = instants.begin(); it != instants.end() && std::next(it) != instants.end(); ++it) {
      double a = *it, b = *std::next(it);
      bool up = std::all_of(closure.begin(), closure.end(), [&](const std::string& s) { return ready_at(s, a); });
      if (!up && a >= std::max(since, created)) e.unavailable_seconds += b - a;  // not before it exists
      if (up && a >= created) up_since_creation += b - a;
    }
    if (end > created) e.availability = up_since_creation / (end - created);
  }

  double now_ = 0;
  std::optional<double> fault_at_;
  std::string fault_;
  DependencyInputs inputs_;
  std::map<std::string, std::vector<std::string>> apps_;
  std::map<std::string, json> services_, endpoints_;  // namespace/name -> replayed state
  std::map<std::string, double> created_;             // Service -> first ADDED
  std::map<std::string, std::vector<std::pair<double, bool>>> ready_changes_;  // Service -> (t, ready)
};

std::string seconds_text(double seconds) { return core::format_go_duration(core::millis(std::llround(seconds * 1000))); }

}  // namespace

core::Result<EffectiveAvailability> compute_effective_availability(const std::vector<json>& trace) {
  Pass pass;
  for (const json& l : trace) {
    Status s = pass.line(l);
    if (!s.is_ok()) return s;
  }
  return pass.finish();
}

json effective_availability_json(const EffectiveAvailability& a) {
  json out = {{"since", a.since}, {"fault", a.fault.empty() ? json(nullptr) : json(a.fault)}, {"entryPoints", json::object()}};
  for (const EntryPointAvailability& e : a.entry_points)
    out["entryPoints"][e.name] = {{"needs", e.needs},
                                  {"unavailableSeconds", e.unavailable_seconds},
                                  {"availability", e.availability ? json(*e.availability) : json(nullptr)}};
  return out;
}

void append_effective_availability(const EffectiveAvailability& a,
                                   std::vector<std::pair<std::string, std::optional<double>>>& out) {
  for (const EntryPointAvailability& e : a.entry_points) {
    out.emplace_back(e.name + ".svc.effectively_unavailable_seconds_after_fault", e.unavailable_seconds);
    out.emplace_back(e.name + ".entry.availability_percent",
                     e.availability ? std::optional<double>(*e.availability * 100) : std::nullopt);
  }
}

std::string effective_availability_table(const EffectiveAvailability& a) {
  if (a.entry_points.empty()) return "";
  std::string after = a.fault.empty() ? "NOT AVAILABLE (RUN)" : "NOT AVAILABLE AFTER " + a.fault;
  std::vector<std::vector<std::string>> rows = {{"ENTRY POINT", "NEEDS", after, "AVAILABILITY"}};
  for (const EntryPointAvailability& e : a.entry_points) {
    std::string needs;
    for (const std::string& n : e.needs) needs += (needs.empty() ? "" : ",") + n;
    std::ostringstream fraction;
    if (e.availability) fraction << std::fixed << std::setprecision(1) << *e.availability * 100 << "%";
    rows.push_back({e.name, needs.empty() ? "-" : needs, seconds_text(e.unavailable_seconds),
                    e.availability ? fraction.str() : "-"});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::ostringstream out;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i)
      out << row[i] << (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 3, ' ') : "\n");
  return out.str();
}

}  // namespace ktwin::analysis
