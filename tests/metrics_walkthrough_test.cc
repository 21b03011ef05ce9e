// Metrics of the real walk-through trace fall where the reference cluster's timings put them.
#include <catch2/catch.hpp>
#include <sstream>

#include "analysis/metrics.h"
#include "sim/runner.h"

using namespace ktwin;

namespace {

const analysis::DeploymentMetrics* deployment(const analysis::Metrics& m, const std::string& name) {
  for (const auto& d : m.deployments)
    if (d.name == name) return &d;
  return nullptr;
}

TEST_CASE("metrics of the Let's Chat walk-through", "[metrics][e2e]") {
  auto scenario = sim::load_scenario(std::string(KTWIN_SOURCE_DIR) + "/scenarios/letschat-node-halt.yaml");
  REQUIRE(scenario.is_ok());
  std::ostringstream trace;
  sim::RunOptions options;
  options.trace = &trace;
  REQUIRE(sim::run_scenario(scenario.value(), options).is_ok());
  std::istringstream in(trace.str());
  auto lines = analysis::parse_trace(in);
  REQUIRE(lines.is_ok());
  auto computed = analysis::compute_metrics(lines.value());
  REQUIRE(computed.is_ok());
  const analysis::Metrics& m = computed.value();
  INFO(analysis::metrics_table(m));

  CHECK(m.halted_node == "worker2");
  // Reference: NotReady after the 40 s grace period (+ up to one 5 s monitor period); eviction after
  // the 300 s toleration counted from the taint, i.e. 40 s + 300 s + a few seconds.
  REQUIRE(m.time_to_detect);
  CHECK(*m.time_to_detect >= 30);
  CHECK(*m.time_to_detect <= 45);
  REQUIRE(m.time_to_evict);
  CHECK(*m.time_to_evict >= 335);
  CHECK(*m.time_to_evict <= 350);

  const auto* mongo = deployment(m, "default/mongo");
  const auto* letschat = deployment(m, "default/letschat");
  REQUIRE(mongo);
  REQUIRE(letschat);
  // mongo's only pod was on worker2: back once its replacement starts (3 s startup) after eviction.
  REQUIRE(mongo->time_to_recover);
  CHECK(*mongo->time_to_recover >= *m.time_to_evict);
  CHECK(*mongo->time_to_recover <= *m.time_to_evict + 60);
  REQUIRE(mongo->pods_rescheduled);
  CHECK(*mongo->pods_rescheduled == 1);
  // Down from NotReady to recovery, one replica short.
  REQUIRE(mongo->unavailable_replica_seconds_after_halt);
  CHECK(*mongo->unavailable_replica_seconds_after_halt == Approx(*mongo->time_to_recover - *m.time_to_detect).margin(1));
  // letschat crash-loops while mongo is gone, and recovers only after it.
  CHECK(letschat->pod_restarts > 0);
  REQUIRE(letschat->time_to_recover);
  CHECK(*letschat->time_to_recover >= *mongo->time_to_recover);
  REQUIRE(letschat->pods_rescheduled);
  CHECK(*letschat->pods_rescheduled >= 1);
  // Unaffected: kube-system runs on the controller.
  const auto* coredns = deployment(m, "kube-system/coredns");
  REQUIRE(coredns);
  CHECK_FALSE(coredns->time_to_recover);
  CHECK_FALSE(coredns->time_to_evict);
}

}  // namespace
