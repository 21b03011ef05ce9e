// The test subcommand: collects scenarios, runs each with a trace, checks expectations, compares the
// trace's golden facts with the golden file (or rewrites it), and reports as text and JUnit XML.
#include "cli/test_command.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/golden.h"
#include "analysis/golden_diff.h"
#include "analysis/metrics.h"
#include "cli/isolated_case.h"
#include "cli/junit.h"
#include "sim/runner.h"

namespace ktwin::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: ktwin test [DIR|FILE.yaml]... [--update-golden] [--junit OUT.xml]\n"
    "  runs each scenario (a DIR: every *.yaml directly in it; default: scenarios), checks its expect\n"
    "  steps and compares its behaviour with DIR/golden/<name>.golden; --update-golden rewrites those\n";
constexpr size_t kDiffLines = 20;

fs::path golden_path(const fs::path& scenario) {
  return scenario.parent_path() / "golden" / (scenario.stem().string() + ".golden");
}

std::string read_file(const fs::path& p, bool& ok) {
  std::ifstream in(p);
  ok = static_cast<bool>(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string indent(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out += "    " + line + "\n";
  return out;
}

struct Options {
  bool update = false;
  std::string junit;
};

// One scenario: returns its JUnit case; prints its verdict.
JUnitCase test_one(const fs::path& file, const Options& options) {
  JUnitCase c;
  c.name = file.stem().string();
  c.file = file.string();
  auto start = std::chrono::steady_clock::now();
  auto finish = [&](JUnitCase::Outcome outcome, std::string message, std::string details) {
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    c.outcome = outcome;
    c.message = std::move(message);
    c.details = std::move(details);
    const char* verdict = outcome == JUnitCase::Outcome::kPassed ? "PASS" : outcome == JUnitCase::Outcome::kFailed ? "FAIL" : "ERROR";
    std::cout << verdict << " " << c.file << (c.message.empty() ? "" : ": " + c.message) << "\n" << indent(c.details);
    return c;
  };

  auto scenario = sim::load_scenario(file.string());
  if (!scenario.is_ok()) return finish(JUnitCase::Outcome::kError, "invalid scenario", scenario.status().message());
  const sim::Scenario& s = scenario.value();
  std::ostringstream trace;
  sim::RunOptions run;
  run.trace = &trace;
  auto result = sim::run_scenario(s, run);
  if (!result.is_ok()) return finish(JUnitCase::Outcome::kError, "run failed", result.status().message());
  std::istringstream trace_in(trace.str());
  auto lines = analysis::parse_trace(trace_in);
  auto golden = lines.is_ok() ? analysis::golden_from_trace(lines.value(), s.kubernetesVersion)
                              : core::Result<analysis::Golden>(lines.status());
  if (!golden.is_ok()) return finish(JUnitCase::Outcome::kError, "trace", golden.status().message());
  std::string text = analysis::render_golden(
      golden.value(), "ktwin golden of " + file.filename().string() + " (seed " + std::to_string(s.seed) +
                          "): what the run did, from its trace; see docs/ci.md\n"
                          "accept changes with: ktwin test " + file.filename().string() + " --update-golden");

  std::vector<std::string> problems;  // failure summary parts
  std::string details;
  for (const std::string& f : result.value().failures) details += f + "\n";
  if (!result.value().failures.empty())
    problems.push_back(std::to_string(result.value().failures.size()) + " expectation or action failure(s)");

  fs::path gpath = golden_path(file);
  bool have = false;
  std::string old_text = read_file(gpath, have);
  if (options.update) {
    std::string note = !have ? "golden created" : old_text == text ? "golden unchanged" : "golden updated";
    if (have && old_text != text) {
      auto old_golden = analysis::parse_golden(old_text);
      if (old_golden.is_ok()) {
        auto diffs = analysis::diff_goldens(old_golden.value(), golden.value());
        note += " (" + std::to_string(diffs.size()) + " behavioural difference(s))";
        std::cout << indent(analysis::format_differences(diffs, kDiffLines));
      }
    }
    std::error_code ec;
    fs::create_directories(gpath.parent_path(), ec);
    std::ofstream out(gpath);
    if (!(out << text)) return finish(JUnitCase::Outcome::kError, "cannot write " + gpath.string(), "");
    std::cout << "  " << note << ": " << gpath.string() << "\n";
  } else if (!have) {
    problems.push_back("missing golden " + gpath.string());
    details += "no golden file " + gpath.string() + "; create it with: ktwin test " + file.string() + " --update-golden\n";
  } else {
    auto expected = analysis::parse_golden(old_text);
    if (!expected.is_ok()) {
      problems.push_back("bad golden " + gpath.string());
      details += gpath.string() + ": " + expected.status().message() + "\n";
    } else {
      auto diffs = analysis::diff_goldens(expected.value(), golden.value());
      if (!diffs.empty()) {
        problems.push_back("golden differs (" + std::to_string(diffs.size()) + " difference(s))");
        details += analysis::format_differences(diffs, kDiffLines);
        details += "if this change is intended: ktwin test " + file.string() + " --update-golden, and review the diff of " +
                   gpath.string() + "\n";
      } else if (old_text != text) {
        std::cout << "  note: " << gpath.string() << " differs only in pod names or order; --update-golden refreshes it\n";
      }
    }
  }
  if (problems.empty()) return finish(JUnitCase::Outcome::kPassed, "", "");
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "; ") + p;
  return finish(JUnitCase::Outcome::kFailed, message, details);
}

}  // namespace

