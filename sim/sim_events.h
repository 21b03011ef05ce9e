// The simulator's EventRecorder: hands every Kubernetes Event to the run's observers (timeline, trace).
#pragma once

#include <functional>
#include <vector>

#include "core/env/event_recorder.h"

namespace ktwin::sim {

class SimEvents : public core::EventRecorder {
 public:
  using Observer = std::function<void(const core::ObjectRef&, const std::string& type, const std::string& reason,
                                      const std::string& message)>;
  void subscribe(Observer observer) { observers_.push_back(std::move(observer)); }
  void record(const core::ObjectRef& object, const std::string& type, const std::string& reason,
              const std::string& message) override {
    for (const Observer& o : observers_) o(object, type, reason, message);
  }

  // Component log lines (EventRecorder::log).
  using LogObserver = std::function<void(const std::string& component, const std::string& message)>;
  void subscribe_log(LogObserver observer) { log_observers_.push_back(std::move(observer)); }
  void log(const std::string& component, const std::string& message) override {
    for (const LogObserver& o : log_observers_) o(component, message);
  }

 private:
  std::vector<Observer> observers_;
  std::vector<LogObserver> log_observers_;
};

}  // namespace ktwin::sim
