// The sweep subcommand: argument parsing, the cross product of params, running the points on a
// pool of threads, and writing what came out (sweep_report.cc).
#include "cli/sweep_command.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "analysis/metrics.h"
#include "cli/sweep_html.h"
#include "cli/progress.h"
#include "cli/sweep_parts.h"
#include "cli/sweep_report.h"
#include "sim/runner.h"

namespace ktwin::cli {
namespace {

constexpr const char* kUsage =
    "usage: ktwin sweep FILE.yaml --param KEY=V1,V2,... [--param ...] [--seeds N] [--jobs N] [--out DIR]\n"
    "                 [--report OUT.html] [--shard I/N | --shard env/N]\n";

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);) out.push_back(part);
  if (!text.empty() && text.back() == sep) out.push_back("");
  return out;
}

// One run: its own cluster, its own trace in memory, its metrics. Runs share nothing mutable.
SweepRun run_one(const sim::Scenario& scenario) {
  SweepRun run;
  std::ostringstream trace;
  sim::RunOptions options;
  options.trace = &trace;
  auto result = sim::run_scenario(scenario, options);
  if (!result.is_ok()) {
    run.error = result.status().message();
    return run;
  }
  run.failed_expectations = result.value().failures.size();
  std::istringstream in(trace.str());
  auto lines = analysis::parse_trace(in);
  auto metrics = lines.is_ok() ? analysis::compute_metrics(lines.value()) : core::Result<analysis::Metrics>(lines.status());
  if (!metrics.is_ok()) {
    run.error = metrics.status().message();
    return run;
  }
  run.metrics = analysis::flatten_metrics(metrics.value());
  return run;
}

