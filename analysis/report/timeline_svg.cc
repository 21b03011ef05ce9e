// render_timeline: node header rows (NotReady strip, fault labels), pod rows (state segments), a time
// axis with grid lines, and a legend of the states shown.
#include "analysis/report/timeline_svg.h"

#include <algorithm>
#include <map>
#include <set>

#include "analysis/report/svg.h"

namespace ktwin::analysis::report {
namespace {

constexpr double kRight = 24, kTop = 8, kHeader = 22, kRow = 15, kBar = 11, kAxis = 40, kLegendRow = 18;

// States in the order the legend lists them.
const std::vector<std::pair<std::string, std::string>> kStateColors = {
    {"Pending", "#BDBDBD"},           {"ContainerCreating", "#9ECAE1"}, {"Running", "#2CA02C"},
    {"Running (not ready)", "#B5E3A8"}, {"CrashLoopBackOff", "#D62728"}, {"Error", "#8B0000"},
    {"Completed", "#7B68EE"},         {"Terminating", "#FF9F1C"},     {"Unknown", "#6D6D6D"}};
const std::string kOtherColor = "#A0785A";

const std::map<std::string, std::string> kFaultColors = {
    {"haltNode", "#D62728"}, {"partition", "#9467BD"}, {"stopKubelet", "#E377C2"}};

std::string short_pod(const std::string& name) {
  return name.rfind("default/", 0) == 0 ? name.substr(8) : name;
}

std::string clip(const std::string& text, double px, double font) {
  if (text_width(text, font) <= px) return text;
  size_t keep = static_cast<size_t>(px / (font * 0.6));
  return keep > 1 ? text.substr(0, keep - 1) + "\xE2\x80\xA6" : "";  // an ellipsis
}

std::string span(double a, double b) { return duration_label(a) + " to " + duration_label(b); }

}  // namespace

const std::string& state_color(const std::string& state) {
  for (const auto& [s, c] : kStateColors)
    if (s == state) return c;
  return kOtherColor;
}

const std::string& fault_color(const std::string& what) {
  auto it = kFaultColors.find(what);
  return it == kFaultColors.end() ? kOtherColor : it->second;
}

std::string render_timeline(const RunTimeline& tl, double t0, double t1, double width) {
  const double left = kTimelineLabelWidth, plot_w = width - left - kRight;
  if (!(t1 > t0)) t1 = t0 + 1;
  auto sx = [&](double t) { return left + (std::clamp(t, t0, t1) - t0) / (t1 - t0) * plot_w; };
  double lanes_h = 0;
  for (const NodeLane& lane : tl.nodes) lanes_h += kHeader + kRow * static_cast<double>(lane.pods.size()) + 4;

  std::set<std::string> shown;
  for (const NodeLane& lane : tl.nodes)
    for (const PodBar& bar : lane.pods)
      for (const PodSegment& s : bar.segments) shown.insert(s.state);
  std::vector<std::string> legend;
  for (const auto& [s, c] : kStateColors)
    if (shown.count(s)) legend.push_back(s);
  for (const std::string& s : shown)
    if (state_color(s) == kOtherColor && s != "Unknown") legend.push_back(s);
  // Legend rows: the states shown (NotReady and faults are explained in the page text).
  double lx = left, rows = 1;
  std::vector<std::pair<double, double>> at;  // x, row of each legend entry
  for (const std::string& s : legend) {
    double w = 20 + text_width(s, 11) + 16;
    if (lx + w > width - kRight) lx = left, ++rows;
    at.emplace_back(lx, rows - 1);
    lx += w;
  }
  double height = kTop + lanes_h + kAxis + rows * kLegendRow + 4;

  Svg svg(width, height);
  Ticks ticks = nice_time_ticks(t0, t1, kTimelineTickTarget);
  double y = kTop;
  for (double v : ticks.values)
    if (v >= t0 && v <= t1) svg.line(sx(v), kTop, sx(v), kTop + lanes_h, "#E5E5E5");

  for (const NodeLane& lane : tl.nodes) {
    double lane_h = kHeader + kRow * static_cast<double>(lane.pods.size());
    svg.open("g", {{"class", "node"}, {"data-node", lane.node}});
    svg.rect(0, y, width - kRight, kHeader - 2, "#F2F2F2");
    for (const NodeInterval& f : lane.faults) {
      const std::string& color = fault_color(f.what);
      svg.open("g", {{"class", "fault"}});
      svg.title(lane.node + ": " + f.what + ", " + span(f.start, f.end));
      svg.rect(sx(f.start), y, std::max(sx(f.end) - sx(f.start), 2.0), lane_h, color, {{"fill-opacity", "0.14"}});
      svg.line(sx(f.start), y, sx(f.start), y + lane_h, color, {{"stroke-width", "2"}});
      svg.close("g");
      svg.text(sx(f.start) + 4, y + 14, f.what, {{"fill", color}, {"font-weight", "bold"}});
    }
    for (const NodeInterval& n : lane.not_ready) {
      svg.open("g", {{"class", "notready"}});
      svg.title(lane.node + ": NotReady, " + span(n.start, n.end));
      svg.rect(sx(n.start), y + kHeader - 8, std::max(sx(n.end) - sx(n.start), 2.0), 4, "#D62728");
      svg.close("g");
    }
    for (const NodeInterval& c : lane.cordoned) {
      svg.open("g", {{"class", "cordoned"}});
      svg.title(lane.node + ": cordoned (SchedulingDisabled), " + span(c.start, c.end));
      svg.rect(sx(c.start), y + kHeader - 3, std::max(sx(c.end) - sx(c.start), 2.0), 3, "#555555");
      svg.close("g");
    }
    for (const Marker& m : lane.markers) {
      svg.open("g", {{"class", "marker"}});
      svg.title(lane.node + ": " + m.what + " at " + duration_label(m.t));
      svg.line(sx(m.t), y, sx(m.t), y + lane_h, "#333333", {{"stroke-dasharray", "3 3"}, {"stroke-width", "1.5"}});
      svg.close("g");
    }
    svg.text(6, y + 14, lane.node.empty() ? "(never scheduled)" : "node/" + lane.node, {{"font-weight", "bold"}});
    double row_y = y + kHeader;
    for (const PodBar& bar : lane.pods) {
      svg.text(14, row_y + kBar - 1, clip(short_pod(bar.pod), left - 20, 11), {{"font-size", "10.5"}});
      svg.open("g", {{"class", "pod"}, {"data-pod", bar.pod}});
      for (const PodSegment& s : bar.segments) {
        svg.open("g");
        svg.title(bar.pod + ": " + s.state + ", " + span(s.start, s.end));
        svg.rect(sx(s.start), row_y + 1, std::max(sx(s.end) - sx(s.start), 1.0), kBar, state_color(s.state));
        svg.close("g");
      }
      svg.close("g");
      row_y += kRow;
    }
    svg.close("g");
    y += lane_h + 4;
  }

  svg.line(left, y, left + plot_w, y, "#666666");
  for (double v : ticks.values) {
    if (v < t0 || v > t1) continue;
    svg.line(sx(v), y, sx(v), y + 5, "#666666");
    svg.text(sx(v), y + 17, duration_label(v), {{"text-anchor", "middle"}});
  }
  svg.text(left + plot_w / 2, y + 33, "time since the scenario started", {{"text-anchor", "middle"}, {"font-weight", "bold"}});
  double ly = y + kAxis + 10;
  for (size_t i = 0; i < legend.size(); ++i) {
    double x = at[i].first, yy = ly + at[i].second * kLegendRow;
    svg.rect(x, yy - 9, 14, 11, state_color(legend[i]));
    svg.text(x + 19, yy, legend[i]);
  }
  return svg.finish();
}

}  // namespace ktwin::analysis::report
