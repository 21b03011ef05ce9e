// The HTML report of one run: metrics, pods per node over time, ready replicas, the scenario's lines.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/status.h"

namespace ktwin::analysis::report {

struct RunReportInfo {
  std::string scenario;  // metadata.name
  uint64_t seed = 0;
  std::string command;  // as typed, shown so the page says how to make it again
};

// One self-contained HTML page from the run's trace (TraceWriter lines, in order). Same trace and
// info, same bytes. Invalid when the trace does not replay (see compute_metrics).
core::Result<std::string> render_run_report(const RunReportInfo& info, const std::vector<nlohmann::json>& trace);

}  // namespace ktwin::analysis::report
