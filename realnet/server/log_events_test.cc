#include "realnet/server/log_events.h"

#include <catch2/catch.hpp>
#include <sstream>

using ktwin::core::ObjectRef;
using ktwin::realnet::LogEvents;

TEST_CASE("LogEvents prints an event once while it repeats, and again when it changes", "[log_events]") {
  std::ostringstream out;
  LogEvents events(out);
  ObjectRef pod{"Pod", "default", "web-1"};
  events.record(pod, "Warning", "FailedScheduling", "no nodes available to schedule pods");
  events.record(pod, "Warning", "FailedScheduling", "no nodes available to schedule pods");
  events.record(ObjectRef{"Pod", "default", "web-2"}, "Warning", "FailedScheduling", "no nodes available to schedule pods");
  events.record(pod, "Normal", "Scheduled", "Successfully assigned default/web-1 to worker1");
  events.record(pod, "Warning", "FailedScheduling", "0/1 nodes are available: 1 node(s) were unschedulable.");
  CHECK(out.str() ==
        "event: Warning FailedScheduling Pod default/web-1: no nodes available to schedule pods\n"
        "event: Warning FailedScheduling Pod default/web-2: no nodes available to schedule pods\n"
        "event: Normal Scheduled Pod default/web-1: Successfully assigned default/web-1 to worker1\n"
        "event: Warning FailedScheduling Pod default/web-1: 0/1 nodes are available: 1 node(s) were unschedulable.\n");
}
