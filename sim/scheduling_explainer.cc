// Selecting the explained pods and printing their attempts.
#include "sim/scheduling_explainer.h"

#include "core/scheduler/explain.h"
#include "core/util/time.h"

namespace ktwin::sim {

std::optional<std::string> parse_explain_target(const std::string& arg) {
  const std::string prefix = "pod/";
  if (arg.rfind(prefix, 0) != 0 || arg.size() == prefix.size()) return std::nullopt;
  return arg.substr(prefix.size());
}

bool SchedulingExplainer::selects(const core::Pod& pod) const {
  const std::string key = pod.metadata.namespace_ + "/" + pod.metadata.name;
  for (const std::string& t : targets_) {
    const std::string& subject = t.find('/') == std::string::npos ? pod.metadata.name : key;
    if (subject.rfind(t, 0) == 0) return true;
  }
  return false;
}

void SchedulingExplainer::attach(core::Scheduler& scheduler) {
  scheduler.set_attempt_observer(
      [this, &scheduler](const core::Pod& pod, const core::ScheduleResult& r) { on_attempt(scheduler, pod, r); });
}

void SchedulingExplainer::on_attempt(const core::Scheduler& scheduler, const core::Pod& pod,
                                     const core::ScheduleResult& result) {
  if (!selects(pod)) return;
  const std::string key = pod.metadata.namespace_ + "/" + pod.metadata.name;
  // The profile that scheduled it: the one its schedulerName names (empty means the default).
  const std::string& wanted = pod.spec.schedulerName.empty() ? std::string("default-scheduler") : pod.spec.schedulerName;
  const core::Profile* profile = &scheduler.profile();
  for (const core::Profile& p : scheduler.profiles())
    if (p.schedulerName == wanted) profile = &p;
  int n = ++attempts_[key];
  out_ << "[+" << core::format_go_duration(clock_.now() - start_) << "] scheduling pod/" << key << " attempt " << n
       << " (profile " << profile->schedulerName << ")\n"
       << core::explain_attempt(*profile, result);
}

}  // namespace ktwin::sim
