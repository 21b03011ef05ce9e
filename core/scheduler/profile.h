// A scheduling profile (plugins per extension point, score weights) and the registry that builds
// plugins by name (k/k pkg/scheduler/framework/runtime/registry.go, algorithmprovider/registry.go).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/scheduler/framework.h"
#include "core/scheduler/plugin_args.h"
#include "core/util/status.h"

namespace ktwin::core {

class Store;

// What a plugin factory may use: the Kubernetes minor version and a read-only store for listers.
struct PluginContext {
  int minor = 20;
  const Store* store = nullptr;
  const PluginArgs* args = nullptr;  // the profile's pluginConfig; null: every plugin's defaults
};

class Registry {
 public:
  using Factory = std::function<std::shared_ptr<Plugin>(const PluginContext&)>;
  void add(std::string name, Factory factory) { factories_[std::move(name)] = std::move(factory); }
  // Null for an unknown name.
  std::shared_ptr<Plugin> make(const std::string& name, const PluginContext& ctx) const;
  // Every plugin in core/scheduler/plugins under its kName.
  static Registry in_tree();

 private:
  std::map<std::string, Factory> factories_;
};

// Plugin names per extension point. PreFilter and PreScore run for the filter and score plugins
// that implement them, in list order.
struct ProfileConfig {
  std::string schedulerName = "default-scheduler";
  std::string kubernetesVersion = "1.20";
  std::vector<std::string> filter;
  std::vector<std::pair<std::string, int64_t>> score;  // name, weight
  int32_t percentageOfNodesToScore = 0;                // 0: the adaptive default
  PluginArgs args;                                     // pluginConfig
};

// The default profile of kube-scheduler "1.20" (algorithmprovider) or "1.32" (v1 default_plugins.go),
// limited to the plugins ktwin models (no volume plugins).
ProfileConfig default_profile_config(std::string_view kubernetes_version);

struct Profile {
  struct WeightedScore {
    std::shared_ptr<ScorePlugin> plugin;
    int64_t weight = 1;
  };
  std::string schedulerName = "default-scheduler";
  int minor = 20;
  int32_t percentageOfNodesToScore = 0;
  std::vector<std::shared_ptr<PreFilterPlugin>> pre_filter;
  std::vector<std::shared_ptr<FilterPlugin>> filter;
  std::vector<std::shared_ptr<PreScorePlugin>> pre_score;
  std::vector<WeightedScore> score;
  // ScheduleResult's per-node explanation (scores, totals, filter_failures, failed_plugin) costs a map
  // entry per node per attempt; the Scheduler turns it off unless an explanation is asked for.
  bool record_explanation = true;
};

// Invalid for an unknown plugin or one listed at a point it does not implement.
Result<Profile> build_profile(const Registry& registry, const ProfileConfig& config, const Store* store);
// build_profile(Registry::in_tree(), default_profile_config(version), store); aborts on a bug.
Profile default_profile(std::string_view kubernetes_version, const Store* store);

}  // namespace ktwin::core
