// Version defaults and knob conversion.
#include "sim/cluster_config.h"

#include "sim/platform/simgrid_network.h"

namespace ktwin::sim {
namespace {

core::Status set_duration(const std::string& key, const std::string& text, Duration& out) {
  auto d = core::parse_go_duration(text);
  if (!d) return core::Status::invalid(key + ": bad duration \"" + text + "\"");
  out = *d;
  return core::Status::ok();
}

core::Status apply_control_plane(const std::string& key, const std::string& v, core::ControlPlaneConfig& c) {
  if (key == "evictionMode") c.evictionMode = v;
  else if (key == "nodeMonitorPeriod") return set_duration(key, v, c.nodeMonitorPeriod);
  else if (key == "nodeMonitorGracePeriod") return set_duration(key, v, c.nodeMonitorGracePeriod);
  else if (key == "nodeStartupGracePeriod") return set_duration(key, v, c.nodeStartupGracePeriod);
  else if (key == "podEvictionTimeout") return set_duration(key, v, c.podEvictionTimeout);
  else if (key == "defaultUnreachableTolerationSeconds") c.defaultUnreachableTolerationSeconds = std::stoll(v);
  else if (key == "defaultNotReadyTolerationSeconds") c.defaultNotReadyTolerationSeconds = std::stoll(v);
  else if (key == "largeClusterSizeThreshold") c.largeClusterSizeThreshold = std::stoi(v);
  else if (key == "terminatedPodGCThreshold") c.terminatedPodGCThreshold = std::stoi(v);
  else if (key == "nodeEvictionRate") c.nodeEvictionRate = std::stod(v);
  else if (key == "secondaryNodeEvictionRate") c.secondaryNodeEvictionRate = std::stod(v);
  else if (key == "unhealthyZoneThreshold") c.unhealthyZoneThreshold = std::stod(v);
  else return core::Status::invalid("controlPlane." + key + ": unknown knob");
  return core::Status::ok();
}

core::Status apply_kubelet(const std::string& key, const std::string& v, core::KubeletConfig& k) {
  if (key == "nodeStatusUpdateFrequency") {
    if (auto s = set_duration(key, v, k.nodeStatusUpdateFrequency); !s.is_ok()) return s;
    k.nodeStatusUpdateFrequencySet = true;
  } else if (key == "nodeStatusReportFrequency") {
    return set_duration(key, v, k.nodeStatusReportFrequency);
  } else if (key == "nodeLeaseDurationSeconds") {
    k.nodeLeaseDurationSeconds = std::stoi(v);
  } else {
    return core::Status::invalid("kubelet." + key + ": unknown knob");
  }
  return core::Status::ok();
}

}  // namespace

core::Result<ClusterConfig> make_cluster_config(const Scenario& scenario) {
  ClusterConfig config;
  config.seed = scenario.seed;
  config.kubernetesVersion = scenario.kubernetesVersion;
  config.nodes = scenario.nodes;
  config.apps = scenario.apps;
  config.schedulerProfiles = scenario.schedulerProfiles;
  config.platform = scenario.platform;
  // SimGrid keeps one platform per process and thread: refuse here rather than abort mid-run.
  if (config.platform.is_set())
    if (auto s = SimgridNetwork::check(config.platform, SimgridNetwork::node_hosts(config.platform)); !s.is_ok())
      return s;
  if (scenario.kubernetesVersion == "1.32") {
    config.controlPlane.nodeMonitorGracePeriod = std::chrono::seconds(50);  // k/k PR #126287
    config.kubelet.kubeletVersion = "v1.32.0";
  }
  try {
    for (const auto& [key, value] : scenario.controlPlane)
      if (auto s = apply_control_plane(key, value, config.controlPlane); !s.is_ok()) return s;
    for (const auto& [key, value] : scenario.kubelet)
      if (auto s = apply_kubelet(key, value, config.kubelet); !s.is_ok()) return s;
  } catch (const std::exception& e) {
    return core::Status::invalid(std::string("bad knob value: ") + e.what());
  }
  // k/k kubelet config defaults: an explicit update frequency also sets the report frequency.
  if (config.kubelet.nodeStatusUpdateFrequencySet && !scenario.kubelet.count("nodeStatusReportFrequency"))
    config.kubelet.nodeStatusReportFrequency = config.kubelet.nodeStatusUpdateFrequency;
  return config;
}

}  // namespace ktwin::sim
