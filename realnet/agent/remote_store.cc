// RemoteStore: per informed kind a reflector (list, then watch from the list's resourceVersion;
// relist on 410 Gone or a broken stream, with backoff) feeding a cache; writes are REST calls whose
// answers go into the same cache, so a write is visible to the next read.
#include "realnet/agent/remote_store.h"

#include <algorithm>

#include "core/api/codec.h"
#include "realnet/agent/api_status.h"
#include "realnet/agent/resource_path.h"

namespace ktwin::realnet {
namespace {

using core::Kind;
using core::ObjectPtr;
using core::WatchEventType;

std::string key_of(const std::string& ns, const std::string& name) { return ns + "/" + name; }

// A watch that ends cleanly this soon without an event is treated as broken, so a server that
// closes at once cannot make the client spin (client-go reflector: "very short watch").
constexpr core::Duration kShortWatch = std::chrono::seconds(1);

uint64_t parse_rv(const nlohmann::json& meta) {
  if (!meta.is_object() || !meta.contains("resourceVersion")) return 0;
  const auto& rv = meta["resourceVersion"];
  if (rv.is_number_unsigned()) return rv.get<uint64_t>();
  if (!rv.is_string()) return 0;
  try {
    return std::stoull(rv.get<std::string>());
  } catch (...) {
    return 0;
  }
}

// The metadata.name a selector pins, if it does: then the informer covers only that name.
std::string pinned_name(const std::string& selector) {
  const std::string prefix = "metadata.name=";
  if (selector.rfind(prefix, 0) != 0 || selector.find(',') != std::string::npos) return "";
  return selector.substr(prefix.size());
}

}  // namespace

RemoteStoreOptions RemoteStoreOptions::for_kubelet(const std::string& node_name) {
  RemoteStoreOptions o;
  o.informers = {
      {Kind::kPod, "", "spec.nodeName=" + node_name},
      {Kind::kNode, "", "metadata.name=" + node_name},
      {Kind::kLease, "kube-node-lease", "metadata.name=" + node_name},
  };
  return o;
}

RemoteStore::RemoteStore(core::Executor& executor, ApiTransport& transport, RemoteStoreOptions options)
    : executor_(executor), transport_(transport), options_(std::move(options)) {
  for (const InformerSpec& spec : options_.informers) {
    auto inf = std::make_unique<Informer>();
    inf->spec = spec;
    auto sel = FieldSelector::parse(spec.field_selector);
    KT_CHECK(sel.has_value(), "bad field selector " + spec.field_selector);
    inf->selector = *sel;
    informers_.push_back(std::move(inf));
  }
}

RemoteStore::~RemoteStore() {
  *alive_ = false;
  for (auto& inf : informers_) {
    executor_.cancel(inf->retry);
    inf->stream.reset();
  }
}

void RemoteStore::log(const std::string& message) const {
  if (options_.log) options_.log(message);
}

void RemoteStore::start() {
  KT_CHECK(!started_, "RemoteStore started twice");
  started_ = true;
  for (auto& inf : informers_) relist(*inf);
}

void RemoteStore::on_synced(std::function<void()> callback) {
  synced_callbacks_.push_back(std::move(callback));
  check_synced();
}

bool RemoteStore::synced() const {
  if (!started_) return false;
  return std::all_of(informers_.begin(), informers_.end(), [](const auto& inf) { return inf->synced; });
}

void RemoteStore::check_synced() {
  if (!synced()) return;
  for (auto& cb : std::exchange(synced_callbacks_, {}))
    executor_.post([alive = alive_, cb = std::move(cb)] {
      if (*alive) cb();
    });
}

uint64_t RemoteStore::lists(Kind kind) const {
  const Informer* inf = informer_for(kind);
  return inf ? inf->lists : 0;
}

RemoteStore::Informer* RemoteStore::informer_for(Kind kind) {
  for (auto& inf : informers_)
    if (inf->spec.kind == kind) return inf.get();
  return nullptr;
}

const RemoteStore::Informer* RemoteStore::informer_for(Kind kind) const {
  return const_cast<RemoteStore*>(this)->informer_for(kind);
}

bool RemoteStore::in_scope(const Informer& inf, const core::Object& obj) const {
  return (inf.spec.ns.empty() || obj.metadata.namespace_ == inf.spec.ns) && inf.selector.matches(obj);
}

// ---- the reflector ----

std::string RemoteStore::watch_query(const Informer& inf) const {
  if (inf.spec.field_selector.empty()) return "";
  return "fieldSelector=" + query_escape(inf.spec.field_selector);
}

void RemoteStore::relist(Informer& inf) {
  inf.retry = 0;
  ++inf.generation;
  inf.stream.reset();
  ++inf.lists;
  std::string query = watch_query(inf);
  auto response = send("GET", collection_path(inf.spec.kind, inf.spec.ns) + (query.empty() ? "" : "?" + query), "");
  std::string what = std::string(resource_plural(inf.spec.kind));
  if (!response.is_ok() || response->status != 200) {
    log("list " + what + " failed: " +
        (response.is_ok() ? status_from_response(response.value()).to_string() : response.status().to_string()));
    relist_later(inf);
    return;
  }
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("items") || !(doc["items"].is_array() || doc["items"].is_null())) {
    log("list " + what + ": the answer is not a list");
    relist_later(inf);
    return;
  }
  std::vector<ObjectPtr> objects;
  if (doc["items"].is_array())
    for (auto& item : doc["items"]) {
      auto obj = decode_object(item, inf.spec.kind);
      if (!obj.is_ok()) {
        log("list " + what + ": " + obj.status().message());
        continue;  // one object ktwin cannot read must not blind the kubelet to the others
      }
      objects.push_back(obj.value());
    }
  replace(inf, std::move(objects));
  inf.resource_version = parse_rv(doc.value("metadata", nlohmann::json::object()));
  inf.synced = true;
  check_synced();
  open_watch(inf);
}

