// The node join token, k3s style: K10<sha256 hex of the CA certificate PEM>::server:<secret>.
#pragma once

#include <optional>
#include <string>

namespace ktwin::realnet {

struct NodeToken {
  std::string ca_hash;  // empty for a bare secret
  std::string user;     // "server"
  std::string secret;
};

std::string format_node_token(const std::string& ca_cert_pem, const std::string& secret);

// Parses a full token, or takes a string without the K10 prefix as a bare secret. nullopt: malformed.
std::optional<NodeToken> parse_node_token(const std::string& text);

// True if `presented` (the full token or its secret alone) carries `secret` and, when full, the hash
// of `ca_cert_pem` (a token from another cluster is refused even if the secrets agree).
bool node_token_matches(const std::string& presented, const std::string& ca_cert_pem, const std::string& secret);

}  // namespace ktwin::realnet
