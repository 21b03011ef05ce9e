// render_sweep_report: the page of a sweep (declared in sweep_plot.h); the charts come from sweep_plots.
#include <algorithm>
#include <cmath>

#include "analysis/report/chart.h"
#include "analysis/report/html.h"
#include "analysis/report/svg.h"
#include "analysis/report/sweep_plot.h"
#include "analysis/statistics.h"

namespace ktwin::analysis::report {
namespace {

std::string value_text(bool duration, double v) { return duration ? duration_label(v) : fixed(v, 1); }

std::string chart_of(const SweepPlot& plot, const std::vector<std::string>& axis_values) {
  Chart c;
  c.title = plot.metric;
  c.x_label = plot.axis_key;
  std::string unit = plot.duration                                           ? "duration"
                     : plot.metric.find("replica_seconds") != std::string::npos ? "replica-seconds"
                                                                                : "count";
  c.y_label = unit + " (mean, p5 to p95)";
  c.y_kind = plot.duration ? AxisKind::kDuration : AxisKind::kNumber;
  c.width = 510;
  c.plot_height = 190;
  // x: the axis param's values, padded so the end error bars clear the frame.
  for (size_t i = 0; i < axis_values.size(); ++i) {
    double v = static_cast<double>(i);
    if (plot.numeric) v = std::strtod(axis_values[i].c_str(), nullptr);
    c.x_ticks.push_back(v);
    c.x_tick_labels.push_back(axis_values[i]);
  }
  if (!c.x_ticks.empty()) {
    double lo = *std::min_element(c.x_ticks.begin(), c.x_ticks.end());
    double hi = *std::max_element(c.x_ticks.begin(), c.x_ticks.end());
    double pad = hi > lo ? (hi - lo) * 0.06 : 1;
    if (!plot.numeric) pad = 0.5;
    c.x_min = lo - pad, c.x_max = hi + pad;
  }
  size_t n = plot.series.size();
  for (size_t i = 0; i < n; ++i) {
    const SweepSeries& s = plot.series[i];
    Series line;
    line.label = n == 1 && s.label == "all runs" ? "" : s.label;  // a legend of one says nothing
    line.color = palette(i);
    line.markers = true;
    line.x_offset_px = (static_cast<double>(i) - static_cast<double>(n - 1) / 2) * 7;
    for (const ErrorBarPoint& p : s.points) {
      line.x.push_back(p.x), line.y.push_back(p.mean);
      line.lo.push_back(p.p5), line.hi.push_back(p.p95);
    }
    c.series.push_back(std::move(line));
  }
  return render_chart(c);
}

std::string point_label(const SweepReportInput& in, size_t p) {
  std::string text;
  for (size_t k = 0; k < in.keys.size(); ++k) text += (text.empty() ? "" : ", ") + in.keys[k] + "=" + in.points[p][k];
  return text;
}

}  // namespace

std::string render_sweep_report(const SweepReportInput& in) {
  std::vector<SweepPlot> plots = sweep_plots(in);
  // Recovery first: it is what a sweep of timeouts is usually run for.
  std::stable_partition(plots.begin(), plots.end(), [](const SweepPlot& p) {
    return p.metric.size() >= 15 && p.metric.compare(p.metric.size() - 15, 15, "time_to_recover") == 0;
  });
  size_t total = 0, failed = 0;
  for (size_t p = 0; p < in.runs.size(); ++p) total += in.runs[p], failed += in.failed[p];
  std::string body = "<h1>ktwin sweep</h1>\n<p>" + std::to_string(in.points.size()) + " points, " +
                     std::to_string(total) + " runs, " + std::to_string(failed) +
                     " with a failed expectation or an error. Made by <code>" + html_escape(in.command) + "</code></p>\n";
  std::vector<std::vector<std::string>> rows;
  for (size_t p = 0; p < in.points.size(); ++p)
    rows.push_back({point_label(in, p), std::to_string(in.runs[p]), std::to_string(in.failed[p])});
  body += html_table({"point", "runs", "failed"}, rows, {false, true, true});
  body += "<p class=\"note\">A scenario's expect steps pin its own settings: runs at other values may fail them "
          "and still measure what they measure.</p>\n";

  body += "<h2>Metrics against " + html_escape(plots.empty() ? std::string("the parameter") : plots[0].axis_key) +
          "</h2>\n<p class=\"note\">Dot: the mean over the seeds where the metric happened; bar: the 5th to 95th "
          "percentile (linear interpolation, numpy's default). Metrics null or zero in every run are left out. "
          "Series at one value are drawn a few pixels apart.</p>\n<div style=\"display:flex;flex-wrap:wrap;gap:8px\">\n";
  const std::vector<std::string>* axis_values = nullptr;
  if (!plots.empty())
    for (size_t k = 0; k < in.keys.size(); ++k)
      if (in.keys[k] == plots[0].axis_key) axis_values = &in.values[k];
  for (const SweepPlot& plot : plots) body += "<div>" + chart_of(plot, *axis_values) + "</div>\n";
  body += "</div>\n";

  body += "<h2>Summary</h2>\n";
  rows.clear();
  for (const SweepPlot& plot : plots)
    for (const SweepSeries& s : plot.series)
      for (const ErrorBarPoint& e : s.points) {
        std::string where = plot.axis_key + "=" + e.x_text + (s.label == "all runs" ? "" : ", " + s.label);
        rows.push_back({plot.metric, where, std::to_string(e.n), value_text(plot.duration, e.mean),
                        value_text(plot.duration, e.p5), value_text(plot.duration, e.p95),
                        value_text(plot.duration, e.min), value_text(plot.duration, e.max)});
      }
  body += html_table({"metric", "point", "n", "mean", "p5", "p95", "min", "max"}, rows,
                     {false, false, true, true, true, true, true, true});
  return html_page("ktwin sweep", body);
}

}  // namespace ktwin::analysis::report
