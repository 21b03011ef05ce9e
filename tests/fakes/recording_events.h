// An EventRecorder for tests: keeps every event as "Reason object: message" lines.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/env/event_recorder.h"

namespace ktwin::testing {

class RecordingEvents : public core::EventRecorder {
 public:
  struct Event {
    core::ObjectRef object;
    std::string type, reason, message;
  };
  void record(const core::ObjectRef& object, const std::string& type, const std::string& reason,
              const std::string& message) override {
    events.push_back({object, type, reason, message});
  }
  size_t count(const std::string& reason) const {
    return std::count_if(events.begin(), events.end(), [&](const Event& e) { return e.reason == reason; });
  }
  std::vector<Event> events;

  // Component log lines (EventRecorder::log), as "component: message".
  void log(const std::string& component, const std::string& message) override {
    logs.push_back(component + ": " + message);
  }
  std::vector<std::string> logs;
};

}  // namespace ktwin::testing
