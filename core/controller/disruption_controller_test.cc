// DisruptionController: expected pods, desired and current healthy, disruptions allowed.
#include "core/controller/disruption_controller.h"

#include <catch2/catch.hpp>

#include "tests/fakes/pdb_builders.h"
#include "tests/fakes/test_env.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace ktwin::testing;
using namespace std::chrono_literals;

namespace {

PodDisruptionBudgetStatus sync(TestEnv& t, std::shared_ptr<PodDisruptionBudget> pdb) {
  if (!find<PodDisruptionBudget>(t.store, "default", "web-pdb")) REQUIRE(t.store.create(pdb).is_ok());
  DisruptionController dc(t.env);
  REQUIRE(dc.reconcile("default/web-pdb").is_ok());
  return find<PodDisruptionBudget>(t.store, "default", "web-pdb")->status;
}

}  // namespace

TEST_CASE("an integer minAvailable counts the pods that exist", "[disruption]") {
  TestEnv t;
  std::string rs = add_web_deployment(t.store, 5);  // scale 5, but only 3 pods exist
  for (const char* n : {"web-1", "web-2", "web-3"}) add_web_pod(t.store, n, rs);
  auto s = sync(t, web_budget(IntOrString::of(2)));
  CHECK(s.expectedPods == 3);
  CHECK(s.desiredHealthy == 2);
  CHECK(s.currentHealthy == 3);
  CHECK(s.disruptionsAllowed == 1);
  CHECK(s.observedGeneration == 1);
}

TEST_CASE("percentages and maxUnavailable use the controller's scale", "[disruption]") {
  TestEnv t;
  std::string rs = add_web_deployment(t.store, 4);
  for (const char* n : {"web-1", "web-2", "web-3", "web-4"}) add_web_pod(t.store, n, rs);
  SECTION("minAvailable 50% of 4 rounds up to 2") {
    auto s = sync(t, web_budget(IntOrString::of("50%")));
    CHECK(s.expectedPods == 4);
    CHECK(s.desiredHealthy == 2);
    CHECK(s.disruptionsAllowed == 2);
  }
  SECTION("minAvailable 60% of 4 = 2.4 rounds up to 3") {
    CHECK(sync(t, web_budget(IntOrString::of("60%"))).desiredHealthy == 3);
  }
  SECTION("maxUnavailable 1: desired = scale - 1") {
    auto s = sync(t, web_budget(std::nullopt, IntOrString::of(1)));
    CHECK(s.desiredHealthy == 3);
    CHECK(s.disruptionsAllowed == 1);
  }
  SECTION("maxUnavailable 30% of 4 = 1.2 rounds up to 2") {
    CHECK(sync(t, web_budget(std::nullopt, IntOrString::of("30%"))).desiredHealthy == 2);
  }
}

TEST_CASE("unready, terminating and recently evicted pods are not healthy", "[disruption]") {
  TestEnv t;
  std::string rs = add_web_deployment(t.store, 4);
  add_web_pod(t.store, "web-1", rs);
  add_web_pod(t.store, "web-2", rs);
  add_web_pod(t.store, "web-3", rs, /*ready=*/false);
  add_web_pod(t.store, "web-4", rs);
  REQUIRE(t.store.remove(Kind::kPod, "default", "web-4").is_ok());  // bound: graceful, stays Terminating
  auto pdb = web_budget(IntOrString::of(1));
  pdb->status.disruptedPods["web-2"] = Time{} + 10s;
  t.loop.run_until(Time{} + 60s);
  auto s = sync(t, pdb);
  CHECK(s.currentHealthy == 1);  // only web-1
  CHECK(s.disruptionsAllowed == 0);
  CHECK(s.disruptedPods.count("web-2") == 1);
  SECTION("a disrupted pod still there after DeletionTimeout (2 min) counts again") {
    t.loop.run_until(Time{} + 131s);
    auto later = sync(t, pdb);
    CHECK(later.disruptedPods.empty());
    CHECK(later.currentHealthy == 2);
    CHECK(later.disruptionsAllowed == 1);
  }
}

TEST_CASE("allowed disruptions never go below 0, and a budget without pods allows none", "[disruption]") {
  TestEnv t;
  std::string rs = add_web_deployment(t.store, 2);
  SECTION("no pods") {
    auto s = sync(t, web_budget(std::nullopt, IntOrString::of(1)));
    CHECK(s.disruptionsAllowed == 0);
    CHECK(t.events.count("NoPods") == 1);
  }
  SECTION("fewer healthy than desired") {
    add_web_pod(t.store, "web-1", rs);
    auto s = sync(t, web_budget(IntOrString::of(2)));
    CHECK(s.currentHealthy == 1);
    CHECK(s.disruptionsAllowed == 0);
  }
}

TEST_CASE("a percentage over bare pods cannot be computed and allows nothing", "[disruption]") {
  TestEnv t;
  add_web_pod(t.store, "bare-1", "");
  add_web_pod(t.store, "bare-2", "");
  auto pdb = web_budget(IntOrString::of("50%"));
  pdb->status.disruptionsAllowed = 1;
  auto s = sync(t, pdb);
  CHECK(s.disruptionsAllowed == 0);
  CHECK(t.events.count("CalculateExpectedPodCountFailed") == 1);
}

TEST_CASE("the controller follows pods as they become ready", "[disruption]") {
  TestEnv t;
  std::string rs = add_web_deployment(t.store, 2);
  add_web_pod(t.store, "web-1", rs);
  add_web_pod(t.store, "web-2", rs, /*ready=*/false);
  REQUIRE(t.store.create(web_budget(IntOrString::of(1))).is_ok());
  DisruptionController dc(t.env);
  dc.start();
  t.loop.run_until(Time{} + 1s);
  CHECK(find<PodDisruptionBudget>(t.store, "default", "web-pdb")->status.disruptionsAllowed == 0);
  auto pod = mutable_copy(*find<Pod>(t.store, "default", "web-2"));
  pod->status.conditions[0].status = "True";
  REQUIRE(t.store.update(pod).is_ok());
  t.loop.run_until(Time{} + 2s);
  CHECK(find<PodDisruptionBudget>(t.store, "default", "web-pdb")->status.disruptionsAllowed == 1);
}
