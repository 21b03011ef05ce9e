// Scenario loader tests' helpers: a scratch folder holding one scenario and its manifests, and the
// first lines every test scenario shares.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;
using std::chrono::minutes;
using std::chrono::seconds;

const std::string kTestdata = std::string(KTWIN_SOURCE_DIR) + "/sim/scenario/testdata";

// A scratch folder holding one scenario and its manifests; messages are shown relative to it.
class ScratchDir {
 public:
  ScratchDir() {
    static int counter = 0;
    dir_ = fs::temp_directory_path() / ("ktwin-scenario-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir_);
    write("web.yaml",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n"
          "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
          "    spec: {containers: [{name: web, image: nginx}]}\n");
  }
  ~ScratchDir() { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  // The loader's error report with this folder's path removed, or "" when it loaded.
  std::string errors(const std::string& scenario, const LoadOptions& options = {}) {
    auto result = load_scenario(write("s.yaml", scenario), options);
    return result.is_ok() ? "" : relative(result.status().message());
  }
  // `message` with every mention of this folder's path removed: "s.yaml:9:5: ...".
  std::string relative(std::string message) const {
    std::string prefix = dir_.string() + "/";
    for (size_t at; (at = message.find(prefix)) != std::string::npos;) message.erase(at, prefix.size());
    return message;
  }
  Scenario load(const std::string& scenario, const LoadOptions& options = {}) {
    auto result = load_scenario(write("s.yaml", scenario), options);
    INFO(result.status().message());
    REQUIRE(result.is_ok());
    return result.value();
  }

 private:
  fs::path dir_;
};

// Loads `text` as s.yaml from a scratch folder of its own; on failure `errors` (when given) gets the
// report with the folder's path removed.
inline core::Result<Scenario> load_text(const std::string& text, std::string* errors = nullptr,
                                        const LoadOptions& options = {}) {
  ScratchDir dir;
  auto result = load_scenario(dir.write("s.yaml", text), options);
  if (errors && !result.is_ok()) *errors = dir.relative(result.status().message());
  return result;
}

// Seven lines; whatever a test appends starts at line 8.
const std::string kHead =
    "apiVersion: ktwin/v1\n"
    "kind: Scenario\n"
    "metadata: {name: t}\n"
    "cluster:\n"
    "  nodes:\n"
    "    - {name: n1, capacity: {cpu: \"1\", memory: 1Gi}}\n"
    "    - {name: n2, capacity: {cpu: \"1\", memory: 1Gi}}\n";

}  // namespace
}  // namespace ktwin::sim
