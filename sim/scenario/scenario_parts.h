// The loader's sections, one file each; shared state for checks that span sections (names used
// before they are known to exist).
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/scenario/yaml_reader.h"

namespace ktwin::sim {

// A node or deployment named somewhere; checked once every section has been read.
struct NameRef {
  std::string name;
  SourceLocation where;
};

struct LoadContext {
  YamlReader& reader;                   // the scenario file
  std::filesystem::path base_dir;       // manifest paths are relative to the scenario file
  std::vector<NameRef> node_refs;       // haltNode, resumeNode, expect node, pods.node, ...
  std::vector<NameRef> added_nodes;     // addNode: known nodes too, and must not exist yet
  std::vector<NameRef> deployment_refs; // scale, expect deployment
  std::set<std::string> deployments;    // defined in the default namespace by any manifest
  std::vector<std::pair<Duration, SourceLocation>> at_refs;  // every `at`, where written

  // cluster.platform: where it was written, and the links that linkDown/linkUp name.
  SourceLocation platform_where;
  std::vector<NameRef> link_refs;
};

// cluster: nodes, kubernetesVersion, controlPlane, kubelet.
void read_cluster(const YAML::Node& node, LoadContext& ctx, Scenario& scenario);
// One entry of cluster.nodes (or an addNode action): a single node or a `count:` group, expanded.
// Names repeated within `first_line` (name -> line first seen) are reported and dropped.
std::vector<NodeSpecEntry> read_node_spec(const YAML::Node& item, LoadContext& ctx,
                                          std::map<std::string, int>& first_line);
// The node fault and operation actions (stopKubelet, partition, drainNode, addNode, ...); false when
// `action` is none of them.
bool read_node_action(const std::string& action, const Fields& entry, LoadContext& ctx, Action& a);
const std::vector<std::string>& node_action_keys();
// cluster.scheduler: {config: FILE}, a KubeSchedulerConfiguration; REQUIRES kubernetesVersion read.
void read_scheduler(const YAML::Node& node, LoadContext& ctx, Scenario& scenario);
// cluster.platform: {file: PATH} or the inline star's bandwidths and latencies.
void read_platform(const YAML::Node& node, LoadContext& ctx, Scenario& scenario);
// linkDown / linkUp; false when `action` is neither.
bool read_link_action(const std::string& action, const Fields& entry, LoadContext& ctx, Action& a);
// Once every section is read: each node (added ones too) has a host, each named link exists.
void check_platform(LoadContext& ctx, Scenario& scenario, const std::vector<std::string>& nodes);
// apps: image -> {startup, dependsOn, imageSize}.
void read_apps(const YAML::Node& node, LoadContext& ctx, Scenario& scenario);
// Reads and checks each manifest file named by f.get(key) (one path or a list); errors inside a
// file point into it, a missing file points at the path as written.
std::vector<ManifestDoc> read_manifests(const Fields& f, const std::string& key, LoadContext& ctx);
// timeline: actions, sorted by `at` (stable).
void read_timeline(const YAML::Node& node, LoadContext& ctx, Scenario& scenario);
// faults: random failure groups (sim/scenario/faults_section.cc).
void read_faults(const YAML::Node& node, LoadContext& ctx, Scenario& scenario);
// expect: expectations in file order.
void read_expect(const YAML::Node& node, LoadContext& ctx, Scenario& scenario);
// workloads: Deployment generators (sim/scenario/workloads_section.cc); their names join `deployments`.
void read_workloads(const YAML::Node& node, LoadContext& ctx, Scenario& scenario);
// haltNodes / resumeNodes (sim/scenario/node_storm_section.cc): false when `action` is neither.
bool read_node_storm(const std::string& action, const Fields& entry, LoadContext& ctx, Scenario& scenario, Duration at,
                     const SourceLocation& where);
// Once the timeline is read: each resumeNodes names an earlier haltNodes group.
void check_storms(LoadContext& ctx, const Scenario& scenario);
// apps.*.dependsOn against every manifest (at 0s or applied later): no cycles, no unknown Services.
void check_dependencies(const Scenario& scenario, Diagnostics& diagnostics);

}  // namespace ktwin::sim
