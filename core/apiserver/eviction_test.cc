// The eviction subresource: budgets checked and decremented, 429 when none is left.
#include "core/apiserver/eviction.h"

#include <catch2/catch.hpp>

#include "core/api/policy.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/pdb_builders.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace ktwin::testing;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  sim::EventLoop loop{Time{}};
  MemoryStore store{loop, Rng(7, "store")};
  std::string rs = add_web_deployment(store, 3);
  Fixture() {
    for (const char* n : {"web-1", "web-2", "web-3"}) add_web_pod(store, n, rs);
    loop.run_until(Time{} + 10s);
  }
  // A budget as the disruption controller would have written it.
  void budget(int32_t allowed, int64_t observed_generation = 1) {
    auto pdb = web_budget(IntOrString::of(2));
    pdb->status = {observed_generation, {}, allowed, 3, 2, 3};
    REQUIRE(store.create(pdb).is_ok());
  }
  EvictionResult evict(const std::string& name) { return evict_pod(store, loop, "default", name); }
  std::shared_ptr<const PodDisruptionBudget> pdb() { return find<PodDisruptionBudget>(store, "default", "web-pdb"); }
};

const char* kViolation = "Cannot evict pod as it would violate the pod's disruption budget.";

}  // namespace

TEST_CASE("an eviction takes one allowed disruption and deletes the pod gracefully", "[eviction]") {
  Fixture f;
  f.budget(1);
  EvictionResult r = f.evict("web-1");
  CHECK(r.code == EvictionResult::Code::kEvicted);
  CHECK(f.pdb()->status.disruptionsAllowed == 0);
  REQUIRE(f.pdb()->status.disruptedPods.count("web-1") == 1);
  CHECK(f.pdb()->status.disruptedPods.at("web-1") == Time{} + 10s);
  CHECK(find<Pod>(f.store, "default", "web-1")->metadata.deletionTimestamp.has_value());
  EvictionResult second = f.evict("web-2");
  CHECK(second.code == EvictionResult::Code::kTooManyRequests);
  CHECK(second.message == kViolation);
  CHECK_FALSE(find<Pod>(f.store, "default", "web-2")->metadata.deletionTimestamp.has_value());
}

TEST_CASE("a budget the controller has not observed yet refuses", "[eviction]") {
  Fixture f;
  f.budget(1, /*observed_generation=*/0);
  CHECK(f.evict("web-1").code == EvictionResult::Code::kTooManyRequests);
}

TEST_CASE("pods without a budget, pending pods and terminating pods skip the check", "[eviction]") {
  Fixture f;
  SECTION("no budget") { CHECK(f.evict("web-1").code == EvictionResult::Code::kEvicted); }
  SECTION("pending") {
    f.budget(0);
    auto p = mutable_copy(*find<Pod>(f.store, "default", "web-1"));
    p->status.phase = "Pending";
    REQUIRE(f.store.update(p).is_ok());
    CHECK(f.evict("web-1").code == EvictionResult::Code::kEvicted);
    CHECK(f.pdb()->status.disruptedPods.empty());
  }
  SECTION("unknown pod") { CHECK(f.evict("nope").code == EvictionResult::Code::kNotFound); }
}

TEST_CASE("an unready pod goes without a disruption while the budget is healthy", "[eviction]") {
  Fixture f;
  add_web_pod(f.store, "web-4", f.rs, /*ready=*/false);
  f.budget(0);  // currentHealthy 3 >= desiredHealthy 2
  CHECK(f.evict("web-4").code == EvictionResult::Code::kEvicted);
  CHECK(f.pdb()->status.disruptionsAllowed == 0);
}

TEST_CASE("a pod under two budgets cannot be evicted", "[eviction]") {
  Fixture f;
  f.budget(1);
  auto other = web_budget(IntOrString::of(1));
  other->metadata.name = "other";
  REQUIRE(f.store.create(other).is_ok());
  EvictionResult r = f.evict("web-1");
  CHECK(r.code == EvictionResult::Code::kError);
  CHECK(r.message == "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
}
