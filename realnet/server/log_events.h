// Events and component log lines of the real-mode server, written to stderr klog style, next to the
// Events the StoreEventRecorder keeps for kubectl. An event repeating the last one of its object and
// reason is not printed again, as client-go's EventCorrelator folds identical events into one with a
// count (tools/record/events_cache.go).
#pragma once

#include <iostream>
#include <map>
#include <string>

#include "core/env/event_recorder.h"

namespace ktwin::realnet {

class LogEvents : public core::EventRecorder {
 public:
  explicit LogEvents(std::ostream& out = std::cerr) : out_(out) {}
  void record(const core::ObjectRef& object, const std::string& type, const std::string& reason,
              const std::string& message) override {
    std::string key = object.kind + "/" + object.namespace_ + "/" + object.name + "/" + reason;
    if (last_.size() > kMaxRemembered) last_.clear();
    auto [it, inserted] = last_.emplace(key, message);
    if (!inserted && it->second == message) return;
    it->second = message;
    out_ << "event: " << type << " " << reason << " " << object.kind << " "
         << (object.namespace_.empty() ? "" : object.namespace_ + "/") << object.name << ": " << message << "\n";
  }
  void log(const std::string& component, const std::string& message) override {
    out_ << component << ": " << message << "\n";
  }

 private:
  static constexpr size_t kMaxRemembered = 10000;
  std::ostream& out_;
  std::map<std::string, std::string> last_;  // object and reason -> the last message printed
};

}  // namespace ktwin::realnet
