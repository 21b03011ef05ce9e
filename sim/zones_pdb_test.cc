// The shipped zone and budget scenarios end to end: their expectations hold, and the timeline carries
// kube-controller-manager's zone lines and kubectl drain's eviction retries, the same on every run.
#include <catch2/catch.hpp>
#include <sstream>

#include "sim/runner.h"

namespace ktwin::sim {
namespace {

const std::string kFaults = std::string(KTWIN_SOURCE_DIR) + "/scenarios/faults/";

std::string run_file(const std::string& name) {
  auto loaded = load_scenario(kFaults + name);
  INFO(loaded.status().message());
  REQUIRE(loaded.is_ok());
  std::ostringstream out;
  RunOptions options;
  options.out = &out;
  auto result = run_scenario(loaded.value(), options);
  REQUIRE(result.is_ok());
  INFO(out.str());
  CHECK(result.value().failures.empty());
  return out.str();
}

bool has_line(const std::string& out, const std::string& line) {
  return out.find(line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("one zone down: FullDisruption logged, the other zone never tainted", "[zones]") {
  std::string out = run_file("zone-outage-one.yaml");
  CHECK(has_line(out, "[+1m40.04s] kube-controller-manager[node-controller]: Controller detected that zone :\\x00:a is "
                      "now in state FullDisruption."));
  CHECK(out.find("Entering master disruption mode") == std::string::npos);
  CHECK(out.find("node/b-1 tainted") == std::string::npos);
  CHECK(run_file("zone-outage-one.yaml") == out);
}

TEST_CASE("every zone down: master disruption mode untaints, and is left on the heal", "[zones]") {
  std::string out = run_file("zone-outage-full.yaml");
  CHECK(has_line(out, "[+1m50.044s] kube-controller-manager[node-controller]: Controller detected that all Nodes are "
                      "not-Ready. Entering master disruption mode."));
  CHECK(has_line(out, "[+1m50.044s] node/a-2 untainted node.kubernetes.io/unreachable:NoExecute"));
  CHECK(out.find("Exiting master disruption mode.") != std::string::npos);
  CHECK(out.find("TaintManagerEviction: Marking for deletion") == std::string::npos);
}

TEST_CASE("a drain under a budget retries every 5 s with kubectl's message", "[pdb]") {
  std::string out = run_file("drain-pdb.yaml");
  const std::string refused = "error when evicting pods/\"web-5475c74c49-jhvc4\" -n \"default\" (will retry after 5s): "
                              "Cannot evict pod as it would violate the pod's disruption budget.";
  for (const char* at : {"[+2m0s] ", "[+2m5s] ", "[+2m10s] ", "[+2m15s] ", "[+2m20s] "})
    CHECK(has_line(out, at + refused));
  CHECK(has_line(out, "[+2m25s] evicting pod default/web-5475c74c49-jhvc4"));
  CHECK(has_line(out, "[+2m26s] node/worker2 drained"));
  CHECK(out.find("web    N/A             1                 1                     60s") != std::string::npos);
}

}  // namespace ktwin::sim

namespace ktwin::sim {

TEST_CASE("zone state log lines are in the trace", "[zones]") {
  auto loaded = load_scenario(kFaults + "zone-outage-one.yaml");
  REQUIRE(loaded.is_ok());
  std::ostringstream out, trace;
  RunOptions options;
  options.out = &out;
  options.trace = &trace;
  REQUIRE(run_scenario(loaded.value(), options).is_ok());
  CHECK(trace.str().find(R"("log":"node-controller","message":"Controller detected that zone :\\x00:a is now in state )"
                         R"(FullDisruption.")") != std::string::npos);
}

}  // namespace ktwin::sim
