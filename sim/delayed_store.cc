// DelayedStore: the node's writes and its watch events, late by the link's latency, in order.
#include "sim/delayed_store.h"

#include <algorithm>

#include "core/api/node.h"
#include "core/api/pod.h"

namespace ktwin::sim {
namespace {

bool is_heartbeat(core::Kind kind) { return kind == core::Kind::kNode || kind == core::Kind::kLease; }

// `mine` (the node's write) laid over `server`: the fields the kubelet owns, from `mine`.
core::ObjectPtr merge_own(const core::ObjectPtr& server, const core::ObjectPtr& mine) {
  if (!server) return mine;
  switch (server->kind()) {
    case core::Kind::kPod: {
      auto copy = core::mutable_copy(*core::as<core::Pod>(server));
      copy->status = core::as<core::Pod>(mine)->status;
      return copy;
    }
    case core::Kind::kNode: {
      auto copy = core::mutable_copy(*core::as<core::Node>(server));
      copy->status = core::as<core::Node>(mine)->status;
      return copy;
    }
    case core::Kind::kLease: {
      auto copy = core::mutable_copy(*core::as<core::Lease>(server));
      copy->spec = core::as<core::Lease>(mine)->spec;
      return copy;
    }
    default:
      return mine;
  }
}

}  // namespace

DelayedStore::DelayedStore(core::Store& inner, core::Executor& executor, const NetworkModel& network,
                           std::string node, core::Duration heartbeat_timeout)
    : inner_(inner),
      executor_(executor),
      network_(network),
      node_(std::move(node)),
      heartbeat_timeout_(heartbeat_timeout) {}

DelayedStore::~DelayedStore() { *alive_ = false; }

core::Result<core::ObjectPtr> DelayedStore::create(std::shared_ptr<core::Object> obj) {
  core::Kind kind = obj->kind();
  if (goes_straight(kind)) return inner_.create(std::move(obj));  // without copying its names
  std::string ns = obj->metadata.namespace_, name = obj->metadata.name;
  return send(Op::kCreate, std::move(obj), kind, ns, name, {});
}

core::Result<core::ObjectPtr> DelayedStore::update(std::shared_ptr<core::Object> obj) {
  core::Kind kind = obj->kind();
  if (goes_straight(kind)) return inner_.update(std::move(obj));
  std::string ns = obj->metadata.namespace_, name = obj->metadata.name;
  return send(Op::kUpdate, std::move(obj), kind, ns, name, {});
}

bool DelayedStore::goes_straight(core::Kind kind) const {
  const Channel& channel = is_heartbeat(kind) ? heartbeats_ : writes_;
  return network_.api_latency(node_) == core::Duration{} && channel.in_flight == 0;
}

core::Status DelayedStore::remove(core::Kind kind, const std::string& ns, const std::string& name,
                                  const core::DeleteOptions& options) {
  if (goes_straight(kind)) return inner_.remove(kind, ns, name, options);
  return send(Op::kRemove, nullptr, kind, ns, name, options).status();
}

core::Result<core::ObjectPtr> DelayedStore::send(Op op, std::shared_ptr<core::Object> obj, core::Kind kind,
                                                 const std::string& ns, const std::string& name,
                                                 const core::DeleteOptions& options) {
  core::Duration latency = network_.api_latency(node_);
  Channel& channel = is_heartbeat(kind) ? heartbeats_ : writes_;
  if (is_heartbeat(kind) && 2 * latency >= heartbeat_timeout_)
    return core::Status::unavailable("context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
  core::Time now = executor_.now();
  core::Time arrival = std::max(now + latency, channel.last_arrival);
  channel.last_arrival = arrival;
  ++channel.in_flight;
  Key key{kind, ns, name};
  Pending& p = pending_[key];
  ++p.in_flight;
  // What the kubelet will read back until the write lands: its status over the server's object.
  p.object = op == Op::kRemove ? nullptr : merge_own(p.object ? p.object : inner_.find(kind, ns, name), obj);
  executor_.post_after(arrival - now, [this, alive = alive_, &channel, op, obj, key, options] {
    if (!*alive) return;
    auto& [kind, ns, name] = key;
    apply(op, obj, kind, ns, name, options);
    --channel.in_flight;
    if (auto it = pending_.find(key); it != pending_.end() && --it->second.in_flight == 0) pending_.erase(it);
  });
  if (op == Op::kRemove) return core::ObjectPtr{};
  return core::ObjectPtr(obj);
}

void DelayedStore::apply(Op op, const std::shared_ptr<core::Object>& obj, core::Kind kind, const std::string& ns,
                         const std::string& name, const core::DeleteOptions& options) {
  // Failures are dropped, as the kubelet's next sync writes again from its own state.
  if (op == Op::kRemove) {
    inner_.remove(kind, ns, name, options);
    return;
  }
  if (op == Op::kCreate) {
    inner_.create(obj);
    return;
  }
  core::ObjectPtr server = inner_.find(kind, ns, name);
  // Gone, or a new object under the same name: the write was about one that no longer exists.
  if (!server || (!obj->metadata.uid.empty() && obj->metadata.uid != server->metadata.uid)) return;
  if (obj->metadata.resourceVersion == 0 || obj->metadata.resourceVersion == server->metadata.resourceVersion) {
    inner_.update(obj);
    return;
  }
  // A patch in Kubernetes: the node's fields onto the object as it is now.
  std::shared_ptr<core::Object> patched = merge_own(server, obj)->clone();
  inner_.update(patched);
}

core::ObjectPtr DelayedStore::overlay(const core::ObjectPtr& server, const Key& key) const {
  auto it = pending_.find(key);
  if (it == pending_.end()) return server;
  if (!it->second.object) return nullptr;  // removed by the node
  return merge_own(server, it->second.object);
}

core::ObjectPtr DelayedStore::find(core::Kind kind, const std::string& ns, const std::string& name) const {
  core::ObjectPtr server = inner_.find(kind, ns, name);
  if (pending_.empty()) return server;
  return overlay(server, Key{kind, core::is_namespaced(kind) ? ns : "", name});
}

bool DelayedStore::is_latest(const core::Object& obj) const {
  if (pending_.empty()) return inner_.is_latest(obj);  // nothing in flight to lay over the server's
  return Store::is_latest(obj);
}

std::vector<core::ObjectPtr> DelayedStore::list(core::Kind kind, const std::string& ns) const {
  std::vector<core::ObjectPtr> server = inner_.list(kind, ns);
  if (pending_.empty()) return server;
  std::vector<core::ObjectPtr> out;
  for (const core::ObjectPtr& obj : server)
    if (auto o = overlay(obj, Key{kind, obj->metadata.namespace_, obj->metadata.name})) out.push_back(o);
  // Objects the node created that the server has not seen yet.
  for (const auto& [key, p] : pending_) {
    auto& [k, n, name] = key;
    if (k != kind || !p.object || (!ns.empty() && n != ns)) continue;
    if (!inner_.find(k, n, name)) out.push_back(p.object);
  }
  std::sort(out.begin(), out.end(), [](const core::ObjectPtr& a, const core::ObjectPtr& b) {
    return std::tie(a->metadata.namespace_, a->metadata.name) < std::tie(b->metadata.namespace_, b->metadata.name);
  });
  return out;
}

std::vector<core::ObjectPtr> DelayedStore::list_pods_on_node(const std::string& node_name) const {
  if (pending_.empty()) return inner_.list_pods_on_node(node_name);
  return Store::list_pods_on_node(node_name);  // filters list(), with the overlay
}

core::WatchHandler DelayedStore::delayed(core::WatchHandler handler, std::shared_ptr<bool> active) {
  return [this, alive = alive_, active, handler = std::move(handler)](const core::WatchEvent& e) {
    if (!*alive || !*active) return;
    core::Duration latency = network_.api_latency(node_);
    if (latency == core::Duration{} && events_.in_flight == 0) {
      handler(e);
      return;
    }
    core::Time now = executor_.now();
    core::Time arrival = std::max(now + latency, events_.last_arrival);
    events_.last_arrival = arrival;
    ++events_.in_flight;
    executor_.post_after(arrival - now, [this, alive, active, handler, e] {
      if (!*alive) return;
      --events_.in_flight;
      if (*active) handler(e);
    });
  };
}

core::WatchId DelayedStore::watch(core::Kind kind, core::WatchHandler handler) {
  // `active` drops events still in flight when the watcher goes away.
  auto active = std::make_shared<bool>(true);
  core::WatchId id = inner_.watch(kind, delayed(std::move(handler), active));
  watches_[id] = active;
  return id;
}

core::WatchId DelayedStore::watch_node(core::Kind kind, const std::string& node, core::WatchHandler handler) {
  auto active = std::make_shared<bool>(true);
  core::WatchId id = inner_.watch_node(kind, node, delayed(std::move(handler), active));
  watches_[id] = active;
  return id;
}

void DelayedEvents::record(const core::ObjectRef& object, const std::string& type, const std::string& reason,
                           const std::string& message) {
  core::Duration latency = network_.api_latency(node_);
  if (latency == core::Duration{} && in_flight_ == 0) {
    inner_.record(object, type, reason, message);
    return;
  }
  core::Time now = executor_.now();
  core::Time arrival = std::max(now + latency, last_arrival_);
  last_arrival_ = arrival;
  ++in_flight_;
  executor_.post_after(arrival - now, [this, alive = alive_, object, type, reason, message] {
    if (!*alive) return;
    --in_flight_;
    inner_.record(object, type, reason, message);
  });
}

void DelayedStore::unwatch(core::WatchId id) {
  if (auto it = watches_.find(id); it != watches_.end()) {
    *it->second = false;
    watches_.erase(it);
  }
  inner_.unwatch(id);
}

}  // namespace ktwin::sim
