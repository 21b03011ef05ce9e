// KubeSchedulerConfiguration semantics: mergePlugins, multiPoint expansion, weights, plugin checks,
// and a scheduler with several profiles.
#include "core/scheduler/scheduler_config.h"

#include <catch2/catch.hpp>

#include "core/scheduler/scheduler.h"
#include "core/scheduler/test_util.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/recording_events.h"

using namespace ktwin::core;

namespace {

std::vector<std::string> names(const std::vector<PluginEntry>& v) {
  std::vector<std::string> out;
  for (const PluginEntry& e : v) out.push_back(e.name + ":" + std::to_string(e.weight));
  return out;
}

using Scores = std::vector<std::pair<std::string, int64_t>>;

ProfileConfig resolve_one(const std::string& version, const Plugins& plugins) {
  SchedulerConfiguration c;
  c.profiles.push_back({"default-scheduler", plugins, std::nullopt});
  auto r = resolve_profiles(version, c);
  REQUIRE(r.is_ok());
  REQUIRE(r.value().size() == 1);
  return r.value()[0];
}

}  // namespace

TEST_CASE("mergePluginSet: disabled removes defaults, enabled overrides in place or appends", "[scheduler_config]") {
  PluginSet defaults{{{"A", 1}, {"B", 2}, {"C", 3}}, {}};
  SECTION("a re-configured default keeps its place with the new weight; new plugins go last") {
    PluginSet merged = merge_plugin_set(defaults, {{{"D", 4}, {"B", 7}}, {}});
    CHECK(names(merged.enabled) == std::vector<std::string>{"A:1", "B:7", "C:3", "D:4"});
  }
  SECTION("disabled names drop defaults; \"*\" drops them all, keeping the custom ones") {
    CHECK(names(merge_plugin_set(defaults, {{}, {"A", "C"}}).enabled) == std::vector<std::string>{"B:2"});
    PluginSet all = merge_plugin_set(defaults, {{{"B", 5}}, {"*"}});
    CHECK(names(all.enabled) == std::vector<std::string>{"B:5"});
    CHECK(all.disabled == std::vector<std::string>{"*"});
  }
  SECTION("a default named twice: the last replaces it, the first is appended (and later rejected)") {
    PluginSet merged = merge_plugin_set(defaults, {{{"B", 5}, {"B", 6}}, {}});
    CHECK(names(merged.enabled) == std::vector<std::string>{"A:1", "B:6", "C:3", "B:5"});
  }
}

TEST_CASE("no configuration resolves to each version's default profile", "[scheduler_config]") {
  for (const char* v : {"1.20", "1.32"}) {
    auto r = resolve_profiles(v, {});
    REQUIRE(r.is_ok());
    REQUIRE(r.value().size() == 1);
    ProfileConfig d = default_profile_config(v);
    CHECK(r.value()[0].schedulerName == "default-scheduler");
    CHECK(r.value()[0].filter == d.filter);
    CHECK(r.value()[0].score == d.score);
  }
}

TEST_CASE("1.20 (v1beta1): score weights change in place, disabled plugins leave", "[scheduler_config]") {
  Plugins p;
  p["score"] = {{{"NodeResourcesLeastAllocated", 20}, {"ImageLocality", 0}}, {"PodTopologySpread"}};
  ProfileConfig c = resolve_one("1.20", p);
  CHECK(c.score == Scores{{"NodeResourcesBalancedAllocation", 1},
                          {"ImageLocality", 1},  // weight 0 means 1 (getScoreWeights)
                          {"InterPodAffinity", 1},
                          {"NodeResourcesLeastAllocated", 20},
                          {"NodeAffinity", 1},
                          {"NodePreferAvoidPods", 10000},
                          {"TaintToleration", 1}});
  CHECK(c.filter == default_profile_config("1.20").filter);
}

TEST_CASE("1.32 (v1): explicit score entries override multiPoint and run first", "[scheduler_config]") {
  SECTION("a weight set at the score point wins over multiPoint's, and that plugin moves to the front") {
    Plugins p;
    p["score"] = {{{"NodeResourcesBalancedAllocation", 5}}, {}};
    ProfileConfig c = resolve_one("1.32", p);
    CHECK(c.score == Scores{{"NodeResourcesBalancedAllocation", 5},
                            {"TaintToleration", 3},
                            {"NodeAffinity", 2},
                            {"NodeResourcesFit", 1},
                            {"PodTopologySpread", 2},
                            {"InterPodAffinity", 2},
                            {"ImageLocality", 1}});
  }
  SECTION("disabling at the score point keeps the plugin's filter") {
    Plugins p;
    p["score"] = {{}, {"TaintToleration"}};
    ProfileConfig c = resolve_one("1.32", p);
    CHECK(c.score.front().first == "NodeAffinity");
    CHECK(std::count(c.filter.begin(), c.filter.end(), "TaintToleration") == 1);
  }
  SECTION("disabling \"*\" at score skips multiPoint expansion there") {
    Plugins p;
    p["score"] = {{{"ImageLocality", 4}}, {"*"}};
    CHECK(resolve_one("1.32", p).score == Scores{{"ImageLocality", 4}});
  }
  SECTION("multiPoint entries merge with the default multiPoint list") {
    Plugins p;
    p["multiPoint"] = {{{"TaintToleration", 9}}, {"ImageLocality"}};
    ProfileConfig c = resolve_one("1.32", p);
    CHECK(c.score.front() == std::make_pair(std::string("TaintToleration"), int64_t{9}));
    CHECK(c.score.size() == 6);
  }
}

