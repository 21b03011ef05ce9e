// `ktwin run --explain-scheduling pod/NAME`: prints the table of every scheduling attempt of the pods
// whose name starts with NAME, at the virtual time it happened. Opt-in: without targets nothing is
// attached to the scheduler.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "core/env/executor.h"
#include "core/scheduler/scheduler.h"

namespace ktwin::sim {

class SchedulingExplainer {
 public:
  // `targets`: "NAME" or "NAMESPACE/NAME" prefixes (the "pod/" already removed).
  SchedulingExplainer(std::vector<std::string> targets, std::ostream& out, const core::PassiveClock& clock,
                      core::Time start)
      : targets_(std::move(targets)), out_(out), clock_(clock), start_(start) {}

  // Sets `scheduler`'s attempt observer to this explainer (which must outlive the scheduler's runs).
  void attach(core::Scheduler& scheduler);
  bool selects(const core::Pod& pod) const;

 private:
  void on_attempt(const core::Scheduler& scheduler, const core::Pod& pod, const core::ScheduleResult& result);

  std::vector<std::string> targets_;
  std::ostream& out_;
  const core::PassiveClock& clock_;
  core::Time start_;
  std::map<std::string, int> attempts_;  // per namespace/name
};

// "pod/NAME" -> "NAME"; nullopt for anything else.
std::optional<std::string> parse_explain_target(const std::string& arg);

}  // namespace ktwin::sim
