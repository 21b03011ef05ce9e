// The workloads: section: what it reads, its errors at file:line:column, and the generated Deployments:
// deterministic per seed, inside the written ranges, known to scale/expect by name.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/util/quantity.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_test_util.h"
#include "sim/scenario/workload_generator.h"

namespace ktwin::sim {
namespace {

namespace fs = std::filesystem;

// Seven lines; the test's sections start at line 8.
const std::string kWorkloadHead =
    "apiVersion: ktwin/v1\n"
    "kind: Scenario\n"
    "metadata: {name: t}\n"
    "cluster:\n"
    "  nodes:\n"
    "    - {namePrefix: n, count: 3, capacity: {cpu: \"8\", memory: 32Gi}}\n"
    "duration: 10m\n";

// Loads kWorkloadHead + `rest` from a scratch s.yaml; `errors` gets the report relative to its folder.
core::Result<Scenario> load(const std::string& rest, std::string* errors = nullptr, const LoadOptions& options = {}) {
  return load_text(kWorkloadHead + rest, errors, options);
}

std::string errors(const std::string& rest) {
  std::string out;
  load(rest, &out);
  return out;
}

int64_t milli(const nlohmann::json& deployment, const char* resource) {
  const auto& requests = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"];
  return core::Quantity::parse(requests[resource].get<std::string>())->milli_value();
}

const std::string kMixed =
    "workloads:\n"
    "  - namePrefix: svc-\n"
    "    count: 200\n"
    "    replicas: {min: 2, max: 5}\n"
    "    requests:\n"
    "      cpu: {distribution: choice, values: [100m, 250m, 500m], weights: [2, 1, 0]}\n"
    "      memory: {distribution: uniform, min: 64Mi, max: 256Mi}\n"
    "    labels: {tier: web}\n"
    "    spread: zone\n"
    "  - {namePrefix: big-, count: 300, replicas: 1, at: 2m, antiAffinity: hostname,\n"
    "     requests: {cpu: {distribution: lognormal, median: 200m, sigma: 1, min: 50m, max: 2}, memory: 128Mi}}\n";

}  // namespace

TEST_CASE("workload generators expand into Deployments within their ranges", "[scenario][workloads]") {
  auto s = load(kMixed);
  REQUIRE(s.is_ok());
  const Scenario& sc = s.value();
  REQUIRE(sc.manifests.size() == 200);  // at 0s
  const nlohmann::json& first = sc.manifests[0].doc;
  CHECK(first["kind"] == "Deployment");
  CHECK(first["metadata"]["name"] == "svc-1");
  CHECK(sc.manifests[199].doc["metadata"]["name"] == "svc-200");
  CHECK(first["spec"]["selector"]["matchLabels"]["app"] == "svc-1");
  CHECK(first["spec"]["template"]["metadata"]["labels"]["tier"] == "web");
  CHECK(first["spec"]["template"]["spec"]["topologySpreadConstraints"][0]["topologyKey"] ==
        "topology.kubernetes.io/zone");
  CHECK(first["spec"]["template"]["spec"]["containers"][0]["image"] == "registry.k8s.io/pause:3.9");
  CHECK(sc.manifests[0].where.line == 9);

  std::set<int64_t> replicas, cpus;
  for (const ManifestDoc& m : sc.manifests) {
    replicas.insert(m.doc["spec"]["replicas"].get<int64_t>());
    cpus.insert(milli(m.doc, "cpu"));
    int64_t mem = milli(m.doc, "memory");
    CHECK(mem >= int64_t{64} * 1048576 * 1000);
    CHECK(mem <= int64_t{256} * 1048576 * 1000);
    CHECK(mem % (int64_t{1048576} * 1000) == 0);  // whole Mi
  }
  CHECK(replicas == std::set<int64_t>{2, 3, 4, 5});
  CHECK(cpus == std::set<int64_t>{100, 250});  // weight 0: never 500m

  // The generator at 2m is one apply action.
  REQUIRE(sc.timeline.size() == 1);
  const Action& later = sc.timeline[0];
  CHECK(later.type == Action::Type::kApply);
  CHECK(later.at == std::chrono::minutes(2));
  CHECK(later.origin == "workloads");
  REQUIRE(later.manifests.size() == 300);
  int64_t at_min = 0, at_max = 0, below_median = 0;
  for (const ManifestDoc& m : later.manifests) {
    int64_t cpu = milli(m.doc, "cpu");
    CHECK(cpu >= 50);
    CHECK(cpu <= 2000);
    at_min += cpu == 50;
    at_max += cpu == 2000;
    below_median += cpu < 200;
    CHECK(m.doc["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["memory"] == "128Mi");
    CHECK(m.doc["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
              ["preferredDuringSchedulingIgnoredDuringExecution"][0]["podAffinityTerm"]["topologyKey"] ==
          "kubernetes.io/hostname");
  }
  // ln(50m/200m) = -1.39 sigma: about 8% clamp at min; ln(10) = 2.3 sigma: about 1% at max; half below.
  CHECK(at_min >= 10);
  CHECK(at_min <= 45);
  CHECK(at_max <= 12);
  CHECK(below_median >= 120);
  CHECK(below_median <= 180);
}

TEST_CASE("workload generators are deterministic per seed and streams are per field", "[scenario][workloads]") {
  auto a = load(kMixed), b = load(kMixed);
  LoadOptions other;
  other.seed = 99;
  auto c = load(kMixed, nullptr, other);
  REQUIRE((a.is_ok() && b.is_ok() && c.is_ok()));
  std::vector<nlohmann::json> da, db, dc;
  for (const ManifestDoc& m : a.value().manifests) da.push_back(m.doc);
  for (const ManifestDoc& m : b.value().manifests) db.push_back(m.doc);
  for (const ManifestDoc& m : c.value().manifests) dc.push_back(m.doc);
  CHECK(da == db);
  CHECK(da != dc);

  // Fixing the cpu request leaves the replicas and memory draws as they were.
  std::string fixed = kMixed;
  fixed.replace(fixed.find("{distribution: choice, values: [100m, 250m, 500m], weights: [2, 1, 0]}"),
                std::string("{distribution: choice, values: [100m, 250m, 500m], weights: [2, 1, 0]}").size(), "300m");
  auto d = load(fixed);
  REQUIRE(d.is_ok());
  for (size_t i = 0; i < da.size(); ++i) {
    const nlohmann::json& m = d.value().manifests[i].doc;
    CHECK(m["spec"]["replicas"] == da[i]["spec"]["replicas"]);
    CHECK(milli(m, "memory") == milli(da[i], "memory"));
    CHECK(milli(m, "cpu") == 300);
  }
}

TEST_CASE("generated Deployments are known to scale and expect", "[scenario][workloads]") {
  auto s = load(
      "workloads:\n"
      "  - {namePrefix: web-, count: 2, replicas: 3}\n"
      "timeline:\n"
      "  - {at: 1m, scale: {deployment: web-2, replicas: 5}}\n"
      "expect:\n"
      "  - {at: 2m, deployment: web-1, readyReplicas: 3}\n");
  CHECK(s.is_ok());
  CHECK(errors("workloads:\n"
               "  - {namePrefix: web-, count: 2, replicas: 3}\n"
               "timeline:\n"
               "  - {at: 1m, scale: {deployment: web-3, replicas: 5}}\n")
            .find("s.yaml:11:34: unknown deployment \"web-3\"") != std::string::npos);
}

TEST_CASE("workloads errors name file:line:column", "[scenario][workloads]") {
  CHECK(errors("workloads:\n  - {namePrefix: web-, replicas: 3}\n") ==
        "s.yaml:9:5: missing key \"count\" in workloads entry");
  CHECK(errors("workloads:\n  - {namePrefix: Web, count: 1, replicas: 3}\n")
            .rfind("s.yaml:9:18: namePrefix \"Web\" must be lowercase", 0) == 0);
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: {min: 4, max: 2}}\n") ==
        "s.yaml:9:55: max is below min");
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: 1, requests: {cpu: {distribution: normal}}}\n")
            .rfind("s.yaml:9:75: unknown distribution \"normal\"", 0) == 0);
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: 1, requests: {cpu: {distribution: uniform, min: 1}}}\n") ==
        "s.yaml:9:60: missing key \"max\" in requests.cpu");
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: 1,\n"
               "     requests: {memory: {distribution: choice, values: [1Gi, 2Gi], weights: [1]}}}\n") ==
        "s.yaml:10:77: weights needs one entry per value (2)");
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: 1,\n"
               "     requests: {cpu: {distribution: lognormal, median: 100m, sigma: 0.5, values: [1]}}}\n") ==
        "s.yaml:10:74: values does not apply to a lognormal distribution");
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: 1, requests: {cpu: lots}}\n")
            .rfind("s.yaml:9:60: bad quantity \"lots\"", 0) == 0);
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: 1, labels: {app: x}}\n")
            .rfind("s.yaml:9:53: label \"app\" is the generated Deployment's own", 0) == 0);
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 2, replicas: 1}\n  - {namePrefix: w, count: 1, replicas: 1}\n") ==
        "s.yaml:10:5: workloads entry makes Deployment \"w1\", already defined at line 9");
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: 1, at: 20m}\n") ==
        "s.yaml:9:48: at 20m0s is after the end of the scenario (duration 10m0s)");
  CHECK(errors("workloads:\n  - {namePrefix: w, count: 1, replicas: 1, spread: {topologyKey: zone, whenUnsatisfiable: Never}}\n")
            .rfind("s.yaml:9:91: bad whenUnsatisfiable \"Never\"", 0) == 0);
}

TEST_CASE("draw_quantity keeps lognormal and uniform memory draws in range", "[scenario][workloads]") {
  QuantityDistribution d;
  d.kind = QuantityDistribution::Kind::kLognormal;
  d.median = 128.0 * 1048576 * 1000;
  d.sigma = 3;  // wide: many draws clamp
  d.min = int64_t{32} * 1048576 * 1000;
  d.max = int64_t{1024} * 1048576 * 1000;
  core::Rng rng(1, "t");
  for (int i = 0; i < 2000; ++i) {
    int64_t v = draw_quantity(d, true, rng);
    REQUIRE(v >= d.min);
    REQUIRE(v <= d.max);
    REQUIRE(v % (int64_t{1048576} * 1000) == 0);
  }
}

}  // namespace ktwin::sim
