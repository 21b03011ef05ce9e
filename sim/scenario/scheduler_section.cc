// cluster.scheduler: {config: FILE}, a KubeSchedulerConfiguration read with file:line:column errors
// inside it, resolved against the version's default plugins into the profiles the scheduler runs.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/scheduler/scheduler_config.h"
#include "sim/scenario/plugin_config_section.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

const std::string kGroup = "kubescheduler.config.k8s.io/";
// The config versions kube-scheduler serves, by minor release (first, last): v1beta1 from 1.19,
// v1beta2 1.22-1.27, v1beta3 1.23-1.28, v1 from 1.25 (k/k CHANGELOG, deprecated API migration guide).
const std::vector<std::tuple<std::string, int, int>> kServed = {
    {"v1beta1", 19, 22}, {"v1beta2", 22, 27}, {"v1beta3", 23, 28}, {"v1", 25, 1000}};
// Fields that change nothing in a simulation (connections, profiling endpoints): accepted, ignored.
const std::vector<std::string> kIgnoredKeys = {"clientConnection", "leaderElection", "parallelism",
                                               "enableProfiling", "enableContentionProfiling",
                                               "healthzBindAddress", "metricsBindAddress", "delayCacheUntilActive"};
// Fields with behaviour ktwin does not model: rejected rather than silently ignored.
const std::vector<std::string> kUnmodelledKeys = {"podInitialBackoffSeconds", "podMaxBackoffSeconds", "extenders"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class ConfigReader {
 public:
  ConfigReader(YamlReader& r, std::string version) : r_(r), version_(std::move(version)) {}

  // Fills `config`; returns where each profile was written, for errors found while resolving.
  std::vector<YAML::Mark> read(const YAML::Node& doc, core::SchedulerConfiguration& config) {
    std::vector<YAML::Mark> marks;
    auto f = r_.map(doc, "KubeSchedulerConfiguration",
                    concat(concat({"apiVersion", "kind", "percentageOfNodesToScore", "profiles"}, kIgnoredKeys),
                           kUnmodelledKeys));
    if (!f || !r_.require(*f, "apiVersion", "KubeSchedulerConfiguration") ||
        !r_.require(*f, "kind", "KubeSchedulerConfiguration"))
      return marks;
    unmodelled(*f);
    auto kind = r_.scalar(*f, "kind");
    if (kind && *kind != "KubeSchedulerConfiguration")
      r_.error(r_.value_mark(*f, "kind"), "kind must be KubeSchedulerConfiguration, not \"" + *kind + "\"");
    auto api = r_.scalar(*f, "apiVersion");
    if (!api || !served(*api, r_.value_mark(*f, "apiVersion"))) return marks;
    api_ = *api;
    if (f->has("percentageOfNodesToScore")) config.percentageOfNodesToScore = percentage(*f);
    if (!f->has("profiles")) return marks;
    auto items = r_.sequence(f->get("profiles"), "profiles");
    if (!items) return marks;
    for (const YAML::Node& item : *items) {
      marks.push_back(item.Mark());
      config.profiles.push_back(profile(item));
    }
    return marks;
  }

 private:
  bool served(const std::string& api, const YAML::Mark& mark) {
    int minor = core::kube_minor(version_);
    std::string reads;
    for (const auto& [v, first, last] : kServed) {
      if (api == kGroup + v && minor >= first && minor <= last) return true;
      if (minor >= first && minor <= last) reads += (reads.empty() ? "" : ", ") + kGroup + v;
    }
    r_.error(mark, "kube-scheduler " + version_ + " does not read apiVersion \"" + api + "\" (it reads " + reads + ")");
    return false;
  }

  void unmodelled(const Fields& f) {
    for (const std::string& k : kUnmodelledKeys)
      if (f.has(k)) r_.error(f.key_mark(k), k + " is not modelled by ktwin");
  }

  std::optional<int32_t> percentage(const Fields& f) {
    auto v = r_.integer(f, "percentageOfNodesToScore", 0);
    if (v && *v > 100) {
      r_.error(r_.value_mark(f, "percentageOfNodesToScore"), "percentageOfNodesToScore: not in valid range [0-100]");
      return std::nullopt;
    }
    return v ? std::optional<int32_t>(static_cast<int32_t>(*v)) : std::nullopt;
  }

  core::SchedulerProfileSpec profile(const YAML::Node& node) {
    core::SchedulerProfileSpec spec;
    std::vector<std::string> keys = {"schedulerName", "plugins", "pluginConfig"};
    if (api_ == kGroup + "v1") keys.push_back("percentageOfNodesToScore");  // per profile from v1
    auto f = r_.map(node, "profile", keys);
    if (!f) return spec;
    if (f->has("pluginConfig")) read_plugin_config(r_, f->get("pluginConfig"), version_, api_, spec.args);
    if (f->has("schedulerName"))
      if (auto name = r_.scalar(*f, "schedulerName"); name && !name->empty()) spec.schedulerName = *name;
    if (f->has("percentageOfNodesToScore")) spec.percentageOfNodesToScore = percentage(*f);
    if (!f->has("plugins") || f->get("plugins").IsNull()) return spec;
    auto plugins = r_.map(f->get("plugins"), "plugins", core::extension_points(api_));
    if (!plugins) return spec;
    for (const std::string& point : plugins->keys()) spec.plugins[point] = plugin_set(plugins->get(point), point);
    // v1beta1 validation: RequestedToCapacityRatio has no default shape, so it needs its args.
    for (const auto& [point, set] : spec.plugins)
      for (const core::PluginEntry& e : set.enabled)
        if (e.name == "RequestedToCapacityRatio" && !spec.args.requestedToCapacityRatio)
          r_.error(f->key_mark("plugins"), "plugin RequestedToCapacityRatio needs pluginConfig args with a shape");
    return spec;
  }

  core::PluginSet plugin_set(const YAML::Node& node, const std::string& point) {
    core::PluginSet set;
    if (node.IsNull()) return set;
    auto f = r_.map(node, "plugins." + point, {"enabled", "disabled"});
    if (!f) return set;
    for (const char* which : {"enabled", "disabled"}) {
      if (!f->has(which)) continue;
      bool enable = std::string(which) == "enabled";
      auto items = r_.sequence(f->get(which), point + "." + which);
      if (!items) continue;
      for (const YAML::Node& item : *items) {
        auto p = r_.map(item, "plugin", enable ? std::vector<std::string>{"name", "weight"} : std::vector<std::string>{"name"});
        if (!p || !r_.require(*p, "name", "plugin")) continue;
        auto name = r_.scalar(*p, "name");
        if (!name) continue;
        if (auto problem = core::check_plugin(version_, point, *name, enable)) {
          r_.error(r_.value_mark(*p, "name"), point + "." + which + ": " + *problem);
          continue;
        }
        if (!enable) {
          set.disabled.push_back(*name);
          continue;
        }
        core::PluginEntry entry{*name, 0};
        if (p->has("weight"))
          if (auto w = r_.integer(*p, "weight", 0)) entry.weight = *w;
        set.enabled.push_back(entry);
      }
    }
    return set;
  }

  YamlReader& r_;
  std::string version_;
  std::string api_;
};

}  // namespace

