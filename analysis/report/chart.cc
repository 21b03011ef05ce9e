// render_chart: margins, scales, grid, bands, series, legend; everything positioned in whole layout
// steps so the output is stable.
#include "analysis/report/chart.h"

#include <algorithm>
#include <cmath>

#include "analysis/report/svg.h"

namespace ktwin::analysis::report {
namespace {

constexpr double kRight = 24, kTop = 30, kBottom = 44, kLegendRow = 18;

Ticks ticks_for(AxisKind kind, double lo, double hi, int target = 5) {
  switch (kind) {
    case AxisKind::kDuration: return nice_time_ticks(lo, hi, target);
    case AxisKind::kCount: return nice_ticks(lo, hi, target, 1);
    case AxisKind::kNumber: break;
  }
  return nice_ticks(lo, hi, target);
}

std::string tick_label(AxisKind kind, double v) {
  return kind == AxisKind::kDuration ? duration_label(v) : fixed(v, 3);
}

struct Legend {
  struct Item {
    const Series* series;
    double x, y;
  };
  std::vector<Item> items;
  double height = 0;
};

// Items flow left to right and wrap at the chart's width.
Legend lay_out_legend(const Chart& c) {
  Legend legend;
  const double left = c.margin_left;
  double x = left, y = 0, right = c.width - kRight;
  for (const Series& s : c.series) {
    if (s.label.empty()) continue;
    double w = 28 + text_width(s.label, 11) + 18;
    if (x + w > right && x > left) x = left, y += kLegendRow;
    legend.items.push_back({&s, x, y});
    x += w;
  }
  if (!legend.items.empty()) legend.height = y + kLegendRow + 4;
  return legend;
}

}  // namespace

const std::string& palette(size_t i) {
  static const std::vector<std::string> kColors = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                                   "#56B4E9", "#000000", "#8C564B", "#7F7F7F", "#BCBD22"};
  return kColors[i % kColors.size()];
}

