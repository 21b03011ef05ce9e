// pluginConfig: NodeResourcesFitArgs.scoringStrategy (v1beta2+), 1.20's NodeResourcesLeastAllocatedArgs,
// NodeResourcesMostAllocatedArgs and RequestedToCapacityRatioArgs, PodTopologySpreadArgs,
// InterPodAffinityArgs (k/k pkg/scheduler/apis/config/types_pluginargs.go, validation_pluginargs.go).
#include "sim/scenario/plugin_config_section.h"

#include <set>

#include "core/scheduler/framework.h"

namespace ktwin::sim {
namespace {

using core::ScoringStrategy;

// Args keys every plugin's args may carry (an embedded TypeMeta).
const std::vector<std::string> kTypeMeta = {"apiVersion", "kind"};

std::vector<std::string> with_type_meta(std::vector<std::string> keys) {
  keys.insert(keys.end(), kTypeMeta.begin(), kTypeMeta.end());
  return keys;
}

class PluginConfigReader {
 public:
  PluginConfigReader(YamlReader& r, const std::string& version, const std::string& api)
      : r_(r), minor_(core::kube_minor(version)), version_(version), api_(api) {}

  void read(const YAML::Node& node, core::PluginArgs& args) {
    auto items = r_.sequence(node, "pluginConfig");
    if (!items) return;
    std::set<std::string> seen;
    for (const YAML::Node& item : *items) {
      auto f = r_.map(item, "pluginConfig entry", {"name", "args"});
      if (!f || !r_.require(*f, "name", "pluginConfig entry")) continue;
      auto name = r_.scalar(*f, "name");
      if (!name) continue;
      // validation.go validatePluginConfig: "Duplicate value".
      if (!seen.insert(*name).second) {
        r_.error(r_.value_mark(*f, "name"), "pluginConfig: Duplicate value: \"" + *name + "\"");
        continue;
      }
      YAML::Node a = f->has("args") ? f->get("args") : YAML::Node();
      plugin(*name, r_.value_mark(*f, "name"), a, args);
    }
  }

 private:
  bool v1beta1() const { return api_ == "kubescheduler.config.k8s.io/v1beta1"; }

  void plugin(const std::string& name, const YAML::Mark& mark, const YAML::Node& a, core::PluginArgs& args) {
    if (name == "NodeResourcesFit" && !v1beta1()) {
      args.nodeResourcesFit = fit_args(a);
    } else if (name == "NodeResourcesLeastAllocated" && minor_ < 23) {
      args.nodeResourcesLeastAllocated = resources_args(a, name, ScoringStrategy::Type::kLeastAllocated);
    } else if (name == "NodeResourcesMostAllocated" && minor_ < 23) {
      args.nodeResourcesMostAllocated = resources_args(a, name, ScoringStrategy::Type::kMostAllocated);
    } else if (name == "RequestedToCapacityRatio" && minor_ < 23) {
      args.requestedToCapacityRatio = resources_args(a, name, ScoringStrategy::Type::kRequestedToCapacityRatio);
    } else if (name == "PodTopologySpread") {
      args.podTopologySpread = spread_args(a);
    } else if (name == "InterPodAffinity") {
      args.hardPodAffinityWeight = affinity_args(a);
    } else {
      r_.error(mark, "pluginConfig for \"" + name + "\" is not modelled by ktwin for Kubernetes " + version_ + " (" +
                         api_ + "); ktwin reads args of " + modelled());
    }
  }

  std::string modelled() const {
    if (v1beta1())
      return "NodeResourcesLeastAllocated, NodeResourcesMostAllocated, RequestedToCapacityRatio, PodTopologySpread, "
             "InterPodAffinity";
    if (minor_ < 23)
      return "NodeResourcesFit (scoringStrategy), NodeResourcesLeastAllocated, NodeResourcesMostAllocated, "
             "RequestedToCapacityRatio, PodTopologySpread, InterPodAffinity";
    return "NodeResourcesFit (scoringStrategy), PodTopologySpread, InterPodAffinity";
  }

  std::optional<Fields> args_map(const YAML::Node& a, const std::string& what, std::vector<std::string> keys) {
    if (!a.IsDefined() || a.IsNull()) return Fields{};
    return r_.map(a, what, with_type_meta(std::move(keys)));
  }

