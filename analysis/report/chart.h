// An x-y chart as SVG: axes with nice ticks, step or straight lines, error bars, shaded bands, a legend.
#pragma once

#include <string>
#include <vector>

namespace ktwin::analysis::report {

enum class AxisKind {
  kNumber,    // 1-2-5 ticks
  kCount,     // 1-2-5 ticks, never a step below 1
  kDuration,  // seconds, ticks on clock-friendly steps, labelled "1m30s"
};

struct Series {
  std::string label;  // empty: not in the legend
  std::string color;
  std::vector<double> x, y;
  std::vector<double> lo, hi;  // error bar ends, one per point, or empty for none
  bool step = false;           // hold each y until the next x (a state over time)
  bool dashed = false;
  bool markers = false;  // a dot per point
  double x_offset_px = 0;  // drawn this far right of x, so error bars at one x stay apart
};

// A shaded x interval across the plot (a fault), labelled at its top.
struct Band {
  double x0 = 0, x1 = 0;
  std::string label;
  std::string color;
};

struct Chart {
  std::string title;
  std::string x_label, y_label;
  AxisKind x_kind = AxisKind::kNumber, y_kind = AxisKind::kNumber;
  // When non-empty, the x ticks are exactly these values, labelled with x_tick_labels (a swept
  // parameter's values) instead of nice ticks.
  std::vector<double> x_ticks;
  std::vector<std::string> x_tick_labels;
  bool y_from_zero = true;
  int x_tick_target = 6;  // about this many x intervals (nice ticks)
  double x_min = 0, x_max = 0;  // the x domain when x_max > x_min; else the data's
  std::vector<Series> series;
  std::vector<Band> bands;
  double width = 1000, plot_height = 260;
  double margin_left = 78;  // wider to line the plot up with a timeline's label column
};

// The chart as one <svg> element. Same chart, same bytes.
std::string render_chart(const Chart& chart);

// Colours that stay apart for the colour-blind (Okabe and Ito, 2008), then a few more.
const std::string& palette(size_t i);

}  // namespace ktwin::analysis::report
