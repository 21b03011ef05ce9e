// Loader errors for apps.*.dependsOn: cycles and unknown Services, located at the entry to blame.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;

const char* kApps =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: letschat}\nspec:\n"
    "  selector: {matchLabels: {name: letschat}}\n  template:\n    metadata: {labels: {name: letschat}}\n"
    "    spec: {containers: [{name: letschat, image: \"sdelements/lets-chat:0.4\"}]}\n"
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: mongo}\nspec:\n"
    "  selector: {matchLabels: {name: mongo}}\n  template:\n    metadata: {labels: {name: mongo}}\n"
    "    spec: {containers: [{name: mongo, image: mongo}]}\n"
    "---\napiVersion: v1\nkind: Service\nmetadata: {name: letschat}\nspec: {type: NodePort, selector: {name: letschat}}\n";
const char* kMongoService = "apiVersion: v1\nkind: Service\nmetadata: {name: mongo}\nspec: {selector: {name: mongo}}\n";

// Ten lines; the apps section follows at line 11.
const std::string kHead =
    "apiVersion: ktwin/v1\n"
    "kind: Scenario\n"
    "metadata: {name: t}\n"
    "cluster:\n"
    "  nodes:\n"
    "    - {name: n1, capacity: {cpu: \"1\", memory: 1Gi}}\n"
    "manifests: [apps.yaml]\n"
    "timeline:\n"
    "  - {at: 1m, apply: mongo-srv.yaml}\n"
    "apps:\n";

// Loads kHead + `apps` next to the manifests above; "" when it loads, else the report without the folder.
std::string errors(const std::string& apps) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() / ("ktwin-deps-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directories(dir);
  std::ofstream(dir / "apps.yaml") << kApps;
  std::ofstream(dir / "mongo-srv.yaml") << kMongoService;
  std::ofstream(dir / "s.yaml") << kHead << apps;
  auto result = load_scenario((dir / "s.yaml").string());
  fs::remove_all(dir);
  if (result.is_ok()) return "";
  std::string message = result.status().message(), prefix = (dir / "").string();
  for (size_t at; (at = message.find(prefix)) != std::string::npos;) message.erase(at, prefix.size());
  return message;
}

}  // namespace

TEST_CASE("dependsOn may name a Service applied later in the timeline", "[scenario][dependsOn]") {
  CHECK(errors("  sdelements/lets-chat: {startup: 2s, dependsOn: [mongo]}\n  mongo: {startup: 3s}\n") == "");
}

TEST_CASE("a dependsOn cycle is rejected at the entry that closes it", "[scenario][dependsOn]") {
  // letschat -> mongo (line 11) -> letschat (line 12, column 36: the entry closing the cycle).
  CHECK(errors("  sdelements/lets-chat: {dependsOn: [mongo]}\n"
               "  mongo: {startup: 3s, dependsOn: [letschat]}\n") ==
        "s.yaml:12:36: dependsOn cycle: letschat -> mongo -> letschat");
  SECTION("a service that needs itself") {
    CHECK(errors("  mongo: {dependsOn: [mongo]}\n") == "s.yaml:11:23: dependsOn cycle: mongo -> mongo");
  }
}

TEST_CASE("dependsOn naming no Service is rejected with a suggestion", "[scenario][dependsOn]") {
  CHECK(errors("  sdelements/lets-chat: {dependsOn: [mongo, mongoo]}\n") ==
        "s.yaml:11:45: unknown service \"mongoo\": no manifest defines it (did you mean \"mongo\"?)");
  SECTION("for an image no manifest runs, any Service of that name will do") {
    CHECK(errors("  redis: {dependsOn: [mongo]}\n") == "");
    CHECK(errors("  redis: {dependsOn: [cache]}\n") ==
          "s.yaml:11:23: unknown service \"cache\": no manifest defines it (services: letschat, mongo)");
  }
}

}  // namespace ktwin::sim
