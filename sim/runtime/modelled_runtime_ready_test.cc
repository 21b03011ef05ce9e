// ModelledRuntime reports when an image's application answers readiness checks (apps.IMAGE.readyAfter).
#include <catch2/catch.hpp>

#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "sim/runtime/modelled_runtime.h"

namespace ktwin::sim {

TEST_CASE("a started container carries readyAt = startedAt + readyAfter", "[runtime][readiness]") {
  using std::chrono::seconds;
  EventLoop loop{Time{} + seconds(100)};
  core::MemoryStore store{loop, core::Rng(1, "store")};
  AppModel slow;
  slow.startup = seconds(2);
  slow.readyAfter = seconds(20);
  ModelledRuntime runtime{loop, store, AppModels{{"nginx", slow}}, "worker1"};
  std::vector<core::ContainerEvent> started;
  runtime.set_event_handler([&](const core::ContainerEvent& e) {
    if (e.type == core::ContainerEvent::Type::kStarted) started.push_back(e);
  });
  std::string sandbox;
  runtime.run_pod_sandbox(core::PodSandboxConfig{"uid-1", "web-abc", "default", 0, "10.42.1.2"},
                          [&](core::Result<std::string> r) { sandbox = r.value(); });
  loop.run_until(loop.now());
  for (const char* image : {"nginx:1.19", "busybox"}) {
    std::string id;
    runtime.create_container(sandbox, core::ContainerConfig{image, image, {}, {}, 0},
                             [&](core::Result<std::string> r) { id = r.value(); });
    loop.run_until(loop.now());
    runtime.start_container(id, [](core::Status s) { CHECK(s.is_ok()); });
  }
  loop.run_until(loop.now() + seconds(5));
  REQUIRE(started.size() == 2);
  for (const core::ContainerEvent& e : started) {
    if (e.container.name.rfind("nginx", 0) == 0) {
      CHECK(e.container.startedAt == Time{} + seconds(102));
      REQUIRE(e.container.readyAt);
      CHECK(*e.container.readyAt == Time{} + seconds(122));
    } else {
      CHECK_FALSE(e.container.readyAt);  // no model: ready as soon as it runs
    }
  }
}

}  // namespace ktwin::sim
