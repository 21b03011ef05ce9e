// pluginConfig in a scenario's KubeSchedulerConfiguration: accepted args per version, defaults, and
// located errors for args ktwin does not model.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;
using core::ScoringStrategy;

// Loads a one-node scenario whose scheduler config is `config`; errors with the folder stripped.
struct ConfigDir {
  ConfigDir() {
    static int counter = 0;
    dir = fs::temp_directory_path() / ("ktwin-plugcfg-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
  }
  ~ConfigDir() { fs::remove_all(dir); }
  core::Result<Scenario> load(const std::string& config, const std::string& version) {
    std::ofstream(dir / "sched.yaml") << config;
    std::ofstream(dir / "s.yaml") << "apiVersion: ktwin/v1\nkind: Scenario\nmetadata: {name: s}\ncluster:\n"
                                     "  kubernetesVersion: \"" + version + "\"\n  scheduler: {config: sched.yaml}\n"
                                     "  nodes: [{name: n1, capacity: {cpu: \"1\", memory: 1Gi}}]\n";
    return load_scenario((dir / "s.yaml").string());
  }
  std::string errors(const std::string& config, const std::string& version) {
    auto r = load(config, version);
    if (r.is_ok()) return "";
    std::string m = r.status().message(), prefix = dir.string() + "/";
    for (size_t at; (at = m.find(prefix)) != std::string::npos;) m.erase(at, prefix.size());
    return m;
  }
  fs::path dir;
};

const std::string kV1 = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - pluginConfig:\n";
const std::string kV1beta1 =
    "apiVersion: kubescheduler.config.k8s.io/v1beta1\nkind: KubeSchedulerConfiguration\nprofiles:\n  - pluginConfig:\n";

}  // namespace

TEST_CASE("1.32: NodeResourcesFit scoringStrategy, PodTopologySpread and InterPodAffinity args", "[scenario][scheduler_config]") {
  ConfigDir d;
  auto r = d.load(kV1 +
                      "      - name: NodeResourcesFit\n"
                      "        args:\n"
                      "          scoringStrategy:\n"
                      "            type: RequestedToCapacityRatio\n"
                      "            resources: [{name: cpu, weight: 3}, {name: nvidia.com/gpu}]\n"
                      "            requestedToCapacityRatio:\n"
                      "              shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]\n"
                      "      - name: PodTopologySpread\n"
                      "        args:\n"
                      "          defaultingType: List\n"
                      "          defaultConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, "
                      "whenUnsatisfiable: DoNotSchedule}]\n"
                      "      - name: InterPodAffinity\n"
                      "        args: {hardPodAffinityWeight: 7}\n",
                  "1.32");
  REQUIRE(r.is_ok());
  const core::PluginArgs& a = r.value().schedulerProfiles.at(0).args;
  REQUIRE(a.nodeResourcesFit);
  CHECK(a.nodeResourcesFit->type == ScoringStrategy::Type::kRequestedToCapacityRatio);
  CHECK(a.nodeResourcesFit->resources == std::vector<core::ResourceSpec>{{"cpu", 3}, {"nvidia.com/gpu", 1}});  // 0 -> 1
  CHECK(a.nodeResourcesFit->shape == std::vector<core::UtilizationShapePoint>{{0, 0}, {100, 10}});
  REQUIRE(a.podTopologySpread);
  CHECK(a.podTopologySpread->defaultingType == "List");
  REQUIRE(a.podTopologySpread->defaultConstraints.size() == 1);
  CHECK(a.podTopologySpread->defaultConstraints[0].whenUnsatisfiable == "DoNotSchedule");
  CHECK(a.hardPodAffinityWeight == 7);
}

