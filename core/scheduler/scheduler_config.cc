// Merging a KubeSchedulerConfiguration's plugins with the defaults, expanding multiPoint, weights.
#include "core/scheduler/scheduler_config.h"

#include <algorithm>
#include <set>

namespace ktwin::core {
namespace {

// k/k pkg/scheduler/framework/plugins/names/names.go, with plugins of older releases; a name here
// that ktwin's registry lacks is a real plugin ktwin does not model.
const std::set<std::string> kKubernetesPlugins = {
    "PrioritySort", "DefaultBinder", "DefaultPreemption", "DynamicResources", "ImageLocality", "InterPodAffinity",
    "NodeAffinity", "NodeName", "NodePorts", "NodeResourcesBalancedAllocation", "NodeResourcesFit",
    "NodeUnschedulable", "NodeVolumeLimits", "PodTopologySpread", "SchedulingGates", "TaintToleration",
    "VolumeBinding", "VolumeRestrictions", "VolumeZone", "AzureDiskLimits", "CinderLimits", "EBSLimits",
    "GCEPDLimits", "NodeLabel", "NodePreferAvoidPods", "NodeResourcesLeastAllocated",
    "NodeResourcesMostAllocated", "RequestedToCapacityRatio", "SelectorSpread", "ServiceAffinity",
    "DefaultPodTopologySpread"};
// Gone by 1.32: folded into NodeResourcesFit's scoringStrategy (v1beta3) or removed with their feature.
const std::set<std::string> kRemovedBy32 = {"NodeLabel", "NodePreferAvoidPods", "NodeResourcesLeastAllocated",
                                            "NodeResourcesMostAllocated", "RequestedToCapacityRatio",
                                            "SelectorSpread", "ServiceAffinity", "DefaultPodTopologySpread",
                                            "AzureDiskLimits", "CinderLimits", "EBSLimits", "GCEPDLimits"};
// Added after 1.20 (1.26: PodSchedulingReadiness, DRA).
const std::set<std::string> kAddedAfter20 = {"SchedulingGates", "DynamicResources"};

bool known_in(int minor, const std::string& name) {
  if (!kKubernetesPlugins.count(name)) return false;
  if (minor >= 32 && kRemovedBy32.count(name)) return false;
  if (minor <= 20 && kAddedAfter20.count(name)) return false;
  return true;
}

// The plugin as ktwin builds it, to ask which extension points it implements; null when not modelled.
std::shared_ptr<Plugin> instance(int minor, const std::string& name) {
  static const Registry registry = Registry::in_tree();
  return registry.make(name, PluginContext{minor, nullptr});
}

bool implements(int minor, const std::string& name, const std::string& point) {
  auto p = instance(minor, name);
  if (point == "filter") return std::dynamic_pointer_cast<FilterPlugin>(p) != nullptr;
  if (point == "score") return std::dynamic_pointer_cast<ScorePlugin>(p) != nullptr;
  return false;
}

// framework.go orderedSet, enough of it.
bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// framework.go updatePluginList + expandMultiPointPlugins for one extension point: the plugin names
// in the order they run.
Result<std::vector<std::string>> expand(int minor, const std::string& point, const PluginSet& set, const PluginSet& multi) {
  std::vector<std::string> enabled;
  for (const PluginEntry& p : set.enabled) {
    if (contains(enabled, p.name)) return Status::invalid("plugin \"" + p.name + "\" already registered as " + point);
    enabled.push_back(p.name);
  }
  if (contains(set.disabled, "*")) return enabled;  // "Skipped MultiPoint expansion because all plugins are disabled"
  std::vector<std::string> overrides, from_multi;
  for (const PluginEntry& p : multi.enabled) {
    if (!implements(minor, p.name, point) || contains(set.disabled, p.name)) continue;
    if (contains(enabled, p.name)) {
      overrides.push_back(p.name);
      continue;
    }
    if (contains(from_multi, p.name)) return Status::invalid("plugin \"" + p.name + "\" already registered as " + point);
    from_multi.push_back(p.name);
  }
  // Explicitly re-configured plugins first, then multiPoint's, then the point's others.
  std::vector<std::string> out;
  for (const std::string& n : enabled)
    if (contains(overrides, n)) out.push_back(n);
  out.insert(out.end(), from_multi.begin(), from_multi.end());
  for (const std::string& n : enabled)
    if (!contains(overrides, n)) out.push_back(n);
  return out;
}

}  // namespace

PluginSet merge_plugin_set(const PluginSet& defaults, const PluginSet& custom) {
  PluginSet out;
  std::set<std::string> disabled;
  for (const std::string& d : custom.disabled) {
    out.disabled.push_back(d);
    disabled.insert(d);
  }
  for (const std::string& d : defaults.disabled) {
    out.disabled.push_back(d);
    disabled.insert(d);
  }
  std::set<size_t> replaced;  // indexes of custom plugins that took a default's place
  if (!disabled.count("*")) {
    for (const PluginEntry& def : defaults.enabled) {
      if (disabled.count(def.name)) continue;
      PluginEntry entry = def;
      // enabledCustomPlugins is a map by name: the last entry of a name replaces the default; an
      // earlier duplicate is appended below and then fails as "already registered".
      for (size_t i = custom.enabled.size(); i-- > 0;)
        if (custom.enabled[i].name == def.name) {
          entry = custom.enabled[i];
          replaced.insert(i);
          break;
        }
      out.enabled.push_back(entry);
    }
  }
  for (size_t i = 0; i < custom.enabled.size(); ++i)
    if (!replaced.count(i)) out.enabled.push_back(custom.enabled[i]);
  return out;
}

Plugins default_plugins(std::string_view kubernetes_version) {
  ProfileConfig d = default_profile_config(kubernetes_version);
  Plugins p;
  if (kube_minor(kubernetes_version) < 23) {
    for (const std::string& f : d.filter) p["filter"].enabled.push_back({f, 0});
    for (const auto& [name, weight] : d.score) p["score"].enabled.push_back({name, weight});
    return p;
  }
  // v1 default_plugins.go getDefaultPlugins: one MultiPoint list; filter order, then the scorers that
  // are not filters, keeps both expanded orders equal to default_profile_config's.
  for (const std::string& f : d.filter) {
    int64_t weight = 0;
    for (const auto& [name, w] : d.score)
      if (name == f) weight = w;
    p["multiPoint"].enabled.push_back({f, weight});
  }
  for (const auto& [name, weight] : d.score)
    if (!contains(d.filter, name)) p["multiPoint"].enabled.push_back({name, weight});
  return p;
}

Result<std::vector<ProfileConfig>> resolve_profiles(std::string_view kubernetes_version,
                                                    const SchedulerConfiguration& config) {
  int minor = kube_minor(kubernetes_version);
  std::vector<SchedulerProfileSpec> profiles = config.profiles;
  if (profiles.empty()) profiles.emplace_back();  // v1 defaults.go: no profile -> the default one
  Plugins defaults = default_plugins(kubernetes_version);
  std::vector<ProfileConfig> out;
  std::set<std::string> names;
  for (size_t i = 0; i < profiles.size(); ++i) {
    const SchedulerProfileSpec& spec = profiles[i];
    std::string where = "profiles[" + std::to_string(i) + "]: ";
    if (!names.insert(spec.schedulerName).second)
      return Status::invalid(where + "schedulerName \"" + spec.schedulerName + "\": Duplicate value");
    auto merged = [&](const std::string& point) {
      auto d = defaults.find(point);
      auto c = spec.plugins.find(point);
      return merge_plugin_set(d == defaults.end() ? PluginSet{} : d->second, c == spec.plugins.end() ? PluginSet{} : c->second);
    };
    PluginSet multi = merged("multiPoint"), filter = merged("filter"), score = merged("score");
    auto filters = expand(minor, "filter", filter, multi);
    if (!filters.is_ok()) return Status::invalid(where + filters.status().message());
    auto scorers = expand(minor, "score", score, multi);
    if (!scorers.is_ok()) return Status::invalid(where + scorers.status().message());
    ProfileConfig p;
    p.schedulerName = spec.schedulerName;
    p.kubernetesVersion = std::string(kubernetes_version);
    p.filter = filters.value();
    p.args = spec.args;
    p.percentageOfNodesToScore = spec.percentageOfNodesToScore.value_or(config.percentageOfNodesToScore.value_or(0));
    for (const std::string& name : scorers.value()) {
      // getScoreWeights: the score point's weight before multiPoint's; 0 is not permitted and means 1.
      int64_t weight = -1;
      for (const PluginSet* s : {&score, &multi})
        for (const PluginEntry& e : s->enabled)
          if (weight < 0 && e.name == name) weight = e.weight;
      p.score.emplace_back(name, weight <= 0 ? 1 : weight);
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<Profile>> build_profiles(const std::vector<ProfileConfig>& configs, const Store* store) {
  std::vector<Profile> out;
  for (const ProfileConfig& c : configs) {
    auto p = build_profile(Registry::in_tree(), c, store);
    if (!p.is_ok()) return Status::invalid("profile " + c.schedulerName + ": " + p.status().message());
    out.push_back(std::move(p).value());
  }
  return out;
}

std::optional<std::string> check_plugin(std::string_view kubernetes_version, const std::string& point,
                                        const std::string& name, bool enable) {
  int minor = kube_minor(kubernetes_version);
  std::string version = "Kubernetes " + std::string(kubernetes_version);
  if (name == "*") return enable ? std::optional<std::string>("\"*\" can only be disabled") : std::nullopt;
  if (!known_in(minor, name)) return "unknown plugin \"" + name + "\" (not a plugin of " + version + ")";
  if (!enable) return std::nullopt;
  bool modelled_point = point == "filter" || point == "score" || point == "multiPoint";
  if (!modelled_point) return std::nullopt;  // accepted; ktwin does not model that extension point
  if (!instance(minor, name)) return "plugin \"" + name + "\" is not modelled by ktwin";
  if (point == "filter" && !implements(minor, name, "filter")) return "plugin \"" + name + "\" does not extend FilterPlugin plugin";
  if (point == "score" && !implements(minor, name, "score")) return "plugin \"" + name + "\" does not extend ScorePlugin plugin";
  return std::nullopt;
}

std::vector<std::string> extension_points(std::string_view api_version) {
  // k/k staging/src/k8s.io/kube-scheduler/config/v1/types.go Plugins; multiPoint from v1beta3,
  // preEnqueue from v1 (1.26).
  std::vector<std::string> points = {"queueSort", "preFilter", "filter", "postFilter", "preScore", "score",
                                     "reserve",   "permit",    "preBind", "bind",      "postBind"};
  if (api_version != "kubescheduler.config.k8s.io/v1beta1" && api_version != "kubescheduler.config.k8s.io/v1beta2")
    points.push_back("multiPoint");
  if (api_version == "kubescheduler.config.k8s.io/v1") points.push_back("preEnqueue");
  return points;
}

}  // namespace ktwin::core
