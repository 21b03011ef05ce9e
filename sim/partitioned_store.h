// One node's view of the control plane across a network link that a scenario can cut (partition)
// and restore (heal): a Store decorator for the node's kubelet, and an EventRecorder that drops what
// cannot get through.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "core/env/event_recorder.h"
#include "core/store/store.h"

namespace ktwin::sim {

// While partitioned: create, update and remove return Unavailable; watch events are dropped, not
// buffered (after heal() a watcher must relist to catch up); find and list answer from a copy taken
// at the cut, as a kubelet's informer cache keeps answering from its last state, so the kubelet
// keeps running its pods. Healthy: every call goes to `inner`, which must outlive this object.
class PartitionedStore : public core::Store {
 public:
  explicit PartitionedStore(core::Store& inner) : inner_(inner) {}
  ~PartitionedStore() override;

  void partition();  // no-op when already partitioned
  void heal();
  bool partitioned() const { return partitioned_; }

  core::Result<core::ObjectPtr> create(std::shared_ptr<core::Object> obj) override;
  core::Result<core::ObjectPtr> update(std::shared_ptr<core::Object> obj) override;
  core::Status remove(core::Kind kind, const std::string& ns, const std::string& name,
                      const core::DeleteOptions& options = {}) override;
  core::ObjectPtr find(core::Kind kind, const std::string& ns, const std::string& name) const override;
  bool is_latest(const core::Object& obj) const override;
  std::vector<core::ObjectPtr> list(core::Kind kind, const std::string& ns = "") const override;
  std::vector<core::ObjectPtr> list_pods_on_node(const std::string& node_name) const override;
  core::WatchId watch(core::Kind kind, core::WatchHandler handler) override;
  core::WatchId watch_node(core::Kind kind, const std::string& node, core::WatchHandler handler) override;
  void unwatch(core::WatchId id) override;

 private:
  core::Store& inner_;
  bool partitioned_ = false;
  std::map<core::Kind, std::vector<core::ObjectPtr>> cache_;  // each kind as listed at the cut
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Events recorded by the node's components reach `inner` only while `link` is not partitioned.
class PartitionedEvents : public core::EventRecorder {
 public:
  PartitionedEvents(core::EventRecorder& inner, const PartitionedStore& link) : inner_(inner), link_(link) {}
  void record(const core::ObjectRef& object, const std::string& type, const std::string& reason,
              const std::string& message) override {
    if (!link_.partitioned()) inner_.record(object, type, reason, message);
  }

 private:
  core::EventRecorder& inner_;
  const PartitionedStore& link_;
};

}  // namespace ktwin::sim
