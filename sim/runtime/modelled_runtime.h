// The simulator's container runtime: containers that take their app's start-up time, and apps that
// crash when a service they depend on has no ready endpoint (letschat without mongo), timed by the
// Executor. Implements the kubelet's CRI-shaped NodeRuntime.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/env/executor.h"
#include "core/kubelet/node_runtime.h"
#include "core/store/store.h"
#include "sim/network_model.h"

namespace ktwin::sim {

using core::Duration;
using core::Time;

// How an image behaves once started.
struct AppModel {
  Duration startup = std::chrono::seconds(1);  // create + start, until the process runs (after any pull)
  std::vector<std::string> dependsOn;          // Service names in the pod's namespace
  int64_t imageSizeBytes = 0;                  // node.status.images; what a pull moves over the network
  // How long after it starts the application answers readiness checks (ContainerInfo::readyAt).
  Duration readyAfter{};
};
// By image name without tag or digest: "mongo", "sdelements/lets-chat". An image without a model gets
// AppModel{} (1 s start-up, no dependencies).
using AppModels = std::map<std::string, AppModel>;

class ModelledRuntime : public core::NodeRuntime {
 public:
  // An app whose dependency has no ready endpoint address when it starts exits (code 1) this long after.
  static constexpr Duration kStartupFailureDelay = std::chrono::milliseconds(100);
  // A running app notices that a dependency lost its last ready address this long after the Endpoints
  // change (its driver's connection breaks), and exits with code 1 if the dependency is still down.
  static constexpr Duration kDependencyLossDelay = std::chrono::seconds(1);

  // Watches Endpoints in `store` (which must outlive this). Callbacks run on `executor`. `node_name`
  // seeds the ids, so two nodes' container ids differ, and names the node to `network`. With a
  // `network` (not owned; must outlive this), creating a container whose image the node does not have
  // yet first pulls it: NetworkModel::pull_image(node, imageSizeBytes), once per image, with concurrent
  // creates waiting for the same pull. Without one, images are on the node at once.
  ModelledRuntime(core::Executor& executor, core::Store& store, AppModels apps, std::string node_name = "",
                  NetworkModel* network = nullptr);
  ~ModelledRuntime() override;

  // The node loses power: every sandbox and container vanishes silently, nothing pending completes.
  // Pulled images stay on disk. The runtime serves the next kubelet as soon as the node is back.
  void power_off();
  // Fault injection: the container is killed (exit 137, reason Error). NotFound if it is not running.
  core::Status kill_container(const std::string& pod_uid, const std::string& container_name);

  // What `crictl ps` would show now: the running containers, by id. Synchronous, for observers.
  std::vector<core::ContainerInfo> running_containers() const;

  static std::string image_name(const std::string& image);    // "docker.io/library/mongo:4.4" -> "mongo"
  static std::string normalize_image(const std::string& image);  // "mongo" -> "docker.io/library/mongo:latest"

  void set_event_handler(EventHandler handler) override;
  void run_pod_sandbox(const core::PodSandboxConfig& config, Then<std::string> done) override;
  void stop_pod_sandbox(const std::string& sandbox_id, Done done) override;
  void remove_pod_sandbox(const std::string& sandbox_id, Done done) override;
  void list_pod_sandboxes(Then<std::vector<core::PodSandboxInfo>> done) override;
  void create_container(const std::string& sandbox_id, const core::ContainerConfig& config,
                        Then<std::string> done) override;
  void start_container(const std::string& container_id, Done done) override;
  void stop_container(const std::string& container_id, Duration timeout, Done done) override;
  void remove_container(const std::string& container_id, Done done) override;
  void container_status(const std::string& container_id, Then<core::ContainerInfo> done) override;
  void list_containers(Then<std::vector<core::ContainerInfo>> done) override;
  void list_images(Then<std::vector<core::ImageInfo>> done) override;

 private:
  struct Container {
    core::ContainerInfo info;
    std::string ns;
    AppModel model;
    bool failing = false;  // an exit is already scheduled
  };
  const AppModel& model_for(const std::string& image) const;
  bool dependencies_ready(const Container& c) const;
  void schedule_failure(const std::string& id, Duration delay);
  void exit(const std::string& id, int32_t code);
  void on_endpoints(const core::WatchEvent& event);
  void later(core::Task task);
  void emit(core::ContainerEvent::Type type, const core::ContainerInfo& info);

  std::string new_id();
  // CreateContainer once the image is on the node.
  void finish_create(const std::string& sandbox_id, const core::ContainerConfig& config, Then<std::string> done);

  core::Executor& executor_;
  core::Store& store_;
  AppModels apps_;
  std::string node_name_;
  core::WatchId watch_ = 0;
  EventHandler handler_;
  std::map<std::string, core::PodSandboxInfo> sandboxes_;
  std::map<std::string, Container> containers_;
  std::map<std::string, int64_t> images_;  // normalized image -> size
  NetworkModel* network_ = nullptr;
  std::map<std::string, std::vector<core::Task>> pulling_;  // normalized image -> creates waiting for it
  uint64_t next_id_ = 0;
  uint64_t generation_ = 0;  // bumps on power_off: pending work of the old power cycle is dropped
};

}  // namespace ktwin::sim
