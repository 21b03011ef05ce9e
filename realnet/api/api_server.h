// The Kubernetes REST API over a core::Store, as an HttpHandler: what kubectl 1.20 and 1.32 need for the
// Let's Chat walk-through (../shared/reference/kubectl-wire.md), authorization included. Pure: no sockets.
#pragma once

#include <memory>
#include <string>

#include "core/env/executor.h"
#include "core/store/store.h"
#include "realnet/api/http_message.h"

namespace ktwin::realnet {

class WatchCache;
class ResourceHandler;

struct ApiServerOptions {
  std::string git_version = "v1.20.4+ktwin";  // /version; major and minor are read from it
  size_t watch_cache_size = 1000;             // events kept per kind for watches that start behind
  // How long a watch without timeoutSeconds stays open (kube-apiserver's --min-request-timeout).
  core::Duration min_request_timeout = std::chrono::seconds(1800);
};

class ApiServer : public HttpHandler {
 public:
  // `store` (often a core::AdmittingStore, for defaulting and Service IPs) and `executor` outlive this.
  // Every call comes on the executor thread.
  ApiServer(core::Store& store, core::Executor& executor, ApiServerOptions options = {});
  ~ApiServer() override;

  HandlerResult handle(const HttpRequest& request) override;

 private:
  core::Store& store_;
  core::Executor& executor_;
  ApiServerOptions options_;
  std::shared_ptr<WatchCache> cache_;  // shared with open watch streams, which may outlive the server
  std::unique_ptr<ResourceHandler> resources_;
};

}  // namespace ktwin::realnet
