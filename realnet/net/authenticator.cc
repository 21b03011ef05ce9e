// Authentication rules; the TLS verification itself happens in the handshake (http_server.cc).
#include "realnet/net/authenticator.h"

#include <algorithm>
#include <cctype>

namespace ktwin::realnet {
namespace {

constexpr const char* kAuthenticated = "system:authenticated";

UserInfo with_authenticated_group(UserInfo user) {
  if (std::find(user.groups.begin(), user.groups.end(), kAuthenticated) == user.groups.end())
    user.groups.push_back(kAuthenticated);
  return user;
}

}  // namespace

UserInfo Authenticator::authenticate(const std::optional<PeerCertificate>& peer,
                                     const std::string& authorization) const {
  if (peer && !peer->common_name.empty())
    return with_authenticated_group(UserInfo{peer->common_name, peer->organizations});
  std::string token = bearer_token(authorization);
  if (token.empty()) return {};
  auto it = tokens_.find(token);
  if (it == tokens_.end() || it->second.name.empty()) return {};
  return with_authenticated_group(it->second);
}

std::string Authenticator::bearer_token(const std::string& authorization) {
  // k/k apiserver/pkg/authentication/request/bearertoken/bearertoken.go: scheme case-insensitive.
  if (authorization.size() < 7) return "";
  std::string scheme = authorization.substr(0, 7);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "bearer ") return "";
  std::string token = authorization.substr(7);
  while (!token.empty() && token.front() == ' ') token.erase(token.begin());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  return token;
}

}  // namespace ktwin::realnet
