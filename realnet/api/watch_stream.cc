// Watch streams: a selector turns an event into ADDED/MODIFIED/DELETED for this watch, as the
// apiserver's cacher does when an object enters or leaves the selection (cacher.go watchCacheEvent).
#include "realnet/api/watch_stream.h"

#include <deque>

namespace ktwin::realnet {

std::string watch_event_line(std::string_view type, const nlohmann::json& object) {
  nlohmann::json line = {{"type", type}, {"object", object}};
  return line.dump() + "\n";
}

struct WatchStream::State {
  std::weak_ptr<WatchCache> cache;
  core::Executor& executor;
  WatchOptions options;
  uint64_t subscription = 0;
  core::TimerId timer = 0;
  bool has_timer = false;
  std::deque<std::string> pending;  // lines produced before start()
  Send send;
  Close close;
  bool started = false, ended = false, cancelled = false;

  State(std::weak_ptr<WatchCache> c, core::Executor& e, WatchOptions o)
      : cache(std::move(c)), executor(e), options(std::move(o)) {}

  void emit(std::string_view type, const core::ObjectPtr& obj) {
    if (ended || cancelled) return;
    std::string line = watch_event_line(type, options.encode(obj));
    if (started) send(std::move(line));
    else pending.push_back(std::move(line));
  }

  void on_event(const CachedEvent& e) {
    if (e.resource_version() <= options.after_resource_version) return;
    bool now_in = options.filter.matches(*e.object);
    bool was_in = e.old && options.filter.matches(*e.old);
    switch (e.type) {
      case core::WatchEventType::kAdded:
        if (now_in) emit("ADDED", e.object);
        break;
      case core::WatchEventType::kModified:
        if (now_in && was_in) emit("MODIFIED", e.object);
        else if (now_in) emit("ADDED", e.object);
        else if (was_in) emit("DELETED", e.object);
        break;
      case core::WatchEventType::kDeleted:
        if (now_in || was_in) emit("DELETED", e.object);
        break;
    }
  }

  void detach() {
    if (auto c = cache.lock(); c && subscription) c->unsubscribe(subscription);
    subscription = 0;
    if (has_timer) executor.cancel(timer);
    has_timer = false;
  }

  // The server ends the stream (timeout): flushed lines first, then close.
  void end() {
    if (ended || cancelled) return;
    ended = true;
    detach();
    if (started) close();
  }
};

WatchStream::WatchStream(std::shared_ptr<WatchCache> cache, core::Executor& executor, WatchOptions options)
    : state_(std::make_shared<State>(cache, executor, std::move(options))) {
  State& s = *state_;
  for (const core::ObjectPtr& obj : s.options.initial) s.emit("ADDED", obj);
  if (auto past = cache->events_since(s.options.kind, s.options.after_resource_version))
    for (const CachedEvent& e : *past) s.on_event(e);
  std::weak_ptr<State> weak = state_;
  s.subscription = cache->subscribe(s.options.kind, [weak](const CachedEvent& e) {
    if (auto st = weak.lock()) st->on_event(e);
  });
  if (s.options.timeout > core::Duration::zero()) {
    s.has_timer = true;
    s.timer = executor.post_after(s.options.timeout, [weak] {
      if (auto st = weak.lock()) {
        st->has_timer = false;
        st->end();
      }
    });
  }
}

WatchStream::~WatchStream() { state_->detach(); }

void WatchStream::start(Send send, Close close) {
  State& s = *state_;
  s.send = std::move(send);
  s.close = std::move(close);
  s.started = true;
  while (!s.pending.empty() && !s.cancelled) {
    std::string line = std::move(s.pending.front());
    s.pending.pop_front();
    s.send(std::move(line));
  }
  if (s.ended && !s.cancelled) s.close();
}

void WatchStream::cancel() {
  state_->cancelled = true;
  state_->detach();  // send and close stay: cancel may be called from inside send
}

void FixedStream::start(Send send, Close close) {
  for (std::string& chunk : chunks_) send(std::move(chunk));
  close();
}

}  // namespace ktwin::realnet
