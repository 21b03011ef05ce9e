// When the kubelet first reports a started container Ready (k/k pkg/kubelet/prober/worker.go,
// prober_manager.go): at once without a readiness probe; with one, at a probe tick.
#pragma once

#include <optional>

#include "core/api/pod.h"
#include "core/util/time.h"

namespace ktwin::core {

// `started_at`: the container's start. `app_ready_at`: from when the application answers its readiness
// checks, as the runtime reports it (ContainerInfo::readyAt; nullopt: as soon as it runs).
// `worker_start`: when the kubelet added the pod and started its probe workers.
// Without a readinessProbe: max(started_at, app_ready_at). With one: the worker probes at once and
// then every periodSeconds (default 10) from worker_start; a probe fails until initialDelaySeconds
// have passed since the start and while the application is not ready; successThreshold (default 1)
// successes in a row make the container Ready.
Time container_ready_time(const Container& spec, Time started_at, std::optional<Time> app_ready_at, Time worker_start);

}  // namespace ktwin::core
