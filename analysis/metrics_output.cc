// Metrics as JSON, as flat CSV columns and as a short text table.
#include <cmath>
#include <iomanip>
#include <sstream>

#include "analysis/metrics.h"
#include "core/util/time.h"

namespace ktwin::analysis {
namespace {

using nlohmann::json;

template <class T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

std::optional<double> as_double(const std::optional<int64_t>& v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

// Durations to the millisecond, as the timeline prints them; "-" for absent.
std::string duration_text(const std::optional<double>& seconds) {
  if (!seconds) return "-";
  return core::format_go_duration(core::millis(std::llround(*seconds * 1000)));
}

std::string number_text(const std::optional<double>& v) {
  if (!v) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(*v == std::floor(*v) ? 0 : 1) << *v;
  return s.str();
}

}  // namespace

json metrics_json(const Metrics& m) {
  json out = {{"haltedNode", m.halted_node.empty() ? json(nullptr) : json(m.halted_node)},
              {"haltAt", or_null(m.halt_at)},
              {"timeToDetect", or_null(m.time_to_detect)},
              {"timeToEvict", or_null(m.time_to_evict)},
              {"end", m.end},
              {"deployments", json::object()},
              {"services", json::object()}};
  for (const DeploymentMetrics& d : m.deployments)
    out["deployments"][d.name] = {{"timeToEvict", or_null(d.time_to_evict)},
                                  {"timeToRecover", or_null(d.time_to_recover)},
                                  {"unavailableReplicaSecondsAfterHalt", or_null(d.unavailable_replica_seconds_after_halt)},
                                  {"unavailableReplicaSeconds", d.unavailable_replica_seconds},
                                  {"podRestarts", d.pod_restarts},
                                  {"podsRescheduled", or_null(d.pods_rescheduled)}};
  for (const ServiceMetrics& s : m.services)
    out["services"][s.name] = {{"zeroReadyEndpointSecondsAfterHalt", or_null(s.zero_ready_endpoint_seconds_after_halt)}};
  out["effectiveAvailability"] = effective_availability_json(m.effective_availability);
  out["faults"] = nullptr;
  if (m.faults) {
    json& f = out["faults"] = {{"faultedNodes", m.faults->faulted_nodes},
                               {"evictions", m.faults->evictions},
                               {"falseEvictions", m.faults->false_evictions},
                               {"duplicatePodSeconds", m.faults->duplicate_pod_seconds},
                               {"deployments", json::object()}};
    for (const auto& [name, d] : m.faults->deployments)
      f["deployments"][name] = {{"falseEvictions", d.false_evictions}, {"duplicatePodSeconds", d.duplicate_pod_seconds}};
  }
  return out;
}

std::vector<std::pair<std::string, std::optional<double>>> flatten_metrics(const Metrics& m) {
  std::vector<std::pair<std::string, std::optional<double>>> out = {{"time_to_detect", m.time_to_detect},
                                                                    {"time_to_evict", m.time_to_evict}};
  for (const DeploymentMetrics& d : m.deployments) {
    out.emplace_back(d.name + ".time_to_evict", d.time_to_evict);
    out.emplace_back(d.name + ".time_to_recover", d.time_to_recover);
    out.emplace_back(d.name + ".unavailable_replica_seconds_after_halt", d.unavailable_replica_seconds_after_halt);
    out.emplace_back(d.name + ".unavailable_replica_seconds", d.unavailable_replica_seconds);
    out.emplace_back(d.name + ".pod_restarts", static_cast<double>(d.pod_restarts));
    out.emplace_back(d.name + ".pods_rescheduled", as_double(d.pods_rescheduled));
  }
  for (const ServiceMetrics& s : m.services)
    out.emplace_back(s.name + ".svc.zero_ready_endpoint_seconds_after_halt", s.zero_ready_endpoint_seconds_after_halt);
  append_effective_availability(m.effective_availability, out);
  if (m.faults) {  // one column per Deployment, zero when it had none, so every run has the same columns
    out.emplace_back("false_evictions", static_cast<double>(m.faults->false_evictions));
    out.emplace_back("duplicate_pod_seconds", m.faults->duplicate_pod_seconds);
    for (const DeploymentMetrics& d : m.deployments) {
      auto it = m.faults->deployments.find(d.name);
      bool any = it != m.faults->deployments.end();
      out.emplace_back(d.name + ".false_evictions", any ? static_cast<double>(it->second.false_evictions) : 0.0);
      out.emplace_back(d.name + ".duplicate_pod_seconds", any ? it->second.duplicate_pod_seconds : 0.0);
    }
  }
  return out;
}

std::string metrics_table(const Metrics& m) {
  std::vector<std::vector<std::string>> rows = {
      {"DEPLOYMENT", "EVICT", "RECOVER", "UNAVAIL(r*s) AFTER HALT", "UNAVAIL(r*s) RUN", "RESTARTS", "RESCHEDULED"}};
  for (const DeploymentMetrics& d : m.deployments)
    rows.push_back({d.name, duration_text(d.time_to_evict), duration_text(d.time_to_recover),
                    number_text(d.unavailable_replica_seconds_after_halt), number_text(d.unavailable_replica_seconds),
                    std::to_string(d.pod_restarts), number_text(as_double(d.pods_rescheduled))});
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::ostringstream out;
  out << "halt: " << (m.halted_node.empty() ? "none" : "node/" + m.halted_node + " at +" + duration_text(m.halt_at))
      << ", detected after " << duration_text(m.time_to_detect) << ", first eviction after "
      << duration_text(m.time_to_evict) << "\n";
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i)
      out << row[i] << (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 3, ' ') : "\n");
  }
  if (!m.services.empty()) {
    size_t w = 7;  // "SERVICE"
    for (const ServiceMetrics& s : m.services) w = std::max(w, s.name.size());
    out << "\n" << "SERVICE" << std::string(w - 7 + 3, ' ') << "NO READY ENDPOINT AFTER HALT\n";
    for (const ServiceMetrics& s : m.services)
      out << s.name << std::string(w - s.name.size() + 3, ' ') << duration_text(s.zero_ready_endpoint_seconds_after_halt)
          << "\n";
  }
  if (std::string entry = effective_availability_table(m.effective_availability); !entry.empty()) out << "\n" << entry;
  if (m.faults)
    out << "\nfaults: " << m.faults->evictions << " evictions, " << m.faults->false_evictions
        << " false (the node came back), duplicate pods " << number_text(m.faults->duplicate_pod_seconds)
        << " replica-seconds\n";
  return out.str();
}

}  // namespace ktwin::analysis
