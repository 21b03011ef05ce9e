// Events in the store: what kubectl describe selects, repeats folded into a count, expiry after the TTL.
#include "core/apiserver/store_event_recorder.h"

#include <catch2/catch.hpp>

#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "tests/fakes/pdb_builders.h"
#include "tests/fakes/recording_events.h"

using namespace ktwin;
using namespace ktwin::core;
using namespace ktwin::testing;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  sim::EventLoop loop{Time{} + 1000h};
  MemoryStore store{loop, Rng(7, "store")};
  RecordingEvents log;
  StoreEventRecorder recorder{store, loop, StoreEventRecorderOptions{}, &log};
  std::vector<std::shared_ptr<const Event>> events() {
    std::vector<std::shared_ptr<const Event>> out;
    for (const ObjectPtr& obj : store.list(Kind::kEvent)) out.push_back(std::static_pointer_cast<const Event>(obj));
    return out;
  }
};

}  // namespace

TEST_CASE("an event becomes a v1 Event about the object, with its uid and the reporting component", "[events]") {
  Fixture f;
  add_web_pod(f.store, "web-1", add_web_deployment(f.store, 1));
  ObjectPtr pod = f.store.find(Kind::kPod, "default", "web-1");
  f.recorder.record({"Pod", "default", "web-1"}, "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.");
  f.recorder.record({"Node", "", "worker1"}, "Normal", "RegisteredNode", "Node worker1 event: Registered Node worker1 in Controller");

  auto events = f.events();
  REQUIRE(events.size() == 2);
  auto pod_event = events[0]->involvedObject.kind == "Pod" ? events[0] : events[1];
  auto node_event = events[0] == pod_event ? events[1] : events[0];
  CHECK(pod_event->metadata.namespace_ == "default");
  CHECK(pod_event->metadata.name.rfind("web-1.", 0) == 0);  // client-go: name.<hex nanoseconds>
  CHECK(pod_event->involvedObject.uid == pod->metadata.uid);
  CHECK(pod_event->involvedObject.apiVersion == "v1");
  CHECK(pod_event->type == "Warning");
  CHECK(pod_event->reason == "FailedScheduling");
  CHECK(pod_event->source.component == "default-scheduler");
  CHECK(pod_event->count == 1);
  CHECK(pod_event->firstTimestamp == f.loop.now());
  // A cluster-scoped object's events live in default; an object not in the store has no uid.
  CHECK(node_event->metadata.namespace_ == "default");
  CHECK(node_event->involvedObject.namespace_.empty());
  CHECK(node_event->involvedObject.uid.empty());
  CHECK(node_event->source.component == "node-controller");
  CHECK(f.log.count("FailedScheduling") == 1);  // the log sink hears it too
}

TEST_CASE("a repeated event updates its Event's count and last timestamp; another message is a new Event",
          "[events]") {
  Fixture f;
  Time first = f.loop.now();
  f.recorder.record({"Pod", "default", "big"}, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");
  f.loop.run_until(first + 30s);
  f.recorder.record({"Pod", "default", "big"}, "Warning", "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");
  REQUIRE(f.events().size() == 1);
  CHECK(f.events()[0]->count == 2);
  CHECK(f.events()[0]->firstTimestamp == first);
  CHECK(f.events()[0]->lastTimestamp == first + 30s);
  f.recorder.record({"Pod", "default", "big"}, "Warning", "FailedScheduling", "0/2 nodes are available: 2 Insufficient cpu.");
  CHECK(f.events().size() == 2);
}

TEST_CASE("Events not seen again for the TTL are deleted; a repeat after that starts a new one", "[events]") {
  Fixture f;
  f.recorder.record({"Pod", "default", "old"}, "Normal", "Scheduled", "Successfully assigned default/old to w1");
  f.loop.run_until(f.loop.now() + 30min);
  f.recorder.record({"Pod", "default", "new"}, "Normal", "Scheduled", "Successfully assigned default/new to w1");
  f.loop.run_until(f.loop.now() + 31min);  // the sweeps have run: "old" is 61 min old, "new" 31 min
  auto left = f.events();
  REQUIRE(left.size() == 1);
  CHECK(left[0]->involvedObject.name == "new");
  f.recorder.record({"Pod", "default", "old"}, "Normal", "Scheduled", "Successfully assigned default/old to w1");
  CHECK(f.events().size() == 2);
  for (const auto& ev : f.events()) CHECK(ev->count == 1);
}
