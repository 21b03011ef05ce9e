// Writes a run as JSON Lines: every object change (as a JSON Patch against the previous state) and
// every Event, stamped with time since the scenario started. Same seed, same bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "core/env/event_recorder.h"
#include "core/env/executor.h"
#include "core/store/store.h"

namespace ktwin::analysis {

class TraceWriter {
 public:
  // Writes to `out` (not owned), stamping lines with clock.now() - start.
  TraceWriter(std::ostream& out, const core::PassiveClock& clock, core::Time start);

  // Subscribes to every kind of `store`.
  void watch(core::Store& store);
  void on_change(const core::WatchEvent& event);
  void on_event(const core::ObjectRef& object, const std::string& type, const std::string& reason,
                const std::string& message);
  // A control-plane component's log line (EventRecorder::log): {"log": component, "message": ...}.
  void on_log(const std::string& component, const std::string& message);
  // A line of the scenario itself (an action, a snapshot, an expectation result).
  void on_scenario(const std::string& what, const nlohmann::json& details);
  size_t lines() const { return lines_; }

 private:
  void write(nlohmann::json line);

  std::ostream& out_;
  const core::PassiveClock& clock_;
  core::Time start_;
  size_t lines_ = 0;
};

// JSON Patch (RFC 6902) from `before` to `after`, leaving out metadata.resourceVersion, which changes
// on every write and says nothing about behaviour.
nlohmann::json behavioural_patch(const nlohmann::json& before, const nlohmann::json& after);

}  // namespace ktwin::analysis
