// Sweep runs -> SweepReportInput -> analysis/report's page, written to a file.
#include "cli/sweep_html.h"

#include <fstream>
#include <iostream>
#include <set>

namespace ktwin::cli {

analysis::report::SweepReportInput sweep_report_input(const std::vector<std::string>& args,
                                                      const std::vector<SweepParam>& params,
                                                      const std::vector<SweepPoint>& points,
                                                      const std::vector<SweepRun>& runs) {
  analysis::report::SweepReportInput in;
  in.command = "ktwin sweep";
  for (const std::string& a : args) in.command += " " + a;
  for (const SweepParam& p : params) in.keys.push_back(p.key), in.values.push_back(p.values);
  for (const SweepPoint& point : points) {
    std::vector<std::string> values;
    for (const auto& [k, v] : point) values.push_back(v);
    in.points.push_back(std::move(values));
  }
  in.runs.assign(points.size(), 0);
  in.failed.assign(points.size(), 0);
  in.samples.resize(points.size());
  std::set<std::string> seen;
  for (const SweepRun& r : runs) {
    ++in.runs[r.point];
    in.failed[r.point] += (r.failed_expectations > 0 || !r.error.empty());
    for (const auto& [name, value] : r.metrics) {
      if (seen.insert(name).second) in.metrics.push_back(name);  // first-appearance order, as the CSV
      if (value) in.samples[r.point][name].push_back(*value);
    }
  }
  return in;
}

int write_sweep_html(const std::string& path, const std::vector<std::string>& args, const std::vector<SweepParam>& params,
                     const std::vector<SweepPoint>& points, const std::vector<SweepRun>& runs) {
  std::ofstream out(path);
  if (!(out << analysis::report::render_sweep_report(sweep_report_input(args, params, points, runs)))) {
    std::cerr << "ktwin sweep: cannot write " << path << "\n";
    return 1;
  }
  return 0;
}

}  // namespace ktwin::cli
