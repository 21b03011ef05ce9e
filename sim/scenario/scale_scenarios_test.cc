// scenarios/scale/: too slow to run in CI at full size (docs/performance.md), so check that each loads
// with the size the issue asks for; kubemark-50 runs as a ctest.
#include <catch2/catch.hpp>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {
namespace {

struct Size {
  size_t nodes = 0;
  int64_t replicas = 0, deployments = 0, halted = 0, resumed = 0;
  std::map<std::string, size_t> zones;
};

Size size_of(const std::string& name) {
  auto s = load_scenario(std::string(KTWIN_SOURCE_DIR) + "/scenarios/scale/" + name);
  INFO(name << ": " << (s.is_ok() ? "" : s.status().message()));
  REQUIRE(s.is_ok());
  Size out;
  out.nodes = s.value().nodes.size();
  for (const NodeSpecEntry& n : s.value().nodes) ++out.zones[n.labels.at("topology.kubernetes.io/zone")];
  for (const ManifestDoc& m : s.value().manifests)
    if (m.doc["kind"] == "Deployment") {
      ++out.deployments;
      out.replicas += m.doc["spec"]["replicas"].get<int64_t>();
    }
  for (const Action& a : s.value().timeline) {
    if (a.origin == "haltNodes") {
      ++out.halted;
      CHECK(a.at >= std::chrono::minutes(20));
      CHECK(a.at < std::chrono::minutes(21));
    }
    if (a.origin == "resumeNodes") {
      ++out.resumed;
      CHECK(a.at == std::chrono::minutes(40));
    }
  }
  CHECK(s.value().duration == std::chrono::hours(1));
  return out;
}

}  // namespace

TEST_CASE("kubemark-5k loads: 5,000 nodes in 3 zones, 150,000 replicas, a 500-node storm", "[scenario][scale]") {
  Size s = size_of("kubemark-5k.yaml");
  CHECK(s.nodes == 5000);
  CHECK(s.zones.size() == 3);
  CHECK(s.deployments == 1000);
  CHECK(s.replicas == 150000);
  CHECK(s.halted == 500);
  CHECK(s.resumed == 250);
}

TEST_CASE("kubemark-500 and kubemark-50 have the same shape at 1/10 and 1/100", "[scenario][scale]") {
  Size s = size_of("kubemark-500.yaml");
  CHECK(s.nodes == 500);
  CHECK(s.zones.size() == 3);
  CHECK(s.replicas == 15000);
  CHECK(s.halted == 50);
  CHECK(s.resumed == 25);
  Size small = size_of("kubemark-50.yaml");
  CHECK(small.nodes == 50);
  CHECK(small.zones.size() == 3);
  CHECK(small.replicas == 1500);
  CHECK(small.halted == 5);
  CHECK(small.resumed == 3);  // round(0.5 x 5)
}

}  // namespace ktwin::sim
