// Runs a scenario written inline by a test: loads it from a scratch file, runs it with its timeline
// output and trace captured, and fails the test (REQUIRE) when it does not load or run.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/runner.h"

namespace ktwin::testing {

struct ScenarioTextRun {
  sim::RunResult result;
  std::string out, trace;  // the timeline as printed; the JSONL trace
};

inline ScenarioTextRun run_scenario_text(const std::string& text, const sim::LoadOptions& load_options = {}) {
  static int counter = 0;
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("ktwin-run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".yaml");
  std::ofstream(file) << text;
  auto loaded = sim::load_scenario(file.string(), load_options);
  std::filesystem::remove(file);
  INFO(loaded.status().message());
  REQUIRE(loaded.is_ok());
  std::ostringstream out, trace;
  sim::RunOptions options;
  options.out = &out;
  options.trace = &trace;
  auto result = sim::run_scenario(loaded.value(), options);
  REQUIRE(result.is_ok());
  return {result.value(), out.str(), trace.str()};
}

}  // namespace ktwin::testing
