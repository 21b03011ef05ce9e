#include "realnet/runtime/process_runtime.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "realnet/runtime/runtime_test_harness.h"

using namespace ktwin;
using core::ContainerEvent;
using core::ContainerInfo;
using core::RuntimeContainerState;
using realnet::ProcessRuntime;
using realnet::testing::Loop;
using realnet::testing::TempDir;
using Ms = std::chrono::milliseconds;

namespace {

struct Fixture {
  TempDir dir;
  Loop loop;
  ProcessRuntime runtime{loop.executor, {dir.path / "state", dir.path / "images"}};
  std::vector<ContainerEvent> events;
  std::vector<std::string> order;  // "started <name>", "died <name>", "stop done"
  bool inside_call = false;
  bool event_inside_call = false;
  bool event_off_thread = false;
  std::thread::id loop_thread = std::this_thread::get_id();

  Fixture() {
    runtime.set_event_handler([this](const ContainerEvent& e) {
      if (inside_call) event_inside_call = true;
      if (std::this_thread::get_id() != loop_thread) event_off_thread = true;
      events.push_back(e);
      order.push_back(std::string(e.type == ContainerEvent::Type::kStarted ? "started " : "died ") + e.container.name);
    });
  }

  std::string sandbox() {
    auto r = loop.await<std::string>([&](auto done) {
      runtime.run_pod_sandbox({"uid-1", "web", "default", 0, "10.42.0.5"}, done);
    });
    REQUIRE(r.is_ok());
    return r.value();
  }
  std::string create(const std::string& sb, const std::string& name, std::vector<std::string> command) {
    core::ContainerConfig config;
    config.name = name;
    config.image = "none-such:1";
    config.command = std::move(command);
    auto r = loop.await<std::string>([&](auto done) {
      inside_call = true;
      runtime.create_container(sb, config, done);
      inside_call = false;
    });
    REQUIRE(r.is_ok());
    return r.value();
  }
  core::Status start(const std::string& id) {
    return loop.await_status([&](auto done) {
      inside_call = true;
      runtime.start_container(id, done);
      inside_call = false;
    });
  }
  const ContainerEvent* died(const std::string& id) const {
    for (const auto& e : events)
      if (e.type == ContainerEvent::Type::kDied && e.container.id == id) return &e;
    return nullptr;
  }
  ContainerInfo status(const std::string& id) {
    auto r = loop.await<ContainerInfo>([&](auto done) { runtime.container_status(id, done); });
    REQUIRE(r.is_ok());
    return r.value();
  }
};

}  // namespace

TEST_CASE("ProcessRuntime reports a container's exit code through a kDied event", "[process_runtime]") {
  Fixture f;
  std::string id = f.create(f.sandbox(), "job", {"sh", "-c", "exit 3"});
  REQUIRE(f.start(id).is_ok());
  REQUIRE(f.loop.run_until([&] { return f.died(id) != nullptr; }));
  const ContainerInfo& c = f.died(id)->container;
  CHECK(c.exitCode == 3);
  CHECK(c.reason == "Error");
  CHECK(c.state == RuntimeContainerState::kExited);
  CHECK(c.finishedAt >= c.startedAt);
  CHECK(c.startedAt >= c.createdAt);
  CHECK(f.order == std::vector<std::string>{"started job", "died job"});
  CHECK(f.status(id).exitCode == 3);
  CHECK_FALSE(f.event_inside_call);
  CHECK_FALSE(f.event_off_thread);
}

TEST_CASE("ProcessRuntime: a clean exit is Completed and output goes to the container's log", "[process_runtime]") {
  Fixture f;
  std::string id = f.create(f.sandbox(), "hello", {"sh", "-c", "echo out; echo err >&2"});
  REQUIRE(f.start(id).is_ok());
  REQUIRE(f.loop.run_until([&] { return f.died(id) != nullptr; }));
  CHECK(f.died(id)->container.exitCode == 0);
  CHECK(f.died(id)->container.reason == "Completed");
  auto log = f.runtime.log_path(id);
  CHECK(log.string().find("pods/default_web_uid-1/hello/0.log") != std::string::npos);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "out\nerr\n");
}

