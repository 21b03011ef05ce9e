// `ktwin server`: the real-mode control plane behind HTTPS (realnet/server/server.h), k3s-style flags.
#pragma once

#include <string>
#include <vector>

#include "core/util/status.h"
#include "realnet/server/server.h"

namespace ktwin::cli {

// --data-dir DIR, --https-listen-port N, --bind-address ADDR, --write-kubeconfig FILE, --token SECRET,
// --disable-agent, --node-name NAME, --tls-san NAME (repeatable), --datastore-endpoint, --runtime,
// --container-runtime-endpoint, --pod-network, --ingress-port, the two toleration defaults; also as --flag=value. Invalid: unknown flag, missing or bad value.
core::Result<realnet::ServerOptions> parse_server_flags(const std::vector<std::string>& args);

// Runs until SIGINT or SIGTERM. Exit status: 0 after a clean stop, 2 bad flags, 1 start failed.
int server_command(const std::vector<std::string>& args);

}  // namespace ktwin::cli
