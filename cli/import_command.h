// `ktwin import CLUSTER.json -o SCENARIO.yaml [--anonymize] [--include-system] [--name NAME]`.
#pragma once

#include <string>
#include <vector>

namespace ktwin::cli {

// Writes the scenario and, beside it, STEM-manifests/*.yaml (sim/cluster_import.h says what is kept);
// prints what was left out on stderr. Exit status: 0 written, 2 bad usage or input (unreadable file,
// not JSON, not a List of Kubernetes objects), 1 a file could not be written.
int import_command(const std::vector<std::string>& args);

}  // namespace ktwin::cli
