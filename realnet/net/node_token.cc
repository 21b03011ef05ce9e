// Node token format and comparison; k3s pkg/clientaccess/token.go: "K10" + CA hash + "::" + user:password.
#include "realnet/net/node_token.h"

#include <openssl/crypto.h>

#include "realnet/net/pki.h"

namespace ktwin::realnet {
namespace {

constexpr const char* kPrefix = "K10";

bool same(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;  // constant time
}

}  // namespace

std::string format_node_token(const std::string& ca_cert_pem, const std::string& secret) {
  return kPrefix + sha256_hex(ca_cert_pem) + "::server:" + secret;
}

std::optional<NodeToken> parse_node_token(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text.rfind(kPrefix, 0) != 0) return NodeToken{"", "", text};
  size_t sep = text.find("::");
  if (sep == std::string::npos) return std::nullopt;
  std::string creds = text.substr(sep + 2);
  size_t colon = creds.find(':');
  if (colon == std::string::npos || colon + 1 == creds.size()) return std::nullopt;
  NodeToken token{text.substr(3, sep - 3), creds.substr(0, colon), creds.substr(colon + 1)};
  if (token.ca_hash.size() != 64) return std::nullopt;
  return token;
}

bool node_token_matches(const std::string& presented, const std::string& ca_cert_pem, const std::string& secret) {
  std::optional<NodeToken> token = parse_node_token(presented);
  if (!token || secret.empty()) return false;
  if (!token->ca_hash.empty() && !same(token->ca_hash, sha256_hex(ca_cert_pem))) return false;
  return same(token->secret, secret);
}

}  // namespace ktwin::realnet
