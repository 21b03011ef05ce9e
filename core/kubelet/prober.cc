// The readiness prober's schedule, worked out in advance: a probe's answer depends only on time here.
#include "core/kubelet/prober.h"

#include <algorithm>

namespace ktwin::core {

Time container_ready_time(const Container& spec, Time started_at, std::optional<Time> app_ready_at, Time worker_start) {
  Time app_ready = std::max(started_at, app_ready_at.value_or(started_at));
  if (!spec.readinessProbe) return app_ready;  // no probe: Ready while running (status.ready = true)
  const Probe& p = *spec.readinessProbe;
  // k/k pkg/apis/core/v1/defaults.go SetDefaults_Probe.
  Duration period = std::chrono::seconds(p.periodSeconds > 0 ? p.periodSeconds : 10);
  int32_t successes = p.successThreshold > 0 ? p.successThreshold : 1;
  // worker.go doProbe: "if int32(time.Since(c.State.Running.StartedAt.Time).Seconds()) < w.spec.InitialDelaySeconds"
  // the result stays at its initial Failure.
  Time earliest = std::max(app_ready, started_at + std::chrono::seconds(p.initialDelaySeconds));
  // The worker probes at worker_start, then on a ticker of `period`: the first tick at or after `earliest`.
  Time first = worker_start;
  if (earliest > worker_start) {
    auto ticks = (earliest - worker_start + period - Duration(1)) / period;
    first = worker_start + ticks * period;
  }
  return first + (successes - 1) * period;
}

}  // namespace ktwin::core
