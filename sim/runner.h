// Runs a scenario: builds the cluster, plays the timeline, prints snapshots as kubectl would, checks
// the expectations, and optionally writes the JSONL trace.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "sim/scenario/scenario.h"
#include "sim/timeline.h"

namespace ktwin::sim {

struct RunOptions {
  std::ostream* out = nullptr;    // timeline, snapshots, summary; null for silence
  std::ostream* trace = nullptr;  // JSONL trace; null for none
  Timeline::Detail detail = Timeline::Detail::kEvents;
  // Progress: called with the fraction of `duration` simulated so far, about 200 times a run, from
  // the running thread between events (never inside one). Null for none; the run is the same.
  std::function<void(double fraction)> progress;
  // --explain-scheduling: pod name prefixes ("web", "default/web-") whose scheduling attempts are
  // printed as tables to `explain_out` (stdout's stream when null). Empty: nothing is attached.
  std::vector<std::string> explain_pods;
  std::ostream* explain_out = nullptr;
  // The process exits after this run (`ktwin run`): the cluster is left for the OS to reclaim instead
  // of being freed object by object, which was 4% of kubemark-5k's run (docs/performance.md).
  bool skip_teardown = false;
};

struct RunResult {
  std::vector<std::string> failures;  // one line per failed expectation or action
  size_t expectations = 0;
  uint64_t tasks_run = 0;  // executor tasks: the simulator's unit of work
  bool ok() const { return failures.empty(); }
};

// REQUIRES: `scenario` came from load_scenario (validated).
core::Result<RunResult> run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace ktwin::sim
