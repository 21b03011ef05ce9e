// The faults: section's random failures, expanded into ordinary timeline actions once the seed is
// final (after --seed and --set), so they print, trace and replay like hand-written ones.
#pragma once

#include <vector>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {

// For each group and each node it selects (cluster.nodes, in order): from `from`, alternating
// up-times drawn from Exp(mtbf) and repair times drawn from Exp(mttr), failures before `until` (or the
// end of the scenario), repairs before the end of the scenario. Each (group, node) pair draws from its
// own stream Rng(seed, "faults/<group index>/<node>"), so adding a node or a group shifts nothing
// else. Times are rounded to milliseconds. Actions carry origin "faults" and the group's location.
std::vector<Action> generate_fault_actions(const Scenario& scenario);

// Appends generate_fault_actions() to the timeline and sorts it by `at` (stable).
void expand_faults(Scenario& scenario);

// The nodes of cluster.nodes that `group` selects (namePrefix, or selector over the node's labels
// plus kubernetes.io/hostname).
std::vector<std::string> fault_group_nodes(const Scenario& scenario, const FaultGroup& group);

}  // namespace ktwin::sim
