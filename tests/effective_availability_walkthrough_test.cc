// Effective availability of the walk-through's entry point: letschat is down while it or mongo is.
#include <catch2/catch.hpp>
#include <sstream>

#include "analysis/metrics.h"
#include "sim/runner.h"

using namespace ktwin;

TEST_CASE("the letschat entry point is unavailable while mongo or letschat has no ready endpoint", "[metrics][e2e]") {
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

  const analysis::EffectiveAvailability& a = m.effective_availability;
  CHECK(a.fault == "haltNode");
  CHECK(a.since == Approx(300));
  // mongo is needed by letschat (apps.sdelements/lets-chat.dependsOn); the NodePort letschat is not
  // needed by anything: the one entry point.
  REQUIRE(a.entry_points.size() == 1);
  const analysis::EntryPointAvailability& e = a.entry_points[0];
  CHECK(e.name == "default/letschat");
  CHECK(e.needs == std::vector<std::string>{"default/mongo"});
  double mongo_down = 0, letschat_down = 0;
  for (const analysis::ServiceMetrics& s : m.services) {
    if (s.name == "default/mongo") mongo_down = s.zero_ready_endpoint_seconds_after_halt.value_or(-1);
    if (s.name == "default/letschat") letschat_down = s.zero_ready_endpoint_seconds_after_halt.value_or(-1);
  }
  // mongo is gone from NotReady (~40 s after the halt) until its replacement is ready after the
  // eviction (~5m48s): about 5 min. letschat loses its own endpoints 1 s later (its containers
  // exit) and gets them back after mongo. Down while either is down: at least each, at most both.
  CHECK(mongo_down > 290);
  CHECK(e.unavailable_seconds >= std::max(mongo_down, letschat_down));
  CHECK(e.unavailable_seconds <= mongo_down + letschat_down);
  CHECK(e.unavailable_seconds <= *m.time_to_evict + 60);  // back within a minute of the eviction
  // Over its life (created at 2m30s, the run ends at 20m: 1050 s) it is up the rest of the time.
  REQUIRE(e.availability);
  CHECK(*e.availability == Approx(1 - e.unavailable_seconds / 1050).margin(0.01));
}