int test_command(const std::vector<std::string>& args) {
  Options options;
  std::vector<std::string> targets;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--update-golden") {
      options.update = true;
    } else if (a == "--junit") {
      if (i + 1 >= args.size()) {
        std::cerr << "ktwin test: --junit needs a file\n" << kUsage;
        return 2;
      }
      options.junit = args[++i];
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "ktwin test: unknown flag " << a << "\n" << kUsage;
      return 2;
    } else {
      targets.push_back(a);
    }
  }
  if (targets.empty()) targets.push_back("scenarios");

  // Scenarios per suite (directory), in the order given; a directory's files sorted by name.
  std::vector<std::pair<std::string, std::vector<fs::path>>> suites;
  for (const std::string& t : targets) {
    std::error_code ec;
    if (fs::is_directory(t, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(t, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml")
          files.push_back(entry.path().lexically_normal());
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        std::cerr << "ktwin test: no *.yaml scenario in " << t << "\n";
        return 2;
      }
      suites.emplace_back(fs::path(t).lexically_normal().string(), files);
    } else if (fs::is_regular_file(t, ec)) {
      std::string dir = fs::path(t).parent_path().lexically_normal().string();
      suites.emplace_back(dir.empty() ? "." : dir, std::vector<fs::path>{fs::path(t).lexically_normal()});
    } else {
      std::cerr << "ktwin test: no such file or directory: " << t << "\n" << kUsage;
      return 2;
    }
  }

  std::vector<JUnitSuite> junit;
  size_t passed = 0, failed = 0, errors = 0;
  for (const auto& [name, files] : suites) {
    JUnitSuite suite{name, {}};
    for (const fs::path& f : files) {
      suite.cases.push_back(run_isolated(f.stem().string(), f.string(), [&] { return test_one(f, options); }));
      switch (suite.cases.back().outcome) {
        case JUnitCase::Outcome::kPassed: ++passed; break;
        case JUnitCase::Outcome::kFailed: ++failed; break;
        case JUnitCase::Outcome::kError: ++errors; break;
      }
    }
    junit.push_back(std::move(suite));
  }
  if (!options.junit.empty()) {
    std::ofstream out(options.junit);
    write_junit(out, junit);
    if (!out) {
      std::cerr << "ktwin test: cannot write " << options.junit << "\n";
      return 2;
    }
  }
  std::cout << passed << " passed, " << failed << " failed, " << errors << " invalid\n";
  return errors ? 2 : failed ? 1 : 0;
}

}  // namespace ktwin::cli
