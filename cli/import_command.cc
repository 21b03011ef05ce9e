// The import subcommand: read kubectl's JSON, convert it (sim/cluster_import.cc), write the files.
#include "cli/import_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/cluster_import.h"

namespace ktwin::cli {
namespace {

constexpr const char* kUsage =
    "usage: ktwin import CLUSTER.json -o SCENARIO.yaml [--anonymize] [--include-system] [--name NAME]\n"
    "  CLUSTER.json: kubectl get nodes,deployments,replicasets,pods,services -A -o json > CLUSTER.json\n";

}  // namespace

int import_command(const std::vector<std::string>& args) {
  std::string input, output;
  sim::ImportOptions options;
  bool named = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (a == "-o" || a == "--output") {
      if (!value(output)) {
        std::cerr << "ktwin import: " << a << " needs a file name\n" << kUsage;
        return 2;
      }
    } else if (a == "--name") {
      if (!value(options.name)) {
        std::cerr << "ktwin import: --name needs a value\n" << kUsage;
        return 2;
      }
      named = true;
    } else if (a == "--anonymize") {
      options.anonymize = true;
    } else if (a == "--include-system") {
      options.include_system = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      std::cerr << "ktwin import: unknown flag " << a << "\n" << kUsage;
      return 2;
    } else if (input.empty()) {
      input = a;
    } else {
      std::cerr << "ktwin import: one input file at a time\n" << kUsage;
      return 2;
    }
  }
  if (input.empty() || output.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  nlohmann::json list;
  {
    std::ifstream file;
    if (input != "-") file.open(input);
    std::istream& in = input == "-" ? std::cin : file;
    if (input != "-" && (!file || std::filesystem::is_directory(input))) {
      std::cerr << "ktwin import: cannot read " << input << "\n";
      return 2;
    }
    try {
      list = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      // e.what(): "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ..."
      std::string what = e.what();
      auto at = what.find("parse error");
      std::cerr << input << ": not valid JSON: " << (at == std::string::npos ? what : what.substr(at))
                << "\n";
      return 2;
    }
  }
  std::filesystem::path out_path = output;
  std::string stem = out_path.stem().string();
  if (!named) options.name = stem;
  options.manifests_dir = stem + "-manifests";
  auto imported = sim::import_cluster(list, options);
  if (!imported.is_ok()) {
    std::cerr << input << ": " << imported.status().message() << "\n";
    return 2;
  }
  const sim::ImportResult& r = imported.value();
  std::filesystem::path dir = out_path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir / options.manifests_dir, ec);
  if (ec) {
    std::cerr << "ktwin import: cannot create " << (dir / options.manifests_dir).string() << ": "
              << ec.message() << "\n";
    return 1;
  }
  for (const sim::ImportedFile& f : r.manifests) {
    std::ofstream m(dir / f.path);
    if (!(m << f.text)) {
      std::cerr << "ktwin import: cannot write " << (dir / f.path).string() << "\n";
      return 1;
    }
  }
  std::ofstream s(out_path);
  if (!(s << r.scenario)) {
    std::cerr << "ktwin import: cannot write " << output << "\n";
    return 1;
  }
  for (const std::string& w : r.warnings) std::cerr << "ktwin import: note: " << w << "\n";
  std::cout << "wrote " << output << " and " << r.manifests.size() << " manifests in "
            << (dir / options.manifests_dir).string() << "; try: ktwin run " << output << "\n";
  return 0;
}

}  // namespace ktwin::cli
