// PartitionedStore: writes refused and watch events dropped while the link is cut.
#include "sim/partitioned_store.h"

#include "core/api/pod.h"

namespace ktwin::sim {
namespace {

core::Status cut() { return core::Status::unavailable("the node cannot reach the API server (partitioned)"); }

}  // namespace

PartitionedStore::~PartitionedStore() { *alive_ = false; }

void PartitionedStore::partition() {
  if (partitioned_) return;
  partitioned_ = true;
  for (core::Kind kind : core::kAllKinds) cache_[kind] = inner_.list(kind);
}

void PartitionedStore::heal() {
  partitioned_ = false;
  cache_.clear();
}

core::Result<core::ObjectPtr> PartitionedStore::create(std::shared_ptr<core::Object> obj) {
  if (partitioned_) return cut();
  return inner_.create(std::move(obj));
}

core::Result<core::ObjectPtr> PartitionedStore::update(std::shared_ptr<core::Object> obj) {
  if (partitioned_) return cut();
  return inner_.update(std::move(obj));
}

core::Status PartitionedStore::remove(core::Kind kind, const std::string& ns, const std::string& name,
                                      const core::DeleteOptions& options) {
  if (partitioned_) return cut();
  return inner_.remove(kind, ns, name, options);
}

core::ObjectPtr PartitionedStore::find(core::Kind kind, const std::string& ns, const std::string& name) const {
  if (!partitioned_) return inner_.find(kind, ns, name);
  for (const core::ObjectPtr& obj : cache_.at(kind))
    if (obj->metadata.name == name && (!core::is_namespaced(kind) || obj->metadata.namespace_ == ns)) return obj;
  return nullptr;
}

bool PartitionedStore::is_latest(const core::Object& obj) const {
  return partitioned_ ? Store::is_latest(obj) : inner_.is_latest(obj);
}

std::vector<core::ObjectPtr> PartitionedStore::list(core::Kind kind, const std::string& ns) const {
  if (!partitioned_) return inner_.list(kind, ns);
  std::vector<core::ObjectPtr> out;
  for (const core::ObjectPtr& obj : cache_.at(kind))
    if (ns.empty() || obj->metadata.namespace_ == ns) out.push_back(obj);
  return out;
}

std::vector<core::ObjectPtr> PartitionedStore::list_pods_on_node(const std::string& node_name) const {
  if (!partitioned_) return inner_.list_pods_on_node(node_name);
  return Store::list_pods_on_node(node_name);  // filters list(), i.e. the cache
}

core::WatchId PartitionedStore::watch(core::Kind kind, core::WatchHandler handler) {
  // Checked at delivery: an event written before the cut but delivered after it is lost too, as on a
  // connection that breaks with data in flight.
  return inner_.watch(kind, [this, alive = alive_, handler = std::move(handler)](const core::WatchEvent& e) {
    if (*alive && !partitioned_) handler(e);
  });
}

core::WatchId PartitionedStore::watch_node(core::Kind kind, const std::string& node, core::WatchHandler handler) {
  return inner_.watch_node(kind, node, [this, alive = alive_, handler = std::move(handler)](const core::WatchEvent& e) {
    if (*alive && !partitioned_) handler(e);
  });
}

void PartitionedStore::unwatch(core::WatchId id) { inner_.unwatch(id); }

}  // namespace ktwin::sim
