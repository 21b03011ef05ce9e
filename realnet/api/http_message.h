// The seam between the HTTP transport (realnet/net) and request handlers: plain messages, no sockets.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ktwin::realnet {

// Who sent a request, as the transport authenticated it (k8s.io/apiserver user.Info).
struct UserInfo {
  std::string name;                 // "system:admin", "system:node:worker1"; empty: anonymous
  std::vector<std::string> groups;  // "system:masters", "system:nodes", "system:authenticated"
  bool authenticated() const { return !name.empty(); }
};

struct HttpRequest {
  std::string method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string target;  // path and query as sent, still percent-encoded: "/api/v1/pods?watch=true"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  UserInfo user;

  // The header's value, or "" when absent. REQUIRES: `name` is lower-case.
  const std::string& header(const std::string& name) const {
    static const std::string kEmpty;
    auto it = headers.find(name);
    return it == headers.end() ? kEmpty : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type among them
  std::string body;
};

// A response that goes on (a watch). The transport sends the head of `HandlerResult::response` with
// chunked encoding, then calls start(); every call of `send` is one chunk, flushed at once. The stream
// ends when it calls `close`, or when the client goes away (the transport then calls cancel(), after
// which `send` and `close` must not be called). Everything runs on the executor thread.
class ResponseStream {
 public:
  using Send = std::function<void(std::string chunk)>;
  using Close = std::function<void()>;
  virtual ~ResponseStream() = default;
  virtual void start(Send send, Close close) = 0;
  virtual void cancel() = 0;
};

struct HandlerResult {
  HttpResponse response;
  std::unique_ptr<ResponseStream> stream;  // set: `response` is only the head of a stream
};

// Answers requests on the executor thread. Never throws; a bad request is an error response.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual HandlerResult handle(const HttpRequest& request) = 0;
};

}  // namespace ktwin::realnet
