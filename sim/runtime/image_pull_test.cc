// ModelledRuntime over a NetworkModel: a missing image is pulled once before the container exists;
// concurrent creates share the pull; images stay on disk across power cycles.
#include <catch2/catch.hpp>

#include "core/store/memory_store.h"
#include "sim/event_loop.h"
#include "sim/runtime/modelled_runtime.h"

namespace ktwin::sim {
namespace {

using std::chrono::seconds;
const Time kStart = Time(std::chrono::hours(24 * 365 * 51));

// Records each pull; the test completes them.
struct FakeNetwork : NetworkModel {
  std::vector<std::tuple<std::string, int64_t, std::function<void()>>> pulls;
  void pull_image(const std::string& node, int64_t bytes, std::function<void()> done) override {
    pulls.emplace_back(node, bytes, std::move(done));
  }
  core::Duration api_latency(const std::string&) const override { return {}; }
};

struct Harness {
  EventLoop loop{kStart};
  core::MemoryStore store{loop, core::Rng(1, "store")};
  FakeNetwork net;
  ModelledRuntime runtime{loop, store, AppModels{{"mongo", AppModel{seconds(3), {}, 400'000'000}}}, "worker1", &net};
  std::string sandbox;

  void boot() {
    runtime.run_pod_sandbox(core::PodSandboxConfig{"uid-1", "db", "default", 0, "10.42.1.2"},
                            [this](core::Result<std::string> r) { sandbox = r.value(); });
    loop.run_until(loop.now());
  }
  void create(const std::string& name, std::vector<std::string>& ids) {
    runtime.create_container(sandbox, core::ContainerConfig{name, "mongo:4.4", {}, {}, 0},
                             [&ids](core::Result<std::string> r) { ids.push_back(r.value()); });
  }
};

}  // namespace

TEST_CASE("a missing image is pulled once; creates wait for that pull", "[runtime][network]") {
  Harness h;
  h.boot();
  std::vector<std::string> ids;
  h.create("a", ids);
  h.create("b", ids);
  h.loop.run_until(kStart + seconds(60));
  CHECK(ids.empty());  // no container before the image is there
  REQUIRE(h.net.pulls.size() == 1);
  CHECK(std::get<0>(h.net.pulls[0]) == "worker1");
  CHECK(std::get<1>(h.net.pulls[0]) == 400'000'000);
  std::get<2>(h.net.pulls[0])();  // the last byte arrives
  h.loop.run_until(h.loop.now());
  CHECK(ids.size() == 2);

  SECTION("the image stays on disk: later creates, even after a power cycle, pull nothing") {
    h.create("c", ids);
    h.runtime.power_off();
    h.boot();
    h.create("d", ids);
    h.loop.run_until(h.loop.now());
    CHECK(h.net.pulls.size() == 1);
    CHECK(ids.size() == 3);  // c's callback was dropped by the power loss; d was created
  }
}

TEST_CASE("a pull cut short by power loss leaves no image", "[runtime][network]") {
  Harness h;
  h.boot();
  std::vector<std::string> ids;
  h.create("a", ids);
  REQUIRE(h.net.pulls.size() == 1);
  h.runtime.power_off();
  std::get<2>(h.net.pulls[0])();  // arrives unheard
  h.boot();
  h.create("b", ids);
  REQUIRE(h.net.pulls.size() == 2);  // pulled again
  std::get<2>(h.net.pulls[1])();
  h.loop.run_until(h.loop.now());
  CHECK(ids.size() == 1);
}

}  // namespace ktwin::sim