void RemoteStore::relist_later(Informer& inf) {
  inf.backoff = inf.backoff == core::Duration::zero() ? options_.relist_initial
                                                      : std::min(inf.backoff * 2, options_.relist_max);
  ++inf.generation;
  inf.stream.reset();
  executor_.cancel(inf.retry);
  inf.retry = executor_.post_after(inf.backoff, [this, alive = alive_, p = &inf] {
    if (*alive) relist(*p);
  });
}

void RemoteStore::open_watch(Informer& inf) {
  uint64_t gen = ++inf.generation;
  inf.buffer.clear();
  inf.stream_got_event = false;
  inf.stream_opened = executor_.now();
  inf.head_status = 0;
  inf.error_code = 0;
  std::string target = collection_path(inf.spec.kind, inf.spec.ns) + "?watch=true&resourceVersion=" +
                       std::to_string(inf.resource_version) + "&allowWatchBookmarks=false";
  std::string query = watch_query(inf);
  if (!query.empty()) target += "&" + query;
  HttpRequest request;
  request.method = "GET";
  request.target = target;
  request.headers["accept"] = "application/json";
  Informer* p = &inf;
  auto live = [this, alive = alive_, p, gen] { return *alive && p->generation == gen; };
  StreamCallbacks callbacks;
  callbacks.on_head = [p, live](const HttpResponse& head) {
    if (!live()) return;
    p->head_status = head.status;
    if (head.status != 200) {
      p->error_code = head.status;
      p->error_message = status_from_response(head).message();
    }
  };
  callbacks.on_chunk = [this, p, live](std::string chunk) {
    if (!live() || p->head_status != 200) return;
    p->buffer += chunk;
    size_t nl;
    while (live() && (nl = p->buffer.find('\n')) != std::string::npos) {
      std::string line = p->buffer.substr(0, nl);
      p->buffer.erase(0, nl + 1);
      if (line.find_first_not_of(" \r\t") != std::string::npos) on_watch_line(*p, line);
    }
    // A server that does not end events with a newline still sends whole JSON documents per chunk.
    if (live() && !p->buffer.empty() && nlohmann::json::accept(p->buffer)) on_watch_line(*p, std::exchange(p->buffer, ""));
  };
  callbacks.on_closed = [this, p, live](core::Status why) {
    if (live()) on_watch_closed(*p, why);
  };
  inf.stream = transport_.stream(std::move(request), std::move(callbacks));
}

