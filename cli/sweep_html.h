// `ktwin sweep --report OUT.html`: the sweep's runs turned into the report page's input.
#pragma once

#include <string>
#include <vector>

#include "analysis/report/sweep_plot.h"
#include "cli/sweep_report.h"

namespace ktwin::cli {

// The page's data: per point its runs, failures and per-metric samples (null metrics left out).
analysis::report::SweepReportInput sweep_report_input(const std::vector<std::string>& args,
                                                      const std::vector<SweepParam>& params,
                                                      const std::vector<SweepPoint>& points,
                                                      const std::vector<SweepRun>& runs);

// Writes the page to `path`. Returns 0, or 1 when it cannot be written (said on stderr).
int write_sweep_html(const std::string& path, const std::vector<std::string>& args, const std::vector<SweepParam>& params,
                     const std::vector<SweepPoint>& points, const std::vector<SweepRun>& runs);

}  // namespace ktwin::cli
