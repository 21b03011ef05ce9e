// One node's view of the control plane across a link with latency (slowNetwork): a Store decorator
// for the node's kubelet that delivers its writes, and the watch events it receives, `latency` later.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "core/env/event_recorder.h"
#include "core/env/executor.h"
#include "core/store/store.h"
#include "sim/network_model.h"

namespace ktwin::sim {

// Latency comes from network.api_latency(node) at each call. With zero latency and nothing in flight
// every call goes straight to `inner` (no task added, so an unconstrained network changes nothing).
//
// What a delayed write means for the kubelet:
// - It is sent now and applied at the API server `latency` later; writes and received watch events
//   each keep their order (a write never overtakes an earlier one on its connection, even when the
//   latency drops). Heartbeats use a connection of their own, as the kubelet's heartbeat client does.
// - The call returns at once with the object as written: the kubelet reads its own writes, since
//   find/list answer from `inner` with the node's writes in flight laid over it (a Pod's or Node's
//   status, a Lease's spec; removed objects vanish), and every other field as the server has it.
// - No self-inflicted conflicts: the kubelet's pod and node status writes are patches in Kubernetes
//   (k/k pkg/kubelet/status/status_manager.go PatchPodStatus; kubelet_node_status.go PatchNodeStatus),
//   so on arrival a write whose resourceVersion is stale puts its status (a Lease: its spec) onto the
//   object as it is then, keeping what the control plane changed meanwhile (taints, deletion).
// - Heartbeats (Node and Lease writes) go through the kubelet's heartbeat client, whose timeout is
//   min(nodeStatusUpdateFrequency, nodeLeaseDurationSeconds) (k/k cmd/kubelet/app/server.go
//   heartbeatClientConfig.Timeout). When the round trip (2 x latency) reaches it, the call fails with
//   Unavailable and nothing is applied: the lease stops being renewed and the node goes NotReady.
//
// `inner`, `executor` and `network` must outlive this object.
class DelayedStore : public core::Store {
 public:
  DelayedStore(core::Store& inner, core::Executor& executor, const NetworkModel& network, std::string node,
               core::Duration heartbeat_timeout);
  ~DelayedStore() override;

  core::Result<core::ObjectPtr> create(std::shared_ptr<core::Object> obj) override;
  core::Result<core::ObjectPtr> update(std::shared_ptr<core::Object> obj) override;
  core::Status remove(core::Kind kind, const std::string& ns, const std::string& name,
                      const core::DeleteOptions& options = {}) override;
  core::ObjectPtr find(core::Kind kind, const std::string& ns, const std::string& name) const override;
  bool is_latest(const core::Object& obj) const override;
  std::vector<core::ObjectPtr> list(core::Kind kind, const std::string& ns = "") const override;
  std::vector<core::ObjectPtr> list_pods_on_node(const std::string& node_name) const override;
  core::WatchId watch(core::Kind kind, core::WatchHandler handler) override;
  // Only this node's events cross the link (the kubelet's field selector), so only they queue.
  core::WatchId watch_node(core::Kind kind, const std::string& node, core::WatchHandler handler) override;
  void unwatch(core::WatchId id) override;

  size_t writes_in_flight() const { return heartbeats_.in_flight + writes_.in_flight; }

 private:
  using Key = std::tuple<core::Kind, std::string, std::string>;  // kind, namespace, name
  struct Pending {
    core::ObjectPtr object;  // the last write in flight; null for a removal
    int in_flight = 0;
  };
  enum class Op { kCreate, kUpdate, kRemove };

  // No latency and nothing in flight on the write's connection: the write is applied now.
  bool goes_straight(core::Kind kind) const;
  // Sends a write that does not go straight: Unavailable for a heartbeat that would time out, else queued.
  core::Result<core::ObjectPtr> send(Op op, std::shared_ptr<core::Object> obj, core::Kind kind, const std::string& ns,
                                     const std::string& name, const core::DeleteOptions& options);
  void apply(Op op, const std::shared_ptr<core::Object>& obj, core::Kind kind, const std::string& ns,
             const std::string& name, const core::DeleteOptions& options);
  // `handler` behind the link's latency, in order; nothing once `active` is false.
  core::WatchHandler delayed(core::WatchHandler handler, std::shared_ptr<bool> active);
  core::ObjectPtr overlay(const core::ObjectPtr& server, const Key& key) const;

  core::Store& inner_;
  core::Executor& executor_;
  const NetworkModel& network_;
  std::string node_;
  core::Duration heartbeat_timeout_;
  std::map<Key, Pending> pending_;
  std::map<core::WatchId, std::shared_ptr<bool>> watches_;  // false once unwatched
  struct Channel {  // one connection: what is sent on it arrives in order
    size_t in_flight = 0;
    core::Time last_arrival{};
  };
  Channel heartbeats_, writes_, events_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Events recorded by the node's components reach `inner` `latency` later, in order (they are API
// writes too). The same ownership rules as DelayedStore.
class DelayedEvents : public core::EventRecorder {
 public:
  DelayedEvents(core::EventRecorder& inner, core::Executor& executor, const NetworkModel& network, std::string node)
      : inner_(inner), executor_(executor), network_(network), node_(std::move(node)) {}
  ~DelayedEvents() override { *alive_ = false; }
  void record(const core::ObjectRef& object, const std::string& type, const std::string& reason,
              const std::string& message) override;

 private:
  core::EventRecorder& inner_;
  core::Executor& executor_;
  const NetworkModel& network_;
  std::string node_;
  size_t in_flight_ = 0;
  core::Time last_arrival_{};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::sim
