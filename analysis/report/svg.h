// A tiny SVG writer and the axis arithmetic of the reports: escaping, fixed number format, nice ticks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ktwin::analysis::report {

// Escapes &, <, >, " and ' for text nodes and attribute values alike.
std::string xml_escape(std::string_view text);

// Coordinates and values with at most `decimals` decimals, trailing zeros dropped, never "-0" or an
// exponent: the same input gives the same bytes on every machine ("12.5", "3", "-0.25").
std::string fixed(double v, int decimals = 2);

// Ticks every `step` from the first multiple of it >= lo to the last <= hi (lo and hi are usually
// multiples already: see nice_ticks).
struct Ticks {
  double lo = 0, hi = 1, step = 1;
  std::vector<double> values;
};
// A step of 1, 2 or 5 times a power of ten giving about `target` intervals over [lo, hi], and the
// domain widened to whole steps. `min_step` (e.g. 1 for counts) bounds the step from below.
Ticks nice_ticks(double lo, double hi, int target = 5, double min_step = 0);
// The same for seconds, with steps a clock reader expects: 1-2-5 below a second, then 1, 2, 5, 10,
// 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, then 1-2-5 days.
Ticks nice_time_ticks(double lo, double hi, int target = 6);
// A tick label for seconds as Go prints a time.Duration: "0s", "500ms", "1m30s", "2h0m0s".
std::string duration_label(double seconds);

// Builds an SVG document element by element. Text and attribute values are escaped here; callers
// pass plain strings. Attributes are written in the order given.
class Svg {
 public:
  using Attrs = std::vector<std::pair<std::string, std::string>>;

  Svg(double width, double height);
  void open(const std::string& tag, const Attrs& attrs = {});  // <g ...>
  void close(const std::string& tag);                          // </g>
  void element(const std::string& tag, const Attrs& attrs);   // <rect .../>
  void text(double x, double y, const std::string& content, const Attrs& attrs = {});
  // <title> as the first child of the element opened last: the browser's tooltip.
  void title(const std::string& content);
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, const Attrs& extra = {});
  void rect(double x, double y, double w, double h, const std::string& fill, const Attrs& extra = {});
  // A polyline through the points; REQUIRES xs.size() == ys.size().
  void polyline(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& stroke,
                const Attrs& extra = {});
  // The document, closing it: call once.
  std::string finish();

 private:
  void attrs(const Attrs& a);
  std::string out_;
};

// Width of `text` in an 11-12px sans-serif font, estimated (the page lays nothing out itself).
double text_width(std::string_view text, double font_px);

}  // namespace ktwin::analysis::report
