// `--runtime containerd`: a core::NodeRuntime over containerd's native gRPC API, namespace "ktwin".
// gRPC calls run on worker threads (ContainerdClient is blocking) and their results are posted back
// to the executor; a thread of its own reads Events.Subscribe(/tasks/exit), the PLEG source, and a
// relist every few seconds catches an exit the stream missed (k/k pkg/kubelet/pleg/generic.go relists
// too). Containers carry their pod's identity in labels, so a restarted agent finds them again.
// Images come from the local ImageStore and are imported into containerd on first use.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/kubelet/node_runtime.h"
#include "realnet/net/asio_executor.h"
#include "realnet/runtime/containerd_client.h"
#include "realnet/runtime/image_store.h"
#include "realnet/runtime/pod_network.h"
#include "realnet/runtime/runtime_tables.h"

namespace ktwin::realnet {

// One container of a ContainerdRuntime, as this agent knows it.
struct ContainerdContainer {
  core::ContainerInfo info;
  std::filesystem::path log;
  bool starting = false;
  std::optional<TaskExit> exitWhileStarting;  // the exit event beat start's reply
  std::optional<core::TimerId> killTimer;
  std::vector<core::NodeRuntime::Done> onExit;
};

class ContainerdRuntime : public RuntimeTables<ContainerdContainer> {
 public:
  struct Options {
    std::string address = "/run/containerd/containerd.sock";
    std::string ns = "ktwin";
    std::filesystem::path stateDir;  // logs under stateDir/pods, as the process runtime
    std::filesystem::path imageDir;  // the local ImageStore
    std::string snapshotter = "overlayfs";
    core::Duration relistPeriod = std::chrono::seconds(5);
    // Not owned; must outlive this. Set: each sandbox with a pod IP gets a network namespace of its
    // own, which its containers join. Null: containers share the host's network.
    PodNetwork* network = nullptr;
  };

  ContainerdRuntime(AsioExecutor& executor, Options options);
  ~ContainerdRuntime() override;
  ContainerdRuntime(const ContainerdRuntime&) = delete;
  ContainerdRuntime& operator=(const ContainerdRuntime&) = delete;

  // Checks containerd answers, adopts the containers it already runs for this namespace (an agent
  // restart), and starts the exit watch. `done` gets containerd's version, or why it failed. The
  // NodeRuntime calls may be used before it completes; they fail Unavailable while containerd is down.
  void connect(Then<std::string> done);

  std::filesystem::path log_path(const std::string& container_id) const;

  void run_pod_sandbox(const core::PodSandboxConfig& config, Then<std::string> done) override;
  void stop_pod_sandbox(const std::string& sandbox_id, Done done) override;
  void remove_pod_sandbox(const std::string& sandbox_id, Done done) override;
  void create_container(const std::string& sandbox_id, const core::ContainerConfig& config,
                        Then<std::string> done) override;
  void start_container(const std::string& container_id, Done done) override;
  void stop_container(const std::string& container_id, core::Duration timeout, Done done) override;
  void remove_container(const std::string& container_id, Done done) override;

 private:
  // Runs `work` on a worker thread, then `then(result)` on the executor (unless this is gone).
  template <class R>
  void offload(std::function<R(ContainerdClient&)> work, std::function<void(R)> then);
  void on_exit(const TaskExit& exit);
  void relist();
  void adopt(const std::vector<ContainerRecord>& records, const std::vector<TaskState>& tasks);
  void watch_loop();
  void kill_after(const std::string& id, core::Duration timeout);
  void probe(int attempts_left, Then<std::string> done, std::string version);
  void arm_relist();

  Options options_;
  std::shared_ptr<ContainerdClient> client_;
  boost::asio::thread_pool workers_{2};
  std::thread watcher_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> watch_guard_;
  std::atomic<bool> stopping_{false};
  std::optional<core::TimerId> relist_timer_;
  bool subscribed_ = false;  // a probe came back through the exit watch
  std::set<std::string> imported_;  // images known to be in containerd
};

}  // namespace ktwin::realnet
