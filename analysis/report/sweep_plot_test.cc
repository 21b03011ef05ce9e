// The sweep report's data: error bars from known samples, series per other param, the page.
#include "analysis/report/sweep_plot.h"

#include <catch2/catch.hpp>

namespace ktwin::analysis::report {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// tol (the axis, values given out of order) x mode (the series); points cross in that order.
SweepReportInput two_params() {
  SweepReportInput in;
  in.command = "ktwin sweep s.yaml --param tol=300,30 --param mode=a,b";
  in.keys = {"tol", "mode"};
  in.values = {{"300", "30"}, {"a", "b"}};
  in.points = {{"300", "a"}, {"300", "b"}, {"30", "a"}, {"30", "b"}};
  in.runs = {21, 1, 1, 2};
  in.failed = {0, 0, 1, 0};
  in.samples.resize(4);
  for (int v = 21; v >= 1; --v) in.samples[0]["web.time_to_recover"].push_back(v);  // 1..21, unsorted
  in.samples[1]["web.time_to_recover"] = {5};
  // point 2: the metric never happened (null in its one run)
  in.samples[3]["web.time_to_recover"] = {10, 20};
  for (size_t p = 0; p < 4; ++p) in.samples[p]["web.pod_restarts"] = {0};  // zero everywhere: no plot
  in.metrics = {"web.time_to_recover", "web.pod_restarts"};
  return in;
}

TEST_CASE("error bars are the mean and the 5th to 95th percentile of each point", "[report]") {
  std::vector<SweepPlot> plots = sweep_plots(two_params());
  REQUIRE(plots.size() == 1);  // pod_restarts is zero in every run
  const SweepPlot& plot = plots[0];
  CHECK(plot.metric == "web.time_to_recover");
  CHECK(plot.axis_key == "tol");
  CHECK(plot.numeric);
  CHECK(plot.duration);
  REQUIRE(plot.series.size() == 2);
  CHECK(plot.series[0].label == "mode=a");
  CHECK(plot.series[1].label == "mode=b");

  // mode=a: only tol=300 has values: 1..21. Rank (21 - 1) * 0.05 = 1 -> 2; (21 - 1) * 0.95 = 19 -> 20.
  REQUIRE(plot.series[0].points.size() == 1);
  const ErrorBarPoint& a = plot.series[0].points[0];
  CHECK(a.x == 300);
  CHECK(a.x_text == "300");
  CHECK(a.n == 21);
  CHECK(a.mean == Approx(11));
  CHECK(a.p5 == Approx(2));
  CHECK(a.p95 == Approx(20));
  CHECK(a.min == 1);
  CHECK(a.max == 21);

  // mode=b, sorted by x: tol=30 {10, 20}: p5 = 10 + 0.05 * 10, p95 = 10 + 0.95 * 10; tol=300 {5}.
  REQUIRE(plot.series[1].points.size() == 2);
  const ErrorBarPoint& b30 = plot.series[1].points[0];
  CHECK(b30.x == 30);
  CHECK(b30.mean == Approx(15));
  CHECK(b30.p5 == Approx(10.5));
  CHECK(b30.p95 == Approx(19.5));
  const ErrorBarPoint& b300 = plot.series[1].points[1];
  CHECK(b300.x == 300);
  CHECK(b300.mean == 5);
  CHECK(b300.p5 == 5);
  CHECK(b300.p95 == 5);
}

TEST_CASE("the axis is the first param with several values, and words are placed by index", "[report]") {
  SweepReportInput in;
  in.keys = {"seedless", "evictionMode"};
  in.values = {{"1"}, {"taints", "legacy"}};
  in.points = {{"1", "taints"}, {"1", "legacy"}};
  in.runs = {1, 1};
  in.failed = {0, 0};
  in.samples = {{{"time_to_evict", {300}}}, {{"time_to_evict", {330}}}};
  in.metrics = {"time_to_evict"};
  std::vector<SweepPlot> plots = sweep_plots(in);
  REQUIRE(plots.size() == 1);
  CHECK(plots[0].axis_key == "evictionMode");
  CHECK_FALSE(plots[0].numeric);
  REQUIRE(plots[0].series.size() == 1);
  CHECK(plots[0].series[0].label == "seedless=1");
  REQUIRE(plots[0].series[0].points.size() == 2);
  CHECK(plots[0].series[0].points[0].x == 0);
  CHECK(plots[0].series[0].points[1].x == 1);
  CHECK(plots[0].series[0].points[1].x_text == "legacy");
}

TEST_CASE("the sweep page has one chart per plot and one error bar per point, byte for byte stable", "[report]") {
  SweepReportInput in = two_params();
  std::string page = render_sweep_report(in);
  CHECK(page == render_sweep_report(in));
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(count(page, "<svg") == 1);
  CHECK(count(page, "class=\"errorbar\"") == 3);
  CHECK(page.find("--param tol=300,30") != std::string::npos);
  CHECK(page.find("web.pod_restarts") == std::string::npos);  // zero everywhere: neither plot nor row
  CHECK(page.find("<td class=\"num\">19.5s</td>") != std::string::npos);  // p95 at tol=30, mode=b
  // Self-contained: nothing to fetch, nothing to run.
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
}

}  // namespace
}  // namespace ktwin::analysis::report
