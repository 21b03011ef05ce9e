#include "realnet/agent/handler_transport.h"

#include <algorithm>

namespace ktwin::realnet {

// One stream's shared state: the callbacks (until cancelled) and the server side's stream.
struct HandlerTransport::Open : std::enable_shared_from_this<HandlerTransport::Open> {
  core::Executor* executor = nullptr;
  StreamCallbacks callbacks;
  std::unique_ptr<ResponseStream> server;
  bool cancelled = false;    // the client ended it: no more callbacks
  bool server_done = false;  // the server closed it, or was told to cancel

  void deliver(std::function<void(Open&)> fn) {
    executor->post([self = shared_from_this(), fn = std::move(fn)] {
      if (!self->cancelled) fn(*self);
    });
  }
  void finish(core::Status why) {
    deliver([why](Open& o) {
      o.cancelled = true;  // on_closed is the last callback
      if (o.callbacks.on_closed) o.callbacks.on_closed(why);
    });
  }
  void end_server() {
    if (server && !server_done) {
      server_done = true;
      server->cancel();
    }
  }
};

namespace {

class Handle : public ApiStream {
 public:
  explicit Handle(std::shared_ptr<void> open, std::function<void()> cancel)
      : open_(std::move(open)), cancel_(std::move(cancel)) {}
  ~Handle() override { cancel(); }
  void cancel() override {
    if (cancel_) std::exchange(cancel_, nullptr)();
  }

 private:
  std::shared_ptr<void> open_;
  std::function<void()> cancel_;
};

}  // namespace

core::Result<HttpResponse> HandlerTransport::request(HttpRequest request, core::Duration) {
  ++requests_;
  if (down_) return core::Status::unavailable("connection refused (test transport down)");
  request.user = user_;
  HandlerResult result = handler_.handle(request);
  if (result.stream) result.stream->cancel();  // a stream answer to a plain request: take the head only
  return result.response;
}

std::unique_ptr<ApiStream> HandlerTransport::stream(HttpRequest request, StreamCallbacks callbacks) {
  ++requests_;
  auto open = std::make_shared<Open>();
  open->executor = &executor_;
  open->callbacks = std::move(callbacks);
  if (down_) {
    open->finish(core::Status::unavailable("connection refused (test transport down)"));
  } else {
    request.user = user_;
    HandlerResult result = handler_.handle(request);
    open->deliver([head = result.response](Open& o) {
      if (o.callbacks.on_head) o.callbacks.on_head(head);
    });
    if (!result.stream) {
      open->finish(core::Status::ok());
    } else {
      open->server = std::move(result.stream);
      std::weak_ptr<Open> weak = open;
      open->server->start(
          [weak](std::string chunk) {
            if (auto o = weak.lock())
              o->deliver([chunk = std::move(chunk)](Open& o) {
                if (o.callbacks.on_chunk) o.callbacks.on_chunk(chunk);
              });
          },
          [weak] {
            if (auto o = weak.lock()) {
              o->server_done = true;
              o->finish(core::Status::ok());
            }
          });
      open_.push_back(open);
    }
  }
  std::erase_if(open_, [](const std::weak_ptr<Open>& w) { return w.expired(); });
  return std::make_unique<Handle>(open, [open] {
    open->cancelled = true;
    open->end_server();
  });
}

void HandlerTransport::set_down(bool down) {
  down_ = down;
  if (!down) return;
  for (auto& weak : open_)
    if (auto o = weak.lock()) {
      if (o->server_done) continue;
      o->end_server();
      o->finish(core::Status::unavailable("connection reset (test transport down)"));
    }
  open_.clear();
}

}  // namespace ktwin::realnet
