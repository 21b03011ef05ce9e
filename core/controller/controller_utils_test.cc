// Shared controller helpers: expectations, slow start, availability.
#include "core/controller/controller_utils.h"

#include <catch2/catch.hpp>

#include "sim/event_loop.h"

using namespace ktwin;
using namespace std::chrono_literals;

namespace {

core::PodCondition ready_condition(core::Time since) {
  core::PodCondition c;
  c.type = "Ready";
  c.status = "True";
  c.lastTransitionTime = since;
  return c;
}

}  // namespace

TEST_CASE("expectations are satisfied when observed, and deletes only by the expected keys", "[controller][utils]") {
  sim::EventLoop loop(core::Time{} + 1h);
  core::Expectations exp(loop);
  CHECK(exp.satisfied("ns/rs"));
  exp.expect_creations("ns/rs", 2);
  CHECK_FALSE(exp.satisfied("ns/rs"));
  exp.creation_observed("ns/rs");
  CHECK_FALSE(exp.satisfied("ns/rs"));
  exp.creation_observed("ns/rs");
  CHECK(exp.satisfied("ns/rs"));

  exp.expect_deletions("ns/rs", {"ns/a", "ns/b"});
  exp.deletion_observed("ns/rs", "ns/other");  // not ours: ignored
  exp.deletion_observed("ns/rs", "ns/a");
  exp.deletion_observed("ns/rs", "ns/a");  // twice (MODIFIED with deletionTimestamp, then DELETED)
  CHECK_FALSE(exp.satisfied("ns/rs"));
  exp.deletion_observed("ns/rs", "ns/b");
  CHECK(exp.satisfied("ns/rs"));

  exp.expect_creations("ns/rs", 1);
  loop.run_until(loop.now() + 5min);
  CHECK_FALSE(exp.satisfied("ns/rs"));
  loop.run_until(loop.now() + 1ms);
  CHECK(exp.satisfied("ns/rs"));
  exp.forget("ns/rs");
  CHECK_FALSE(exp.TEST_pending("ns/rs"));
}

TEST_CASE("slow start doubles batches and stops after a failing batch", "[controller][utils]") {
  int calls = 0;
  core::Status err;
  CHECK(core::slow_start_batch(10, 1, [&] { ++calls; return core::Status::ok(); }, &err) == 10);
  CHECK(calls == 10);
  CHECK(err.is_ok());

  calls = 0;
  // Fails on the 2nd call: batch 1 (1 call) and batch 2 (2 calls) run, then it stops.
  int n = core::slow_start_batch(10, 1, [&] { return ++calls == 2 ? core::Status::conflict("x") : core::Status::ok(); }, &err);
  CHECK(calls == 3);
  CHECK(n == 2);
  CHECK(err.is_conflict());
}

TEST_CASE("a pod is available only after minReadySeconds of readiness", "[controller][utils]") {
  core::Time t = core::Time{} + 1h;
  core::Pod pod;
  CHECK_FALSE(core::is_pod_available(pod, 0, t));
  pod.status.conditions = {ready_condition(t)};
  CHECK(core::is_pod_available(pod, 0, t));
  CHECK_FALSE(core::is_pod_available(pod, 5, t + 5s));
  CHECK(core::is_pod_available(pod, 5, t + 5s + 1ms));
  CHECK(core::pod_available_at(pod, 5, t + 1s) == t + 5s);
  CHECK_FALSE(core::pod_available_at(pod, 5, t + 6s));
}
