// Joining a cluster k3s style: the token pins the server's CA, the CA is fetched and checked, then
// the token buys a node client certificate, which is kept under DATA_DIR/agent for restarts.
#pragma once

#include <functional>
#include <string>

#include "core/util/status.h"

namespace ktwin::realnet {

struct AgentCredentials {
  std::string ca_pem;           // the cluster CA: the server is verified against it
  std::string client_cert_pem;  // CN=system:node:NAME, O=system:nodes
  std::string client_key_pem;
  bool reused = false;  // read from DATA_DIR/agent rather than fetched
};

// `token` is K10<sha256 hex of the CA PEM>::server:<secret> (DATA_DIR/server/node-token). Steps:
// GET SERVER/cacerts without verification, its sha256 must equal the token's hash (else Invalid,
// naming both); POST SERVER/v1-ktwin/node-credentials with Authorization: Bearer TOKEN and
// {"nodeName":NAME}; the PEMs go to DATA_DIR/agent/{ca.crt,client.crt,client.key} (0600). Saved
// credentials for the same node, whose CA matches the token, are reused without asking. A bare secret
// (no K10 hash) cannot pin the CA: it is accepted with a warning through `warn`, as k3s does.
// Unavailable when the server cannot be reached; the server's refusal (401) as its message.
core::Result<AgentCredentials> join_cluster(const std::string& server_url, const std::string& token,
                                            const std::string& node_name, const std::string& data_dir,
                                            const std::function<void(const std::string&)>& warn = {});

}  // namespace ktwin::realnet
