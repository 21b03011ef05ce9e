// A blocking client of containerd's native gRPC API (shared/reference/containerd-api.md), one
// namespace. Thread-safe: ContainerdRuntime calls it from worker threads, never from the executor;
// `ktwin image import --containerd-address` calls it directly.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/util/status.h"
#include "core/util/time.h"
#include "realnet/runtime/image_store.h"

namespace grpc {
class Channel;
class ClientContext;
}  // namespace grpc

namespace ktwin::realnet {

struct TaskExit {
  std::string containerId;
  uint32_t pid = 0;
  int32_t exitStatus = 0;
  core::Time exitedAt{};
};

struct TaskState {  // containerd.v1.types.Process of a container's init process
  std::string containerId;
  uint32_t pid = 0;
  enum class Status { kUnknown, kCreated, kRunning, kStopped, kPaused } status = Status::kUnknown;
  int32_t exitStatus = 0;
  core::Time exitedAt{};
};

struct ContainerRecord {  // containerd.services.containers.v1.Container, the parts ktwin reads back
  std::string id, image, snapshotKey;
  std::map<std::string, std::string> labels;
};

class ContainerdClient {
 public:
  // `address`: "unix:///run/containerd/containerd.sock" or a bare socket path.
  ContainerdClient(std::string address, std::string ns, std::string snapshotter = "overlayfs");
  ~ContainerdClient();

  const std::string& ns() const { return ns_; }
  core::Result<std::string> version();

  // The image's blobs into the content store (with the gc labels that keep them), the image record,
  // and its layers unpacked into the snapshotter. Idempotent; cheap when already done.
  core::Status import_image(const ImageStore& store, const StoredImage& image);
  // The snapshot name of the image's unpacked top layer (its chain ID).
  static std::string chain_id(const std::vector<std::string>& diff_ids);

  // A snapshot `id` on top of the image, and a container record with the OCI spec (JSON) and labels.
  core::Status create_container(const std::string& id, const StoredImage& image, const std::string& spec_json,
                                const std::map<std::string, std::string>& labels);
  // Tasks.Create (rootfs from the container's snapshot, stdout and stderr appended to `log_path`), then
  // Tasks.Start: the init process's pid.
  core::Result<uint32_t> start_task(const std::string& id, const std::string& log_path);
  core::Status kill(const std::string& id, int signal, bool all);
  // Tasks.Delete: the exit of a stopped task; NotFound when there is no task.
  core::Result<TaskExit> delete_task(const std::string& id);
  // The container record and its snapshot; NotFound-tolerant.
  core::Status delete_container(const std::string& id);
  core::Result<std::vector<TaskState>> list_tasks();
  core::Result<std::vector<ContainerRecord>> list_containers();

  // Blocks delivering each /tasks/exit event of this namespace until cancel_exit_watch() or the
  // stream breaks; returns why it ended (OK after a cancel). `on_probe` runs for each event that
  // publish_probe() sent: the subscription is live from then on (Subscribe itself says nothing).
  core::Status watch_exits(const std::function<void(const TaskExit&)>& on_exit, const std::function<void()>& on_probe);
  core::Status publish_probe();
  void cancel_exit_watch();

 private:
  std::unique_ptr<grpc::ClientContext> context(int timeout_seconds = 60, const std::string& lease = "") const;
  core::Status write_blob(const ImageStore& store, const OciDescriptor& blob,
                          const std::map<std::string, std::string>& labels, const std::string& lease);
  core::Status unpack(const StoredImage& image, const std::string& lease);
  core::Result<std::string> create_lease(const std::string& prefix);
  void delete_lease(const std::string& lease);
  core::Status create_container_leased(const std::string& id, const StoredImage& image, const std::string& spec_json,
                                       const std::map<std::string, std::string>& labels, const std::string& lease);

  std::string ns_, snapshotter_;
  std::shared_ptr<grpc::Channel> channel_;
  std::mutex watch_mu_;
  grpc::ClientContext* watch_ = nullptr;
  bool watch_cancelled_ = false;
};

}  // namespace ktwin::realnet
