// Reads and watches of store-backed resources; writes are in resource_writes.cc.
#include "realnet/api/resource_handler.h"

#include <charconv>

#include "core/api/codec.h"
#include "realnet/api/selectors.h"
#include "realnet/api/content_negotiation.h"
#include "realnet/api/discovery.h"
#include "realnet/api/resources.h"
#include "realnet/api/table_response.h"
#include "realnet/api/watch_cache.h"
#include "realnet/api/watch_stream.h"

namespace ktwin::realnet {
namespace {

using json = nlohmann::json;

HandlerResult reply(HttpResponse response) { return HandlerResult{std::move(response), nullptr}; }
HandlerResult fail(const ApiError& e) { return reply(error_response(e)); }

std::optional<uint64_t> parse_u64(const std::string& text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// labelSelector and fieldSelector of the request, with its namespace.
std::optional<ObjectFilter> request_filter(const ApiRequest& r, ApiError& error) {
  ObjectFilter f;
  f.namespace_ = r.path.namespace_;
  if (std::string text = r.target.param("labelSelector"); !text.empty()) {
    f.labels = core::LabelSelector::parse(text);
    if (!f.labels) {
      error = bad_request_error("unable to parse requirement: invalid label selector \"" + text + "\"");
      return std::nullopt;
    }
  }
  auto fields = parse_field_selector(r.target.param("fieldSelector"), r.info.kind);
  if (!fields.is_ok()) {
    error = bad_request_error(fields.status().message());
    return std::nullopt;
  }
  f.fields = fields.value();
  return f;
}

// The Table a read asks for (nullopt inside: plain JSON), or nullopt with `error` set: 406 when nothing
// acceptable is asked for, 400 for an unknown includeObject.
std::optional<std::optional<TableOptions>> table_options(const ApiRequest& r, const ApiServerOptions& options,
                                                         ApiError& error) {
  Negotiated n = negotiate(r.http.header("accept"), Endpoint::kResource);
  if (n.format == ResponseFormat::kNotAcceptable) {
    error = not_acceptable_error();
    return std::nullopt;
  }
  if (n.format != ResponseFormat::kTable) return std::optional<TableOptions>();
  auto include = parse_include_object(r.target.param("includeObject"));
  if (!include) {
    error = bad_request_error("invalid includeObject: \"" + r.target.param("includeObject") + "\"");
    return std::nullopt;
  }
  TableOptions t;
  t.include_object = *include;
  t.server_version = server_minor_version(options.git_version);
  return std::optional<TableOptions>(t);
}

}  // namespace

std::string server_minor_version(const std::string& git_version) {
  json info = version_info(git_version);
  return info.value("major", "1") + "." + info.value("minor", "20");
}

std::optional<json> parse_body(const std::string& body, ApiError& error) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = bad_request_error(body.empty() ? "the request body is empty"
                                           : "the request body is not a JSON object: couldn't get version/kind");
    return std::nullopt;
  }
  return doc;
}

core::Duration watch_timeout(const RequestTarget& target, const ApiServerOptions& options) {
  if (auto seconds = parse_u64(target.param("timeoutSeconds")); seconds && *seconds > 0)
    return std::chrono::seconds(*seconds);
  return options.min_request_timeout;
}

uint64_t ResourceHandler::current_resource_version() const {
  return std::max(store_.resource_version(), cache_->latest_resource_version());
}

HandlerResult ResourceHandler::handle(const ApiRequest& r) {
  const std::string& verb = r.attrs.verb;
  if (r.path.subresource == "scale") return scale(r);
  if (verb == "get") return get(r);
  if (verb == "list") return list(r);
  if (verb == "watch") return watch(r);
  if (verb == "create") {
    ApiError error;
    auto doc = parse_body(r.http.body, error);
    if (!doc) return fail(error);
    return create(r, std::move(*doc));
  }
  if (verb == "update") return update(r);
  if (verb == "patch") return patch(r);
  if (verb == "delete") return remove(r);
  return fail(method_not_allowed_error());
}

