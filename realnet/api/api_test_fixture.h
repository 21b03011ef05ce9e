// Test scaffolding for the API server: a virtual-clock store behind admission, requests as kubectl or a
// kubelet sends them, and a recorder for watch streams.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/apiserver/admitting_store.h"
#include "core/store/memory_store.h"
#include "realnet/api/api_server.h"
#include "sim/event_loop.h"

namespace ktwin::realnet::testing {

using json = nlohmann::json;

inline constexpr const char* kTableAccept =
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

inline UserInfo admin() { return {"system:admin", {"system:masters", "system:authenticated"}}; }
inline UserInfo node_user(const std::string& name) {
  return {"system:node:" + name, {"system:nodes", "system:authenticated"}};
}

// The transport's side of a watch: lines received, whether the server closed it.
struct StreamRecorder {
  std::vector<std::string> lines;
  bool closed = false;
  void attach(ResponseStream& stream) {
    stream.start([this](std::string chunk) { lines.push_back(std::move(chunk)); }, [this] { closed = true; });
  }
  std::vector<json> events() const {
    std::vector<json> out;
    for (const std::string& l : lines) out.push_back(json::parse(l));
    return out;
  }
};

struct ApiFixture {
  explicit ApiFixture(ApiServerOptions options = {})
      : server(admitting, loop, std::move(options)) {
    REQUIRE(core::create_system_namespaces(admitting).is_ok());  // as the server does when it starts
  }

  sim::EventLoop loop{core::Time{} + std::chrono::hours(24 * 365 * 51)};  // 2021
  core::MemoryStore store{loop, core::Rng(1, "store")};
  core::ControlPlaneConfig config;
  core::AdmittingStore admitting{store, config, core::Rng(1, "apiserver")};
  ApiServer server;

  HandlerResult send(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::string& content_type = "application/json", const UserInfo& user = admin(),
                     const std::string& accept = "application/json") {
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.body = body;
    if (!content_type.empty()) r.headers["content-type"] = content_type;
    if (!accept.empty()) r.headers["accept"] = accept;
    r.user = user;
    return server.handle(r);
  }
  // A plain request's status and JSON body. REQUIRES: not a watch.
  std::pair<int, json> call(const std::string& method, const std::string& target, const std::string& body = "",
                            const std::string& content_type = "application/json", const UserInfo& user = admin(),
                            const std::string& accept = "application/json") {
    HandlerResult result = send(method, target, body, content_type, user, accept);
    REQUIRE(result.stream == nullptr);
    json doc = result.response.body.empty() ? json() : json::parse(result.response.body, nullptr, false);
    return {result.response.status, doc};
  }
  // Lets store watch deliveries (posted to the executor) run.
  void settle() { loop.run_until(loop.now()); }
};

}  // namespace ktwin::realnet::testing
