// A KubeSchedulerConfiguration's profiles laid over the version's default plugins, as kube-scheduler
// does: k/k pkg/scheduler/apis/config/v1/default_plugins.go mergePlugins (disabled removes defaults,
// "*" all of them; enabled overrides a default in place or is appended) and
// pkg/scheduler/framework/runtime/framework.go expandMultiPointPlugins and getScoreWeights.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scheduler/profile.h"
#include "core/util/status.h"

namespace ktwin::core {

struct PluginEntry {
  std::string name;
  int64_t weight = 0;  // score plugins only; 0 means 1 (framework.go getScoreWeights)
};

struct PluginSet {
  std::vector<PluginEntry> enabled;
  std::vector<std::string> disabled;  // names, or "*"
};

// Extension point name ("multiPoint", "filter", "score", "queueSort", ...) -> its PluginSet.
using Plugins = std::map<std::string, PluginSet>;

struct SchedulerProfileSpec {
  std::string schedulerName = "default-scheduler";  // v1 defaults.go: empty -> default-scheduler
  Plugins plugins;
  std::optional<int32_t> percentageOfNodesToScore;   // overrides the top-level value
  PluginArgs args;                                   // pluginConfig, defaulted
};

struct SchedulerConfiguration {
  std::optional<int32_t> percentageOfNodesToScore;
  std::vector<SchedulerProfileSpec> profiles;  // empty: one default profile
};

// default_plugins.go mergePluginSet.
PluginSet merge_plugin_set(const PluginSet& defaults, const PluginSet& custom);

// The version's default plugins as kube-scheduler writes them: 1.20 per extension point (v1beta1),
// from 1.23 under multiPoint (v1); limited to the plugins ktwin models.
Plugins default_plugins(std::string_view kubernetes_version);

// One ProfileConfig per profile (in order): filter and score lists with weights after merging and
// multiPoint expansion. Invalid when a plugin is registered twice at one point, or two profiles share
// a schedulerName; the message starts with "profiles[i]: ".
Result<std::vector<ProfileConfig>> resolve_profiles(std::string_view kubernetes_version,
                                                    const SchedulerConfiguration& config);

// build_profile(Registry::in_tree(), c, store) for each config, in order.
Result<std::vector<Profile>> build_profiles(const std::vector<ProfileConfig>& configs, const Store* store);

// Why `name` cannot be enabled at `point` ("filter", "score", "multiPoint", or another Kubernetes
// extension point, which ktwin accepts and does not model), or nullopt when it can. Disabling accepts
// "*" and any Kubernetes plugin name (pass enable=false).
std::optional<std::string> check_plugin(std::string_view kubernetes_version, const std::string& point,
                                        const std::string& name, bool enable);

// Extension points a KubeSchedulerConfiguration of `api_version` ("kubescheduler.config.k8s.io/v1", ...)
// accepts under plugins.
std::vector<std::string> extension_points(std::string_view api_version);

}  // namespace ktwin::core