HandlerResult ResourceHandler::get(const ApiRequest& r) {
  core::ObjectPtr obj = store_.find(r.info.kind, r.path.namespace_, r.path.name);
  if (!obj) return fail(not_found_error(qualified_resource(r.info), r.path.name));
  ApiError error;
  auto table = table_options(r, options_, error);
  if (!table) return fail(error);
  if (*table)
    return reply(json_response(200, make_table(r.info.kind, {obj}, executor_.now(), **table,
                                               std::to_string(current_resource_version()))));
  return reply(json_response(200, core::encode(*obj)));
}

HandlerResult ResourceHandler::list(const ApiRequest& r) {
  ApiError error;
  auto filter = request_filter(r, error);
  if (!filter) return fail(error);
  uint64_t rv = current_resource_version();
  std::vector<core::ObjectPtr> items;
  for (const core::ObjectPtr& obj : store_.list(r.info.kind, r.path.namespace_))
    if (filter->matches(*obj)) items.push_back(obj);
  auto table = table_options(r, options_, error);
  if (!table) return fail(error);
  if (*table)
    return reply(json_response(200, make_table(r.info.kind, items, executor_.now(), **table, std::to_string(rv))));
  json doc = {{"kind", std::string(core::kind_name(r.info.kind)) + "List"},
              {"apiVersion", r.info.group_version()},
              {"metadata", {{"resourceVersion", std::to_string(rv)}}},
              {"items", json::array()}};
  for (const core::ObjectPtr& obj : items) doc["items"].push_back(core::encode(*obj));
  return reply(json_response(200, doc));
}

HandlerResult ResourceHandler::watch(const ApiRequest& r) {
  ApiError error;
  auto filter = request_filter(r, error);
  if (!filter) return fail(error);
  WatchOptions w;
  w.kind = r.info.kind;
  w.filter = *filter;
  w.timeout = watch_timeout(r.target, options_);
  std::string rv_text = r.target.param("resourceVersion");
  HttpResponse head{200, {{"Content-Type", "application/json"}}, ""};
  if (rv_text.empty() || rv_text == "0") {
    // k8s API concepts, "resourceVersion semantics" for watch: unset or "0" start with the current
    // state as synthetic ADDED events.
    w.after_resource_version = current_resource_version();
    for (const core::ObjectPtr& obj : store_.list(w.kind, r.path.namespace_))
      if (w.filter.matches(*obj)) w.initial.push_back(obj);
  } else {
    auto rv = parse_u64(rv_text);
    if (!rv) return fail(bad_request_error("invalid resource version \"" + rv_text + "\""));
    if (!cache_->events_since(w.kind, *rv)) {
      // k/k staging/src/k8s.io/apiserver/pkg/storage/cacher/watch_cache.go: "too old resource version".
      ApiError gone{410, "Expired",
                    "too old resource version: " + rv_text + " (" +
                        std::to_string(cache_->oldest_resource_version(w.kind)) + ")",
                    json::object()};
      std::vector<std::string> lines = {watch_event_line("ERROR", status_document(gone))};
      return HandlerResult{head, std::make_unique<FixedStream>(std::move(lines))};
    }
    w.after_resource_version = *rv;
  }
  auto table = table_options(r, options_, error);
  if (!table) return fail(error);
  if (*table) {
    // Column definitions only in the first event, as kube-apiserver's watch handler sends them.
    auto options = std::make_shared<TableOptions>(**table);
    core::Kind kind = w.kind;
    core::Executor* executor = &executor_;
    w.encode = [=](const core::ObjectPtr& obj) {
      json doc = make_table(kind, {obj}, executor->now(), *options, std::to_string(obj->metadata.resourceVersion));
      options->include_columns = false;
      return doc;
    };
  } else {
    w.encode = [](const core::ObjectPtr& obj) { return core::encode(*obj); };
  }
  return HandlerResult{head, std::make_unique<WatchStream>(cache_, executor_, std::move(w))};
}

}  // namespace ktwin::realnet
