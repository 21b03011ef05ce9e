// The image subcommand: OCI tarballs into DATA_DIR/agent/images (realnet/runtime/oci_import.cc).
#include "cli/image_command.h"

#include <cstdio>
#include <iostream>

#include "cli/flag_set.h"
#include "realnet/runtime/image_store.h"
#include "realnet/runtime/oci_import.h"
#ifdef KTWIN_HAVE_CONTAINERD
#include "realnet/runtime/containerd_client.h"
#endif

namespace ktwin::cli {
namespace {

constexpr const char* kUsage =
    "usage: ktwin image import FILE.tar... [--data-dir DIR] [--container-runtime-endpoint SOCK]\n"
    "         an OCI image layout tarball per file; with SOCK also into containerd (namespace ktwin)\n"
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
  std::string containerd;
  std::vector<std::string> files;
  FlagSet flags;
  flags.text("--data-dir", &data_dir);
  flags.text("--container-runtime-endpoint", &containerd);
  flags.text("--containerd-address", &containerd);  // this flag's first spelling
  if (core::Status s = flags.parse({args.begin() + 1, args.end()}, &files); !s.is_ok()) {
    std::cerr << "ktwin image: " << s.message() << "\n" << kUsage;
    return 2;
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
#ifndef KTWIN_HAVE_CONTAINERD
  if (!containerd.empty()) {
    std::cerr << "ktwin image import: built without containerd's API (libgrpc++-dev and the containerd protos)\n";
    return 2;
  }
#endif
  int rc = 0;
  for (const auto& file : files) {
    auto imported = realnet::import_oci_archive(file, store);
    if (!imported.is_ok()) {
      std::cerr << "ktwin image import: " << imported.status().message() << "\n";
      rc = 1;
      continue;
    }
    for (const auto& image : imported.value()) {
      std::cout << "imported " << image.name << " " << image.manifest.digest << "\n";
#ifdef KTWIN_HAVE_CONTAINERD
      if (containerd.empty()) continue;
      realnet::ContainerdClient client(containerd, "ktwin");
      core::Status s = client.import_image(store, image);
      if (!s.is_ok()) {
        std::cerr << "ktwin image import: " << image.name << " into containerd: " << s.message() << "\n";
        rc = 1;
        continue;
      }
      std::cout << "  and into containerd at " << containerd << " (namespace ktwin)\n";
#endif
    }
  }
  return rc;
}

}  // namespace ktwin::cli
