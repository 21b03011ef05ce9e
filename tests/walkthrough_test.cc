// The Let's Chat walk-through end to end: the timeline comes out of the controllers' rules, moves with
// the knobs, and is byte-identical for the same seed.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <map>
#include <sstream>

#include "sim/runner.h"

using namespace ktwin;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string kScenario = std::string(KTWIN_SOURCE_DIR) + "/scenarios/letschat-node-halt.yaml";
constexpr core::Duration kHalt = 5min;  // the scenario halts worker2 at 5m

struct Traced {
  sim::RunResult result;
  std::string out, trace;
  std::vector<json> lines;

  // When an Event with `reason` was first recorded about an object whose name contains `name`.
  std::optional<core::Duration> first(const std::string& reason, const std::string& name = "") const {
    for (const json& l : lines)
      if (l.value("event", "") == reason && l.value("name", "").find(name) != std::string::npos)
        return core::parse_go_duration(l["t"].get<std::string>());
    return std::nullopt;
  }
  size_t count(const std::string& reason) const {
    return std::count_if(lines.begin(), lines.end(), [&](const json& l) { return l.value("event", "") == reason; });
  }
};

Traced run_scenario(const sim::Scenario& scenario) {
  std::ostringstream out, trace;
  sim::RunOptions options;
  options.out = &out;
  options.trace = &trace;
  auto result = sim::run_scenario(scenario, options);
  REQUIRE(result.is_ok());
  Traced t{result.value(), out.str(), trace.str(), {}};
  std::istringstream in(t.trace);
  for (std::string line; std::getline(in, line);) t.lines.push_back(json::parse(line));
  return t;
}

// A pod row of a `kubectl get ... -o wide` snapshot (kubectl 1.20: RESTARTS is a bare count).
struct PodRow {
  std::string ready, status, node;
  int restarts = 0;
};

// The pod rows of the snapshot taken at `at`, by pod name.
std::map<std::string, PodRow> pods_at(const Traced& t, const std::string& at) {
  std::map<std::string, PodRow> rows;
  for (const json& l : t.lines) {
    if (l.value("scenario", "") != "snapshot" || l["t"] != at) continue;
    std::istringstream out(l["details"]["output"].get<std::string>());
    for (std::string line; std::getline(out, line);) {
      if (line.rfind("pod/", 0) != 0) continue;
      std::istringstream cols(line);
      std::string name, age, ip;
      PodRow row;
      cols >> name >> row.ready >> row.status >> row.restarts >> age >> ip >> row.node;
      rows[name.substr(4)] = row;
    }
  }
  return rows;
}

sim::Scenario load(const sim::LoadOptions& options = {}) {
  auto scenario = sim::load_scenario(kScenario, options);
  REQUIRE(scenario.is_ok());
  return scenario.value();
}

}  // namespace

TEST_CASE("the walk-through reproduces the real cluster's timeline", "[e2e]") {
  Traced t = run_scenario(load());
  INFO(t.out);
  CHECK(t.result.ok());
  CHECK(t.result.expectations == 15);

  auto not_ready = t.first("NodeNotReady", "worker2");
  auto evicted = t.first("TaintManagerEviction");
  REQUIRE(not_ready);
  REQUIRE(evicted);
  // Reference 1.9: NotReady about 30-45 s after the halt (the grace period after the last lease
  // renewal, seen at the next 5 s monitor pass); the NoExecute taint one pass (about 5 s) later;
  // the eviction 300 s after the taint.
  CHECK(*not_ready - kHalt >= 30s);
  CHECK(*not_ready - kHalt <= 45s);
  CHECK(*evicted - *not_ready >= 300s + 4s);
  CHECK(*evicted - *not_ready <= 300s + 6s);
  // Every pod of worker2 (mongo and the letschat pods there) is evicted at the same instant.
  CHECK(t.count("TaintManagerEviction") >= 2);
  // The letschat pods elsewhere crash-loop while mongo has no ready endpoint.
  CHECK(t.count("BackOff") >= 6);
}

TEST_CASE("the same seed gives a byte-identical trace and output", "[e2e]") {
  Traced a = run_scenario(load()), b = run_scenario(load());
  CHECK(a.trace == b.trace);
  CHECK(a.out == b.out);
  sim::LoadOptions other;
  other.seed = 7;
  CHECK(run_scenario(load(other)).trace != a.trace);
}

TEST_CASE("a shorter grace period and toleration move NotReady and the eviction", "[e2e]") {
  sim::LoadOptions options;
  options.set = {{"controlPlane.nodeMonitorGracePeriod", "20s"},
                 {"controlPlane.defaultUnreachableTolerationSeconds", "60"}};
  Traced t = run_scenario(load(options));
  auto not_ready = t.first("NodeNotReady", "worker2");
  auto evicted = t.first("TaintManagerEviction");
  REQUIRE(not_ready);
  REQUIRE(evicted);
  CHECK(*not_ready - kHalt >= 10s);
  CHECK(*not_ready - kHalt <= 25s);
  CHECK(*evicted - *not_ready >= 60s + 4s);
  CHECK(*evicted - *not_ready <= 60s + 6s);
}

