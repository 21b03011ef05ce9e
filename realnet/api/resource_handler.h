// Requests on store-backed resources: get, list, watch, create, update, patch, delete, /status, /scale.
// Internal to ApiServer, which routes, authenticates and authorizes first.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "core/env/executor.h"
#include "core/store/store.h"
#include "realnet/api/api_errors.h"
#include "realnet/api/api_server.h"
#include "realnet/api/authorization.h"
#include "realnet/api/request_target.h"
#include "realnet/api/resources.h"

namespace ktwin::realnet {

class WatchCache;

// One routed request on a served resource.
struct ApiRequest {
  const HttpRequest& http;
  const RequestTarget& target;
  const ResourcePath& path;
  const ApiResource& info;
  RequestAttributes attrs;  // verb: get, list, watch, create, update, patch, delete
};

class ResourceHandler {
 public:
  ResourceHandler(core::Store& store, core::Executor& executor, std::shared_ptr<WatchCache> cache,
                  const ApiServerOptions& options)
      : store_(store), executor_(executor), cache_(std::move(cache)), options_(options) {}

  // REQUIRES: the request is authorized.
  HandlerResult handle(const ApiRequest& r);
  // The resourceVersion a list taken now shows.
  uint64_t current_resource_version() const;

 private:
  HandlerResult get(const ApiRequest& r);
  HandlerResult list(const ApiRequest& r);
  HandlerResult watch(const ApiRequest& r);
  HandlerResult create(const ApiRequest& r, nlohmann::json doc);
  HandlerResult update(const ApiRequest& r);
  HandlerResult patch(const ApiRequest& r);
  HandlerResult remove(const ApiRequest& r);
  HandlerResult scale(const ApiRequest& r);
  HandlerResult evict(const ApiRequest& r);
  // Writes `doc` over `old` (PUT and PATCH of the object or its /status): keeps what the server owns,
  // checks resourceVersion, bumps generation, runs NodeRestriction.
  HandlerResult write_over(const ApiRequest& r, const core::ObjectPtr& old, nlohmann::json doc);
  // Deletes everything in namespace `ns` before the Namespace itself goes; Forbidden for the system ones.
  std::optional<ApiError> empty_namespace(const std::string& ns);

  core::Store& store_;
  core::Executor& executor_;
  std::shared_ptr<WatchCache> cache_;
  const ApiServerOptions& options_;
};

// The request body as a JSON object; nullopt (and `error` set to a 400) when it is not one.
std::optional<nlohmann::json> parse_body(const std::string& body, ApiError& error);
// "1.20" from "v1.20.4+ktwin": the printers' generation for Tables.
std::string server_minor_version(const std::string& git_version);
// Watch timeout: timeoutSeconds, or the server's minimum request timeout.
core::Duration watch_timeout(const RequestTarget& target, const ApiServerOptions& options);

}  // namespace ktwin::realnet
