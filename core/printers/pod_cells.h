// The READY, STATUS and RESTARTS cells of `kubectl get pods`, as printPod computes them.
#pragma once

#include <string>
#include <string_view>

#include "core/api/pod.h"
#include "core/util/time.h"

namespace ktwin::core::printers {

// kubectl_version is "1.20" (the seed's cluster) or a later "1.N"; where printPod changed, the later rule
// applies from the minor version that introduced it.
struct PodCells {
  std::string ready;     // "1/1": containers ready and running / spec containers
  std::string status;    // "Running", "ContainerCreating", "CrashLoopBackOff", "Terminating", ...
  std::string restarts;  // "4"; from 1.22 "4 (2m ago)" once a container has a last termination
};
PodCells pod_cells(const Pod& pod, Time now, std::string_view kubectl_version = "1.20");

// The STATUS cell alone (k/k pkg/printers/internalversion/printers.go printPod).
std::string pod_status(const Pod& pod, std::string_view kubectl_version = "1.20");

// The minor version of "1.N" (20 for "1.20"); 20 when unparsable.
int kubectl_minor(std::string_view kubectl_version);

}  // namespace ktwin::core::printers
