// Routing, authentication and authorization in front of the resource handlers; discovery and the
// non-resource paths (k8s.io/apiserver/pkg/endpoints: installer.go routes, filters/authentication.go,
// filters/authorization.go).
#include "realnet/api/api_server.h"

#include "realnet/api/api_errors.h"
#include "realnet/api/authorization.h"
#include "realnet/api/content_negotiation.h"
#include "realnet/api/discovery.h"
#include "realnet/api/resource_handler.h"
#include "realnet/api/resources.h"
#include "realnet/api/watch_cache.h"

namespace ktwin::realnet {
namespace {

using json = nlohmann::json;

HandlerResult reply(HttpResponse response) { return HandlerResult{std::move(response), nullptr}; }
HandlerResult fail(const ApiError& e) { return reply(error_response(e)); }

bool is_true(const std::string& v) { return v == "true" || v == "1"; }

// The apiserver verb of a resource request (requestinfo.go): GET splits into get, list and watch.
std::string verb_of(const std::string& method, const ResourcePath& p, const RequestTarget& target) {
  if (method == "GET") return !p.name.empty() ? "get" : is_true(target.param("watch")) ? "watch" : "list";
  if (method == "POST") return p.name.empty() ? "create" : "";
  if (method == "PUT") return p.name.empty() ? "" : "update";
  if (method == "PATCH") return p.name.empty() ? "" : "patch";
  if (method == "DELETE") return p.name.empty() ? "" : "delete";
  return "";
}

// Paths served to anyone, authenticated or not (the system:public-info-viewer role).
bool is_public(const std::string& path) {
  return path == "/version" || path == "/healthz" || path == "/readyz" || path == "/livez";
}

}  // namespace

ApiServer::ApiServer(core::Store& store, core::Executor& executor, ApiServerOptions options)
    : store_(store),
      executor_(executor),
      options_(std::move(options)),
      cache_(std::make_shared<WatchCache>(store, options_.watch_cache_size)),
      resources_(std::make_unique<ResourceHandler>(store, executor, cache_, options_)) {}

ApiServer::~ApiServer() = default;

HandlerResult ApiServer::handle(const HttpRequest& request) {
  auto target = parse_target(request.target);
  if (!target) return fail(bad_request_error("malformed request target: " + request.target));
  const std::string& path = target->path;
  if (is_public(path)) {
    if (request.method != "GET") return fail(method_not_allowed_error());
    if (path == "/version") return reply(json_response(200, version_info(options_.git_version)));
    return reply(HttpResponse{200, {{"Content-Type", "text/plain; charset=utf-8"}}, "ok"});
  }
  if (!request.user.authenticated()) return fail(unauthorized_error());

  const auto& seg = target->segments;
  if (path == "/openapi/v2") {
    // An empty gnostic Document: kubectl's client-side validation finds no schema and skips (kubectl-wire §3.1).
    return reply(HttpResponse{200, {{"Content-Type", std::string(kOpenApiV2ContentType)}}, ""});
  }
  bool discovery_root = path == "/api" || path == "/apis";
  bool group_version = (seg.size() == 2 && seg[0] == "api") || (seg.size() == 3 && seg[0] == "apis");
  if (discovery_root || group_version) {
    if (request.method != "GET") return fail(method_not_allowed_error());
    if (discovery_root) {
      Negotiated n = negotiate(request.header("accept"), Endpoint::kDiscoveryRoot);
      if (n.format == ResponseFormat::kNotAcceptable) return fail(not_acceptable_error());
      if (n.format == ResponseFormat::kAggregatedDiscovery) {
        json doc = aggregated_discovery(path == "/api", n.version);
        return reply(HttpResponse{200, {{"Content-Type", aggregated_discovery_content_type(n.version)}}, doc.dump()});
      }
      return reply(json_response(200, path == "/api" ? legacy_api_versions("") : api_group_list()));
    }
    auto list = api_resource_list(seg[0] == "api" ? seg[1] : seg[1] + "/" + seg[2]);
    if (!list) return fail(path_not_found_error());
    return reply(json_response(200, *list));
  }

  auto rpath = parse_resource_path(seg);
  if (!rpath) return fail(path_not_found_error());
  const ApiResource* info = find_api_resource(rpath->group, rpath->version, rpath->resource);
  if (!info) return fail(path_not_found_error());
  bool namespaced = core::is_namespaced(info->kind);
  if (!namespaced && !rpath->namespace_.empty()) return fail(path_not_found_error());
  if (namespaced && rpath->namespace_.empty() && !rpath->name.empty()) return fail(path_not_found_error());
  // Subresources other than status and scale (pods/eviction) are listed by discovery but not served yet.
  if (!rpath->subresource.empty() &&
      (!has_subresource(*info, rpath->subresource) || (rpath->subresource != "status" && rpath->subresource != "scale")))
    return fail(path_not_found_error());
  std::string verb = verb_of(request.method, *rpath, *target);
  if (verb.empty() || (namespaced && rpath->namespace_.empty() && verb == "create"))
    return fail(method_not_allowed_error());

  RequestAttributes attrs{verb, info, rpath->subresource, rpath->namespace_, rpath->name};
  if (auto denied = authorize(request.user, attrs)) return fail(*denied);
  ApiRequest r{request, *target, *rpath, *info, attrs};
  return resources_->handle(r);
}

}  // namespace ktwin::realnet
