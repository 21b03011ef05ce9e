// JUnit XML for `ktwin test --junit`: the format CI systems (GitHub Actions reporters, GitLab, Jenkins)
// read to show which test failed and why.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ktwin::cli {

struct JUnitCase {
  std::string name;       // the scenario file's stem: "drain"
  std::string file;       // the scenario path as given: "scenarios/faults/drain.yaml"
  double seconds = 0;     // wall time of the run
  enum class Outcome { kPassed, kFailed, kError } outcome = Outcome::kPassed;
  std::string message;    // one line: "golden differs (3 differences)", "2 expectations failed"
  std::string details;    // the diff and the failed expectations, one per line
};

struct JUnitSuite {
  std::string name;  // the scenario directory: "scenarios/faults"
  std::vector<JUnitCase> cases;
};

// <testsuites> with one <testsuite> per suite and one <testcase> per case; a failed case holds a
// <failure message="..."> (an invalid scenario an <error>) whose text is `details`.
void write_junit(std::ostream& out, const std::vector<JUnitSuite>& suites);

// `text` with &, <, >, " and ' escaped, and characters XML 1.0 forbids dropped.
std::string xml_escape(const std::string& text);

}  // namespace ktwin::cli
