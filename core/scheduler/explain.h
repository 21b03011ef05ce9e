// A human table of one scheduling attempt: every node with its filter verdict (the plugin that
// rejected it and why), each score plugin's normalized score and weight, the weighted total and the
// node chosen. Built from a ScheduleResult after the fact, so the scheduling path pays nothing.
#pragma once

#include <string>

#include "core/scheduler/profile.h"
#include "core/scheduler/schedule_one.h"

namespace ktwin::core {

// Rows sorted by node name; lines end in '\n'. Deterministic for a given result.
std::string explain_attempt(const Profile& profile, const ScheduleResult& result);

}  // namespace ktwin::core
