// The run page from a small trace: both drawings present, text escaped, same bytes twice.
#include "analysis/report/run_report.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "analysis/metrics.h"

namespace ktwin::analysis::report {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

const char* kTrace = R"(
{"t":"0s","kind":"Node","name":"n1","change":"ADDED","object":{"metadata":{"name":"n1"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}}
{"t":"0s","kind":"Deployment","name":"default/web","change":"ADDED","object":{"metadata":{"name":"web","namespace":"default"},"spec":{"replicas":1}}}
{"t":"0s","kind":"Pod","name":"default/web-a","change":"ADDED","object":{"metadata":{"name":"web-a","namespace":"default"},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"i"}]},"status":{"phase":"Pending"}}}
{"t":"3s","kind":"Deployment","name":"default/web","change":"MODIFIED","patch":[{"op":"add","path":"/status","value":{"readyReplicas":1}}]}
{"t":"10s","scenario":"haltNode","details":"n1"}
{"t":"50s","kind":"Node","name":"n1","change":"MODIFIED","patch":[{"op":"replace","path":"/status/conditions/0/status","value":"Unknown"}]}
{"t":"1m0s","scenario":"expect","details":{"what":"pods <web>","ok":true,"got":"1"}}
)";

TEST_CASE("the run page draws the timeline and the replicas chart, deterministically", "[report]") {
  std::istringstream in(kTrace);
  auto lines = parse_trace(in);
  REQUIRE(lines.is_ok());
  RunReportInfo info{"halt <one>", 7, "ktwin run x.yaml --report out.html"};
  auto page = render_run_report(info, lines.value());
  REQUIRE(page.is_ok());
  const std::string& html = page.value();
  CHECK(html == render_run_report(info, lines.value()).value());
  CHECK(count(html, "<svg") == 2);
  CHECK(count(html, "class=\"pod\"") == 1);
  CHECK(count(html, "class=\"fault\"") == 1);
  CHECK(count(html, "class=\"notready\"") == 1);
  CHECK(html.find("ktwin run: halt &lt;one&gt;") != std::string::npos);
  CHECK(html.find("pods &lt;web&gt;") != std::string::npos);
  CHECK(html.find("seed 7") != std::string::npos);
  CHECK(html.find("<td>n1</td>") != std::string::npos);  // the halted node in the metrics table
}

}  // namespace
}  // namespace ktwin::analysis::report
