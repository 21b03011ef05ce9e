// haltNodes / resumeNodes (node storms), expanded into ordinary haltNode/resumeNode actions once the
// seed is final, so a 500-node failure needs one timeline line, not 500.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {

// In `at` order (file order at equal times). haltNodes picks round(fraction * n) (or `count`) of the
// n candidate nodes (namePrefix or selector over cluster.nodes; nodes a storm halted and did not
// resume are no candidates) without replacement, each halted at `at` plus a uniform offset in [0,
// over), in milliseconds. resumeNodes picks in the same way among the nodes its group halted and not
// yet resumed. Picks come from Rng(seed, "haltNodes/<group>") or "resumeNodes/<group>/<k>" (the k-th
// resume of the group); a haltNodes without a group uses "haltNodes/#<k>". Actions carry origin
// "haltNodes" or "resumeNodes" and the entry's location.
std::vector<Action> generate_storm_actions(const Scenario& scenario);

// Appends generate_storm_actions() to the timeline and sorts it by `at` (stable).
void expand_storms(Scenario& scenario);

}  // namespace ktwin::sim
