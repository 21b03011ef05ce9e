// The image subcommand: OCI tarballs into DATA_DIR/agent/images (realnet/runtime/oci_import.cc).
#include "cli/image_command.h"

#include <cstdio>
#include <iostream>

#include "realnet/runtime/image_store.h"
#include "realnet/runtime/oci_import.h"

namespace ktwin::cli {
namespace {

constexpr const char* kUsage =
    "usage: ktwin image import FILE.tar... [--data-dir DIR]   an OCI image layout tarball per file\n"
    "       ktwin image ls [--data-dir DIR]\n"
    "  --data-dir: the agent's data directory (default /var/lib/ktwin); images go to DIR/agent/images\n";

}  // namespace

int image_command(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  std::string verb = args[0];
  std::string data_dir = "/var/lib/ktwin";
  std::vector<std::string> files;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--data-dir") {
      if (i + 1 >= args.size()) {
        std::cerr << "ktwin image: --data-dir needs a directory\n" << kUsage;
        return 2;
      }
      data_dir = args[++i];
    } else if (args[i].rfind("--", 0) == 0) {
      std::cerr << "ktwin image: unknown flag " << args[i] << "\n" << kUsage;
      return 2;
    } else {
      files.push_back(args[i]);
    }
  }
  realnet::ImageStore store(std::filesystem::path(data_dir) / "agent" / "images");
  if (verb == "ls" || verb == "list") {
    if (!files.empty()) {
      std::cerr << "ktwin image ls: takes no files\n" << kUsage;
      return 2;
    }
    std::printf("%-50s %-20s %s\n", "IMAGE", "DIGEST", "SIZE");
    for (const auto& image : store.list())
      std::printf("%-50s %-20s %.1fMiB\n", image.name.c_str(), image.manifest.digest.substr(7, 12).c_str(),
                  static_cast<double>(image.size()) / (1 << 20));
    return 0;
  }
  if (verb != "import") {
    std::cerr << "ktwin image: unknown verb \"" << verb << "\"\n" << kUsage;
    return 2;
  }
  if (files.empty()) {
    std::cerr << "ktwin image import: no FILE.tar\n" << kUsage;
    return 2;
  }
  int rc = 0;
  for (const auto& file : files) {
    auto imported = realnet::import_oci_archive(file, store);
    if (!imported.is_ok()) {
      std::cerr << "ktwin image import: " << imported.status().message() << "\n";
      rc = 1;
      continue;
    }
    for (const auto& image : imported.value()) std::cout << "imported " << image.name << " " << image.manifest.digest << "\n";
  }
  return rc;
}

}  // namespace ktwin::cli
