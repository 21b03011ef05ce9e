// Effective availability of each entry point, from a run's trace: a Service is effectively available
// while it has a ready endpoint and everything it depends on (apps.*.dependsOn, through the pods it
// selects) is effectively available. The graph is analysis/dependency_graph.h's, built from what the
// trace shows: Services and their selectors, pods and templates with their images, and the
// scenario's app models (the trace's "apps" line).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/status.h"

namespace ktwin::analysis {

struct EntryPointAvailability {
  std::string name;                // namespace/name of an entry-point Service (nothing depends on it)
  std::vector<std::string> needs;  // the Services it depends on, directly or not; sorted
  // Seconds from EffectiveAvailability::since (or its Service's creation, if later) to the end during
  // which it was not effectively available.
  double unavailable_seconds = 0;
  // Fraction of [its Service's creation, end] during which it was effectively available; empty when
  // the Service was created at the very end.
  std::optional<double> availability;
};

struct EffectiveAvailability {
  double since = 0;   // the first fault's time (seconds since start), or 0 without one
  std::string fault;  // that fault's trace name (haltNode, partition, ...), "" without one
  std::vector<EntryPointAvailability> entry_points;  // sorted by name
};

// Replays `trace` (TraceWriter's lines, in order). Invalid when a Service or Endpoints patch does not
// apply, as for compute_metrics.
core::Result<EffectiveAvailability> compute_effective_availability(const std::vector<nlohmann::json>& trace);

// {"since", "fault", "entryPoints": {name: {"needs", "unavailableSeconds", "availability"}}}.
nlohmann::json effective_availability_json(const EffectiveAvailability& a);
// Appends "NAME.svc.effectively_unavailable_seconds_after_fault" and "NAME.entry.availability_percent"
// per entry point (flatten_metrics' columns).
void append_effective_availability(const EffectiveAvailability& a,
                                   std::vector<std::pair<std::string, std::optional<double>>>& out);
// One row per entry point; "" when there is none.
std::string effective_availability_table(const EffectiveAvailability& a);

}  // namespace ktwin::analysis
