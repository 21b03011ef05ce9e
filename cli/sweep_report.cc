// Sweep output: one CSV row per run, per-point statistics (analysis/statistics.h), and a plain
// sentence about how recovery moves with the first swept param.
#include "cli/sweep_report.h"

#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "analysis/statistics.h"
#include "core/util/time.h"

namespace ktwin::cli {
namespace {

using Stats = std::map<std::string, analysis::Summary>;  // metric -> summary over one point's seeds

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number(double v) {
  std::ostringstream s;
  s << std::setprecision(10) << v;
  return s.str();
}

// Durations read better as Go durations; other metrics are counts or replica-seconds.
std::string human(const std::string& metric, double v) {
  bool is_time = metric.find("time_to_") != std::string::npos || metric.find(".svc.") != std::string::npos;
  if (is_time)
    return core::format_go_duration(core::millis(std::llround(v * 1000)));
  std::ostringstream s;
  s << std::fixed << std::setprecision(v == std::floor(v) ? 0 : 1) << v;
  return s.str();
}

std::string point_text(const SweepPoint& point) {
  std::string text;
  for (const auto& [k, v] : point) text += (text.empty() ? "" : ", ") + k + "=" + v;
  return text;
}

// Metric names in first-appearance order: every run of one scenario has nearly the same set.
std::vector<std::string> metric_names(const std::vector<SweepRun>& runs) {
  std::vector<std::string> names;
  std::map<std::string, bool> seen;
  for (const SweepRun& r : runs)
    for (const auto& [name, value] : r.metrics)
      if (!seen[name]) {
        seen[name] = true;
        names.push_back(name);
      }
  return names;
}

std::vector<Stats> summarize(const std::vector<SweepPoint>& points, const std::vector<SweepRun>& runs) {
  std::vector<std::map<std::string, std::vector<double>>> samples(points.size());
  for (const SweepRun& r : runs)
    for (const auto& [name, value] : r.metrics)
      if (value) samples[r.point][name].push_back(*value);  // null: did not happen, not a zero
  std::vector<Stats> stats(points.size());
  for (size_t p = 0; p < points.size(); ++p)
    for (auto& [name, sample] : samples[p]) stats[p][name] = analysis::summarize(sample);
  return stats;
}

bool write_runs_csv(const std::string& path, const std::vector<SweepParam>& params, const std::vector<SweepPoint>& points,
                    const std::vector<SweepRun>& runs, const std::vector<std::string>& names) {
  std::ofstream f(path);
  for (const SweepParam& p : params) f << csv_cell(p.key) << ",";
  f << "seed,failed_expectations,error";
  for (const std::string& n : names) f << "," << csv_cell(n);
  f << "\n";
  for (const SweepRun& r : runs) {
    for (const auto& [k, v] : points[r.point]) f << csv_cell(v) << ",";
    f << r.seed << "," << r.failed_expectations << "," << csv_cell(r.error);
    std::map<std::string, std::optional<double>> by_name(r.metrics.begin(), r.metrics.end());
    for (const std::string& n : names) {
      auto it = by_name.find(n);
      f << "," << (it != by_name.end() && it->second ? number(*it->second) : "");
    }
    f << "\n";
  }
  return static_cast<bool>(f);
}

bool write_summary_csv(const std::string& path, const std::vector<SweepParam>& params, const std::vector<SweepPoint>& points,
                       const std::vector<Stats>& stats, const std::vector<std::string>& names) {
  std::ofstream f(path);
  for (const SweepParam& p : params) f << csv_cell(p.key) << ",";
  f << "metric,n,mean,p50,p95,min,max,stddev\n";
  for (size_t p = 0; p < points.size(); ++p)
    for (const std::string& n : names) {
      auto it = stats[p].find(n);
      if (it == stats[p].end()) continue;
      const analysis::Summary& s = it->second;
      for (const auto& [k, v] : points[p]) f << csv_cell(v) << ",";
      f << csv_cell(n) << "," << s.n << "," << number(s.mean) << "," << number(s.p50) << "," << number(s.p95) << ","
        << number(s.min) << "," << number(s.max) << "," << number(s.stddev) << "\n";
    }
  return static_cast<bool>(f);
}

// Leaves out metrics that are null or zero in every run (unaffected deployments): they are in the CSVs.
std::vector<std::string> interesting(const std::vector<Stats>& stats, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& n : names)
    for (const Stats& s : stats) {
      auto it = s.find(n);
      if (it != s.end() && (it->second.min != 0 || it->second.max != 0)) {
        out.push_back(n);
        break;
      }
    }
  return out;
}

void print_table(std::ostream& out, const std::vector<SweepPoint>& points, const std::vector<SweepRun>& runs,
                 const std::vector<Stats>& stats, const std::vector<std::string>& names) {
  for (size_t p = 0; p < points.size(); ++p) {
    size_t n = 0, failed = 0;
    for (const SweepRun& r : runs)
      if (r.point == p) ++n, failed += (r.failed_expectations > 0 || !r.error.empty());
    out << point_text(points[p]) << " (" << n << " runs, " << failed << " with failed expectations)\n";
    std::vector<std::vector<std::string>> rows = {{"METRIC", "N", "MEAN", "P50", "P95", "MIN", "MAX"}};
    for (const std::string& m : names) {
      auto it = stats[p].find(m);
      if (it == stats[p].end()) continue;
      const analysis::Summary& s = it->second;
      rows.push_back({m, std::to_string(s.n), human(m, s.mean), human(m, s.p50), human(m, s.p95), human(m, s.min),
                      human(m, s.max)});
    }
    std::vector<size_t> width(rows[0].size(), 0);
    for (const auto& row : rows)
      for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    for (const auto& row : rows)
      for (size_t i = 0; i < row.size(); ++i)
        out << "  " << row[i] << (i + 1 < row.size() ? std::string(width[i] - row[i].size() + 1, ' ') : "\n");
    out << "\n";
  }
}

// One paragraph: how eviction and recovery move along the first param that has several values,
// the other params held at their first value.
void print_trade_off(std::ostream& out, const std::vector<SweepParam>& params, const std::vector<SweepPoint>& points,
                     const std::vector<Stats>& stats, const std::vector<std::string>& names) {
  size_t axis = 0;
  while (axis < params.size() && params[axis].values.size() < 2) ++axis;
  if (axis == params.size()) return;
  std::vector<size_t> line;  // points along the axis
  for (size_t p = 0; p < points.size(); ++p) {
    bool others_first = true;
    for (size_t k = 0; k < params.size(); ++k)
      if (k != axis && points[p][k].second != params[k].values[0]) others_first = false;
    if (others_first) line.push_back(p);
  }
  const std::string& key = params[axis].key;
  auto along = [&](const std::string& metric) {
    std::string text;
    for (size_t p : line) {
      auto it = stats[p].find(metric);
      text += (text.empty() ? "" : " / ") + (it == stats[p].end() ? "-" : human(metric, it->second.p50));
    }
    return text;
  };
  std::string values;
  for (size_t p : line) values += (values.empty() ? "" : " / ") + points[p][axis].second;
  out << "Trade-off: along " << key << " = " << values << ", p50 first eviction " << along("time_to_evict");
  double first_sum = 0, last_sum = 0;
  for (const std::string& m : names) {
    if (m.size() < 16 || m.compare(m.size() - 16, 16, ".time_to_recover") != 0) continue;
    auto a = stats[line.front()].find(m), b = stats[line.back()].find(m);
    if (a == stats[line.front()].end() || b == stats[line.back()].end()) continue;
    first_sum += a->second.p50;
    last_sum += b->second.p50;
    out << "; p50 recovery of " << m.substr(0, m.size() - 16) << " " << along(m);
  }
  std::string lo = params[axis].values.front(), hi = params[axis].values.back();
  if (last_sum > first_sum)
    out << ". Lower " << key << " recovers faster (" << lo << " rather than " << hi << ")";
  else if (last_sum < first_sum)
    out << ". Higher " << key << " recovers faster (" << hi << " rather than " << lo << ")";
  else
    out << ". " << key << " does not move recovery here";
  bool counted = false;
  for (size_t p : line) counted |= stats[p].count("false_evictions") > 0;
  if (counted)
    out << "; the price of a short timeout, evicting pods on transient blips: p50 false evictions (pods evicted "
           "from a node that came back) "
        << along("false_evictions") << ".\n";
  else
    out << "; the price of a short timeout, evicting pods on transient blips, needs flapping faults to show "
           "and this sweep does not count it.\n";
}

}  // namespace

