// container_ready_time: no probe, readyAfter, initialDelaySeconds, period ticks and successThreshold.
#include "core/kubelet/prober.h"

#include <catch2/catch.hpp>

using namespace ktwin::core;


namespace {
const Time kT0 = Time{} + std::chrono::seconds(1000);  // the probe worker starts (the pod's startTime)

Container with_probe(int32_t initial_delay, int32_t period, int32_t success = 0) {
  Container c;
  c.name = "app";
  Probe p;
  p.initialDelaySeconds = initial_delay;
  p.periodSeconds = period;
  p.successThreshold = success;
  c.readinessProbe = p;
  return c;
}
}  // namespace

TEST_CASE("without a readiness probe a container is ready when it runs, or when the app is", "[prober]") {
  Container c;
  CHECK(container_ready_time(c, kT0 + std::chrono::seconds(3), std::nullopt, kT0) == kT0 + std::chrono::seconds(3));
  CHECK(container_ready_time(c, kT0 + std::chrono::seconds(3), kT0 + std::chrono::seconds(23), kT0) == kT0 + std::chrono::seconds(23));
}

TEST_CASE("a readiness probe passes at the first tick after initialDelaySeconds and readyAfter", "[prober]") {
  // Ticks at t0, t0+10, t0+20, ...; the container started at t0+3.
  Time started = kT0 + std::chrono::seconds(3);
  SECTION("app ready at once, no delay: the tick at t0+10 (the one at t0 came before the start)") {
    CHECK(container_ready_time(with_probe(0, 0), started, std::nullopt, kT0) == kT0 + std::chrono::seconds(10));
  }
  SECTION("readyAfter 20 s (app ready at t0+23): the tick at t0+30") {
    CHECK(container_ready_time(with_probe(0, 0), started, started + std::chrono::seconds(20), kT0) == kT0 + std::chrono::seconds(30));
  }
  SECTION("initialDelaySeconds 17 (t0+20) wins over readyAfter 5 s: the tick at t0+20 itself") {
    CHECK(container_ready_time(with_probe(17, 0), started, started + std::chrono::seconds(5), kT0) == kT0 + std::chrono::seconds(20));
  }
  SECTION("periodSeconds 3: the tick at t0+24 after readyAfter 20 s") {
    CHECK(container_ready_time(with_probe(0, 3), started, started + std::chrono::seconds(20), kT0) == kT0 + std::chrono::seconds(24));
  }
  SECTION("successThreshold 3 needs two more ticks") {
    CHECK(container_ready_time(with_probe(0, 0, 3), started, std::nullopt, kT0) == kT0 + std::chrono::seconds(30));
  }
}