  // resources: [{name, weight}]; weight 1..100 (v1 defaults 0 to 1; v1beta1 requires it).
  std::vector<core::ResourceSpec> resources(const Fields& f, const std::string& key) {
    std::vector<core::ResourceSpec> out;
    auto items = r_.sequence(f.get(key), key);
    if (!items) return out;
    for (const YAML::Node& item : *items) {
      auto rf = r_.map(item, "resource", {"name", "weight"});
      if (!rf || !r_.require(*rf, "name", "resource")) continue;
      core::ResourceSpec spec;
      spec.name = r_.scalar(*rf, "name").value_or("");
      int64_t weight = 0;
      if (rf->has("weight")) weight = r_.integer(*rf, "weight", 0).value_or(1);
      if (weight == 0 && !v1beta1()) weight = 1;  // v1beta2+ SetDefaults_NodeResourcesFitArgs
      if (weight < 1 || weight > 100) {
        r_.error(rf->has("weight") ? r_.value_mark(*rf, "weight") : item.Mark(),
                 "resource weight of " + spec.name + " not in valid range [1, 100]");
        continue;
      }
      spec.weight = weight;
      out.push_back(spec);
    }
    return out;
  }

  // shape: [{utilization, score}], utilization 0..100 strictly increasing, score 0..10.
  std::vector<core::UtilizationShapePoint> shape(const Fields& f, const std::string& key) {
    std::vector<core::UtilizationShapePoint> out;
    auto items = r_.sequence(f.get(key), key);
    if (!items) return out;
    for (const YAML::Node& item : *items) {
      auto pf = r_.map(item, "shape point", {"utilization", "score"});
      if (!pf) continue;
      auto u = pf->has("utilization") ? r_.integer(*pf, "utilization", 0) : std::optional<int64_t>(0);
      auto s = pf->has("score") ? r_.integer(*pf, "score", 0) : std::optional<int64_t>(0);
      if (!u || !s) continue;
      if (*u > 100) r_.error(item.Mark(), "utilization: Invalid value: " + std::to_string(*u) + ": not in valid range [0, 100]");
      if (*s > 10) r_.error(item.Mark(), "score: Invalid value: " + std::to_string(*s) + ": not in valid range [0, 10]");
      if (!out.empty() && *u <= out.back().utilization)
        r_.error(item.Mark(), "utilization: Invalid value: " + std::to_string(*u) + ": values must be sorted in increasing order");
      out.push_back({static_cast<int32_t>(*u), static_cast<int32_t>(*s)});
    }
    if (out.empty()) r_.error(f.value_mark(key), key + ": Required value: at least one point must be specified");
    return out;
  }

  std::optional<ScoringStrategy> fit_args(const YAML::Node& a) {
    auto f = args_map(a, "NodeResourcesFitArgs", {"scoringStrategy", "ignoredResources", "ignoredResourceGroups"});
    if (!f) return std::nullopt;
    for (const char* k : {"ignoredResources", "ignoredResourceGroups"})
      if (f->has(k)) r_.error(f->key_mark(k), std::string(k) + " is not modelled by ktwin");
    ScoringStrategy out;  // v1 defaults: LeastAllocated on cpu:1, memory:1
    if (!f->has("scoringStrategy")) return out;
    auto sf = r_.map(f->get("scoringStrategy"), "scoringStrategy", {"type", "resources", "requestedToCapacityRatio"});
    if (!sf) return std::nullopt;
    std::string type = sf->has("type") ? r_.scalar(*sf, "type").value_or("") : "LeastAllocated";
    if (type == "LeastAllocated") out.type = ScoringStrategy::Type::kLeastAllocated;
    else if (type == "MostAllocated") out.type = ScoringStrategy::Type::kMostAllocated;
    else if (type == "RequestedToCapacityRatio") out.type = ScoringStrategy::Type::kRequestedToCapacityRatio;
    else {
      r_.error(r_.value_mark(*sf, "type"), "scoringStrategy.type: Unsupported value: \"" + type +
                                               "\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\"");
      return std::nullopt;
    }
    if (sf->has("resources")) {
      auto res = resources(*sf, "resources");
      if (!res.empty()) out.resources = res;  // empty: the default set
    }
    if (sf->has("requestedToCapacityRatio")) {
      auto rf = r_.map(sf->get("requestedToCapacityRatio"), "requestedToCapacityRatio", {"shape"});
      if (rf && r_.require(*rf, "shape", "requestedToCapacityRatio")) out.shape = shape(*rf, "shape");
    }
    if (out.type == ScoringStrategy::Type::kRequestedToCapacityRatio && out.shape.empty())
      r_.error(sf->key_mark(sf->has("requestedToCapacityRatio") ? "requestedToCapacityRatio" : "type"),
               "scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be specified");
    return out;
  }

