// The join endpoint agents use once: the CA (to check against the token's hash) and, for the node
// token, a client certificate CN=system:node:NAME, O=system:nodes (realnet/README.md, Identities).
#pragma once

#include <string>

#include "realnet/api/http_message.h"
#include "realnet/net/pki.h"

namespace ktwin::realnet {

// GET /cacerts (no auth): the CA certificate PEM, as k3s serves it.
// POST /v1-ktwin/node-credentials, Authorization: Bearer <node token or its secret>, body
// {"nodeName":"worker1"} -> 200 {"caCertificate","clientCertificate","clientKey"} (PEM strings);
// a missing or wrong token is 401, a bad body or node name 400, both as Status objects.
class JoinHandler : public HttpHandler {
 public:
  static constexpr const char* kCACertsPath = "/cacerts";
  static constexpr const char* kNodeCredentialsPath = "/v1-ktwin/node-credentials";

  JoinHandler(CertificateAndKey ca, std::string token_secret)
      : ca_(std::move(ca)), token_secret_(std::move(token_secret)) {}

  // True for the paths above (the query ignored): what the Router sends here.
  static bool handles(const std::string& target);
  HandlerResult handle(const HttpRequest& request) override;

 private:
  HandlerResult node_credentials(const HttpRequest& request) const;

  CertificateAndKey ca_;
  std::string token_secret_;
};

// Sends the join paths to `join` and everything else to `api`. Both outlive the router.
class Router : public HttpHandler {
 public:
  Router(HttpHandler& join, HttpHandler& api) : join_(join), api_(api) {}
  HandlerResult handle(const HttpRequest& request) override {
    return JoinHandler::handles(request.target) ? join_.handle(request) : api_.handle(request);
  }

 private:
  HttpHandler& join_;
  HttpHandler& api_;
};

}  // namespace ktwin::realnet
