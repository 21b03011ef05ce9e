// The in-tree registry and the default profiles.
#include "core/scheduler/profile.h"

#include <set>

#include "core/scheduler/plugins/image_locality.h"
#include "core/scheduler/plugins/inter_pod_affinity.h"
#include "core/scheduler/plugins/node_affinity.h"
#include "core/scheduler/plugins/node_name.h"
#include "core/scheduler/plugins/node_ports.h"
#include "core/scheduler/plugins/node_prefer_avoid_pods.h"
#include "core/scheduler/plugins/node_resources_balanced_allocation.h"
#include "core/scheduler/plugins/node_resources_fit.h"
#include "core/scheduler/plugins/node_resources_least_allocated.h"
#include "core/scheduler/plugins/node_unschedulable.h"
#include "core/scheduler/plugins/pod_topology_spread.h"
#include "core/scheduler/plugins/resource_allocation.h"
#include "core/scheduler/plugins/taint_toleration.h"

namespace ktwin::core {

std::shared_ptr<Plugin> Registry::make(const std::string& name, const PluginContext& ctx) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second(ctx);
}

Registry Registry::in_tree() {
  Registry r;
  r.add(std::string(NodeUnschedulable::kName),
        [](const PluginContext&) { return std::make_shared<NodeUnschedulable>(); });
  r.add(std::string(NodeName::kName), [](const PluginContext&) { return std::make_shared<NodeName>(); });
  r.add(std::string(NodePorts::kName), [](const PluginContext&) { return std::make_shared<NodePorts>(); });
  r.add(std::string(TaintToleration::kName),
        [](const PluginContext& c) { return std::make_shared<TaintToleration>(c.minor); });
  r.add(std::string(NodeAffinityPlugin::kName),
        [](const PluginContext& c) { return std::make_shared<NodeAffinityPlugin>(c.minor); });
  // An args member of `c` or nullopt/default when the profile has no pluginConfig for the plugin.
  auto arg = [](const PluginContext& c, auto member) { return c.args ? c.args->*member : decltype(PluginArgs{}.*member){}; };
  r.add(std::string(NodeResourcesFit::kName), [arg](const PluginContext& c) {
    return std::make_shared<NodeResourcesFit>(c.minor, arg(c, &PluginArgs::nodeResourcesFit));
  });
  r.add(std::string(NodeResourcesLeastAllocated::kName), [arg](const PluginContext& c) {
    return std::make_shared<NodeResourcesLeastAllocated>(c.minor, arg(c, &PluginArgs::nodeResourcesLeastAllocated));
  });
  r.add(std::string(ResourceAllocationPlugin::kMostAllocated), [arg](const PluginContext& c) {
    ScoringStrategy s = arg(c, &PluginArgs::nodeResourcesMostAllocated).value_or(ScoringStrategy{});
    s.type = ScoringStrategy::Type::kMostAllocated;
    return std::make_shared<ResourceAllocationPlugin>(ResourceAllocationPlugin::kMostAllocated, s, c.minor);
  });
  r.add(std::string(ResourceAllocationPlugin::kRequestedToCapacityRatio), [arg](const PluginContext& c) {
    ScoringStrategy s =
        arg(c, &PluginArgs::requestedToCapacityRatio).value_or(default_requested_to_capacity_ratio());
    return std::make_shared<ResourceAllocationPlugin>(ResourceAllocationPlugin::kRequestedToCapacityRatio, s, c.minor);
  });
  r.add(std::string(NodeResourcesBalancedAllocation::kName),
        [](const PluginContext& c) { return std::make_shared<NodeResourcesBalancedAllocation>(c.minor); });
  r.add(std::string(ImageLocality::kName),
        [](const PluginContext& c) { return std::make_shared<ImageLocality>(c.minor); });
  r.add(std::string(NodePreferAvoidPods::kName),
        [](const PluginContext&) { return std::make_shared<NodePreferAvoidPods>(); });
  r.add(std::string(PodTopologySpread::kName),
        [arg](const PluginContext& c) {
          return std::make_shared<PodTopologySpread>(
              c.store, c.minor, arg(c, &PluginArgs::podTopologySpread).value_or(PodTopologySpreadArgs{}));
        });
  r.add(std::string(InterPodAffinity::kName),
        [arg](const PluginContext& c) {
          return std::make_shared<InterPodAffinity>(c.minor, arg(c, &PluginArgs::hardPodAffinityWeight).value_or(1));
        });
  return r;
}