void RemoteStore::on_watch_line(Informer& inf, const std::string& line) {
  auto doc = nlohmann::json::parse(line, nullptr, false);
  std::string what = std::string(resource_plural(inf.spec.kind));
  if (!doc.is_object() || !doc.contains("type") || !doc["type"].is_string() || !doc.contains("object")) {
    log("watch " + what + ": not a watch event, relisting: " + line.substr(0, 200));
    inf.error_code = 500;
    inf.stream.reset();
    on_watch_closed(inf, core::Status::unavailable("bad watch event"));
    return;
  }
  std::string type = doc["type"].get<std::string>();
  const nlohmann::json& object = doc["object"];
  if (type == "ERROR") {
    // k8s.io/apiserver watch.go: an ERROR event carries a Status; 410 Expired means relist.
    inf.error_code = object.is_object() ? object.value("code", 500) : 500;
    inf.error_message = object.is_object() ? object.value("message", "") : "";
    inf.stream.reset();
    on_watch_closed(inf, core::Status::ok());
    return;
  }
  uint64_t rv = parse_rv(object.is_object() ? object.value("metadata", nlohmann::json::object()) : nlohmann::json());
  if (type == "BOOKMARK") {
    inf.resource_version = std::max(inf.resource_version, rv);
    return;
  }
  WatchEventType event_type;
  if (type == "ADDED") {
    event_type = WatchEventType::kAdded;
  } else if (type == "MODIFIED") {
    event_type = WatchEventType::kModified;
  } else if (type == "DELETED") {
    event_type = WatchEventType::kDeleted;
  } else {
    log("watch " + what + ": unknown event type " + type);
    return;
  }
  auto obj = decode_object(object, inf.spec.kind);
  if (!obj.is_ok()) {
    log("watch " + what + ": " + obj.status().message());
    return;
  }
  inf.resource_version = std::max(inf.resource_version, rv);
  inf.stream_got_event = true;
  inf.backoff = core::Duration::zero();
  ++watch_events_;
  apply(inf, event_type, obj.value(), false);
}

void RemoteStore::on_watch_closed(Informer& inf, core::Status why) {
  ++inf.generation;  // the old stream's callbacks are void from here
  std::string what = std::string(resource_plural(inf.spec.kind));
  if (inf.error_code == 410) {
    // Our resourceVersion is compacted away: only a fresh list can resume (client-go reflector).
    log("watch " + what + ": 410 Gone, relisting");
    if (inf.backoff == core::Duration::zero()) {
      inf.backoff = options_.relist_initial / 2;  // a second 410 in a row waits
      executor_.post([this, alive = alive_, p = &inf, gen = inf.generation] {
        if (*alive && p->generation == gen) relist(*p);
      });
    } else {
      relist_later(inf);
    }
    return;
  }
  if (inf.error_code != 0) {
    log("watch " + what + " failed (" + std::to_string(inf.error_code) + " " + inf.error_message + "), relisting");
    relist_later(inf);
    return;
  }
  if (why.is_ok() && (inf.stream_got_event || executor_.now() - inf.stream_opened >= kShortWatch)) {
    open_watch(inf);  // the server ended a healthy watch (its timeout): resume where it stopped
    return;
  }
  log("watch " + what + " dropped (" + (why.is_ok() ? "closed at once" : why.message()) + "), relisting");
  relist_later(inf);
}

// ---- the cache ----

