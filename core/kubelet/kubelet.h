// The kubelet of one node: heartbeats, and the pods bound to the node run through a NodeRuntime with
// Kubernetes' status reporting, restart policy and CrashLoopBackOff (k/k pkg/kubelet).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/api/node.h"
#include "core/env/env.h"
#include "core/kubelet/container_backoff.h"
#include "core/kubelet/kubelet_config.h"
#include "core/kubelet/node_heartbeat.h"
#include "core/kubelet/node_runtime.h"
#include "core/kubelet/pod_ip_allocator.h"
#include "core/kubelet/pod_status.h"
#include "core/store/store.h"

namespace ktwin::core {

// One kubelet process. start() boots it, stop() kills it (no goodbye writes: timers, watches and late
// runtime callbacks are dropped); start() again is a new process on the same node and disk. Everything
// runs on env.executor. `runtime` and `disk` must outlive this object.
class Kubelet {
 public:
  Kubelet(const Env& env, NodeRuntime& runtime, KubeletConfig config, NodeRegistration registration,
          KubeletDisk& disk);
  ~Kubelet();
  Kubelet(const Kubelet&) = delete;
  Kubelet& operator=(const Kubelet&) = delete;

  void start();
  void stop();
  bool running() const { return running_; }
  const std::string& node_name() const { return registration_.name; }

 private:
  struct PodRecord {
    std::string ns, name, uid;
    std::string sandboxId, podIP;
    bool sandboxStarting = false;
    std::optional<Time> startTime;
    std::vector<ContainerRecord> containers;
    bool finished = false;     // terminal or rejected: nothing more runs
    bool terminating = false;  // deletionTimestamp seen, or gone from the store
    bool deleted = false;      // gone from the store: tear down without writing
    bool removing = false;     // teardown started; the record stays until the DELETED event
    bool tornDown = false;     // sandbox gone and, unless deleted, the pod removed from the store
    bool admitted = false;     // counts against allocatable
    int64_t cpuMilli = 0, memoryBytes = 0;
    bool counted = false;  // in admitted_usage_: admitted, not finished, not deleted (kept by recount)
  };
  // What admission sees as used: the sum over the records that count against allocatable, kept as
  // their flags change, so admitting a pod does not walk every pod of the node.
  struct Usage {
    int64_t pods = 0, cpuMilli = 0, memoryBytes = 0;
  };

  // Wraps a callback so it is dropped once this incarnation stopped (or the object died).
  template <class F>
  auto guarded(F f) {
    return [this, alive = alive_, epoch = epoch_, f = std::move(f)](auto&&... args) {
      if (!*alive || !running_ || epoch != epoch_) return;
      f(std::forward<decltype(args)>(args)...);
    };
  }

  // kubelet.cc: process lifecycle, watches, admission, status writes.
  void on_registered();
  void initial_sync(const std::vector<PodSandboxInfo>& sandboxes, const std::vector<ContainerInfo>& containers);
  void on_pod_event(const WatchEvent& event);
  void on_node_event(const WatchEvent& event);
  void on_container_event(const ContainerEvent& event);
  PodRecord* add_pod(const Pod& pod);
  // After a change of rec's admitted, finished or deleted flag: adds it to or takes it from the usage.
  void recount(PodRecord& rec);
  void forget(const std::string& uid);  // erases the record, and its usage
  // Reason and message when `pod` (whose record is `self`) does not fit beside the admitted pods.
  std::optional<std::pair<std::string, std::string>> admit(const Pod& pod, const PodRecord& self) const;
  std::shared_ptr<const Pod> current_pod(const PodRecord& rec) const;
  void write_status(const std::string& uid);

  // kubelet_pods.cc: the pod worker.
  void sync_pod(const std::string& uid);
  void run_sandbox(PodRecord& rec, const std::string& pod_cidr);
  void start_container(const std::string& uid, const std::string& name);
  void on_container_started(PodRecord& rec, ContainerRecord& c, const ContainerInfo& info);
  // Works out when the prober will first find the started container ready and writes the status then.
  void schedule_readiness(PodRecord& rec, ContainerRecord& c, const ContainerInfo& info);
  void on_container_exited(PodRecord& rec, ContainerRecord& c, ContainerStateTerminated exit);
  void decide_restart(const std::string& uid, const std::string& name);
  void check_pod_completed(PodRecord& rec);
  void terminate_pod(PodRecord& rec, const Pod* pod);
  void maybe_finish_termination(const std::string& uid);
  PodRecord* find_record(const std::string& uid);
  static ContainerRecord* find_container(PodRecord& rec, const std::string& name);

  Env env_;
  NodeRuntime& runtime_;
  KubeletConfig config_;
  NodeRegistration registration_;
  PodIPAllocator ip_allocator_;
  NodeHeartbeat heartbeat_;
  ContainerBackOff backoff_;
  std::map<std::string, PodRecord> pods_;               // by pod uid
  Usage admitted_usage_;
  std::map<std::string, std::string> container_owner_;  // container id -> pod uid
  WatchId pod_watch_ = 0, node_watch_ = 0;
  bool running_ = false;
  bool synced_ = false;  // initial sync done: watch events are acted on
  uint64_t epoch_ = 0;   // bumps on start() and stop(): callbacks of an earlier incarnation are dropped
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::core
