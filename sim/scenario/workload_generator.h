// The workloads: section's generators, expanded into ordinary Deployment manifests once the seed is
// final (after --seed and --set), so they apply, print and trace like hand-written ones.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/env/rng.h"
#include "sim/scenario/scenario.h"

namespace ktwin::sim {

// One value of `d` in milli-units. Uniform and lognormal memory draws are rounded to whole Mi (a
// request as people write it); lognormal is median * exp(sigma * z), z ~ N(0, 1) by Box-Muller,
// clamped to [min, max] (max 0: no upper clamp) and to at least 1 milli-unit.
int64_t draw_quantity(const QuantityDistribution& d, bool memory, core::Rng& rng);

// The generator's Deployments in index order. Replicas, cpu and memory each come from their own
// stream Rng(seed, "workloads/<namePrefix>/replicas" | ".../cpu" | ".../memory"), so changing one
// field's distribution leaves the others' draws as they were.
std::vector<nlohmann::json> generate_deployments(const WorkloadGenerator& g, uint64_t seed);

// Generators at 0s join scenario.manifests (after the files'); later ones become one apply action
// each (origin "workloads") in the timeline, which is re-sorted by `at` (stable).
void expand_workloads(Scenario& scenario);

}  // namespace ktwin::sim