void RemoteStore::replace(Informer& inf, std::vector<ObjectPtr> objects) {
  std::map<std::string, ObjectPtr> fresh;
  for (ObjectPtr& obj : objects) fresh[key_of(obj->metadata.namespace_, obj->metadata.name)] = std::move(obj);
  for (auto it = inf.objects.begin(); it != inf.objects.end();) {
    auto f = fresh.find(it->first);
    if (f == fresh.end() || f->second->metadata.uid != it->second->metadata.uid) {
      emit(WatchEventType::kDeleted, it->second, it->second);
      it = inf.objects.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [key, obj] : fresh) {
    auto it = inf.objects.find(key);
    if (it == inf.objects.end()) {
      inf.objects[key] = obj;
      emit(WatchEventType::kAdded, obj, nullptr);
    } else if (obj->metadata.resourceVersion > it->second->metadata.resourceVersion) {
      ObjectPtr old = std::exchange(it->second, obj);
      emit(WatchEventType::kModified, obj, old);
    }
  }
  inf.deleted_uids.clear();  // the list is the server's word on what exists
}

void RemoteStore::apply(Informer& inf, WatchEventType type, ObjectPtr obj, bool own) {
  const std::string& uid = obj->metadata.uid;
  if (type != WatchEventType::kDeleted && !in_scope(inf, *obj)) type = WatchEventType::kDeleted;  // it left our scope
  if (inf.deleted_uids.count(uid)) {
    if (type == WatchEventType::kDeleted && !own) inf.deleted_uids.erase(uid);  // the watch caught up
    return;
  }
  std::string key = key_of(obj->metadata.namespace_, obj->metadata.name);
  auto it = inf.objects.find(key);
  if (type == WatchEventType::kDeleted) {
    if (own) inf.deleted_uids.insert(uid);
    if (it == inf.objects.end() || (!uid.empty() && it->second->metadata.uid != uid)) return;
    ObjectPtr old = it->second;
    inf.objects.erase(it);
    emit(WatchEventType::kDeleted, obj, old);
    return;
  }
  ObjectPtr old;
  if (it != inf.objects.end()) {
    if (it->second->metadata.uid == uid) {
      // Already seen (the watch echoing our write) or older than what we hold: not news.
      if (it->second->metadata.resourceVersion >= obj->metadata.resourceVersion) return;
      old = it->second;
    } else {
      emit(WatchEventType::kDeleted, it->second, it->second);  // a same-named successor
    }
  }
  inf.objects[key] = obj;
  emit(old ? WatchEventType::kModified : WatchEventType::kAdded, obj, old);
}

void RemoteStore::emit(WatchEventType type, ObjectPtr object, ObjectPtr old) {
  pending_.push_back({core::WatchEvent{type, std::move(object), std::move(old)}, next_watch_ - 1});
  if (drain_posted_) return;
  drain_posted_ = true;
  executor_.post([this, alive = alive_] {
    if (*alive) drain();
  });
}

void RemoteStore::drain() {
  drain_posted_ = false;
  std::deque<Pending> batch = std::exchange(pending_, {});
  for (const Pending& p : batch) {
    Kind kind = p.event.object->kind();
    std::vector<core::WatchId> ids;
    for (const auto& [id, w] : watchers_)
      if (id <= p.max_watch && w.first == kind) ids.push_back(id);
    for (core::WatchId id : ids) {
      auto it = watchers_.find(id);  // a handler may unwatch another
      if (it != watchers_.end()) {
        core::WatchHandler handler = it->second.second;
        handler(p.event);
      }
    }
  }
}

core::WatchId RemoteStore::watch(Kind kind, core::WatchHandler handler) {
  core::WatchId id = next_watch_++;
  watchers_[id] = {kind, std::move(handler)};
  return id;
}

void RemoteStore::unwatch(core::WatchId id) { watchers_.erase(id); }

// ---- reads ----

bool RemoteStore::covers(const Informer& inf, const std::string& ns, const std::string& name) const {
  if (!inf.synced) return false;
  if (!inf.spec.ns.empty() && ns != inf.spec.ns) return false;
  std::string pinned = pinned_name(inf.spec.field_selector);
  return pinned.empty() || pinned == name;
}

ObjectPtr RemoteStore::find(Kind kind, const std::string& ns, const std::string& name) const {
  std::string key = key_of(core::is_namespaced(kind) ? ns : "", name);
  const Informer* inf = informer_for(kind);
  if (inf && covers(*inf, core::is_namespaced(kind) ? ns : "", name)) {
    auto it = inf->objects.find(key);
    return it == inf->objects.end() ? nullptr : it->second;
  }
  // Outside every informer: ask the server (a node has few such reads).
  auto self = const_cast<RemoteStore*>(this);
  auto response = self->send("GET", object_path(kind, ns, name), "");
  if (!response.is_ok() || response->status != 200) return nullptr;
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  auto obj = decode_object(doc, kind);
  return obj.is_ok() ? obj.value() : nullptr;
}

std::vector<ObjectPtr> RemoteStore::list(Kind kind, const std::string& ns) const {
  std::vector<ObjectPtr> out;
  const Informer* inf = informer_for(kind);
  if (inf && inf->synced && (inf->spec.ns.empty() || inf->spec.ns == ns)) {
    for (const auto& [key, obj] : inf->objects)
      if (ns.empty() || obj->metadata.namespace_ == ns) out.push_back(obj);
    return out;  // keys are ns/name: already in the store's order
  }
  auto self = const_cast<RemoteStore*>(this);
  auto response = self->send("GET", collection_path(kind, ns), "");
  if (!response.is_ok() || response->status != 200) return out;
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("items") || !doc["items"].is_array()) return out;
  for (auto& item : doc["items"]) {
    auto obj = decode_object(item, kind);
    if (obj.is_ok()) out.push_back(obj.value());
  }
  std::sort(out.begin(), out.end(), [](const ObjectPtr& a, const ObjectPtr& b) {
    return std::tie(a->metadata.namespace_, a->metadata.name) < std::tie(b->metadata.namespace_, b->metadata.name);
  });
  return out;
}

