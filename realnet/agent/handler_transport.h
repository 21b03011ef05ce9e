// ApiTransport into an in-process HttpHandler: the client's requests without sockets, for tests
// (the RemoteStore against a REST handler, the kubelet against an API server on virtual time).
#pragma once

#include "core/env/executor.h"
#include "realnet/api/http_message.h"
#include "realnet/net/api_transport.h"

namespace ktwin::realnet {

// Requests run the handler at once, as the caller (like the server) is on the executor thread;
// stream callbacks are posted to the executor, as socket reads would arrive. Every request carries
// `user`, as if the transport had authenticated it.
class HandlerTransport : public ApiTransport {
 public:
  HandlerTransport(HttpHandler& handler, core::Executor& executor, UserInfo user = {})
      : handler_(handler), executor_(executor), user_(std::move(user)) {}

  core::Result<HttpResponse> request(HttpRequest request, core::Duration timeout) override;
  std::unique_ptr<ApiStream> stream(HttpRequest request, StreamCallbacks callbacks) override;

  // Requests fail with Unavailable, and open streams break, as if the server were down.
  void set_down(bool down);
  bool down() const { return down_; }
  size_t requests() const { return requests_; }

 private:
  struct Open;
  HttpHandler& handler_;
  core::Executor& executor_;
  UserInfo user_;
  bool down_ = false;
  size_t requests_ = 0;
  std::vector<std::weak_ptr<Open>> open_;
};

}  // namespace ktwin::realnet