TEST_CASE("ProcessRuntime: the agent's descriptors do not leak into containers", "[process_runtime]") {
  Fixture f;
  int fd = open("/dev/null", O_RDONLY);  // not O_CLOEXEC, as a careless library's would be
  REQUIRE(fd > 2);
  std::string id = f.create(f.sandbox(), "fds", {"sh", "-c", "test -e /proc/self/fd/" + std::to_string(fd) + " && exit 9; exit 0"});
  REQUIRE(f.start(id).is_ok());
  REQUIRE(f.loop.run_until([&] { return f.died(id) != nullptr; }));
  CHECK(f.died(id)->container.exitCode == 0);
  close(fd);
}

TEST_CASE("ProcessRuntime stop_container: SIGTERM is honoured, kDied comes before done", "[process_runtime]") {
  Fixture f;
  std::string id = f.create(f.sandbox(), "sleeper", {"sleep", "30"});
  REQUIRE(f.start(id).is_ok());
  auto t0 = std::chrono::steady_clock::now();
  core::Status s = f.loop.await_status([&](auto done) {
    f.runtime.stop_container(id, std::chrono::seconds(10), [&, done](core::Status st) {
      f.order.push_back("stop done");
      done(st);
    });
  });
  auto elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE(s.is_ok());
  REQUIRE(f.died(id) != nullptr);
  CHECK(f.died(id)->container.exitCode == 128 + SIGTERM);
  CHECK(elapsed < std::chrono::seconds(3));  // not the 10 s timeout
  CHECK(f.order == std::vector<std::string>{"started sleeper", "died sleeper", "stop done"});
}

TEST_CASE("ProcessRuntime stop_container: SIGKILL after the timeout for a process that traps TERM", "[process_runtime]") {
  Fixture f;
  std::string id = f.create(f.sandbox(), "stubborn", {"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"});
  REQUIRE(f.start(id).is_ok());
  pid_t pid = f.runtime.pid(id);
  REQUIRE(pid > 0);
  // Wait until the trap is set (it prints after), or SIGTERM could land before it.
  REQUIRE(f.loop.run_until([&] {
    std::ifstream in(f.runtime.log_path(id));
    std::string line;
    return std::getline(in, line) && line == "ready";
  }));
  auto t0 = std::chrono::steady_clock::now();
  core::Status s = f.loop.await_status([&](auto done) { f.runtime.stop_container(id, Ms(700), done); });
  auto elapsed = std::chrono::steady_clock::now() - t0;
  REQUIRE(s.is_ok());
  REQUIRE(f.died(id) != nullptr);
  CHECK(f.died(id)->container.exitCode == 128 + SIGKILL);
  CHECK(elapsed >= Ms(700));
  CHECK(elapsed < Ms(3000));
  // The whole process group is gone, the shell's `sleep` too (once init has reaped it).
  CHECK(f.loop.run_until([&] { return kill(-pid, 0) != 0; }, Ms(2000)));
}

