// What a sweep writes: runs.csv, summary.csv, the summary table and the trade-off statement.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace ktwin::cli {

struct SweepParam {
  std::string key;                  // a --set key, e.g. controlPlane.defaultUnreachableTolerationSeconds
  std::vector<std::string> values;  // in the order given
};

using SweepPoint = std::vector<std::pair<std::string, std::string>>;  // one value per param

struct SweepRun {
  size_t point = 0;  // index into the points
  uint64_t seed = 0;
  size_t failed_expectations = 0;
  std::string error;  // non-empty when the run or its metrics failed
  std::vector<std::pair<std::string, std::optional<double>>> metrics;  // analysis::flatten_metrics
};

// Writes one CSV row per run (params, seed, failed_expectations, error, then every metric) to `path`.
// False when the file cannot be written.
bool write_runs_csv(const std::string& path, const std::vector<SweepParam>& params,
                    const std::vector<SweepPoint>& points, const std::vector<SweepRun>& runs);

// Writes DIR/runs.csv and DIR/summary.csv and prints the table and the trade-off to `out`.
// Returns 0, or 1 when a run failed or a file could not be written (said on stderr).
int write_sweep_report(const std::vector<SweepParam>& params, const std::vector<SweepPoint>& points,
                       const std::vector<SweepRun>& runs, const std::string& dir, std::ostream& out);

}  // namespace ktwin::cli
