// Join endpoint: token check (constant time, node_token.cc), then a certificate issued on the spot.
#include "realnet/server/join_handler.h"

#include <nlohmann/json.hpp>

#include "realnet/net/authenticator.h"
#include "realnet/net/http_wire.h"
#include "realnet/net/node_token.h"
#include "realnet/net/server_pki.h"

namespace ktwin::realnet {
namespace {

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

HandlerResult error(int code, const std::string& reason, const std::string& message) {
  return HandlerResult{transport_error(code, reason, message), nullptr};
}

}  // namespace

bool JoinHandler::handles(const std::string& target) {
  std::string path = path_of(target);
  return path == kCACertsPath || path == kNodeCredentialsPath;
}

HandlerResult JoinHandler::handle(const HttpRequest& request) {
  std::string path = path_of(request.target);
  if (path == kCACertsPath) {
    if (request.method != "GET") return error(405, "MethodNotAllowed", "GET " + path + " only");
    return HandlerResult{HttpResponse{200, {{"Content-Type", "application/x-pem-file"}}, ca_.cert_pem}, nullptr};
  }
  if (path == kNodeCredentialsPath) {
    if (request.method != "POST") return error(405, "MethodNotAllowed", "POST " + path + " only");
    return node_credentials(request);
  }
  return error(404, "NotFound", "the server could not find the requested resource");
}

HandlerResult JoinHandler::node_credentials(const HttpRequest& request) const {
  std::string token = Authenticator::bearer_token(request.header("authorization"));
  if (!node_token_matches(token, ca_.cert_pem, token_secret_)) return error(401, "Unauthorized", "Unauthorized");
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("nodeName") || !body["nodeName"].is_string())
    return error(400, "BadRequest", "the body must be {\"nodeName\": NAME}");
  auto creds = issue_node_credentials(ca_, body["nodeName"].get<std::string>());
  if (!creds.is_ok()) return error(400, "BadRequest", creds.status().message());
  nlohmann::json out = {{"caCertificate", ca_.cert_pem},
                        {"clientCertificate", creds->cert_pem},
                        {"clientKey", creds->key_pem}};
  return HandlerResult{HttpResponse{200, {{"Content-Type", "application/json"}}, out.dump()}, nullptr};
}

}  // namespace ktwin::realnet
