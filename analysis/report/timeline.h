// What happened in one run, per node and per Deployment, reconstructed from its JSONL trace: the
// pods' bars and states (kubectl's STATUS), node faults and NotReady spells, ready replicas over time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/status.h"

namespace ktwin::analysis::report {

// Times are seconds since the scenario started.
struct PodSegment {
  double start = 0, end = 0;
  // kubectl's STATUS column (core/printers pod_status: "Pending", "ContainerCreating", "Running",
  // "CrashLoopBackOff", "Terminating", ...) by the 1.20 printer's rules, with "Running" split:
  // "Running" when the Ready condition is True, "Running (not ready)" otherwise.
  std::string state;
};

struct PodBar {
  std::string pod;  // namespace/name
  std::vector<PodSegment> segments;  // consecutive, each a different state from the one before
  bool deleted = false;              // the bar ends with the pod's DELETED line, not the run's end
};

// A stretch of time on a node: a fault the scenario injected ("haltNode", "partition", "stopKubelet")
// until its undoing action or the end, a NotReady spell, or a cordoned spell.
struct NodeInterval {
  double start = 0, end = 0;
  std::string what;
};

// A point in time: an action without a duration (drainNode, killContainer, addNode, deleteNode).
struct Marker {
  double t = 0;
  std::string what;  // "drainNode", "killContainer default/web-1-a"
};

struct NodeLane {
  std::string node;           // "" for pods never bound to a node
  std::vector<PodBar> pods;   // ordered by first appearance on this node, then name
  std::vector<NodeInterval> faults;
  std::vector<NodeInterval> not_ready;  // the node's Ready condition not "True"
  std::vector<NodeInterval> cordoned;   // spec.unschedulable: by cordonNode or drainNode alike
  std::vector<Marker> markers;
};

struct ReplicaStep {
  double t = 0;
  int64_t ready = 0;  // status.readyReplicas (absent: 0)
  int64_t spec = 1;   // spec.replicas (absent: the API default, 1)
};

struct DeploymentSeries {
  std::string name;                // namespace/name
  std::vector<ReplicaStep> steps;  // a step at each change of either number, from its ADDED line
};

struct ScenarioLine {
  double t = 0;
  std::string what;    // "haltNode", "scale", "expect", ...
  std::string detail;  // "worker2", "letschat to 10", "deployment/letschat readyReplicas 10 (got 10)"
  bool failed = false;  // an expectation that did not hold
};

struct RunTimeline {
  double end = 0;                         // the last line's time
  std::vector<NodeLane> nodes;            // Node objects by name, then "" if any pod was never bound
  std::vector<DeploymentSeries> deployments;  // by name
  std::vector<ScenarioLine> scenario;         // actions and expectations in trace order, no snapshots
};

// Invalid when a line lacks "t" or a patch does not apply.
core::Result<RunTimeline> reconstruct_timeline(const std::vector<nlohmann::json>& trace);

}  // namespace ktwin::analysis::report
