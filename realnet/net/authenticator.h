// Who sent a request: a verified client certificate, else a bearer token from a table, else anonymous.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "realnet/api/http_message.h"

namespace ktwin::realnet {

// The subject of a client certificate the TLS layer verified against the cluster CA.
struct PeerCertificate {
  std::string common_name;
  std::vector<std::string> organizations;
};

// Pure: the transport passes what it saw on the connection and in the Authorization header.
class Authenticator {
 public:
  // token -> user (the groups as given; system:authenticated is added).
  explicit Authenticator(std::map<std::string, UserInfo> tokens = {}) : tokens_(std::move(tokens)) {}

  // k/k staging/src/k8s.io/apiserver/pkg/authentication/request/x509/x509.go CommonNameUserConversion:
  // CN is the user, O the groups. Certificates win over tokens, as in the apiserver's union
  // authenticator order. An unknown token gives anonymous (the handler answers 401).
  UserInfo authenticate(const std::optional<PeerCertificate>& peer, const std::string& authorization) const;

  // "Bearer T" -> "T"; "" when the header is absent or another scheme.
  static std::string bearer_token(const std::string& authorization);

 private:
  std::map<std::string, UserInfo> tokens_;
};

}  // namespace ktwin::realnet
