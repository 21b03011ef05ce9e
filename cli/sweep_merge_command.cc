// The sweep-merge subcommand: read the part files, check them (sweep_parts.cc), report as one sweep.
#include "cli/sweep_merge_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/sweep_parts.h"
#include "cli/sweep_report.h"

namespace ktwin::cli {
namespace {

constexpr const char* kUsage = "usage: ktwin sweep-merge --out DIR PART_DIR...\n";

}  // namespace

int sweep_merge_command(const std::vector<std::string>& args) {
  std::string out_dir;
  std::vector<std::string> inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--out") {
      if (i + 1 >= args.size()) {
        std::cerr << "ktwin sweep-merge: --out needs a directory\n" << kUsage;
        return 2;
      }
      out_dir = args[++i];
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::cerr << "ktwin sweep-merge: unknown flag " << a << "\n" << kUsage;
      return 2;
    } else {
      inputs.push_back(a);
    }
  }
  if (out_dir.empty() || inputs.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  std::vector<std::pair<std::string, nlohmann::json>> parts;
  for (const std::string& input : inputs) {
    std::filesystem::path path = input;
    if (std::filesystem::is_directory(path)) path /= "part.json";
    std::ifstream in(path);
    if (!in) {
      std::cerr << "ktwin sweep-merge: cannot read " << path.string()
                << " (run ktwin sweep --shard I/N --out " << input << " first)\n";
      return 2;
    }
    nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      std::cerr << "ktwin sweep-merge: " << path.string() << ": not valid JSON\n";
      return 2;
    }
    parts.emplace_back(path.string(), std::move(j));
  }
  auto merged = merge_parts(parts);
  if (!merged.is_ok()) {
    std::cerr << "ktwin sweep-merge: " << merged.status().message() << "\n";
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    std::cerr << "ktwin sweep-merge: cannot create " << out_dir << ": " << ec.message() << "\n";
    return 2;
  }
  const MergedSweep& m = merged.value();
  int status = write_sweep_report(m.id.params, m.points, m.runs, out_dir, std::cout);
  std::cerr << "merged " << parts.size() << " parts: " << m.runs.size() << " runs (" << m.points.size()
            << " points x " << m.id.seeds << " seeds)\n";
  return status;
}

}  // namespace ktwin::cli
