// Events and component log lines of the real-mode server, written to stderr klog style (ktwin has no
// Event kind in its store yet, so `kubectl get events` shows nothing; the log has them).
#pragma once

#include <iostream>

#include "core/env/event_recorder.h"

namespace ktwin::realnet {

class LogEvents : public core::EventRecorder {
 public:
  explicit LogEvents(std::ostream& out = std::cerr) : out_(out) {}
  void record(const core::ObjectRef& object, const std::string& type, const std::string& reason,
              const std::string& message) override {
    out_ << "event: " << type << " " << reason << " " << object.kind << " "
         << (object.namespace_.empty() ? "" : object.namespace_ + "/") << object.name << ": " << message << "\n";
  }
  void log(const std::string& component, const std::string& message) override {
    out_ << component << ": " << message << "\n";
  }

 private:
  std::ostream& out_;
};

}  // namespace ktwin::realnet