// ---- writes ----

core::Result<HttpResponse> RemoteStore::send(const std::string& method, const std::string& target, std::string body) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.headers["accept"] = "application/json";
  if (!body.empty()) request.headers["content-type"] = "application/json";
  request.body = std::move(body);
  if (executor_.now() < fail_fast_until_)
    return core::Status::unavailable("server unreachable (failing fast): " + last_failure_.message());
  auto response = transport_.request(std::move(request), options_.request_timeout);
  if (!response.is_ok()) {
    last_failure_ = response.status();
    fail_fast_until_ = executor_.now() + options_.fail_fast;
  }
  return response;
}

core::Result<ObjectPtr> RemoteStore::write_answer(Kind kind, const core::Result<HttpResponse>& response) {
  if (!response.is_ok()) return response.status();
  if (response->status < 200 || response->status >= 300) return status_from_response(response.value());
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  auto obj = decode_object(doc, kind);
  if (!obj.is_ok()) return core::Status::unavailable("the server's answer is not a " +
                                                     std::string(core::kind_name(kind)) + ": " + obj.status().message());
  return obj;
}

ObjectPtr RemoteStore::refine(const core::Object& sent, ObjectPtr answer) {
  // The wire carries whole seconds (RFC 3339), our clock nanoseconds. When the server kept exactly
  // what we sent at wire precision, cache what we sent under the server's metadata: the kubelet
  // compares its next status with this one, and rounding must not look like a change (k/k
  // status_manager.go normalizeStatus truncates for the same reason).
  nlohmann::json a = core::encode(*answer), s = core::encode(sent);
  a.erase("metadata");
  s.erase("metadata");
  if (a != s) return answer;
  auto copy = sent.clone();
  copy->metadata = answer->metadata;
  copy->original = answer->original;
  return copy;
}

