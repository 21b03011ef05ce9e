// The SVG writer's escaping and number format, nice ticks, and a chart's determinism.
#include "analysis/report/svg.h"

#include <catch2/catch.hpp>

#include "analysis/report/chart.h"

namespace ktwin::analysis::report {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_CASE("text and attributes are escaped", "[report]") {
  CHECK(xml_escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  Svg svg(100, 50);
  svg.text(1, 2, "a<b & c", {{"data-x", "say \"hi\""}});
  svg.title("</title><script>");
  std::string out = svg.finish();
  CHECK(out.find("<text x=\"1\" y=\"2\" data-x=\"say &quot;hi&quot;\">a&lt;b &amp; c</text>") != std::string::npos);
  CHECK(out.find("<script>") == std::string::npos);
  CHECK(out.find("&lt;/title&gt;&lt;script&gt;") != std::string::npos);
  CHECK(out.rfind("</svg>\n") == out.size() - 7);
}

TEST_CASE("numbers print with fixed decimals, no exponent and no negative zero", "[report]") {
  CHECK(fixed(12.5) == "12.5");
  CHECK(fixed(3.0) == "3");
  CHECK(fixed(2.25, 1) == "2.2");  // printf rounds the binary value half to even: 2.25 is exact
  CHECK(fixed(-0.0001) == "0");
  CHECK(fixed(1e7) == "10000000");
  CHECK(fixed(0.1 + 0.2) == "0.3");
}

TEST_CASE("ticks step by 1, 2 or 5 times a power of ten and cover the data", "[report]") {
  Ticks t = nice_ticks(0, 97, 5);  // 97 / 5 = 19.4 -> 20
  CHECK(t.step == 20);
  CHECK(t.values == std::vector<double>{0, 20, 40, 60, 80, 100});
  t = nice_ticks(0.1, 0.93, 5);  // 0.166 -> 0.2, domain widened to [0, 1]
  CHECK(t.step == Approx(0.2));
  REQUIRE(t.values.size() == 6);
  CHECK(fixed(t.values[3]) == "0.6");
  CHECK(t.hi == Approx(1.0));
  t = nice_ticks(0, 3, 5, 1);  // a count never steps by half a pod
  CHECK(t.values == std::vector<double>{0, 1, 2, 3});
  t = nice_ticks(-12, 37, 5);  // 49 / 5 = 9.8 -> 10
  CHECK(t.values == std::vector<double>{-20, -10, 0, 10, 20, 30, 40});
  t = nice_ticks(5, 5);  // an empty range still gets an axis
  CHECK(t.hi > t.lo);
  CHECK(t.values.size() >= 2);
}

TEST_CASE("time ticks use clock steps and Go duration labels", "[report]") {
  Ticks t = nice_time_ticks(0, 1200, 10);  // 20 minutes: every 2 minutes
  CHECK(t.step == 120);
  CHECK(t.values.size() == 11);
  CHECK(duration_label(t.values[1]) == "2m0s");
  t = nice_time_ticks(0, 1200, 6);  // 200 s is not a clock step: 5 minutes
  CHECK(t.values == std::vector<double>{0, 300, 600, 900, 1200});
  t = nice_time_ticks(0, 100, 6);  // 16.7 s -> 30 s
  CHECK(t.step == 30);
  CHECK(t.hi == 120);
  t = nice_time_ticks(0, 0.8, 4);
  CHECK(duration_label(t.values[1]) == "200ms");
  CHECK(duration_label(90) == "1m30s");
  CHECK(duration_label(0) == "0s");
  CHECK(duration_label(3661.5) == "1h1m1.5s");
}

TEST_CASE("a chart draws one error bar per point, escapes its labels and is deterministic", "[report]") {
  Chart c;
  c.title = "recovery <s>";
  c.x_label = "toleration";
  c.y_kind = AxisKind::kDuration;
  Series s;
  s.label = "a & b";
  s.color = palette(0);
  s.x = {30, 60, 120};
  s.y = {80, 110, 170};
  s.lo = {70, 100, 160};
  s.hi = {90, 120, 185};
  s.markers = true;
  c.series.push_back(s);
  c.bands.push_back({40, 50, "haltNode worker2", "#D62728"});
  std::string a = render_chart(c), b = render_chart(c);
  CHECK(a == b);
  CHECK(count(a, "class=\"errorbar\"") == 3);
  CHECK(count(a, "<circle") == 4);  // three points and the legend's swatch
  CHECK(a.find("recovery &lt;s&gt;") != std::string::npos);
  CHECK(a.find(">a &amp; b</text>") != std::string::npos);
  CHECK(a.find(">3m0s</text>") != std::string::npos);  // the y axis reaches past 185 s in clock steps
  CHECK(a.find("class=\"band\"") != std::string::npos);
}

}  // namespace
}  // namespace ktwin::analysis::report
