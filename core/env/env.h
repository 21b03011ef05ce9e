// The environment bundle each component receives: time, the store, the event sink and the run's seed.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/env/event_recorder.h"
#include "core/env/executor.h"
#include "core/env/rng.h"

namespace ktwin::core {

class Store;

struct Env {
  Executor& executor;
  Store& store;
  EventRecorder& events;
  uint64_t seed = 0;

  // A random stream of the component's own (see rng.h).
  Rng rng(std::string_view component) const { return Rng(seed, component); }
};

}  // namespace ktwin::core
