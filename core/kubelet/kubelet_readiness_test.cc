// Readiness: the kubelet reports a container Ready (and the pod's Ready condition True) only when the
// runtime's model says the app is ready and, with a readinessProbe, at the prober's tick.
#include <catch2/catch.hpp>

#include "core/kubelet/kubelet_harness.h"

namespace ktwin::core {
namespace {

TEST_CASE("a container that answers readiness 20 s after start turns Ready then", "[kubelet][readiness]") {
  Harness h;
  h.runtime.ready_after = seconds(20);
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  h.run_for(seconds(1));
  h.create_pod("web");
  h.run_for(seconds(5));
  auto pod = h.pod("web");
  REQUIRE(app(*pod).state.running);
  Time started = app(*pod).state.running->startedAt;
  CHECK_FALSE(app(*pod).ready);
  CHECK(condition(*pod, "Ready") == "False");
  CHECK(pod->status.phase == "Running");
  h.loop.run_until(started + seconds(20) - millis(1));
  CHECK(condition(*h.pod("web"), "Ready") == "False");
  h.loop.run_until(started + seconds(20));
  CHECK(app(*h.pod("web")).ready);
  CHECK(condition(*h.pod("web"), "Ready") == "True");
  CHECK(h.pod("web")->find_condition("Ready")->lastTransitionTime == started + seconds(20));
}

TEST_CASE("with a readinessProbe the pod turns Ready on the probe tick after readyAfter", "[kubelet][readiness]") {
  Harness h;
  h.runtime.ready_after = seconds(20);
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  h.run_for(seconds(1));
  Probe probe;
  probe.periodSeconds = 10;
  probe.initialDelaySeconds = 5;
  h.create_pod("web", "Always", "", probe);
  h.run_for(seconds(5));
  auto pod = h.pod("web");
  REQUIRE(pod->status.startTime);
  REQUIRE(app(*pod).state.running);
  Time worker_start = *pod->status.startTime;
  Time started = app(*pod).state.running->startedAt;
  // The worker ticks every 10 s from the pod's start; the app is ready 20 s after the container.
  Time expected = worker_start;
  while (expected < started + seconds(20)) expected += seconds(10);
  h.loop.run_until(expected - millis(1));
  CHECK(condition(*h.pod("web"), "Ready") == "False");
  h.loop.run_until(expected);
  CHECK(condition(*h.pod("web"), "Ready") == "True");
}

TEST_CASE("without readyAfter nor a probe a running container is Ready at once", "[kubelet][readiness]") {
  Harness h;
  h.boot();
  h.run_for(millis(1));
  h.set_pod_cidr("10.42.1.0/24");
  h.run_for(seconds(1));
  h.create_pod("web");
  h.run_for(seconds(5));
  auto pod = h.pod("web");
  REQUIRE(app(*pod).state.running);
  CHECK(app(*pod).ready);
  CHECK(pod->find_condition("Ready")->lastTransitionTime == app(*pod).state.running->startedAt);
}

}  // namespace
}  // namespace ktwin::core
