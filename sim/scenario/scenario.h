// A scenario file (apiVersion ktwin/v1, kind Scenario), validated: the cluster, app models, manifests,
// the timeline of actions and the expectations. See scenarios/README.md for the format.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/api/meta.h"
#include "core/scheduler/profile.h"
#include "core/util/status.h"
#include "core/util/time.h"
#include "sim/scenario/platform_spec.h"
#include "sim/scenario/workload_spec.h"

namespace ktwin::sim {

using core::Duration;

// Where something was written, for error messages: "file:line:column".
struct SourceLocation {
  std::string file;
  int line = 0, column = 0;  // 1-based
  std::string to_string() const;
};

struct NodeSpecEntry {  // one node, after expanding `count:` groups
  std::string name;
  std::vector<std::string> roles;                 // control-plane, master, ...
  std::map<std::string, std::string> capacity;    // cpu, memory, pods (quantity text)
  core::Labels labels;
  std::vector<nlohmann::json> taints;             // as in Node.spec.taints
  SourceLocation where;
};

struct AppModelEntry {  // apps.<image>
  Duration startup = std::chrono::seconds(1);
  std::vector<std::string> dependsOn;
  int64_t imageSizeBytes = 0;
  // Where each dependsOn entry was written: cycle and unknown-service errors point at it.
  std::vector<SourceLocation> dependsOnWhere;
  Duration readyAfter{};  // readiness: Ready this long after the container started
};

// A manifest document, decoded later by the runner (core::decode) but parsed and checked here.
struct ManifestDoc {
  nlohmann::json doc;
  SourceLocation where;
};

struct Action {
  enum class Type {
    kApply, kScale, kDelete, kHaltNode, kResumeNode, kKillContainer, kSnapshot,
    // Node faults and operations (scenarios/README.md).
    kStopKubelet, kStartKubelet, kPartition, kHeal, kCordonNode, kUncordonNode, kDrainNode, kAddNode, kDeleteNode,
    // Network faults and a flapping node (scenarios/README.md).
    kSlowNetwork, kRestoreNetwork, kFlapNode,
    // Links of cluster.platform (sim/platform/): name is the link.
    kLinkDown, kLinkUp,
  };
  Duration at{};
  Type type = Type::kApply;
  std::vector<ManifestDoc> manifests;   // kApply: the documents of the named file(s)
  std::string kind;                     // kScale/kDelete: "deployment", "pod", ...
  std::string name;                     // object or node name; empty when a selector is used
  std::vector<std::string> nodes;       // kPartition / kHeal
  NodeSpecEntry node;                   // kAddNode
  std::string selector;                 // kDelete / kKillContainer: label selector "name=mongo"
  int32_t replicas = 0;                 // kScale
  std::string container;                // kKillContainer: container name (empty: all)
  std::string command;                  // kSnapshot: a kubectl command line, "get deploy,rs,po -o wide"
  SourceLocation where;
  // kSlowNetwork (on `nodes`): what is not given stays as it was.
  std::optional<Duration> latency;
  std::optional<int64_t> bandwidth;     // bytes per second
  // kFlapNode (on `name`): `count` power cycles, one every `period`, each off for `down`.
  Duration period{}, down{};
  int32_t count = 0;
  std::string origin;                   // "faults" when the faults: generator made this action
};

// faults: one group of nodes that fail at random (sim/scenario/fault_generator.h).
struct FaultGroup {
  std::string namePrefix, selector;     // which nodes of cluster.nodes: one of the two
  Duration mtbf{}, mttr{};              // mean time between failures, to repair
  Action::Type fail = Action::Type::kHaltNode, repair = Action::Type::kResumeNode;
  Duration from{};
  std::optional<Duration> until;        // unset: the end of the scenario
  SourceLocation where;
};

struct Expectation {
  Duration at{};
  // Exactly one subject: node status, a deployment field, a pod count, or a running-container count.
  std::string node, node_status;                     // {node: worker2, status: NotReady}
  std::string deployment, field;                     // {deployment: mongo, readyReplicas: 0}
  std::string pods_node, pods_status, pods_selector;  // {pods: {node, status, selector}, count: ...}
  bool is_pod_count = false;
  std::string containers_node, containers_name;  // {containers: {node, name}, count: ...}: crictl ps
  bool is_container_count = false;
  // {nodes: {status, taint, selector}, count: ...}: nodes by kubectl STATUS, a taint KEY[:EFFECT], labels.
  std::string nodes_status, nodes_taint, nodes_selector;
  bool is_node_count = false;
  std::string pdb;  // {pdb: web, disruptionsAllowed: 0}: a PodDisruptionBudget status count (`field`)
  std::string comparison;  // the comparison as written: "10", ">= 9", "< 3", "1..3"
  SourceLocation where;
  // True when `value` satisfies `comparison`.
  bool holds(int64_t value) const;
};

struct Scenario {
  std::string name;
  std::string file;  // path of the scenario file
  uint64_t seed = 0;
  std::string kubernetesVersion = "1.20";
  std::vector<NodeSpecEntry> nodes;
  std::map<std::string, std::string> controlPlane;  // flag name (camelCase) -> value text, after --set
  std::map<std::string, std::string> kubelet;
  std::map<std::string, AppModelEntry> apps;  // by image (name without tag)
  std::vector<ManifestDoc> manifests;         // applied at 0s
  std::vector<Action> timeline;               // sorted by `at`, stable
  std::vector<Expectation> expect;
  Duration duration{};                        // `duration:` or the last `at` + 1m
  // cluster.scheduler.config, resolved (one per KubeSchedulerConfiguration profile); empty: the
  // version's default profile.
  std::vector<core::ProfileConfig> schedulerProfiles;
  std::vector<FaultGroup> faults;             // expanded into `timeline` once the seed is known

  // cluster.platform: a SimGrid network (sim/platform/); unset for the fast path.
  PlatformSpec platform;

  // workloads: Deployment generators, and haltNodes/resumeNodes storms; expanded into `manifests` and
  // `timeline` once the seed is final (sim/scenario/workload_generator.h).
  std::vector<WorkloadGenerator> workloads;
  std::vector<NodeStorm> storms;
};

struct LoadOptions {
  std::optional<uint64_t> seed;                        // --seed
  std::vector<std::pair<std::string, std::string>> set;  // --set KEY=VALUE, in order
};

// Loads and validates a scenario. On failure, the Status message holds every problem found, one
// per line, each "file:line:column: what is wrong".
core::Result<Scenario> load_scenario(const std::string& path, const LoadOptions& options = {});

// Control-plane and kubelet knobs and their types, used to validate `controlPlane:`, `kubelet:` and
// --set: "duration", "int", "float", "string".
const std::map<std::string, std::string>& control_plane_knobs();
const std::map<std::string, std::string>& kubelet_knobs();

}  // namespace ktwin::sim