std::string render_chart(const Chart& c) {
  const double left = c.margin_left;
  // Domains: the data's extent (error bars included), widened to whole ticks.
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  bool any = false;
  for (const Series& s : c.series)
    for (size_t i = 0; i < s.x.size(); ++i) {
      double ylo = std::min(s.y[i], i < s.lo.size() ? s.lo[i] : s.y[i]);
      double yhi = std::max(s.y[i], i < s.hi.size() ? s.hi[i] : s.y[i]);
      if (!any) x_lo = x_hi = s.x[i], y_lo = ylo, y_hi = yhi, any = true;
      x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, ylo), y_hi = std::max(y_hi, yhi);
    }
  if (c.y_from_zero) y_lo = std::min(y_lo, 0.0);
  // With error bars, 3% headroom, so a bar ending at the data's top is not drawn on the frame.
  bool bars = std::any_of(c.series.begin(), c.series.end(), [](const Series& s) { return !s.hi.empty(); });
  Ticks yt = ticks_for(c.y_kind, y_lo, y_hi + (bars ? (y_hi - y_lo) * 0.03 : 0));
  Ticks xt;
  if (c.x_max > c.x_min) {
    xt = ticks_for(c.x_kind, c.x_min, c.x_max, c.x_tick_target);
    xt.values.erase(std::remove_if(xt.values.begin(), xt.values.end(),
                                   [&](double v) { return v < c.x_min - 1e-9 || v > c.x_max + 1e-9; }),
                    xt.values.end());
    xt.lo = c.x_min, xt.hi = c.x_max;
  } else {
    xt = ticks_for(c.x_kind, x_lo, x_hi, c.x_tick_target);
  }

  Legend legend = lay_out_legend(c);
  double plot_w = c.width - left - kRight, plot_h = c.plot_height;
  double height = kTop + plot_h + kBottom + legend.height;
  auto sx = [&](double x) { return left + (x - xt.lo) / (xt.hi - xt.lo) * plot_w; };
  auto sy = [&](double y) { return kTop + plot_h - (y - yt.lo) / (yt.hi - yt.lo) * plot_h; };

  Svg svg(c.width, height);
  svg.text(left, 18, c.title, {{"font-size", "13"}, {"font-weight", "bold"}});
  svg.rect(left, kTop, plot_w, plot_h, "#ffffff", {{"stroke", "#999999"}});

  // Bands under everything else; their labels stagger over two rows when they would collide.
  double label_end[2] = {-1e9, -1e9};
  for (const Band& b : c.bands) {
    double x0 = std::max(sx(b.x0), left), x1 = std::min(sx(b.x1), left + plot_w);
    svg.open("g", {{"class", "band"}});
    svg.title(b.label);
    svg.rect(x0, kTop, std::max(x1 - x0, 2.0), plot_h, b.color, {{"fill-opacity", "0.18"}});
    svg.close("g");
    int row = label_end[0] <= x0 ? 0 : (label_end[1] <= x0 ? 1 : 0);
    svg.text(x0 + 3, kTop + 12 + 12 * row, b.label, {{"fill", "#444444"}, {"font-size", "10"}});
    label_end[row] = x0 + 3 + text_width(b.label, 10) + 6;
  }

  for (double v : yt.values) {
    svg.line(left, sy(v), left + plot_w, sy(v), "#e5e5e5");
    svg.text(left - 6, sy(v) + 4, tick_label(c.y_kind, v), {{"text-anchor", "end"}});
  }
  std::vector<double> xs = c.x_ticks.empty() ? xt.values : c.x_ticks;
  for (size_t i = 0; i < xs.size(); ++i) {
    std::string label = c.x_ticks.empty() ? tick_label(c.x_kind, xs[i])
                                          : (i < c.x_tick_labels.size() ? c.x_tick_labels[i] : fixed(xs[i], 3));
    svg.line(sx(xs[i]), kTop + plot_h, sx(xs[i]), kTop + plot_h + 5, "#666666");
    svg.text(sx(xs[i]), kTop + plot_h + 17, label, {{"text-anchor", "middle"}});
  }
  svg.text(left + plot_w / 2, kTop + plot_h + 35, c.x_label, {{"text-anchor", "middle"}, {"font-weight", "bold"}});
  double yl_x = left - 56, yl_y = kTop + plot_h / 2;  // clear of tick labels up to 7 characters
  svg.text(yl_x, yl_y, c.y_label,
           {{"text-anchor", "middle"}, {"font-weight", "bold"},
            {"transform", "rotate(-90 " + fixed(yl_x) + " " + fixed(yl_y) + ")"}});

  for (const Series& s : c.series) {
    svg.open("g", {{"class", "series"}, {"data-label", s.label}});
    std::vector<double> px, py;
    for (size_t i = 0; i < s.x.size(); ++i) {
      double x = sx(s.x[i]) + s.x_offset_px;
      if (s.step && !py.empty()) px.push_back(x), py.push_back(py.back());
      px.push_back(x), py.push_back(sy(s.y[i]));
    }
    if (s.step && !px.empty() && sx(xt.hi) > px.back()) px.push_back(sx(xt.hi)), py.push_back(py.back());
    Svg::Attrs style = {{"stroke-width", "2"}};
    if (s.dashed) style.emplace_back("stroke-dasharray", "6 4");
    if (px.size() > 1) svg.polyline(px, py, s.color, style);
    for (size_t i = 0; i < s.x.size(); ++i) {
      double x = sx(s.x[i]) + s.x_offset_px;
      if (i < s.lo.size() && i < s.hi.size()) {
        svg.line(x, sy(s.lo[i]), x, sy(s.hi[i]), s.color, {{"stroke-width", "1.5"}, {"class", "errorbar"}});
        svg.line(x - 4, sy(s.lo[i]), x + 4, sy(s.lo[i]), s.color, {{"stroke-width", "1.5"}});
        svg.line(x - 4, sy(s.hi[i]), x + 4, sy(s.hi[i]), s.color, {{"stroke-width", "1.5"}});
      }
      if (s.markers) svg.element("circle", {{"cx", fixed(x)}, {"cy", fixed(sy(s.y[i]))}, {"r", "3.5"}, {"fill", s.color}});
    }
    svg.close("g");
  }

  double ly = kTop + plot_h + kBottom + 8;
  for (const Legend::Item& item : legend.items) {
    const Series& s = *item.series;
    double y = ly + item.y;
    Svg::Attrs style = {{"stroke-width", "2"}};
    if (s.dashed) style.emplace_back("stroke-dasharray", "6 4");
    svg.line(item.x, y, item.x + 22, y, s.color, style);
    if (s.markers) svg.element("circle", {{"cx", fixed(item.x + 11)}, {"cy", fixed(y)}, {"r", "3.5"}, {"fill", s.color}});
    svg.text(item.x + 28, y + 4, s.label);
  }
  return svg.finish();
}

}  // namespace ktwin::analysis::report
