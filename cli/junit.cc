// JUnit XML writing: attributes and text escaped, counts summed per suite.
#include "cli/junit.h"

#include <cstdio>

namespace ktwin::cli {
namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

struct Counts {
  size_t tests = 0, failures = 0, errors = 0;
  double seconds = 0;
  void add(const JUnitCase& c) {
    ++tests;
    failures += c.outcome == JUnitCase::Outcome::kFailed;
    errors += c.outcome == JUnitCase::Outcome::kError;
    seconds += c.seconds;
  }
  std::string attributes() const {
    return "tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
           std::to_string(errors) + "\" time=\"" + seconds_text(seconds) + "\"";
  }
};

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') break;  // not allowed in XML 1.0
        out += ch;
    }
  }
  return out;
}

void write_junit(std::ostream& out, const std::vector<JUnitSuite>& suites) {
  Counts all;
  for (const JUnitSuite& s : suites)
    for (const JUnitCase& c : s.cases) all.add(c);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"ktwin test\" " << all.attributes() << ">\n";
  for (const JUnitSuite& s : suites) {
    Counts counts;
    for (const JUnitCase& c : s.cases) counts.add(c);
    out << "  <testsuite name=\"" << xml_escape(s.name) << "\" " << counts.attributes() << ">\n";
    for (const JUnitCase& c : s.cases) {
      out << "    <testcase classname=\"" << xml_escape(s.name) << "\" name=\"" << xml_escape(c.name) << "\" file=\""
          << xml_escape(c.file) << "\" time=\"" << seconds_text(c.seconds) << "\"";
      if (c.outcome == JUnitCase::Outcome::kPassed) {
        out << "/>\n";
        continue;
      }
      const char* tag = c.outcome == JUnitCase::Outcome::kFailed ? "failure" : "error";
      out << ">\n      <" << tag << " message=\"" << xml_escape(c.message) << "\" type=\""
          << (c.outcome == JUnitCase::Outcome::kFailed ? "ktwin.test" : "ktwin.invalid") << "\">"
          << xml_escape(c.details) << "</" << tag << ">\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace ktwin::cli
