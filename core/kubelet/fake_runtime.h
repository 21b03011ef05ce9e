// A scriptable NodeRuntime for kubelet tests (after k/k cri-api/pkg/apis/testing/fake_runtime_service.go):
// records calls, completes them through the Executor, and lets a test make containers exit.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/env/executor.h"
#include "core/kubelet/node_runtime.h"

namespace ktwin::core::testing {

class FakeRuntime : public NodeRuntime {
 public:
  explicit FakeRuntime(Executor& executor) : executor_(executor) {}

  // Knobs.
  Duration start_latency = std::chrono::seconds(1);
  std::optional<Duration> exit_after;  // every started container exits this long after it starts
  int32_t exit_code = 1;
  std::optional<Duration> ready_after;  // reported as ContainerInfo::readyAt = startedAt + ready_after
  std::vector<ImageInfo> images = {{{"docker.io/library/nginx:1.19"}, 53'000'000}};

  // What happened: "run_pod_sandbox <pod>", "start_container <name>" ... and when containers started.
  std::vector<std::string> calls;
  std::vector<std::pair<Time, std::string>> started;  // (time, container name)

  std::map<std::string, PodSandboxInfo> sandboxes;
  std::map<std::string, ContainerInfo> containers;

  // The container exits with `code` now, reported through the event handler.
  void exit(const std::string& id, int32_t code) {
    auto it = containers.find(id);
    if (it == containers.end() || it->second.state != RuntimeContainerState::kRunning) return;
    ContainerInfo& c = it->second;
    c.state = RuntimeContainerState::kExited;
    c.finishedAt = executor_.now();
    c.exitCode = code;
    c.reason = code == 0 ? "Completed" : "Error";
    emit(ContainerEvent::Type::kDied, c);
  }
  // The id of the running container `name` of pod `uid`, or "".
  std::string running(const std::string& uid, const std::string& name) const {
    for (const auto& [id, c] : containers)
      if (c.podUid == uid && c.name == name && c.state == RuntimeContainerState::kRunning) return id;
    return "";
  }
  // Everything vanishes; nothing pending completes.
  void power_off() {
    ++generation_;
    sandboxes.clear();
    containers.clear();
  }

  void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }

  void run_pod_sandbox(const PodSandboxConfig& config, Then<std::string> done) override {
    calls.push_back("run_pod_sandbox " + config.podName);
    std::string id = "sb" + std::to_string(++next_id_);
    sandboxes[id] = PodSandboxInfo{id, config.podUid, config.podName, config.podNamespace, config.podIP,
                                   SandboxState::kReady};
    later([done, id] { done(id); });
  }
  void stop_pod_sandbox(const std::string& id, Done done) override {
    calls.push_back("stop_pod_sandbox");
    for (auto& [cid, c] : containers)
      if (c.sandboxId == id) exit(cid, 137);
    if (auto it = sandboxes.find(id); it != sandboxes.end()) it->second.state = SandboxState::kNotReady;
    later([done] { done(Status::ok()); });
  }
  void remove_pod_sandbox(const std::string& id, Done done) override {
    calls.push_back("remove_pod_sandbox");
    sandboxes.erase(id);
    later([done] { done(Status::ok()); });
  }
  void list_pod_sandboxes(Then<std::vector<PodSandboxInfo>> done) override {
    std::vector<PodSandboxInfo> out;
    for (const auto& [id, sb] : sandboxes) out.push_back(sb);
    later([done, out] { done(out); });
  }
  void create_container(const std::string& sandbox_id, const ContainerConfig& config, Then<std::string> done) override {
    calls.push_back("create_container " + config.name);
    auto sb = sandboxes.find(sandbox_id);
    if (sb == sandboxes.end()) {
      later([done] { done(Status::not_found("sandbox")); });
      return;
    }
    std::string id = "c" + std::to_string(++next_id_);
    ContainerInfo c;
    c.id = id;
    c.sandboxId = sandbox_id;
    c.podUid = sb->second.podUid;
    c.name = config.name;
    c.image = config.image;
    c.attempt = config.attempt;
    c.createdAt = executor_.now();
    containers[id] = c;
    later([done, id] { done(id); });
  }
  void start_container(const std::string& id, Done done) override {
    calls.push_back("start_container " + containers[id].name);
    uint64_t gen = generation_;
    executor_.post_after(start_latency, [this, id, done, gen] {
      if (gen != generation_) return;
      auto it = containers.find(id);
      if (it == containers.end() || it->second.state != RuntimeContainerState::kCreated) {
        done(Status::invalid("container is not created"));
        return;
      }
      it->second.state = RuntimeContainerState::kRunning;
      it->second.startedAt = executor_.now();
      if (ready_after) it->second.readyAt = executor_.now() + *ready_after;
      started.emplace_back(executor_.now(), it->second.name);
      emit(ContainerEvent::Type::kStarted, it->second);
      later([done] { done(Status::ok()); });
      if (exit_after)
        executor_.post_after(*exit_after, [this, id, gen] {
          if (gen == generation_) exit(id, exit_code);
        });
    });
  }
  void stop_container(const std::string& id, Duration timeout, Done done) override {
    calls.push_back("stop_container " + containers[id].name);
    auto it = containers.find(id);
    if (it != containers.end() && it->second.state == RuntimeContainerState::kCreated)
      it->second.state = RuntimeContainerState::kExited;
    exit(id, 0);  // the app honours SIGTERM
    later([done] { done(Status::ok()); });
  }
  void remove_container(const std::string& id, Done done) override {
    containers.erase(id);
    later([done] { done(Status::ok()); });
  }
  void container_status(const std::string& id, Then<ContainerInfo> done) override {
    auto it = containers.find(id);
    if (it == containers.end()) later([done] { done(Status::not_found("container")); });
    else later([done, c = it->second] { done(c); });
  }
  void list_containers(Then<std::vector<ContainerInfo>> done) override {
    std::vector<ContainerInfo> out;
    for (const auto& [id, c] : containers) out.push_back(c);
    later([done, out] { done(out); });
  }
  void list_images(Then<std::vector<ImageInfo>> done) override {
    later([done, out = images] { done(out); });
  }

 private:
  void later(Task task) {
    uint64_t gen = generation_;
    executor_.post([this, gen, task = std::move(task)] {
      if (gen == generation_) task();
    });
  }
  void emit(ContainerEvent::Type type, const ContainerInfo& info) {
    later([this, e = ContainerEvent{type, info}] {
      if (handler_) handler_(e);
    });
  }

  Executor& executor_;
  EventHandler handler_;
  uint64_t next_id_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace ktwin::core::testing
