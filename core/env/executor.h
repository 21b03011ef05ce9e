// The time seam: a passive clock and a single-threaded executor of callbacks, virtual or real.
#pragma once

#include <cstdint>
#include <functional>

#include "core/util/time.h"

namespace ktwin::core {

// Read-only time, for code that never schedules (k8s.io/utils/clock PassiveClock).
class PassiveClock {
 public:
  virtual ~PassiveClock() = default;
  virtual Time now() const = 0;
};

using TimerId = uint64_t;
using Task = std::function<void()>;

// Runs callbacks one at a time, never concurrently. Tasks due at the same instant run in the order
// they were posted. The simulator's implementation advances virtual time; real mode uses io_context.
class Executor : public PassiveClock {
 public:
  // Runs `task` as soon as possible, after the current callback returns.
  virtual void post(Task task) = 0;
  // Runs `task` once `delay` has passed. REQUIRES: delay >= 0.
  virtual TimerId post_after(Duration delay, Task task) = 0;
  // Cancels a pending timer; a no-op if it already ran or was cancelled.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace ktwin::core
