// The runner's progress callback: it sees the fraction grow to 1 and changes nothing in the run.
#include <catch2/catch.hpp>
#include <sstream>

#include "sim/runner.h"

namespace ktwin::sim {
namespace {

std::string traced(const Scenario& s, std::function<void(double)> progress, std::string* out) {
  std::ostringstream text, trace;
  RunOptions options;
  options.out = &text;
  options.trace = &trace;
  options.progress = std::move(progress);
  auto result = run_scenario(s, options);
  REQUIRE(result.is_ok());
  *out = text.str();
  return trace.str();
}

TEST_CASE("a progress callback sees the run advance and leaves output and trace unchanged", "[runner]") {
  auto loaded = load_scenario(std::string(KTWIN_SOURCE_DIR) + "/scenarios/letschat-node-halt.yaml");
  REQUIRE(loaded.is_ok());
  std::vector<double> seen;
  std::string out_plain, out_progress;
  std::string plain = traced(loaded.value(), nullptr, &out_plain);
  std::string with = traced(
      loaded.value(), [&](double f) { seen.push_back(f); }, &out_progress);
  CHECK(with == plain);
  CHECK(out_progress == out_plain);
  REQUIRE(seen.size() == 200);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(seen.front() == 0.005);
  CHECK(seen.back() == 1.0);
}

}  // namespace
}  // namespace ktwin::sim