void read_scheduler(const YAML::Node& node, LoadContext& ctx, Scenario& scenario) {
  YamlReader& r = ctx.reader;
  auto f = r.map(node, "scheduler", {"config"});
  if (!f || !r.require(*f, "config", "scheduler")) return;
  auto written = r.scalar(*f, "config");
  if (!written) return;
  std::filesystem::path path = ctx.base_dir.empty() ? std::filesystem::path(*written) : ctx.base_dir / *written;
  std::string file = path.lexically_normal().string();
  std::ifstream in(path);
  if (written->empty() || !in || std::filesystem::is_directory(path)) {
    r.error(r.value_mark(*f, "config"), "cannot read scheduler config \"" + *written + "\" (looked for " + file + ")");
    return;
  }
  std::stringstream text;
  text << in.rdbuf();
  YamlReader config_reader(r.diagnostics(), file);
  core::SchedulerConfiguration config;
  std::vector<YAML::Mark> marks;
  try {
    YAML::Node doc = YAML::Load(text.str());
    if (doc.IsNull()) {
      config_reader.error(YAML::Mark(), "the scheduler config is empty");
      return;
    }
    marks = ConfigReader(config_reader, scenario.kubernetesVersion).read(doc, config);
  } catch (const YAML::Exception& e) {
    config_reader.error(e.mark, e.msg);
    return;
  }
  auto profiles = core::resolve_profiles(scenario.kubernetesVersion, config);
  if (!profiles.is_ok()) {
    // "profiles[i]: ..." points at that profile.
    const std::string& message = profiles.status().message();
    size_t i = message.rfind("profiles[", 0) == 0 ? std::stoul(message.substr(9)) : marks.size();
    config_reader.error(i < marks.size() ? marks[i] : YAML::Mark(), message);
    return;
  }
  scenario.schedulerProfiles = profiles.value();
}

}  // namespace ktwin::sim
