// Where components report Kubernetes Events (reason + message about an object), e.g. NodeNotReady.
#pragma once

#include <string>

namespace ktwin::core {

struct ObjectRef {
  std::string kind;  // "Pod", "Node", ...
  std::string namespace_;
  std::string name;
};

class EventRecorder {
 public:
  virtual ~EventRecorder() = default;
  // type is "Normal" or "Warning"; reason is copied verbatim from Kubernetes (e.g. "TaintManagerEviction").
  virtual void record(const ObjectRef& object, const std::string& type, const std::string& reason,
                      const std::string& message) = 0;
};

}  // namespace ktwin::core