TEST_CASE("profile resolution rejects double registration and repeated scheduler names", "[scheduler_config]") {
  SchedulerConfiguration c;
  Plugins twice;
  twice["filter"] = {{{"NodePorts", 0}, {"NodePorts", 0}}, {"*"}};
  c.profiles.push_back({"default-scheduler", twice, std::nullopt});
  auto r = resolve_profiles("1.20", c);
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message() == "profiles[0]: plugin \"NodePorts\" already registered as filter");

  SchedulerConfiguration same;
  same.profiles = {{"a", {}, std::nullopt}, {"a", {}, std::nullopt}};
  CHECK(resolve_profiles("1.32", same).status().message() == "profiles[1]: schedulerName \"a\": Duplicate value");
}

TEST_CASE("percentageOfNodesToScore: per profile over the top-level value", "[scheduler_config]") {
  SchedulerConfiguration c;
  c.percentageOfNodesToScore = 50;
  c.profiles = {{"a", {}, std::nullopt}, {"b", {}, 100}};
  auto r = resolve_profiles("1.32", c);
  REQUIRE(r.is_ok());
  CHECK(r.value()[0].percentageOfNodesToScore == 50);
  CHECK(r.value()[1].percentageOfNodesToScore == 100);
}

TEST_CASE("check_plugin: unknown, unmodelled, wrong extension point, removed names", "[scheduler_config]") {
  CHECK(check_plugin("1.20", "score", "NodeResourcesLeastAllocated", true) == std::nullopt);
  CHECK(check_plugin("1.32", "score", "NodeResourcesLeastAllocated", true) ==
        "unknown plugin \"NodeResourcesLeastAllocated\" (not a plugin of Kubernetes 1.32)");
  CHECK(check_plugin("1.32", "score", "Imagelocality", true) ==
        "unknown plugin \"Imagelocality\" (not a plugin of Kubernetes 1.32)");
  CHECK(check_plugin("1.32", "score", "InterPodAffinity", true) == std::nullopt);  // modelled now
  CHECK(check_plugin("1.32", "filter", "VolumeBinding", true) == "plugin \"VolumeBinding\" is not modelled by ktwin");
  CHECK(check_plugin("1.32", "filter", "ImageLocality", true) == "plugin \"ImageLocality\" does not extend FilterPlugin plugin");
  CHECK(check_plugin("1.32", "score", "InterPodAffinity", false) == std::nullopt);  // disabling is fine
  CHECK(check_plugin("1.32", "bind", "DefaultBinder", true) == std::nullopt);      // accepted, not modelled
  CHECK(check_plugin("1.32", "score", "*", true) == "\"*\" can only be disabled");
}

TEST_CASE("one scheduler, two profiles: pods go by schedulerName; an unknown name stays Pending",
          "[scheduler_config]") {
  Time t0 = Time(std::chrono::seconds(1'600'000'000));
  ktwin::sim::EventLoop loop{t0};
  MemoryStore store{loop, Rng(1, "store")};
  ktwin::testing::RecordingEvents events;
  Env env{loop, store, events, 1};
  REQUIRE(store.create(testing::make_node("worker1", "2", "3Gi")).is_ok());
  SchedulerConfiguration c;
  c.profiles = {{"default-scheduler", {}, std::nullopt}, {"batch", {}, std::nullopt}};
  auto configs = resolve_profiles("1.20", c);
  REQUIRE(configs.is_ok());
  auto profiles = build_profiles(configs.value(), &store);
  REQUIRE(profiles.is_ok());
  Scheduler scheduler(env, {}, std::move(profiles).value());
  scheduler.start();
  for (const char* name : {"web", "job", "stray"}) {
    auto pod = testing::make_pod(name);
    pod->spec.schedulerName = std::string(name) == "job" ? "batch" : std::string(name) == "stray" ? "nobody" : "";
    REQUIRE(store.create(pod).is_ok());
  }
  loop.run_until(t0 + std::chrono::minutes(1));
  CHECK(find<Pod>(store, "default", "web")->spec.nodeName == "worker1");
  CHECK(find<Pod>(store, "default", "job")->spec.nodeName == "worker1");
  auto stray = find<Pod>(store, "default", "stray");
  CHECK(stray->spec.nodeName.empty());
  CHECK(stray->find_condition("PodScheduled") == nullptr);  // no scheduler looked at it
  CHECK(events.count("FailedScheduling") == 0);
}
