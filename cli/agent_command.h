// `ktwin agent`: a node of a real-mode cluster (realnet/agent/agent.h), k3s-style flags.
#pragma once

#include <string>
#include <vector>

#include "core/util/status.h"
#include "realnet/agent/agent.h"

namespace ktwin::cli {

// --server https://HOST:PORT and --token TOKEN (both required), --node-name NAME (the hostname),
// --runtime containerd|process, --container-runtime-endpoint SOCKET (containerd's), --pod-network
// bridge|host, --data-dir DIR (/var/lib/ktwin); also as --flag=value.
// Invalid: unknown flag, missing or bad value.
core::Result<realnet::AgentOptions> parse_agent_flags(const std::vector<std::string>& args);

// Runs until SIGINT or SIGTERM. Exit status: 0 after a clean stop, 2 bad flags, 1 join or start failed.
int agent_command(const std::vector<std::string>& args);

}  // namespace ktwin::cli
