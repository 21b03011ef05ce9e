// `--runtime process`: a core::NodeRuntime for machines without containerd. Each container is a
// supervised child process in a process group of its own, its stdout and stderr appended to
// STATE_DIR/pods/<ns>_<pod>_<uid>/<container>/<attempt>.log (the kubelet's log layout). With root and
// an unpacked image rootfs the process is chrooted into it; otherwise it runs on the host. Sandboxes
// are bookkeeping (the pod IP the kubelet passes). Exits are seen through SIGCHLD on the io_context,
// never by blocking. Processes are children of this object: its destructor kills and reaps them.
#pragma once

#include <sys/types.h>

#include <boost/asio/signal_set.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kubelet/node_runtime.h"
#include "realnet/net/asio_executor.h"
#include "realnet/runtime/image_store.h"
#include "realnet/runtime/pod_network.h"
#include "realnet/runtime/runtime_tables.h"

namespace ktwin::realnet {

// One container of a ProcessRuntime: its child process and how to start it again.
struct ProcessContainer {
  core::ContainerInfo info;
  std::vector<std::string> argv, env;
  std::string workingDir;
  std::filesystem::path rootfs;  // empty: run on the host
  std::string netns;             // the sandbox's network namespace; empty: the host's
  std::filesystem::path log;
  pid_t pid = 0;
  std::optional<core::TimerId> killTimer;
  std::vector<core::NodeRuntime::Done> onExit;  // stop_container and stop_pod_sandbox calls waiting for the exit
};

class ProcessRuntime : public RuntimeTables<ProcessContainer> {
 public:
  struct Options {
    std::filesystem::path stateDir;   // logs go under stateDir/pods
    std::filesystem::path imageDir;   // an ImageStore (DATA_DIR/agent/images)
    // Chroot into the image's unpacked rootfs when running as root. Off: always on the host.
    bool chroot = true;
    // Images absent from the store still run their command on the host (a bare `sleep` needs no
    // image). Off: create_container fails with NotFound, as a real runtime would.
    bool allowMissingImages = true;
    // Set: each sandbox gets its own network namespace with the pod IP (containers join it), so
    // pods are reachable at their IPs and may listen on the same port. Unset: the host's network.
    PodNetwork* network = nullptr;
  };

  // Callbacks run on `executor`'s io_context thread; every method must be called there.
  ProcessRuntime(AsioExecutor& executor, Options options);
  ~ProcessRuntime() override;
  ProcessRuntime(const ProcessRuntime&) = delete;
  ProcessRuntime& operator=(const ProcessRuntime&) = delete;

  // Where a container's output goes; empty for an unknown id.
  std::filesystem::path log_path(const std::string& container_id) const;
  // The container's process id while it runs, else 0.
  pid_t pid(const std::string& container_id) const;

  void run_pod_sandbox(const core::PodSandboxConfig& config, Then<std::string> done) override;
  void stop_pod_sandbox(const std::string& sandbox_id, Done done) override;
  void remove_pod_sandbox(const std::string& sandbox_id, Done done) override;
  void create_container(const std::string& sandbox_id, const core::ContainerConfig& config,
                        Then<std::string> done) override;
  void start_container(const std::string& container_id, Done done) override;
  void stop_container(const std::string& container_id, core::Duration timeout, Done done) override;
  void remove_container(const std::string& container_id, Done done) override;

 private:
  void wait_for_signal();
  void reap();  // every running child that has exited, without blocking
  void exited(ProcessContainer& c, int wait_status);
  core::Status spawn(ProcessContainer& c);
  std::string new_id(const char* prefix);

  Options options_;
  boost::asio::signal_set sigchld_;
  uint64_t next_id_ = 0;
};

}  // namespace ktwin::realnet
