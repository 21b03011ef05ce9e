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

  // A component's log line that Kubernetes writes to its log rather than as an Event (klog at V(0)),
  // e.g. the node lifecycle controller's zone state changes. Ignored unless a sink overrides it.
  virtual void log(const std::string& component, const std::string& message) {}
};

}  // namespace ktwin::core
