// A KubeSchedulerConfiguration profile's pluginConfig: the args ktwin models, checked and defaulted
// as kube-scheduler does for the config's apiVersion; other plugins' args are rejected, located.
#pragma once

#include <string>

#include "core/scheduler/plugin_args.h"
#include "sim/scenario/yaml_reader.h"

namespace ktwin::sim {

// Reads `node` (the pluginConfig sequence) into `args`; errors go to `r` with their file:line:column.
// `version` is the Kubernetes version ("1.20"), `api` the config's apiVersion.
void read_plugin_config(YamlReader& r, const YAML::Node& node, const std::string& version, const std::string& api,
                        core::PluginArgs& args);

}  // namespace ktwin::sim