core::Result<ObjectPtr> RemoteStore::create(std::shared_ptr<core::Object> obj) {
  Kind kind = obj->kind();
  std::string ns = core::is_namespaced(kind) ? (obj->metadata.namespace_.empty() ? "default" : obj->metadata.namespace_) : "";
  auto answer = write_answer(kind, send("POST", collection_path(kind, ns), core::encode(*obj).dump()));
  if (!answer.is_ok()) return answer;
  ObjectPtr cached = refine(*obj, answer.value());
  if (Informer* inf = informer_for(kind)) apply(*inf, WatchEventType::kAdded, cached, true);
  return cached;
}

core::Result<ObjectPtr> RemoteStore::update(std::shared_ptr<core::Object> obj) {
  Kind kind = obj->kind();
  // The kubelet writes only status, through the subresource (k/k pkg/kubelet/status/status_manager.go,
  // kubelet_node_status.go); a Node authorizer lets a node write nothing else of a pod.
  std::string sub = kind == Kind::kPod || kind == Kind::kNode ? "status" : "";
  // Encoding lays the typed fields over the document the object was read from, so a field the
  // kubelet cleared (a waiting state, a condition's reason) would survive from it. The kubelet owns
  // the whole status: send it without the old document's status.
  nlohmann::json body = core::encode(*obj);
  if (!sub.empty() && obj->original && obj->original->contains("status")) {
    auto bare = obj->clone();
    auto doc = std::make_shared<nlohmann::json>(*obj->original);
    doc->erase("status");
    bare->original = doc;
    body = core::encode(*bare);
  }
  auto answer = write_answer(kind, send("PUT", object_path(kind, obj->metadata.namespace_, obj->metadata.name, sub),
                                        body.dump()));
  if (!answer.is_ok()) return answer;
  ObjectPtr cached = refine(*obj, answer.value());
  if (Informer* inf = informer_for(kind)) apply(*inf, WatchEventType::kModified, cached, true);
  return cached;
}

core::Status RemoteStore::remove(Kind kind, const std::string& ns, const std::string& name,
                                 const core::DeleteOptions& options) {
  nlohmann::json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (options.gracePeriodSeconds) body["gracePeriodSeconds"] = *options.gracePeriodSeconds;
  if (options.preconditionUid) body["preconditions"] = {{"uid", *options.preconditionUid}};
  auto response = send("DELETE", object_path(kind, ns, name), body.dump());
  if (!response.is_ok()) return response.status();
  if (response->status < 200 || response->status >= 300) return status_from_response(response.value());
  Informer* inf = informer_for(kind);
  if (!inf) return core::Status::ok();
  auto doc = nlohmann::json::parse(response->body, nullptr, false);
  std::string key = key_of(core::is_namespaced(kind) ? ns : "", name);
  ObjectPtr last;
  if (doc.is_object() && doc.value("kind", "") != "Status") {
    auto obj = decode_object(doc, kind);
    if (obj.is_ok()) last = obj.value();
  }
  // k8s.io/apiserver handlers/delete.go: 202 while a graceful deletion or finalizers keep the object;
  // a server that always answers 200 still shows it by a deletionTimestamp with grace left.
  bool still_there = last && (response->status == 202 || !last->metadata.finalizers.empty() ||
                              (options.gracePeriodSeconds.value_or(1) != 0 && last->metadata.deletionTimestamp &&
                               last->metadata.deletionGracePeriodSeconds.value_or(0) > 0));
  if (still_there) {
    apply(*inf, WatchEventType::kModified, last, true);
    return core::Status::ok();
  }
  if (!last) {
    auto it = inf->objects.find(key);
    if (it == inf->objects.end()) return core::Status::ok();
    last = it->second;
  }
  apply(*inf, WatchEventType::kDeleted, last, true);
  return core::Status::ok();
}

}  // namespace ktwin::realnet
