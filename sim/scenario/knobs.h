// Control-plane and kubelet knobs: their types, value checks, and the --set/--seed overrides.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/diagnostics.h"
#include "sim/scenario/scenario.h"

namespace ktwin::sim {

// The Kubernetes versions whose defaults the simulator knows.
const std::vector<std::string>& supported_kubernetes_versions();
// nullopt when `text` suits the knob's type (from `table`), else what is wrong with it.
// REQUIRES: table.count(knob).
std::optional<std::string> check_knob_value(const std::map<std::string, std::string>& table, const std::string& knob,
                                            const std::string& text);
// nullopt when `version` is supported, else the message listing the supported ones.
std::optional<std::string> check_kubernetes_version(const std::string& version);

// Applies LoadOptions::set in order, then LoadOptions::seed. Problems go to `diagnostics` as
// "--set KEY: what is wrong".
void apply_overrides(const LoadOptions& options, Scenario& scenario, Diagnostics& diagnostics);

}  // namespace ktwin::sim