  // 1.20 v1beta1 NodeResources{Least,Most}AllocatedArgs {resources}, RequestedToCapacityRatioArgs {shape, resources}.
  std::optional<ScoringStrategy> resources_args(const YAML::Node& a, const std::string& name, ScoringStrategy::Type type) {
    bool rtcr = type == ScoringStrategy::Type::kRequestedToCapacityRatio;
    auto f = args_map(a, name + "Args", rtcr ? std::vector<std::string>{"shape", "resources"} : std::vector<std::string>{"resources"});
    if (!f) return std::nullopt;
    ScoringStrategy out;
    out.type = type;
    if (f->has("resources")) {
      auto res = resources(*f, "resources");
      if (!res.empty()) out.resources = res;
    }
    if (rtcr) {
      if (f->has("shape")) out.shape = shape(*f, "shape");
      else r_.error(a.IsDefined() && !a.IsNull() ? a.Mark() : YAML::Mark(), "shape: Required value: at least one point must be specified");
    }
    return out;
  }

  std::optional<core::PodTopologySpreadArgs> spread_args(const YAML::Node& a) {
    auto f = args_map(a, "PodTopologySpreadArgs", {"defaultConstraints", "defaultingType"});
    if (!f) return std::nullopt;
    core::PodTopologySpreadArgs out;
    if (f->has("defaultConstraints")) {
      auto items = r_.sequence(f->get("defaultConstraints"), "defaultConstraints");
      for (const YAML::Node& item : items.value_or(std::vector<YAML::Node>{})) {
        auto cf = r_.map(item, "defaultConstraints entry", {"maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector"});
        if (!cf) continue;
        // validation_pluginargs.go validateTopologySpreadConstraint.
        if (cf->has("labelSelector")) {
          r_.error(cf->key_mark("labelSelector"), "labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod");
          continue;
        }
        if (!r_.require(*cf, "maxSkew", "defaultConstraints entry") || !r_.require(*cf, "topologyKey", "defaultConstraints entry") ||
            !r_.require(*cf, "whenUnsatisfiable", "defaultConstraints entry"))
          continue;
        core::TopologySpreadConstraint c;
        auto skew = r_.integer(*cf, "maxSkew", 1);
        c.topologyKey = r_.scalar(*cf, "topologyKey").value_or("");
        c.whenUnsatisfiable = r_.scalar(*cf, "whenUnsatisfiable").value_or("");
        if (c.whenUnsatisfiable != "DoNotSchedule" && c.whenUnsatisfiable != "ScheduleAnyway") {
          r_.error(r_.value_mark(*cf, "whenUnsatisfiable"), "whenUnsatisfiable: Unsupported value: \"" + c.whenUnsatisfiable +
                                                                "\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"");
          continue;
        }
        if (!skew || c.topologyKey.empty()) continue;
        c.maxSkew = static_cast<int32_t>(*skew);
        out.defaultConstraints.push_back(c);
      }
    }
    if (f->has("defaultingType")) {
      out.defaultingType = r_.scalar(*f, "defaultingType").value_or("");
      if (out.defaultingType != "System" && out.defaultingType != "List") {
        r_.error(r_.value_mark(*f, "defaultingType"), "defaultingType: Unsupported value: \"" + out.defaultingType +
                                                          "\": supported values: \"System\", \"List\"");
        return std::nullopt;
      }
    } else {
      // 1.20 v1beta1 SetDefaults_PodTopologySpreadArgs: List when constraints are given, else System;
      // v1beta2+ always System.
      out.defaultingType = v1beta1() && !out.defaultConstraints.empty() ? "List" : "System";
    }
    if (out.defaultingType == "System" && !out.defaultConstraints.empty())
      r_.error(f->key_mark("defaultConstraints"), "defaultConstraints: Invalid value: when .defaultingType is \"System\"");
    return out;
  }

  std::optional<int32_t> affinity_args(const YAML::Node& a) {
    auto f = args_map(a, "InterPodAffinityArgs", {"hardPodAffinityWeight", "ignorePreferredTermsOfExistingPods"});
    if (!f) return std::nullopt;
    if (f->has("ignorePreferredTermsOfExistingPods"))
      r_.error(f->key_mark("ignorePreferredTermsOfExistingPods"), "ignorePreferredTermsOfExistingPods is not modelled by ktwin");
    if (!f->has("hardPodAffinityWeight")) return 1;  // v1 defaults.go
    auto w = r_.integer(*f, "hardPodAffinityWeight", 0);
    if (w && *w > 100) {
      r_.error(r_.value_mark(*f, "hardPodAffinityWeight"), "hardPodAffinityWeight: Invalid value: " + std::to_string(*w) + ": not in valid range [0, 100]");
      return std::nullopt;
    }
    return w ? std::optional<int32_t>(static_cast<int32_t>(*w)) : std::nullopt;
  }

  YamlReader& r_;
  int minor_;
  std::string version_, api_;
};

}  // namespace

void read_plugin_config(YamlReader& r, const YAML::Node& node, const std::string& version, const std::string& api,
                        core::PluginArgs& args) {
  PluginConfigReader(r, version, api).read(node, args);
}

}  // namespace ktwin::sim
