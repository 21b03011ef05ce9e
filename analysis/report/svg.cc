// Svg: string building with escaping; ticks: Heckbert's "nice numbers" (Graphics Gems, 1990).
#include "analysis/report/svg.h"

#include <cmath>
#include <cstdio>

#include "core/util/time.h"

namespace ktwin::analysis::report {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

namespace {

Ticks ticks_with_step(double lo, double hi, double step) {
  Ticks t;
  t.step = step;
  // The small slack keeps 0.30000000000000004 / 0.1 from adding a tick.
  double k0 = std::floor(lo / step + 1e-9), k1 = std::ceil(hi / step - 1e-9);
  if (k1 <= k0) k1 = k0 + 1;
  t.lo = k0 * step;
  t.hi = k1 * step;
  for (double k = k0; k <= k1; ++k) t.values.push_back(k * step);
  return t;
}

double nice_step(double raw) {
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
}

}  // namespace

Ticks nice_ticks(double lo, double hi, int target, double min_step) {
  if (!(hi > lo)) hi = lo + (min_step > 0 ? min_step : 1);
  double step = std::max(nice_step((hi - lo) / std::max(target, 1)), min_step);
  return ticks_with_step(lo, hi, step);
}

Ticks nice_time_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) hi = lo + 1;
  double raw = (hi - lo) / std::max(target, 1);
  if (raw < 1) return ticks_with_step(lo, hi, std::min(nice_step(raw), 1.0));
  static const double kSteps[] = {1,    2,    5,    10,    15,    30,    60,    120,   300,
                                  600,  900,  1800, 3600,  7200,  10800, 21600, 43200, 86400};
  for (double s : kSteps)
    if (s >= raw) return ticks_with_step(lo, hi, s);
  return ticks_with_step(lo, hi, 86400 * nice_step(raw / 86400));
}

std::string duration_label(double seconds) {
  return core::format_go_duration(core::millis(std::llround(seconds * 1000)));
}

Svg::Svg(double width, double height) {
  out_ = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed(width) + "\" height=\"" + fixed(height) +
         "\" viewBox=\"0 0 " + fixed(width) + " " + fixed(height) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
}

void Svg::attrs(const Attrs& a) {
  for (const auto& [k, v] : a) out_ += " " + k + "=\"" + xml_escape(v) + "\"";
}

void Svg::open(const std::string& tag, const Attrs& a) {
  out_ += "<" + tag;
  attrs(a);
  out_ += ">\n";
}

void Svg::close(const std::string& tag) { out_ += "</" + tag + ">\n"; }

void Svg::element(const std::string& tag, const Attrs& a) {
  out_ += "<" + tag;
  attrs(a);
  out_ += "/>\n";
}

void Svg::text(double x, double y, const std::string& content, const Attrs& a) {
  out_ += "<text x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\"";
  attrs(a);
  out_ += '>';
  out_ += xml_escape(content);  // appended, not "x" + temporary: GCC 12 warns falsely on that (-Wrestrict)
  out_ += "</text>\n";
}

void Svg::title(const std::string& content) { out_ += "<title>" + xml_escape(content) + "</title>\n"; }

void Svg::line(double x1, double y1, double x2, double y2, const std::string& stroke, const Attrs& extra) {
  Attrs a = {{"x1", fixed(x1)}, {"y1", fixed(y1)}, {"x2", fixed(x2)}, {"y2", fixed(y2)}, {"stroke", stroke}};
  a.insert(a.end(), extra.begin(), extra.end());
  element("line", a);
}

void Svg::rect(double x, double y, double w, double h, const std::string& fill, const Attrs& extra) {
  Attrs a = {{"x", fixed(x)}, {"y", fixed(y)}, {"width", fixed(std::max(w, 0.0))}, {"height", fixed(std::max(h, 0.0))},
             {"fill", fill}};
  a.insert(a.end(), extra.begin(), extra.end());
  element("rect", a);
}

void Svg::polyline(const std::vector<double>& xs, const std::vector<double>& ys, const std::string& stroke,
                   const Attrs& extra) {
  std::string points;
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) {
    if (i) points += ' ';
    points += fixed(xs[i]);
    points += ',';
    points += fixed(ys[i]);
  }
  Attrs a = {{"points", points}, {"fill", "none"}, {"stroke", stroke}};
  a.insert(a.end(), extra.begin(), extra.end());
  element("polyline", a);
}

std::string Svg::finish() {
  out_ += "</svg>\n";
  return std::move(out_);
}

double text_width(std::string_view text, double font_px) {
  size_t chars = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++chars;  // count UTF-8 code points, not bytes
  return static_cast<double>(chars) * font_px * 0.6;
}

}  // namespace ktwin::analysis::report
