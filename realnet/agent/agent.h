// The agent process (`ktwin agent`): joins the cluster, then runs the core kubelet over a RemoteStore
// on one io_context thread (realnet/README.md, Processes). The watch relists ride out server restarts;
// failed writes are retried by the kubelet's own loops.
#pragma once

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/kubelet/kubelet.h"
#include "core/kubelet/node_runtime.h"
#include "realnet/agent/join.h"
#include "realnet/agent/node_info.h"
#include "realnet/agent/remote_store.h"
#include "realnet/net/api_client.h"
#include "realnet/net/asio_executor.h"
#include "realnet/proxy/service_proxy.h"
#include "realnet/runtime/pod_network.h"

namespace ktwin::realnet {

struct AgentOptions {
  std::string server;  // https://HOST:6443
  std::string token;   // the server's node token
  std::string node_name;
  std::string runtime = "containerd";  // containerd | process
  std::string containerd_address = "/run/containerd/containerd.sock";  // --container-runtime-endpoint
  std::string data_dir = "/var/lib/ktwin";
  // bridge: a network namespace per pod on the node bridge ktwin0 (root); host: pods share the
  // node's network (pod IPs are then only labels, and two pods cannot listen on one port).
  std::string pod_network = geteuid() == 0 ? "bridge" : "host";
  core::Duration join_retry = std::chrono::seconds(5);  // while the server cannot be reached
  // Set by another thread to make start() give up joining (an embedded agent shutting down).
  std::shared_ptr<std::atomic<bool>> cancelled;
};

class Agent {
 public:
  // Everything runs on `io`'s thread; `log` gets progress and trouble lines (stderr in the binary).
  Agent(boost::asio::io_context& io, AgentOptions options, std::function<void(const std::string&)> log);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Joins (retrying while the server is unreachable, giving up on a refused or foreign token), makes
  // the runtime, and starts the RemoteStore; the kubelet starts once the first lists are in.
  // Errors say which step failed.
  core::Status start();
  void stop();

  // Set when the agent cannot go on (containerd unreachable at start): the io_context was stopped.
  const core::Status& fatal() const { return fatal_; }
  const core::NodeRegistration& registration() const { return registration_; }
  RemoteStore* store() { return store_.get(); }
  bool kubelet_running() const { return kubelet_ && kubelet_->running(); }

 private:
  class LogEvents;
  core::Status make_runtime();
  // The kubelet starts once the runtime answered and the first lists are in.
  void maybe_start_kubelet();
  // The CNI host-local IPAM state (KubeletDisk) lives in DATA_DIR/agent/ipam.json, so pods that
  // outlive an agent restart (containerd keeps them) keep their addresses and are not handed out again.
  void load_disk();
  void save_disk_if_changed();

  boost::asio::io_context& io_;
  AgentOptions options_;
  std::function<void(const std::string&)> log_;
  AsioExecutor executor_;
  std::unique_ptr<core::EventRecorder> events_;  // the log
  std::unique_ptr<ApiClient> client_;
  std::unique_ptr<RemoteStore> store_;
  std::unique_ptr<core::EventRecorder> stored_events_;  // the kubelet's Events, posted to the server and logged
  std::unique_ptr<PodNetwork> network_;  // before runtime_: outlives it
  std::unique_ptr<core::NodeRuntime> runtime_;
  std::string runtime_version_;
  core::NodeRegistration registration_;
  core::KubeletDisk disk_;
  std::unique_ptr<core::Env> env_;
  std::unique_ptr<core::Kubelet> kubelet_;
  std::unique_ptr<ServiceProxy> proxy_;  // ClusterIPs and nodePorts, started with the kubelet
  std::string saved_disk_;
  core::TimerId disk_timer_ = 0;
  bool runtime_ready_ = false;
  core::Status fatal_;
};

}  // namespace ktwin::realnet
