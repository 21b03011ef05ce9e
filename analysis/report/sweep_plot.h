// The data of a sweep's report: per metric, its mean and p5-p95 spread against the swept parameter,
// one series per combination of the other parameters; and the page that shows them.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ktwin::analysis::report {

struct SweepReportInput {
  std::string command;  // as typed
  std::vector<std::string> keys;                 // the params, in the order given
  std::vector<std::vector<std::string>> values;  // per key, its values in the order given
  std::vector<std::vector<std::string>> points;  // per point, one value per key
  std::vector<size_t> runs, failed;              // per point: runs, runs with a failed expectation or error
  // Per point: metric -> its value in each run where it happened (null metrics are left out, not zero).
  std::vector<std::map<std::string, std::vector<double>>> samples;
  std::vector<std::string> metrics;  // metric names in display order
};

struct ErrorBarPoint {
  double x = 0;        // the parameter's value when numeric, else its index
  std::string x_text;  // the value as given
  size_t n = 0;        // runs where the metric happened
  double mean = 0, p5 = 0, p95 = 0, min = 0, max = 0;  // percentiles as analysis::percentile
};

struct SweepSeries {
  std::string label;  // the other params' values, "evictionMode=taints"; "all runs" when there are none
  std::vector<ErrorBarPoint> points;  // in the order of the axis param's values; points with n = 0 left out
};

struct SweepPlot {
  std::string metric;
  std::string axis_key;   // the first param with two or more values (else the first param)
  bool numeric = false;   // every value of the axis param is a number
  bool duration = false;  // the metric is in seconds (see is_duration_metric)
  std::vector<SweepSeries> series;
};

// Metrics measured in seconds, by name, as sweep_report prints them: "time_to_*" and Service metrics.
bool is_duration_metric(const std::string& metric);

// One plot per metric that is non-zero in some run; metrics null or zero everywhere are left out.
std::vector<SweepPlot> sweep_plots(const SweepReportInput& input);

// The page: the command, per-point run counts, one chart per plot (mean, bars p5 to p95), the summary
// table. Same input, same bytes.
std::string render_sweep_report(const SweepReportInput& input);

}  // namespace ktwin::analysis::report