TEST_CASE("ProcessRuntime list_containers shows created, running and exited containers", "[process_runtime]") {
  Fixture f;
  std::string sb = f.sandbox();
  std::string created = f.create(sb, "a", {"true"});
  std::string running = f.create(sb, "b", {"sleep", "30"});
  std::string exited = f.create(sb, "c", {"sh", "-c", "exit 0"});
  REQUIRE(f.start(running).is_ok());
  REQUIRE(f.start(exited).is_ok());
  REQUIRE(f.loop.run_until([&] { return f.died(exited) != nullptr; }));
  auto list = f.loop.await<std::vector<ContainerInfo>>([&](auto done) { f.runtime.list_containers(done); });
  REQUIRE(list.is_ok());
  std::map<std::string, RuntimeContainerState> states;
  for (const auto& c : list.value()) states[c.id] = c.state;
  CHECK(states == std::map<std::string, RuntimeContainerState>{{created, RuntimeContainerState::kCreated},
                                                               {running, RuntimeContainerState::kRunning},
                                                               {exited, RuntimeContainerState::kExited}});
  // Stopping the sandbox kills what still runs; removing it forgets every container.
  REQUIRE(f.loop.await_status([&](auto done) { f.runtime.stop_pod_sandbox(sb, done); }).is_ok());
  REQUIRE(f.died(running) != nullptr);
  CHECK(f.died(running)->container.exitCode == 128 + SIGKILL);
  REQUIRE(f.loop.await_status([&](auto done) { f.runtime.remove_pod_sandbox(sb, done); }).is_ok());
  list = f.loop.await<std::vector<ContainerInfo>>([&](auto done) { f.runtime.list_containers(done); });
  CHECK(list.value().empty());
  CHECK_FALSE(f.event_inside_call);
  CHECK_FALSE(f.event_off_thread);
}

TEST_CASE("ProcessRuntime: every callback runs on the executor, never inside the call", "[process_runtime]") {
  Fixture f;
  std::string sb = f.sandbox();
  std::string id = f.create(sb, "x", {"sleep", "30"});
  bool ran_inside = false;
  bool ran = false;
  f.runtime.start_container(id, [&](core::Status) { ran = true; });
  ran_inside = ran;
  size_t events_inside = f.events.size();
  REQUIRE(f.loop.run_until([&] { return ran && !f.events.empty(); }));
  CHECK_FALSE(ran_inside);
  CHECK(events_inside == 0);
  ran = false;
  f.runtime.stop_container(id, std::chrono::seconds(5), [&](core::Status) { ran = true; });
  CHECK_FALSE(ran);
  CHECK(f.died(id) == nullptr);
  REQUIRE(f.loop.run_until([&] { return ran; }));
  CHECK(f.died(id) != nullptr);
}

TEST_CASE("ProcessRuntime: a missing executable fails start with StartError", "[process_runtime]") {
  Fixture f;
  std::string id = f.create(f.sandbox(), "bad", {"no-such-binary-ktwin"});
  core::Status s = f.start(id);
  CHECK_FALSE(s.is_ok());
  CHECK(s.message() == "exec: \"no-such-binary-ktwin\": executable file not found in $PATH");
  ContainerInfo c = f.status(id);
  CHECK(c.state == RuntimeContainerState::kExited);
  CHECK(c.exitCode == 128);
  CHECK(c.reason == "StartError");
  CHECK(f.events.empty());
}

TEST_CASE("ProcessRuntime rejects containers of an unknown sandbox and images it must have", "[process_runtime]") {
  TempDir dir;
  Loop loop;
  ProcessRuntime strict(loop.executor, {dir.path / "state", dir.path / "images", true, false});
  core::ContainerConfig config;
  config.name = "x";
  config.image = "nginx:1.19";
  config.command = {"true"};
  auto r = loop.await<std::string>([&](auto done) { strict.create_container("sb-missing", config, done); });
  CHECK(r.status().is_not_found());
  auto sb = loop.await<std::string>([&](auto done) { strict.run_pod_sandbox({"u", "p", "ns", 0, ""}, done); });
  REQUIRE(sb.is_ok());
  r = loop.await<std::string>([&](auto done) { strict.create_container(sb.value(), config, done); });
  CHECK(r.status().is_not_found());
  CHECK(r.status().message().find("nginx:1.19") != std::string::npos);
}

// Not a ctest (hidden): prints the measurement for docs and reports. Run it by its tag.
TEST_CASE("ProcessRuntime start latency, median of 20", "[.latency]") {
  Fixture f;
  core::ContainerConfig config;
  config.image = "none";
  config.command = {"sleep", "30"};
  double ms = realnet::testing::median_start_ms(f.loop, f.runtime, f.sandbox(), f.events, config);
  REQUIRE(ms > 0);
  std::printf("process runtime: create+start to kStarted, median of 20: %.2f ms\n", ms);
}
