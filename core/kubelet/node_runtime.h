// The container runtime seam, CRI-shaped and small (k/k staging/src/k8s.io/cri-api/pkg/apis/services.go):
// sandboxes, containers, images and a PLEG-like stream of container state changes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/api/meta.h"
#include "core/util/status.h"
#include "core/util/time.h"

namespace ktwin::core {

struct PodSandboxConfig {  // runtime.v1.PodSandboxConfig, the parts ktwin uses
  std::string podUid, podName, podNamespace;
  uint32_t attempt = 0;
  // The address CNI gave the sandbox. The kubelet runs host-local IPAM itself (KubeletDisk keeps its
  // state), so the runtime only records it.
  std::string podIP;
};

struct ContainerConfig {  // runtime.v1.ContainerConfig
  std::string name, image;
  std::vector<std::string> command, args;
  uint32_t attempt = 0;  // restart number, as the kubelet passes in ContainerMetadata.Attempt
};

enum class SandboxState { kReady, kNotReady };
enum class RuntimeContainerState { kCreated, kRunning, kExited, kUnknown };  // runtime.v1.ContainerState (the API has its own)

struct PodSandboxInfo {
  std::string id, podUid, podName, podNamespace, podIP;
  SandboxState state = SandboxState::kReady;
};

struct ContainerInfo {  // runtime.v1.ContainerStatus plus the sandbox's pod uid (CRI carries it in labels)
  std::string id, sandboxId, podUid, name, image, imageRef;
  uint32_t attempt = 0;
  RuntimeContainerState state = RuntimeContainerState::kCreated;
  Time createdAt{}, startedAt{}, finishedAt{};
  int32_t exitCode = 0;
  std::string reason, message;  // for exited containers: "Completed", "Error", "OOMKilled", "Unknown"
  // Modelled runtimes only: from when the application answers readiness checks (probes). Unset: as
  // soon as it runs; a real runtime leaves it unset and the kubelet's prober asks the container.
  std::optional<Time> readyAt;
};

struct ImageInfo {
  std::vector<std::string> repoTags;  // "docker.io/library/mongo:4.4"
  int64_t size = 0;
  bool operator==(const ImageInfo&) const = default;
};

// PLEG's view: a container changed state (k/k pkg/kubelet/pleg/generic.go ContainerStarted/ContainerDied).
struct ContainerEvent {
  enum class Type { kStarted, kDied };
  Type type = Type::kDied;
  ContainerInfo container;  // the container's status just after the change
};

// Every call completes asynchronously: `done` runs later on the Executor, never inside the call,
// since a real runtime call takes time. A runtime must deliver the kDied event of a container stopped
// by stop_container before that call's `done`. After the node loses power, no callback runs at all.
class NodeRuntime {
 public:
  using Done = std::function<void(Status)>;
  template <class T>
  using Then = std::function<void(Result<T>)>;
  using EventHandler = std::function<void(const ContainerEvent&)>;

  virtual ~NodeRuntime() = default;

  // The PLEG channel: one handler (a new kubelet replaces the old one's). Called on the Executor.
  virtual void set_event_handler(EventHandler handler) = 0;

  virtual void run_pod_sandbox(const PodSandboxConfig& config, Then<std::string> done) = 0;  // sandbox id
  // Stops every container of the sandbox (their kDied events follow) and tears its network down.
  virtual void stop_pod_sandbox(const std::string& sandbox_id, Done done) = 0;
  virtual void remove_pod_sandbox(const std::string& sandbox_id, Done done) = 0;
  virtual void list_pod_sandboxes(Then<std::vector<PodSandboxInfo>> done) = 0;

  virtual void create_container(const std::string& sandbox_id, const ContainerConfig& config,
                                Then<std::string> done) = 0;  // container id
  // `done` runs once the process runs (kStarted follows); an error if it could not start.
  virtual void start_container(const std::string& container_id, Done done) = 0;
  // SIGTERM, then SIGKILL after `timeout`.
  virtual void stop_container(const std::string& container_id, Duration timeout, Done done) = 0;
  virtual void remove_container(const std::string& container_id, Done done) = 0;
  virtual void container_status(const std::string& container_id, Then<ContainerInfo> done) = 0;
  virtual void list_containers(Then<std::vector<ContainerInfo>> done) = 0;

  virtual void list_images(Then<std::vector<ImageInfo>> done) = 0;
};

}  // namespace ktwin::core
