// Test-only: a small Kubernetes REST handler over a MemoryStore (list, get, watch, create, update,
// /status, delete, Status errors), so the RemoteStore can be tested without the real API server.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/api/codec.h"
#include "core/store/memory_store.h"
#include "realnet/agent/api_status.h"
#include "realnet/agent/field_selector.h"
#include "realnet/agent/resource_path.h"
#include "realnet/api/http_message.h"

namespace ktwin::realnet::testing {

class FakeRestHandler : public HttpHandler {
 public:
  explicit FakeRestHandler(core::MemoryStore& store) : store_(store) {}

  // Watches from a resourceVersion below this are too old: 410 (as a head, or as an ERROR event).
  uint64_t gone_below = 0;
  bool gone_as_event = false;
  // Every watch request gets this status head instead (0: none), e.g. 500.
  int fail_watches = 0;
  std::vector<std::string> targets;  // every request's method and target, in order

  HandlerResult handle(const HttpRequest& request) override {
    targets.push_back(request.method + " " + request.target);
    HandlerResult result;
    std::string path = request.target, query;
    if (size_t q = path.find('?'); q != std::string::npos) {
      query = path.substr(q + 1);
      path = path.substr(0, q);
    }
    std::map<std::string, std::string> params = parse_query(query);
    std::vector<std::string> seg;
    for (size_t start = 1; start <= path.size();) {
      size_t slash = path.find('/', start);
      seg.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    size_t i = !seg.empty() && seg[0] == "api" ? 2 : 3;  // /api/v1 or /apis/GROUP/VERSION
    std::string ns, name, sub;
    if (seg.size() > i + 1 && seg[i] == "namespaces") {
      ns = seg[i + 1];
      i += 2;
    }
    if (seg.size() <= i) return error(404, "NotFound", "no such path " + path);
    std::optional<core::Kind> kind;
    for (core::Kind k : core::kAllKinds)
      if (resource_plural(k) == seg[i]) kind = k;
    if (!kind) return error(404, "NotFound", "no such resource " + seg[i]);
    if (seg.size() > i + 1) name = seg[i + 1];
    if (seg.size() > i + 2) sub = seg[i + 2];
    auto selector = FieldSelector::parse(params["fieldSelector"]);
    if (!selector) return error(400, "BadRequest", "bad fieldSelector");

    if (request.method == "GET" && name.empty() && (params["watch"] == "true" || params["watch"] == "1"))
      return watch(*kind, ns, *selector, params["resourceVersion"]);
    if (request.method == "GET" && name.empty()) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& obj : store_.list(*kind, ns))
        if (selector->matches(*obj)) {
          nlohmann::json doc = core::encode(*obj);
          doc.erase("kind");  // as kube-apiserver lists: items carry no kind
          doc.erase("apiVersion");
          items.push_back(doc);
        }
      result.response.body = nlohmann::json{{"kind", std::string(core::kind_name(*kind)) + "List"},
                                            {"apiVersion", std::string(core::api_version(*kind))},
                                            {"metadata", {{"resourceVersion", std::to_string(store_.resource_version())}}},
                                            {"items", items}}
                                 .dump();
      return result;
    }
    if (request.method == "GET") {
      auto obj = store_.find(*kind, ns, name);
      if (!obj) return error(404, "NotFound", std::string(resource_plural(*kind)) + " \"" + name + "\" not found");
      return object(200, *obj);
    }
    if (request.method == "POST" || request.method == "PUT") {
      auto doc = nlohmann::json::parse(request.body, nullptr, false);
      if (!doc.is_object()) return error(400, "BadRequest", "body is not JSON");
      if (request.method == "PUT" && sub == "status") {
        auto cur = store_.find(*kind, ns, name);
        if (!cur) return error(404, "NotFound", std::string(resource_plural(*kind)) + " \"" + name + "\" not found");
        nlohmann::json merged = core::encode(*cur);  // only status and the precondition come from the body
        merged["status"] = doc.value("status", nlohmann::json::object());
        merged["metadata"]["resourceVersion"] = doc["metadata"].value("resourceVersion", "");
        doc = merged;
      }
      auto obj = core::decode(doc);
      if (!obj.is_ok()) return error(422, "Invalid", obj.status().message());
      auto copy = obj.value()->clone();
      if (core::is_namespaced(*kind)) copy->metadata.namespace_ = ns;
      auto written = request.method == "POST" ? store_.create(copy) : store_.update(copy);
      if (!written.is_ok()) return from_status(written.status());
      return object(request.method == "POST" ? 201 : 200, *written.value());
    }
    if (request.method == "DELETE") {
      core::DeleteOptions options;
      auto doc = nlohmann::json::parse(request.body, nullptr, false);
      if (doc.is_object()) {
        if (doc.contains("gracePeriodSeconds")) options.gracePeriodSeconds = doc["gracePeriodSeconds"].get<int64_t>();
        if (doc.contains("preconditions")) options.preconditionUid = doc["preconditions"].value("uid", "");
      }
      auto before = store_.find(*kind, ns, name);
      core::Status s = store_.remove(*kind, ns, name, options);
      if (!s.is_ok()) return from_status(s);
      auto after = store_.find(*kind, ns, name);
      return object(200, after ? *after : *before);  // always 200, as some servers do: the client must tell
    }
    return error(405, "MethodNotAllowed", request.method);
  }

