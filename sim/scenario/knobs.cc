// Knob tables mirror the flags sim/cluster_config.cc converts; keep the two in step.
#include "sim/scenario/knobs.h"

#include "sim/scenario/yaml_reader.h"

namespace ktwin::sim {

const std::map<std::string, std::string>& control_plane_knobs() {
  static const std::map<std::string, std::string> kKnobs = {
      {"evictionMode", "string"},
      {"nodeMonitorPeriod", "duration"},
      {"nodeMonitorGracePeriod", "duration"},
      {"nodeStartupGracePeriod", "duration"},
      {"podEvictionTimeout", "duration"},
      {"defaultUnreachableTolerationSeconds", "int"},
      {"defaultNotReadyTolerationSeconds", "int"},
      {"largeClusterSizeThreshold", "int"},
      {"terminatedPodGCThreshold", "int"},
      {"nodeEvictionRate", "float"},
      {"secondaryNodeEvictionRate", "float"},
      {"unhealthyZoneThreshold", "float"},
  };
  return kKnobs;
}

const std::map<std::string, std::string>& kubelet_knobs() {
  static const std::map<std::string, std::string> kKnobs = {
      {"nodeStatusUpdateFrequency", "duration"},
      {"nodeStatusReportFrequency", "duration"},
      {"nodeLeaseDurationSeconds", "int"},
  };
  return kKnobs;
}

const std::vector<std::string>& supported_kubernetes_versions() {
  static const std::vector<std::string> kVersions = {"1.20", "1.32"};
  return kVersions;
}

std::optional<std::string> check_kubernetes_version(const std::string& version) {
  for (const std::string& v : supported_kubernetes_versions())
    if (v == version) return std::nullopt;
  std::string list;
  for (const std::string& v : supported_kubernetes_versions()) list += (list.empty() ? "\"" : ", \"") + v + "\"";
  return "unsupported kubernetesVersion \"" + version + "\" (supported: " + list + ")";
}

std::optional<std::string> check_knob_value(const std::map<std::string, std::string>& table, const std::string& knob,
                                            const std::string& text) {
  const std::string& type = table.at(knob);
  if (type == "duration") return check_duration(text);
  if (type == "int") return check_integer(text, 0);
  if (type == "float") return check_float(text);
  if (knob == "evictionMode" && text != "taints" && text != "legacy")
    return "bad evictionMode \"" + text + "\": use taints or legacy";
  return std::nullopt;
}

namespace {

std::vector<std::string> keys_of(const std::map<std::string, std::string>& table, const std::string& prefix) {
  std::vector<std::string> keys;
  for (const auto& [k, type] : table) keys.push_back(prefix + k);
  return keys;
}

std::vector<std::string> all_set_keys() {
  std::vector<std::string> keys = {"seed", "kubernetesVersion"};
  for (const std::string& k : keys_of(control_plane_knobs(), "controlPlane.")) keys.push_back(k);
  for (const std::string& k : keys_of(kubelet_knobs(), "kubelet.")) keys.push_back(k);
  return keys;
}

// nullopt when applied, else what is wrong.
std::optional<std::string> apply_one(const std::string& key, const std::string& value, Scenario& s) {
  if (key == "seed") {
    if (auto problem = check_integer(value, 0)) return problem;
    s.seed = std::stoull(value);
    return std::nullopt;
  }
  if (key == "kubernetesVersion") {
    if (auto problem = check_kubernetes_version(value)) return problem;
    s.kubernetesVersion = value;
    return std::nullopt;
  }
  for (auto [prefix, table, target] : {std::tuple("controlPlane.", &control_plane_knobs(), &s.controlPlane),
                                       std::tuple("kubelet.", &kubelet_knobs(), &s.kubelet)}) {
    std::string p = prefix;
    if (key.rfind(p, 0) != 0 || !table->count(key.substr(p.size()))) continue;
    std::string knob = key.substr(p.size());
    if (auto problem = check_knob_value(*table, knob, value)) return problem;
    (*target)[knob] = value;
    return std::nullopt;
  }
  return "unknown key \"" + key + "\" " + suggestion(key, all_set_keys());
}

}  // namespace

void apply_overrides(const LoadOptions& options, Scenario& scenario, Diagnostics& diagnostics) {
  for (const auto& [key, value] : options.set)
    if (auto problem = apply_one(key, value, scenario)) diagnostics.error("--set " + key + ": " + *problem);
  if (options.seed) scenario.seed = *options.seed;  // the --seed flag wins over the file and --set
}

}  // namespace ktwin::sim