// The scenario file's bytes and every manifest it applies (at 0s or later): parts of one sweep run on
// different machines must have run the same thing.
std::string fingerprint(const sim::Scenario& s) {
  std::ifstream in(s.file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string h = fnv1a_hex(bytes);
  for (const sim::ManifestDoc& m : s.manifests) h = fnv1a_hex(m.doc.dump(), h);
  for (const sim::Action& a : s.timeline)
    for (const sim::ManifestDoc& m : a.manifests) h = fnv1a_hex(m.doc.dump(), h);
  return h;
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  std::string file, out_dir = "sweep-out";
  std::string report_path;
  std::vector<SweepParam> params;
  uint64_t seeds = 10;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::optional<Shard> shard;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    auto positive = [&](const std::string* v, uint64_t& into) {
      try {
        size_t used = 0;
        if (v && !v->empty() && (*v)[0] != '-') into = std::stoull(*v, &used);
        if (v && used == v->size() && into > 0) return true;
      } catch (...) {
      }
      std::cerr << "ktwin sweep: " << a << " needs a positive number\n";
      return false;
    };
    if (a == "--param") {
      const std::string* v = value();
      auto eq = v ? v->find('=') : std::string::npos;
      if (eq == std::string::npos || eq == 0 || eq + 1 == v->size()) {
        std::cerr << "ktwin sweep: --param " << (v ? *v : "") << ": expected KEY=V1,V2,...\n" << kUsage;
        return 2;
      }
      SweepParam p{v->substr(0, eq), split(v->substr(eq + 1), ',')};
      for (const std::string& value_text : p.values)
        if (value_text.empty()) {
          std::cerr << "ktwin sweep: --param " << *v << ": empty value\n";
          return 2;
        }
      params.push_back(std::move(p));
    } else if (a == "--seeds") {
      if (!positive(value(), seeds)) return 2;
    } else if (a == "--jobs") {
      uint64_t n = 0;
      if (!positive(value(), n)) return 2;
      jobs = static_cast<unsigned>(n);
    } else if (a == "--shard") {
      const std::string* v = value();
      auto parsed = parse_shard(v ? *v : "", std::getenv("JOB_COMPLETION_INDEX"));
      if (!parsed.is_ok()) {
        std::cerr << "ktwin sweep: " << parsed.status().message() << "\n";
        return 2;
      }
      shard = parsed.value();
    } else if (a == "--out") {
      const std::string* v = value();
      if (!v) {
        std::cerr << "ktwin sweep: --out needs a directory\n";
        return 2;
      }
      out_dir = *v;
    } else if (a == "--report") {  // an HTML page with the plots (cli/sweep_html.h)
      const std::string* v = value();
      if (!v) {
        std::cerr << "ktwin sweep: --report needs a file\n";
        return 2;
      }
      report_path = *v;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "ktwin sweep: unknown flag " << a << "\n" << kUsage;
      return 2;
    } else if (file.empty()) {
      file = a;
    } else {
      std::cerr << "ktwin sweep: one scenario file at a time\n" << kUsage;
      return 2;
    }
  }
  if (file.empty() || params.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (shard && !report_path.empty()) {  // a part holds only some runs; the plots need them all
    std::cerr << "ktwin sweep: --report needs every run: leave it out of --shard runs\n";
    return 2;
  }

  // Load every (point, seed) up front, on this thread: the loader validates each --set key and
  // value, so a bad param fails before anything runs (in every shard alike), and the runs share no
  // loader state. A shard keeps only its own runs.
  std::vector<SweepPoint> points = cross_product(params);
  std::vector<SweepRun> runs;
  std::vector<sim::Scenario> scenarios;
  SweepIdentity identity{"", "", params, seeds};
  for (size_t p = 0; p < points.size(); ++p)
    for (uint64_t seed = 1; seed <= seeds; ++seed) {
      sim::LoadOptions load{seed, {points[p].begin(), points[p].end()}};
      auto s = sim::load_scenario(file, load);
      if (!s.is_ok()) {
        std::cerr << "ktwin sweep: " << s.status().message() << "\n";
        return 2;
      }
      if (p == 0 && seed == 1) identity = {s.value().name, fingerprint(s.value()), params, seeds};
      if (shard && !shard->takes(run_index(p, seed, seeds))) continue;
      scenarios.push_back(std::move(s).value());
      SweepRun slot;
      slot.point = p;
      slot.seed = seed;
      runs.push_back(std::move(slot));
    }

  // SimGrid runs one platform per process, from one thread: platform scenarios run one at a time.
  if (jobs > 1 && !scenarios.empty() && scenarios.front().platform.is_set()) {
    std::cerr << "ktwin sweep: cluster.platform runs on SimGrid, one run at a time: --jobs 1\n";
    jobs = 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    std::cerr << "ktwin sweep: cannot create " << out_dir << ": " << ec.message() << "\n";
    return 2;
  }
  auto wall_start = std::chrono::steady_clock::now();
  std::atomic<size_t> next{0};
  Progress progress = stderr_progress(static_cast<double>(runs.size()), "runs");
  auto worker = [&] {
    for (size_t i = next++; i < runs.size(); i = next++) {
      SweepRun done = run_one(scenarios[i]);
      done.point = runs[i].point;
      done.seed = runs[i].seed;
      runs[i] = std::move(done);  // each slot is written by one thread only
      progress.add_one();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned j = 0; j < std::min<size_t>(jobs, runs.size()); ++j) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  progress.finish();

  int status = 0;
  if (shard) {
    // A part: its runs.csv for a look, and part.json, which sweep-merge joins (the summary needs every run).
    std::ofstream part(out_dir + "/part.json");
    part << part_json(identity, *shard, runs).dump() << "\n";  // one line: a machine file
    if (!part || !write_runs_csv(out_dir + "/runs.csv", params, points, runs)) {
      std::cerr << "ktwin sweep: cannot write " << out_dir << "/part.json or runs.csv\n";
      status = 1;
    }
    for (const SweepRun& r : runs)
      if (!r.error.empty()) {
        std::cerr << "ktwin sweep: point " << r.point << " seed " << r.seed << ": " << r.error << "\n";
        status = 1;
      }
    std::cout << "shard " << shard->index << "/" << shard->count << ": " << runs.size() << " of "
              << points.size() * seeds << " runs in " << out_dir
              << "/part.json; join every shard with ktwin sweep-merge --out DIR PART_DIR...\n";
  } else {
    status = write_sweep_report(params, points, runs, out_dir, std::cout);
    if (!report_path.empty()) status = std::max(status, write_sweep_html(report_path, args, params, points, runs));
  }
  std::cerr << "ran " << runs.size() << " runs (" << points.size() << " points x " << seeds << " seeds"
            << (shard ? ", shard " + std::to_string(shard->index) + "/" + std::to_string(shard->count) : "") << ") on "
            << pool.size() << " threads in " << wall_s << " s\n";
  return status;
}

}  // namespace ktwin::cli
