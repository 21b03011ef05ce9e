// Behavioural golden files: the facts of a run that a reviewer cares about (where each pod ran, when
// it changed STATUS, when nodes changed STATUS, which Events fired, what the scenario did), derived
// from the JSONL trace and written one fact per line so that a plain diff is readable too.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/status.h"
#include "core/util/time.h"

namespace ktwin::analysis {

using core::Duration;

// A value and when it became true, e.g. (+12s, "Running").
struct TimedValue {
  Duration t{};
  std::string value;
  bool operator==(const TimedValue&) const = default;
};

struct GoldenPod {
  std::string name;   // namespace/name
  std::string owner;  // controller owner "ReplicaSet/web-5475c74c49" (same namespace), or ""
  Duration created{};
  std::optional<TimedValue> node;      // spec.nodeName and when it was bound
  std::vector<TimedValue> statuses;    // kubectl STATUS column; one value per instant (the last)
  std::optional<Duration> deleted;     // DELETED from the store
};

struct GoldenNode {
  std::string name;
  std::optional<Duration> added;       // ADDED to the store
  std::vector<TimedValue> statuses;    // kubectl STATUS column, one value per instant
  std::optional<Duration> deleted;
};

struct GoldenEvent {
  Duration t{};
  std::string reason;  // "NodeNotReady"
  std::string object;  // "Node/worker2", "Pod/default/web-5475c74c49-pgjw9"
};

struct GoldenAction {
  Duration t{};
  std::string text;  // "haltNode worker2", "scale web replicas=6", "apply deployment.apps/web created"
};

struct Golden {
  std::map<std::string, GoldenPod> pods;    // by namespace/name
  std::map<std::string, GoldenNode> nodes;  // by name
  std::vector<GoldenEvent> events;          // in time order
  std::vector<GoldenAction> actions;        // in time order
};

// Folds a trace (lines as TraceWriter writes them, in order) into its facts. kubectl_version picks
// the STATUS rules (core/printers). Events already implied by a pod fact (Scheduled, SuccessfulCreate)
// are left out. Invalid when a patch does not apply.
core::Result<Golden> golden_from_trace(const std::vector<nlohmann::json>& trace,
                                       const std::string& kubectl_version = "1.20");

// The golden text: `header` as `# ` comment lines, then one fact per line, sorted by time, then
// actions, nodes, pods, events, then name (facts of one object keep their order):
//   +0s action apply deployment.apps/web created
//   +0s node worker1 added
//   +0s node worker1 status Ready
//   +0s pod default/web-5475c74c49-pgjw9 created by ReplicaSet/web-5475c74c49
//   +0s pod default/web-5475c74c49-pgjw9 node worker1
//   +2s pod default/web-5475c74c49-pgjw9 status Running
//   +5m40s event NodeNotReady Node/worker2
//   +6m pod default/web-5475c74c49-pgjw9 deleted
std::string render_golden(const Golden& golden, const std::string& header = "");

// Parses render_golden's text (comments and blank lines skipped). Invalid names the 1-based line.
core::Result<Golden> parse_golden(const std::string& text);

}  // namespace ktwin::analysis
