// PodDisruptionBudget and readinessProbe codecs: policy/v1 field names, int-or-percent, status counts.
#include <catch2/catch.hpp>

#include "core/api/codec.h"
#include "core/api/policy.h"
#include "core/api/workload.h"
#include "core/api/yaml.h"

using namespace ktwin::core;

TEST_CASE("a PodDisruptionBudget decodes and encodes with policy/v1 names", "[api]") {
  auto docs = parse_yaml_documents(
      "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\n"
      "spec: {minAvailable: \"50%\", selector: {matchLabels: {app: web}}}\n",
      "pdb.yaml");
  REQUIRE(docs.is_ok());
  auto obj = decode(docs.value()[0].doc);
  REQUIRE(obj.is_ok());
  auto pdb = as<PodDisruptionBudget>(obj.value());
  REQUIRE(pdb->spec.minAvailable);
  CHECK(pdb->spec.minAvailable->is_string);
  CHECK(pdb->spec.minAvailable->str_value == "50%");
  CHECK_FALSE(pdb->spec.maxUnavailable);
  REQUIRE(pdb->spec.selector);
  CHECK(pdb->spec.selector->to_string() == "app=web");
  CHECK(parse_kind("pdb") == Kind::kPodDisruptionBudget);

  auto copy = mutable_copy(*pdb);
  copy->status.disruptionsAllowed = 1;
  copy->status.expectedPods = 4;
  copy->status.disruptedPods["web-1"] = Time{} + std::chrono::seconds(60);
  auto j = encode(*copy);
  CHECK(j["apiVersion"] == "policy/v1");
  CHECK(j["spec"]["minAvailable"] == "50%");
  CHECK(j["status"]["disruptionsAllowed"] == 1);
  CHECK(j["status"]["currentHealthy"] == 0);  // required fields, written even when 0
  CHECK(j["status"]["disruptedPods"]["web-1"] == "1970-01-01T00:01:00Z");
  auto back = decode(j);
  REQUIRE(back.is_ok());
  CHECK(as<PodDisruptionBudget>(back.value())->status.disruptedPods.at("web-1") == Time{} + std::chrono::seconds(60));
}

TEST_CASE("a readinessProbe keeps its timing and its handler", "[api]") {
  auto docs = parse_yaml_documents(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: web\n    image: nginx\n"
      "    readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 5, periodSeconds: 3}\n",
      "pod.yaml");
  REQUIRE(docs.is_ok());
  auto obj = decode(docs.value()[0].doc);
  REQUIRE(obj.is_ok());
  const Container& c = as<Pod>(obj.value())->spec.containers.at(0);
  REQUIRE(c.readinessProbe);
  CHECK(c.readinessProbe->initialDelaySeconds == 5);
  CHECK(c.readinessProbe->periodSeconds == 3);
  auto j = encode(*obj.value());
  CHECK(j["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"] == "/");
}