bool write_runs_csv(const std::string& path, const std::vector<SweepParam>& params,
                    const std::vector<SweepPoint>& points, const std::vector<SweepRun>& runs) {
  return write_runs_csv(path, params, points, runs, metric_names(runs));
}

int write_sweep_report(const std::vector<SweepParam>& params, const std::vector<SweepPoint>& points,
                       const std::vector<SweepRun>& runs, const std::string& dir, std::ostream& out) {
  int status = 0;
  for (const SweepRun& r : runs)
    if (!r.error.empty()) {
      std::cerr << "ktwin sweep: " << point_text(points[r.point]) << " seed " << r.seed << ": " << r.error << "\n";
      status = 1;
    }
  std::vector<std::string> names = metric_names(runs);
  std::vector<Stats> stats = summarize(points, runs);
  if (!write_runs_csv(dir + "/runs.csv", params, points, runs) ||
      !write_summary_csv(dir + "/summary.csv", params, points, stats, names)) {
    std::cerr << "ktwin sweep: cannot write the CSV files in " << dir << "\n";
    status = 1;
  }
  std::vector<std::string> shown = interesting(stats, names);
  print_table(out, points, runs, stats, shown);
  out << "(" << names.size() - shown.size() << " metrics null or zero in every run are only in " << dir
      << "/summary.csv)\n\n";
  print_trade_off(out, params, points, stats, shown);
  return status;
}

}  // namespace ktwin::cli
