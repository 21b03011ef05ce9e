// A watch response: JSON lines {"type":...,"object":...} from a WatchCache, filtered and encoded per watch.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/env/executor.h"
#include "realnet/api/http_message.h"
#include "realnet/api/selectors.h"
#include "realnet/api/watch_cache.h"

namespace ktwin::realnet {

// Turns an object into the event's "object": the full document, or a one-row Table.
using EventObjectEncoder = std::function<nlohmann::json(const core::ObjectPtr&)>;

struct WatchOptions {
  core::Kind kind = core::Kind::kPod;
  ObjectFilter filter;
  // Synthetic ADDED events sent first (resourceVersion "0" or unset: the current state), already filtered.
  std::vector<core::ObjectPtr> initial;
  // Only changes after this version are sent.
  uint64_t after_resource_version = 0;
  EventObjectEncoder encode;
  core::Duration timeout{};  // > 0: the server ends the stream then (timeoutSeconds)
};

// One line of a watch stream, newline-terminated: {"type":"ADDED","object":...}.
std::string watch_event_line(std::string_view type, const nlohmann::json& object);

class WatchStream : public ResponseStream {
 public:
  // Replays the cache's events after options.after_resource_version, then follows new ones.
  // REQUIRES: the cache holds events from there on (events_since is not nullopt). `cache` may be
  // destroyed first: the stream then goes quiet. `executor` outlives this.
  WatchStream(std::shared_ptr<WatchCache> cache, core::Executor& executor, WatchOptions options);
  ~WatchStream() override;

  void start(Send send, Close close) override;
  void cancel() override;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// A stream that sends fixed lines then ends (the ERROR event of a watch from a too old version).
class FixedStream : public ResponseStream {
 public:
  explicit FixedStream(std::vector<std::string> chunks) : chunks_(std::move(chunks)) {}
  void start(Send send, Close close) override;
  void cancel() override {}

 private:
  std::vector<std::string> chunks_;
};

}  // namespace ktwin::realnet
