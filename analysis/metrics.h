// Metrics of one run computed from its JSONL trace: how fast a node halt was detected, how fast pods
// were evicted, how long each Deployment and Service stayed short of ready replicas.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/effective_availability.h"
#include "analysis/fault_metrics.h"
#include "core/util/status.h"

namespace ktwin::analysis {

// Times are seconds of virtual time. An empty optional means "did not happen in this run" (no halt,
// no eviction, never short of replicas): it is never reported as zero.
struct DeploymentMetrics {
  std::string name;  // namespace/name
  // Halt -> first eviction of one of this Deployment's pods (event or deletionTimestamp).
  std::optional<double> time_to_evict;
  // Halt -> first instant, after readyReplicas first fell below spec.replicas following the halt,
  // at which it is back to spec.replicas. Empty when it never fell, or never came back.
  std::optional<double> time_to_recover;
  // Integral of max(0, spec.replicas - status.readyReplicas) dt, from the first halt to the end.
  std::optional<double> unavailable_replica_seconds_after_halt;
  double unavailable_replica_seconds = 0;  // the same from the Deployment's creation to the end
  int64_t pod_restarts = 0;                // increase of every containerStatuses[].restartCount
  // Pods of this Deployment ADDED at or after the first eviction: the replacements.
  std::optional<int64_t> pods_rescheduled;
};

struct ServiceMetrics {
  std::string name;  // namespace/name; only Services with a selector (their Endpoints are managed)
  // Seconds, from the first halt to the end, during which its Endpoints listed no ready address.
  std::optional<double> zero_ready_endpoint_seconds_after_halt;
};

struct Metrics {
  std::string halted_node;              // of the first haltNode; empty without one
  std::optional<double> halt_at;        // seconds since start
  std::optional<double> time_to_detect;  // halt -> first NodeNotReady event of the halted node
  std::optional<double> time_to_evict;   // halt -> first eviction of any pod
  double end = 0;                        // the last line's time
  std::vector<DeploymentMetrics> deployments;  // sorted by name
  std::vector<ServiceMetrics> services;        // sorted by name

  // Per entry-point Service: time not effectively available (analysis/effective_availability.h).
  EffectiveAvailability effective_availability;
  // False evictions and duplicate-pod time (analysis/fault_metrics.h); empty without a fault action.
  std::optional<FaultMetrics> faults;
};

// Parses JSON Lines; the error names the 1-based line that is not JSON.
core::Result<std::vector<nlohmann::json>> parse_trace(std::istream& in);

// Replays `trace` (lines as TraceWriter writes them, in order). Invalid when a line lacks "t" or a
// patch does not apply to the object's replayed state.
core::Result<Metrics> compute_metrics(const std::vector<nlohmann::json>& trace);

// {"haltedNode", "haltAt", "timeToDetect", ..., "deployments": {name: {...}}, "services": {...}};
// absent metrics are null.
nlohmann::json metrics_json(const Metrics& metrics);

// One metric per entry, in a stable order, named for CSV columns: "time_to_detect",
// "default/mongo.time_to_recover", "default/mongo.svc.zero_ready_endpoint_seconds_after_halt".
std::vector<std::pair<std::string, std::optional<double>>> flatten_metrics(const Metrics& metrics);

// A small aligned text table: one row per Deployment and Service, durations as Go durations.
std::string metrics_table(const Metrics& metrics);

}  // namespace ktwin::analysis