  // Ends every open watch from the server's side, as a restart would.
  void drop_watches() {
    for (auto& weak : streams_)
      if (auto s = weak.lock()) s->end();
    streams_.clear();
  }
  size_t open_watches() {
    std::erase_if(streams_, [](const auto& w) { return w.expired() || !w.lock()->open(); });
    return streams_.size();
  }

  static HandlerResult error(int code, const std::string& reason, const std::string& message) {
    HandlerResult r;
    r.response.status = code;
    r.response.body = nlohmann::json{{"kind", "Status"},   {"apiVersion", "v1"}, {"status", "Failure"},
                                     {"message", message}, {"reason", reason},   {"code", code}}
                          .dump();
    return r;
  }

 private:
  struct Stream : ResponseStream {
    core::MemoryStore* store = nullptr;
    core::Kind kind{};
    std::string ns;
    FieldSelector selector;
    std::string error_event;  // sent first, then the stream ends
    core::WatchId id = 0;
    Send send_;
    Close close_;
    bool open() const { return id != 0 || (bool)close_; }
    void start(Send send, Close close) override {
      send_ = std::move(send);
      close_ = std::move(close);
      if (!error_event.empty()) {
        send_(error_event + "\n");
        end();
        return;
      }
      id = store->watch(kind, [this](const core::WatchEvent& e) {
        bool now_in = in(*e.object) && e.type != core::WatchEventType::kDeleted;
        bool was_in = e.old && in(*e.old);
        std::string type = std::string(core::watch_event_name(e.type));
        if (!now_in && !was_in && !(e.type == core::WatchEventType::kDeleted && in(*e.object))) return;
        if (e.type == core::WatchEventType::kModified && !now_in) type = "DELETED";
        if (e.type == core::WatchEventType::kModified && now_in && !was_in) type = "ADDED";
        send_(nlohmann::json{{"type", type}, {"object", core::encode(*e.object)}}.dump() + "\n");
      });
    }
    bool in(const core::Object& obj) const { return (ns.empty() || obj.metadata.namespace_ == ns) && selector.matches(obj); }
    void end() {
      if (id) store->unwatch(std::exchange(id, 0));
      if (close_) std::exchange(close_, nullptr)();
    }
    void cancel() override {
      if (id) store->unwatch(std::exchange(id, 0));
      close_ = nullptr;
    }
  };
  struct Owned : ResponseStream {  // hands the transport ownership while we keep a weak view
    std::shared_ptr<Stream> s;
    void start(Send send, Close close) override { s->start(std::move(send), std::move(close)); }
    void cancel() override { s->cancel(); }
  };

  HandlerResult watch(core::Kind kind, const std::string& ns, const FieldSelector& selector, const std::string& rv) {
    if (fail_watches) return error(fail_watches, "InternalError", "watch refused (test)");
    uint64_t from = rv.empty() ? 0 : std::stoull(rv);
    std::string too_old = "too old resource version: " + rv;
    if (from < gone_below && !gone_as_event) return error(410, "Expired", too_old);
    HandlerResult r;
    r.response.headers = {{"Content-Type", "application/json"}};
    auto s = std::make_shared<Stream>();
    s->store = &store_;
    s->kind = kind;
    s->ns = ns;
    s->selector = selector;
    if (from < gone_below)
      s->error_event = nlohmann::json{{"type", "ERROR"}, {"object", nlohmann::json::parse(error(410, "Expired", too_old).response.body)}}.dump();
    streams_.push_back(s);
    auto owned = std::make_unique<Owned>();
    owned->s = s;
    r.stream = std::move(owned);
    return r;
  }
  static HandlerResult object(int code, const core::Object& obj) {
    HandlerResult r;
    r.response.status = code;
    r.response.body = core::encode(obj).dump();
    return r;
  }
  static HandlerResult from_status(const core::Status& s) {
    switch (s.code()) {
      case core::Status::Code::kNotFound: return error(404, "NotFound", s.message());
      case core::Status::Code::kAlreadyExists: return error(409, "AlreadyExists", s.message());
      case core::Status::Code::kConflict: return error(409, "Conflict", s.message());
      case core::Status::Code::kInvalid: return error(422, "Invalid", s.message());
      case core::Status::Code::kForbidden: return error(403, "Forbidden", s.message());
      default: return error(500, "InternalError", s.message());
    }
  }
  static std::map<std::string, std::string> parse_query(const std::string& q) {
    std::map<std::string, std::string> out;
    size_t start = 0;
    while (start < q.size()) {
      size_t amp = q.find('&', start);
      std::string kv = q.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      start = amp == std::string::npos ? q.size() : amp + 1;
      size_t eq = kv.find('=');
      out[kv.substr(0, eq)] = eq == std::string::npos ? "" : unescape(kv.substr(eq + 1));
    }
    return out;
  }
  static std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
    }
    return out;
  }

  core::MemoryStore& store_;
  std::vector<std::weak_ptr<Stream>> streams_;
};

}  // namespace ktwin::realnet::testing
