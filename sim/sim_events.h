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

 private:
  std::vector<Observer> observers_;
};

}  // namespace ktwin::sim
