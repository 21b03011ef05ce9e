// The client side of the handler seam: how an agent talks to the API server, over HTTPS (ApiClient)
// or straight into an in-process HttpHandler (HandlerTransport, for tests without sockets).
#pragma once

#include <functional>
#include <memory>

#include "core/util/status.h"
#include "core/util/time.h"
#include "realnet/api/http_message.h"

namespace ktwin::realnet {

// What a streaming request (a watch) reports. Every callback runs on the executor thread, never
// inside ApiTransport::stream. on_head comes first: a non-2xx head carries the whole answer in its
// body and on_closed follows at once. on_closed comes last, exactly once: ok when the server ended
// the stream, else why it broke (connection lost, TLS error).
struct StreamCallbacks {
  std::function<void(const HttpResponse& head)> on_head;
  std::function<void(std::string chunk)> on_chunk;
  std::function<void(core::Status why)> on_closed;
};

// An open stream. Destroying it (or cancel()) ends the stream; no callback runs afterwards.
class ApiStream {
 public:
  virtual ~ApiStream() = default;
  virtual void cancel() = 0;
};

class ApiTransport {
 public:
  virtual ~ApiTransport() = default;
  // Sends one request and waits for the whole answer, at most `timeout`. Any HTTP status is a
  // response; Unavailable means no answer (connect, TLS, deadline).
  virtual core::Result<HttpResponse> request(HttpRequest request, core::Duration timeout) = 0;
  // Opens a streaming request (a watch); chunks arrive through `callbacks` until either side ends it.
  virtual std::unique_ptr<ApiStream> stream(HttpRequest request, StreamCallbacks callbacks) = 0;
};

}  // namespace ktwin::realnet
