// sweep_plots: groups points by the values of the params other than the axis one and summarizes
// each point's sample (analysis/statistics.h).
#include "analysis/report/sweep_plot.h"

#include <algorithm>
#include <cstdlib>

#include "analysis/statistics.h"

namespace ktwin::analysis::report {
namespace {

bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

size_t axis_of(const SweepReportInput& in) {
  for (size_t k = 0; k < in.keys.size(); ++k)
    if (k < in.values.size() && in.values[k].size() >= 2) return k;
  return 0;
}

bool interesting(const SweepReportInput& in, const std::string& metric) {
  for (const auto& point : in.samples) {
    auto it = point.find(metric);
    if (it == point.end()) continue;
    for (double v : it->second)
      if (v != 0) return true;
  }
  return false;
}

}  // namespace

bool is_duration_metric(const std::string& metric) {
  return metric.find("time_to_") != std::string::npos || metric.find(".svc.") != std::string::npos;
}

std::vector<SweepPlot> sweep_plots(const SweepReportInput& in) {
  std::vector<SweepPlot> plots;
  if (in.keys.empty()) return plots;
  size_t axis = axis_of(in);
  const std::vector<std::string>& axis_values = in.values[axis];
  bool numeric = true;
  std::vector<double> xs;
  for (size_t i = 0; i < axis_values.size(); ++i) {
    double v = 0;
    numeric = numeric && parse_number(axis_values[i], v);
    xs.push_back(v);
  }
  if (!numeric)
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<double>(i);

  // Series: the other params' values, in order of first appearance among the points.
  std::vector<std::string> labels;
  std::vector<size_t> series_of(in.points.size()), axis_index(in.points.size());
  for (size_t p = 0; p < in.points.size(); ++p) {
    std::string label;
    for (size_t k = 0; k < in.keys.size(); ++k)
      if (k != axis) label += (label.empty() ? "" : ", ") + in.keys[k] + "=" + in.points[p][k];
    if (label.empty()) label = "all runs";
    auto it = std::find(labels.begin(), labels.end(), label);
    series_of[p] = static_cast<size_t>(it - labels.begin());
    if (it == labels.end()) labels.push_back(label);
    axis_index[p] = static_cast<size_t>(
        std::find(axis_values.begin(), axis_values.end(), in.points[p][axis]) - axis_values.begin());
  }

  for (const std::string& metric : in.metrics) {
    if (!interesting(in, metric)) continue;
    SweepPlot plot{metric, in.keys[axis], numeric, is_duration_metric(metric), {}};
    for (const std::string& label : labels) plot.series.push_back({label, {}});
    for (size_t p = 0; p < in.points.size(); ++p) {
      auto it = in.samples[p].find(metric);
      if (it == in.samples[p].end() || it->second.empty() || axis_index[p] >= xs.size()) continue;
      std::vector<double> sorted = it->second;
      std::sort(sorted.begin(), sorted.end());
      Summary s = summarize(sorted);
      plot.series[series_of[p]].points.push_back({xs[axis_index[p]], axis_values[axis_index[p]], s.n, s.mean,
                                                  percentile(sorted, 5), percentile(sorted, 95), s.min, s.max});
    }
    for (SweepSeries& s : plot.series)
      std::stable_sort(s.points.begin(), s.points.end(),
                       [](const ErrorBarPoint& a, const ErrorBarPoint& b) { return a.x < b.x; });
    plots.push_back(std::move(plot));
  }
  return plots;
}

}  // namespace ktwin::analysis::report
