// The apiserver's write path in front of a Store: defaulting and the admission plugins that shape
// what users see (DefaultTolerationSeconds, Service IP and NodePort allocation).
#pragma once

#include <memory>

#include "core/apiserver/ip_allocator.h"
#include "core/controller/config.h"
#include "core/store/store.h"

namespace ktwin::core {

class AdmittingStore : public Store {
 public:
  // `inner` outlives this. Randomness (ClusterIPs, NodePorts) comes from `rng`.
  AdmittingStore(Store& inner, const ControlPlaneConfig& config, Rng rng);

  Result<ObjectPtr> create(std::shared_ptr<Object> obj) override;
  Result<ObjectPtr> update(std::shared_ptr<Object> obj) override;
  Status remove(Kind kind, const std::string& ns, const std::string& name,
                const DeleteOptions& options = {}) override;
  ObjectPtr find(Kind kind, const std::string& ns, const std::string& name) const override {
    return inner_.find(kind, ns, name);
  }
  bool is_latest(const Object& obj) const override { return inner_.is_latest(obj); }
  std::vector<ObjectPtr> list(Kind kind, const std::string& ns = "") const override { return inner_.list(kind, ns); }
  void visit(Kind kind, const std::function<void(const ObjectPtr&)>& fn) const override { inner_.visit(kind, fn); }
  std::vector<ObjectPtr> list_pods_on_node(const std::string& node) const override {
    return inner_.list_pods_on_node(node);
  }
  uint64_t pods_on_node_stamp(const std::string& node) const override { return inner_.pods_on_node_stamp(node); }
  uint64_t node_changes_seq() const override { return inner_.node_changes_seq(); }
  void visit_node_changes(uint64_t since, const std::function<void(const std::string&)>& fn) const override {
    inner_.visit_node_changes(since, fn);
  }
  std::vector<ObjectPtr> list_controlled_by(Kind kind, const std::string& ns, const std::string& uid) const override {
    return inner_.list_controlled_by(kind, ns, uid);
  }
  void visit_controlled_by(Kind kind, const std::string& ns, const std::string& uid,
                           const std::function<void(const ObjectPtr&)>& fn) const override {
    inner_.visit_controlled_by(kind, ns, uid, fn);
  }
  WatchId observe_pod_writes(PodWriteObserver fn) override { return inner_.observe_pod_writes(std::move(fn)); }
  void unobserve_pod_writes(WatchId id) override { inner_.unobserve_pod_writes(id); }
  WatchId watch(Kind kind, WatchHandler handler) override { return inner_.watch(kind, std::move(handler)); }
  WatchId watch_node(Kind kind, const std::string& node, WatchHandler handler) override {
    return inner_.watch_node(kind, node, std::move(handler));
  }
  void unwatch(WatchId id) override { inner_.unwatch(id); }
  uint64_t resource_version() const override { return inner_.resource_version(); }

  // Creates the `kubernetes` Service in default at the first address of the range, as the apiserver
  // does; ok without a change when it exists (a restarted server).
  Status create_kubernetes_service();
  // Marks the ClusterIPs and NodePorts of the Services already in `inner` as taken (a restored store),
  // as the apiserver's repair loop does (k/k pkg/registry/core/service/ipallocator/controller/repair.go).
  // The constructor calls it; call it again after restoring `inner` later. Idempotent.
  void reserve_stored_services();

 private:
  Status admit_service(Object& obj, const Object* old);
  void release_service(const Object& obj);

  Store& inner_;
  ControlPlaneConfig config_;
  ClusterIPAllocator cluster_ips_;
  RandomScanAllocator node_ports_;
};

// Defaulting as the apiserver applies it on create (k/k pkg/apis/core/v1/defaults.go, apps/v1/defaults.go).
void set_pod_defaults(Object& pod);
// DefaultTolerationSeconds admission (k/k plugin/pkg/admission/defaulttolerationseconds/admission.go).
void add_default_tolerations(Object& pod, int64_t not_ready_seconds, int64_t unreachable_seconds);

// Creates default, kube-system, kube-public and kube-node-lease in `store` where missing, as
// kube-apiserver's system namespaces controller does. Real mode only: the simulator keeps no Namespaces.
Status create_system_namespaces(Store& store);

}  // namespace ktwin::core