TEST_CASE("1.20 (v1beta1): the separate resource score plugins take their own args", "[scenario][scheduler_config]") {
  ConfigDir d;
  auto r = d.load(kV1beta1 +
                      "      - name: NodeResourcesMostAllocated\n"
                      "        args: {resources: [{name: cpu, weight: 2}, {name: memory, weight: 1}]}\n"
                      "      - name: PodTopologySpread\n"
                      "        args: {defaultConstraints: [{maxSkew: 2, topologyKey: kubernetes.io/hostname, "
                      "whenUnsatisfiable: ScheduleAnyway}]}\n"
                      "    plugins:\n"
                      "      score:\n"
                      "        enabled: [{name: NodeResourcesMostAllocated, weight: 5}]\n"
                      "        disabled: [{name: NodeResourcesLeastAllocated}]\n",
                  "1.20");
  REQUIRE(r.is_ok());
  const core::ProfileConfig& p = r.value().schedulerProfiles.at(0);
  REQUIRE(p.args.nodeResourcesMostAllocated);
  CHECK(p.args.nodeResourcesMostAllocated->resources == std::vector<core::ResourceSpec>{{"cpu", 2}, {"memory", 1}});
  // v1beta1 defaults defaultingType to List when constraints are given.
  CHECK(p.args.podTopologySpread->defaultingType == "List");
  CHECK(std::count(p.score.begin(), p.score.end(), std::make_pair(std::string("NodeResourcesMostAllocated"), int64_t{5})) == 1);
}

TEST_CASE("pluginConfig errors are located and name what ktwin models", "[scenario][scheduler_config]") {
  ConfigDir d;
  SECTION("another plugin's args") {
    CHECK(d.errors(kV1 + "      - name: VolumeBinding\n        args: {bindTimeoutSeconds: 5}\n", "1.32") ==
          "sched.yaml:5:15: pluginConfig for \"VolumeBinding\" is not modelled by ktwin for Kubernetes 1.32 "
          "(kubescheduler.config.k8s.io/v1); ktwin reads args of NodeResourcesFit (scoringStrategy), PodTopologySpread, "
          "InterPodAffinity");
  }
  SECTION("1.20's plugins are gone in 1.32, scoringStrategy is absent in v1beta1") {
    CHECK(d.errors(kV1 + "      - name: NodeResourcesMostAllocated\n", "1.32").find(
              "sched.yaml:5:15: pluginConfig for \"NodeResourcesMostAllocated\" is not modelled") == 0);
    CHECK(d.errors(kV1beta1 + "      - name: NodeResourcesFit\n        args: {scoringStrategy: {type: MostAllocated}}\n", "1.20")
              .find("sched.yaml:5:15: pluginConfig for \"NodeResourcesFit\" is not modelled") == 0);
  }
  SECTION("bad values") {
    CHECK(d.errors(kV1 +
                       "      - name: NodeResourcesFit\n"
                       "        args: {scoringStrategy: {type: Balanced}}\n"
                       "      - name: PodTopologySpread\n"
                       "        args: {defaultConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]}\n"
                       "      - name: PodTopologySpread\n",
                   "1.32") ==
          "sched.yaml:6:40: scoringStrategy.type: Unsupported value: \"Balanced\": supported values: \"LeastAllocated\", "
          "\"MostAllocated\", \"RequestedToCapacityRatio\"\n"
          "sched.yaml:8:16: defaultConstraints: Invalid value: when .defaultingType is \"System\"\n"
          "sched.yaml:9:15: pluginConfig: Duplicate value: \"PodTopologySpread\"");
    CHECK(d.errors(kV1beta1 + "      - name: PodTopologySpread\n    plugins: {score: {enabled: [{name: RequestedToCapacityRatio}]}}\n",
                   "1.20") == "sched.yaml:6:5: plugin RequestedToCapacityRatio needs pluginConfig args with a shape");
    CHECK(d.errors(kV1 + "      - name: NodeResourcesFit\n        args: {scoringStrategy: {type: RequestedToCapacityRatio}}\n",
                   "1.32") ==
          "sched.yaml:6:34: scoringStrategy.requestedToCapacityRatio.shape: Required value: at least one point must be "
          "specified");
  }
}

}  // namespace ktwin::sim
