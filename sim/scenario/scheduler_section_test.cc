// cluster.scheduler.config: a KubeSchedulerConfiguration file read into profiles, and its errors
// located inside the config file.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;

class Scratch {
 public:
  Scratch() {
    static int counter = 0;
    dir_ = fs::temp_directory_path() / ("ktwin-sched-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  ~Scratch() { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  // Loads a scenario using sched.yaml (written first) in `version`; errors with the folder removed.
  core::Result<Scenario> load(const std::string& config, const std::string& version = "1.20",
                              const std::string& written = "sched.yaml") {
    write("sched.yaml", config);
    write("s.yaml", "apiVersion: ktwin/v1\nkind: Scenario\nmetadata: {name: s}\ncluster:\n  kubernetesVersion: \"" +
                        version + "\"\n  scheduler: {config: " + written +
                        "}\n  nodes: [{name: n1, capacity: {cpu: \"1\", memory: 1Gi}}]\n");
    return load_scenario((dir_ / "s.yaml").string());
  }
  std::string errors(const std::string& config, const std::string& version = "1.20",
                     const std::string& written = "sched.yaml") {
    auto r = load(config, version, written);
    if (r.is_ok()) return "";
    std::string message = r.status().message();
    std::string prefix = dir_.string() + "/";
    for (size_t at; (at = message.find(prefix)) != std::string::npos;) message.erase(at, prefix.size());
    return message;
  }

 private:
  fs::path dir_;
};

const std::string kHead = "apiVersion: kubescheduler.config.k8s.io/v1beta1\nkind: KubeSchedulerConfiguration\n";

}  // namespace

TEST_CASE("a scheduler config file becomes the scenario's profiles", "[scenario][scheduler_config]") {
  Scratch s;
  auto r = s.load(kHead +
                  "percentageOfNodesToScore: 40\n"
                  "profiles:\n"
                  "  - plugins:\n"
                  "      score:\n"
                  "        enabled: [{name: NodeResourcesLeastAllocated, weight: 20}]\n"
                  "        disabled: [{name: ImageLocality}]\n"
                  "  - schedulerName: batch\n"
                  "    plugins: {score: {disabled: [{name: \"*\"}]}}\n");
  INFO(r.status().message());
  REQUIRE(r.is_ok());
  const auto& profiles = r.value().schedulerProfiles;
  REQUIRE(profiles.size() == 2);
  CHECK(profiles[0].schedulerName == "default-scheduler");
  CHECK(profiles[0].percentageOfNodesToScore == 40);
  CHECK(std::count(profiles[0].score.begin(), profiles[0].score.end(),
                   std::make_pair(std::string("NodeResourcesLeastAllocated"), int64_t{20})) == 1);
  CHECK(profiles[0].score.size() == core::default_profile_config("1.20").score.size() - 1);  // no ImageLocality
  CHECK(profiles[1].schedulerName == "batch");
  CHECK(profiles[1].score.empty());
}

TEST_CASE("scheduler config errors point into the config file", "[scenario][scheduler_config]") {
  Scratch s;
  SECTION("an unknown plugin, with its line and column") {
    CHECK(s.errors(kHead + "profiles:\n  - plugins:\n      score:\n        enabled: [{name: ImageLocallity, weight: 2}]\n") ==
          "sched.yaml:6:26: score.enabled: unknown plugin \"ImageLocallity\" (not a plugin of Kubernetes 1.20)");
  }
  SECTION("a plugin at an extension point it does not implement") {
    CHECK(s.errors(kHead + "profiles:\n  - plugins:\n      filter:\n        enabled:\n          - name: ImageLocality\n") ==
          "sched.yaml:7:19: filter.enabled: plugin \"ImageLocality\" does not extend FilterPlugin plugin");
  }
  SECTION("an apiVersion the release does not read") {
    CHECK(s.errors("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n") ==
          "sched.yaml:1:13: kube-scheduler 1.20 does not read apiVersion \"kubescheduler.config.k8s.io/v1\" (it reads "
          "kubescheduler.config.k8s.io/v1beta1)");
    CHECK(s.errors("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n", "1.32") == "");
  }
  SECTION("bad fields: unknown keys, ranges, negative weights, unmodelled settings") {
    CHECK(s.errors(kHead + "percentageOfNodesToScore: 150\nprofiles:\n  - plugins:\n      scroe: {}\n"
                           "  - schedulerName: b\n    pluginConfig: []\n    plugins: {score: {enabled: [{name: ImageLocality, weight: -1}]}}\n") ==
          "sched.yaml:3:27: percentageOfNodesToScore: not in valid range [0-100]\n"
          "sched.yaml:6:7: unknown key \"scroe\" in plugins (allowed: queueSort, preFilter, filter, postFilter, "
          "preScore, score, reserve, permit, preBind, bind, postBind)\n"
          "sched.yaml:9:63: bad integer \"-1\": must be at least 0");
  }
  SECTION("a repeated schedulerName points at the second profile") {
    CHECK(s.errors(kHead + "profiles:\n  - schedulerName: a\n  - schedulerName: a\n") ==
          "sched.yaml:5:5: profiles[1]: schedulerName \"a\": Duplicate value");
  }
  SECTION("a missing file points at the scenario") {
    CHECK(s.errors(kHead, "1.20", "nope.yaml") ==
          "s.yaml:6:23: cannot read scheduler config \"nope.yaml\" (looked for nope.yaml)");
  }
}

}  // namespace ktwin::sim