TEST_CASE("legacy eviction counts pod-eviction-timeout from the last heartbeat", "[e2e]") {
  sim::LoadOptions options;
  options.set = {{"controlPlane.evictionMode", "legacy"}, {"controlPlane.podEvictionTimeout", "1m"}};
  Traced t = run_scenario(load(options));
  CHECK(t.count("TaintManagerEviction") == 0);
  // Reference 1.6: with a 1 min timeout the pods go 50-70 s after the halt.
  std::optional<core::Duration> deleted;
  for (const json& l : t.lines) {
    if (l.value("kind", "") != "Pod" || l.value("change", "") != "MODIFIED") continue;
    if (l["patch"].dump().find("/metadata/deletionTimestamp") == std::string::npos) continue;
    auto at = core::parse_go_duration(l["t"].get<std::string>());
    if (*at < kHalt) continue;  // the walk-through's own delete at 1m
    deleted = at;
    break;
  }
  REQUIRE(deleted);
  CHECK(*deleted - kHalt >= 50s);
  CHECK(*deleted - kHalt <= 70s);
}

TEST_CASE("Kubernetes 1.32's default grace period is 50 s", "[e2e]") {
  sim::LoadOptions options;
  options.set = {{"kubernetesVersion", "1.32"}};
  sim::Scenario s = load(options);
  s.controlPlane.erase("nodeMonitorGracePeriod");  // the scenario pins 40s; use the version's default
  Traced t = run_scenario(s);
  auto not_ready = t.first("NodeNotReady", "worker2");
  REQUIRE(not_ready);
  CHECK(*not_ready - kHalt >= 40s);
  CHECK(*not_ready - kHalt <= 55s);
}

TEST_CASE("letschat crash-loops with RESTARTS climbing while mongo is away, then recovers", "[e2e]") {
  Traced t = run_scenario(load());
  auto before = pods_at(t, "4m0s"), during = pods_at(t, "9m0s"), after = pods_at(t, "13m0s");
  REQUIRE_FALSE(before.empty());
  REQUIRE_FALSE(during.empty());
  REQUIRE_FALSE(after.empty());
  std::vector<std::string> survivors;  // letschat pods away from worker2: they lose mongo but keep running
  for (const auto& [name, row] : during)
    if (name.rfind("letschat-", 0) == 0 && row.node != "worker2") survivors.push_back(name);
  REQUIRE(survivors.size() >= 5);
  for (const std::string& pod : survivors) {
    INFO(pod);
    // 4m: healthy. 9m: mongo's endpoint went with worker2 (NotReady at ~5m40s), so the container
    // exits after each start; the kubelet restarts it after 10, 20, 40, 80 s of back-off (5 restarts
    // by 9m, the next due 160 s later), as the real cluster's RESTARTS 4 at the same stage.
    CHECK(before.at(pod).status == "Running");
    CHECK(before.at(pod).restarts == 0);
    CHECK(during.at(pod).status == "CrashLoopBackOff");
    CHECK(during.at(pod).ready == "0/1");
    CHECK(during.at(pod).restarts == 5);
    // 13m: mongo was evicted and rescheduled; the next restart finds it and stays up.
    CHECK(after.at(pod).status == "Running");
    CHECK(after.at(pod).ready == "1/1");
    CHECK(after.at(pod).restarts == 6);
  }
  // mongo rescheduled off worker2, Running; its old pod stays Terminating on the powered-off node.
  int mongo_running = 0;
  for (const auto& [name, row] : after)
    if (name.rfind("mongo-", 0) == 0 && row.status == "Running") {
      ++mongo_running;
      CHECK(row.node != "worker2");
      CHECK_FALSE(during.count(name));  // a new pod, created after 9m
    }
  CHECK(mongo_running == 1);

  // The restarts of one survivor, from the trace: the back-off doubles (10 s, 20 s, 40 s, 80 s, 160 s;
  // k/k pkg/kubelet/kubelet.go: backOffPeriod 10 s, MaxContainerBackOff 300 s), so the gaps between
  // restarts grow by 10, 20, 40, 80 s (each gap also holds the same start-up and failure time).
  std::vector<double> restarts;
  for (const json& l : t.lines) {
    if (l.value("name", "") != "default/" + survivors[0] || l.value("change", "") != "MODIFIED") continue;
    for (const json& op : l["patch"])
      if (op["path"] == "/status/containerStatuses/0/restartCount")
        restarts.push_back(core::to_seconds(*core::parse_go_duration(l["t"].get<std::string>())));
  }
  REQUIRE(restarts.size() == 6);
  CHECK(restarts[0] - core::to_seconds(kHalt) >= 40);  // only after mongo's endpoint went (NotReady)
  for (size_t i = 1; i + 1 < restarts.size(); ++i) {
    double grew = (restarts[i + 1] - restarts[i]) - (restarts[i] - restarts[i - 1]);
    CHECK(grew == Approx(10 * (1 << (i - 1))).margin(0.5));
  }
}