ProfileConfig default_profile_config(std::string_view kubernetes_version) {
  ProfileConfig c;
  c.kubernetesVersion = std::string(kubernetes_version);
  if (kube_minor(kubernetes_version) < 23) {
    // k/k 1.20 algorithmprovider/registry.go getDefaultConfig, filter order kept.
    c.filter = {"NodeUnschedulable", "NodeResourcesFit", "NodeName",         "NodePorts",
                "NodeAffinity",      "TaintToleration",  "PodTopologySpread", "InterPodAffinity"};
    c.score = {{"NodeResourcesBalancedAllocation", 1},
               {"ImageLocality", 1},
               {"InterPodAffinity", 1},
               {"NodeResourcesLeastAllocated", 1},
               {"NodeAffinity", 1},
               {"NodePreferAvoidPods", 10000},
               {"PodTopologySpread", 2},
               {"TaintToleration", 1}};
  } else {
    // k/k pkg/scheduler/apis/config/v1/default_plugins.go MultiPoint order and weights.
    c.filter = {"NodeUnschedulable", "NodeName",         "TaintToleration",  "NodeAffinity",
                "NodePorts",         "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity"};
    c.score = {{"TaintToleration", 3},
               {"NodeAffinity", 2},
               {"NodeResourcesFit", 1},
               {"PodTopologySpread", 2},
               {"InterPodAffinity", 2},
               {"NodeResourcesBalancedAllocation", 1},
               {"ImageLocality", 1}};
  }
  return c;
}

Result<Profile> build_profile(const Registry& registry, const ProfileConfig& config, const Store* store) {
  Profile p;
  p.schedulerName = config.schedulerName;
  p.minor = kube_minor(config.kubernetesVersion);
  p.percentageOfNodesToScore = config.percentageOfNodesToScore;
  PluginContext ctx{p.minor, store, &config.args};
  std::map<std::string, std::shared_ptr<Plugin>> instances;  // one instance per name
  auto get = [&](const std::string& name) -> std::shared_ptr<Plugin> {
    auto& slot = instances[name];
    if (!slot) slot = registry.make(name, ctx);
    return slot;
  };
  for (const std::string& name : config.filter) {
    auto plugin = get(name);
    auto filter = std::dynamic_pointer_cast<FilterPlugin>(plugin);
    if (!filter) return Status::invalid("plugin " + name + " is not a registered Filter plugin");
    if (auto pre = std::dynamic_pointer_cast<PreFilterPlugin>(plugin)) p.pre_filter.push_back(pre);
    p.filter.push_back(filter);
  }
  for (const auto& [name, weight] : config.score) {
    auto plugin = get(name);
    auto score = std::dynamic_pointer_cast<ScorePlugin>(plugin);
    if (!score) return Status::invalid("plugin " + name + " is not a registered Score plugin");
    if (weight <= 0) return Status::invalid("plugin " + name + " needs a positive weight");
    if (auto pre = std::dynamic_pointer_cast<PreScorePlugin>(plugin)) p.pre_score.push_back(pre);
    p.score.push_back({score, weight});
  }
  return p;
}

Profile default_profile(std::string_view kubernetes_version, const Store* store) {
  Result<Profile> p = build_profile(Registry::in_tree(), default_profile_config(kubernetes_version), store);
  KT_CHECK(p.is_ok(), p.status().to_string());
  return std::move(p).value();
}

}  // namespace ktwin::core
