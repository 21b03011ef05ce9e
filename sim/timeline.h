// The human timeline of a run: "[+5m40s] node/worker2 NotReady", from Events and watched changes.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "core/env/event_recorder.h"
#include "core/env/executor.h"
#include "core/store/store.h"

namespace ktwin::sim {

class Timeline {
 public:
  enum class Detail { kEvents, kAll };  // kAll adds every pod STATUS change (like kubectl get -w)
  Timeline(std::ostream& out, const core::PassiveClock& clock, core::Time start, Detail detail);

  void watch(core::Store& store);
  void on_event(const core::ObjectRef& object, const std::string& type, const std::string& reason,
                const std::string& message);
  // A control-plane component's log line (EventRecorder::log): "kube-controller-manager[node-controller]: ...".
  void on_log(const std::string& component, const std::string& message);
  void line(const std::string& text);  // a scenario line: actions, snapshots, expectations

 private:
  void on_node(const core::WatchEvent& event);
  void on_pod(const core::WatchEvent& event);

  std::ostream& out_;
  const core::PassiveClock& clock_;
  core::Time start_;
  Detail detail_;
  std::map<std::string, std::string> node_status_;  // last printed STATUS per node
  std::map<std::string, std::string> pod_status_;   // last printed STATUS per pod
};

}  // namespace ktwin::sim
