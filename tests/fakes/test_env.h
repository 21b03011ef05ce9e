// The environment most core tests need: a virtual clock, a store on it, recorded events, one Env.
#pragma once

#include "core/env/env.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/recording_events.h"

namespace ktwin::testing {

struct TestEnv {
  sim::EventLoop loop{core::Time{}};
  core::MemoryStore store{loop, core::Rng(1, "store")};
  RecordingEvents events;
  core::Env env{loop, store, events, 1};
};

}  // namespace ktwin::testing
