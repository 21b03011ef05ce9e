// Small builders for API pieces that tests write again and again.
#pragma once

#include <string>

#include "core/api/pod.h"

namespace ktwin::testing {

inline core::Container container(const std::string& name, const std::string& image) {
  core::Container c;
  c.name = name;
  c.image = image;
  return c;
}

inline core::PodCondition ready_condition(core::Time since) {
  core::PodCondition c;
  c.type = "Ready";
  c.status = "True";
  c.lastTransitionTime = since;
  return c;
}

}  // namespace ktwin::testing
