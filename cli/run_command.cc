// The run subcommand: argument parsing, loading, running, the summary line and the exit status.
#include "cli/run_command.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/metrics.h"
#include "analysis/report/run_report.h"
#include "cli/progress.h"
#include "sim/runner.h"
#include "sim/scheduling_explainer.h"

namespace ktwin::cli {
namespace {

constexpr const char* kUsage =
    "usage: ktwin run FILE.yaml [--seed N] [--set KEY=VALUE]... [--trace OUT.jsonl] [--metrics OUT.json]\n"
    "                 [--report OUT.html] [--watch-pods] [--explain-scheduling pod/NAME]... [--quiet]\n";

// The page of `ktwin run --report`; false (said on stderr) when it cannot be drawn or written.
bool write_run_report(const std::string& path, const sim::Scenario& s, const std::vector<std::string>& args,
                      const std::vector<nlohmann::json>& trace) {
  std::string command = "ktwin run";
  for (const std::string& a : args) command += " " + a;
  auto html = analysis::report::render_run_report({s.name, s.seed, command}, trace);
  if (!html.is_ok()) {
    std::cerr << "ktwin run: report: " << html.status().message() << "\n";
    return false;
  }
  std::ofstream out(path);
  if (!(out << html.value())) {
    std::cerr << "ktwin run: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  std::string file, trace_path, metrics_path;
  std::string report_path;  // --report: an HTML page drawn from the trace
  sim::LoadOptions load;
  bool watch_pods = false, quiet = false;
  std::vector<std::string> explain_pods;  // --explain-scheduling
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* flag) -> const std::string* {
      if (i + 1 >= args.size()) {
        std::cerr << "ktwin run: " << flag << " needs a value\n" << kUsage;
        return nullptr;
      }
      return &args[++i];
    };
    if (a == "--seed") {
      const std::string* v = value("--seed");
      if (!v) return 2;
      try {
        load.seed = std::stoull(*v);
      } catch (...) {
        std::cerr << "ktwin run: --seed: not a number: " << *v << "\n";
        return 2;
      }
    } else if (a == "--set") {
      const std::string* v = value("--set");
      if (!v) return 2;
      auto eq = v->find('=');
      if (eq == std::string::npos) {
        std::cerr << "ktwin run: --set " << *v << ": expected KEY=VALUE\n";
        return 2;
      }
      load.set.emplace_back(v->substr(0, eq), v->substr(eq + 1));
    } else if (a == "--trace") {
      const std::string* v = value("--trace");
      if (!v) return 2;
      trace_path = *v;
    } else if (a == "--metrics") {
      const std::string* v = value("--metrics");
      if (!v) return 2;
      metrics_path = *v;
    } else if (a == "--report") {
      const std::string* v = value("--report");
      if (!v) return 2;
      report_path = *v;
    } else if (a == "--explain-scheduling") {  // pod/NAME, NAME a name prefix (sim/scheduling_explainer.h)
      const std::string* v = value("--explain-scheduling");
      if (!v) return 2;
      auto target = sim::parse_explain_target(*v);
      if (!target) {
        std::cerr << "ktwin run: --explain-scheduling " << *v << ": expected pod/NAME\n";
        return 2;
      }
      explain_pods.push_back(*target);
    } else if (a == "--watch-pods") {
      watch_pods = true;
    } else if (a == "--quiet" || a == "-q") {
      quiet = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "ktwin run: unknown flag " << a << "\n" << kUsage;
      return 2;
    } else if (file.empty()) {
      file = a;
    } else {
      std::cerr << "ktwin run: one scenario file at a time\n" << kUsage;
      return 2;
    }
  }
  if (file.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  auto scenario = sim::load_scenario(file, load);
  if (!scenario.is_ok()) {
    std::cerr << scenario.status().message() << "\n";
    return 2;
  }
  std::ofstream trace;
  if (!trace_path.empty()) {
    trace.open(trace_path);
    if (!trace) {
      std::cerr << "ktwin run: cannot write " << trace_path << "\n";
      return 2;
    }
  }
  // The metrics are computed from the trace, so a run that reports them keeps one in memory. A quiet
  // run without --trace or --metrics skips it: tracing costs most of a small run's time.
  bool want_metrics = !quiet || !metrics_path.empty() || !report_path.empty();
  std::ostringstream trace_buffer;
  sim::RunOptions options;
  options.out = quiet ? nullptr : &std::cout;
  options.trace = (want_metrics || !trace_path.empty()) ? &trace_buffer : nullptr;
  options.detail = watch_pods ? sim::Timeline::Detail::kAll : sim::Timeline::Detail::kEvents;
  options.explain_pods = explain_pods;
  const sim::Scenario& s = scenario.value();
  if (!quiet)
    std::cout << "ktwin run " << s.name << " (seed " << s.seed << ", Kubernetes " << s.kubernetesVersion << ", "
              << core::format_go_duration(s.duration) << " virtual)\n";
  // A bar for runs longer than a second, on stderr when it is a terminal. When the timeline prints
  // on a terminal too, it goes through a buffer that erases the bar first, and is flushed before each
  // redraw, so its lines scroll above the bar.
  Progress progress = stderr_progress(1.0, "", std::chrono::seconds(1));
  ProgressAwareBuf above_bar(std::cout.rdbuf(), progress);
  std::ostream timeline_out(&above_bar);
  if (progress.enabled()) {
    bool shared_terminal = options.out && isatty(STDOUT_FILENO) == 1;
    if (shared_terminal) options.out = &timeline_out;
    options.explain_out = &timeline_out;
    options.progress = [&progress, &timeline_out](double fraction) {
      timeline_out.flush();
      progress.update(fraction);
    };
  }
  options.skip_teardown = true;  // this process ends after the run
  auto wall_start = std::chrono::steady_clock::now();
  auto result = sim::run_scenario(s, options);
  timeline_out.flush();
  progress.finish();
  double wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - wall_start).count();
  if (!result.is_ok()) {
    std::cerr << result.status().message() << "\n";
    return 2;
  }
  if (!trace_path.empty()) trace << trace_buffer.str();
  if (want_metrics) {
    std::istringstream trace_in(trace_buffer.str());
    auto lines = analysis::parse_trace(trace_in);
    auto metrics = lines.is_ok() ? analysis::compute_metrics(lines.value())
                                 : core::Result<analysis::Metrics>(lines.status());
    if (!metrics.is_ok()) {
      std::cerr << "ktwin run: metrics: " << metrics.status().message() << "\n";
      return 2;
    }
    if (!quiet) std::cout << "\n" << analysis::metrics_table(metrics.value());
    if (!report_path.empty() && !write_run_report(report_path, s, args, lines.value())) return 2;
    if (!metrics_path.empty()) {
      std::ofstream out(metrics_path);
      if (!(out << analysis::metrics_json(metrics.value()).dump(2) << "\n")) {
        std::cerr << "ktwin run: cannot write " << metrics_path << "\n";
        return 2;
      }
    }
  }
  const sim::RunResult& r = result.value();
  size_t failed = r.failures.size();
  // The wall time goes to stderr: stdout stays byte-identical across runs of the same seed.
  std::cerr << "ran " << core::format_go_duration(s.duration) << " of virtual time in " << wall_ms << " ms ("
            << r.tasks_run << " events)\n";
  if (failed == 0) {
    if (!quiet) std::cout << "all " << r.expectations << " expectations held\n";
    return 0;
  }
  std::cout << failed << " failure(s):\n";
  for (const std::string& f : r.failures) std::cout << "  " << f << "\n";
  return 1;
}

}  // namespace ktwin::cli
