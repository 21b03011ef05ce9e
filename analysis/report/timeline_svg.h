// The per-node timeline of a run as SVG: one row per pod, coloured by state, faults shaded.
#pragma once

#include <string>

#include "analysis/report/timeline.h"

namespace ktwin::analysis::report {

// Label column width: charts drawn under the timeline use it as their left margin so the time axes
// line up.
constexpr double kTimelineLabelWidth = 210;
// About this many intervals on the time axis (nice_time_ticks), for the timeline and charts under it.
constexpr int kTimelineTickTarget = 10;

// Fill colour of a pod state; unknown states share one grey-brown.
const std::string& state_color(const std::string& state);
// Colour of a fault ("haltNode", "partition", "stopKubelet"), shared by the timeline and the charts.
const std::string& fault_color(const std::string& what);

// The timeline over [t0, t1] seconds, `width` pixels wide, with the legend of the states it shows.
std::string render_timeline(const RunTimeline& timeline, double t0, double t1, double width = 1000);

}  // namespace ktwin::analysis::report
