// The /scale and /eviction subresources (k/k pkg/registry/apps/deployment/storage/storage.go ScaleREST,
// pkg/registry/core/pod/storage/eviction.go).
#include "core/api/codec.h"
#include "core/api/workload.h"
#include "core/apiserver/eviction.h"
#include "realnet/api/request_body.h"
#include "realnet/api/resource_handler.h"
#include "realnet/api/resources.h"

namespace ktwin::realnet {
namespace {

using json = nlohmann::json;
using core::Kind;

HandlerResult reply(HttpResponse response) { return HandlerResult{std::move(response), nullptr}; }
HandlerResult fail(const ApiError& e) { return reply(error_response(e)); }

}  // namespace

HandlerResult ResourceHandler::scale(const ApiRequest& r) {
  const std::string& verb = r.attrs.verb;
  if (verb != "get" && verb != "update" && verb != "patch") return fail(method_not_allowed_error());
  core::ObjectPtr obj = store_.find(r.info.kind, r.path.namespace_, r.path.name);
  if (!obj) return fail(not_found_error(qualified_resource(r.info), r.path.name));
  // k/k pkg/registry/apps/deployment/storage/storage.go scaleFromDeployment.
  auto scale_of = [&](const core::Object& o) {
    int32_t replicas = 0, current = 0;
    std::string selector;
    if (o.kind() == Kind::kDeployment) {
      auto& d = static_cast<const core::Deployment&>(o);
      replicas = d.desired_replicas();
      current = d.status.replicas;
      selector = d.spec.selector.to_string();
    } else {
      auto& rs = static_cast<const core::ReplicaSet&>(o);
      replicas = rs.desired_replicas();
      current = rs.status.replicas;
      selector = rs.spec.selector.to_string();
    }
    json meta = {{"name", o.metadata.name},
                 {"namespace", o.metadata.namespace_},
                 {"uid", o.metadata.uid},
                 {"resourceVersion", std::to_string(o.metadata.resourceVersion)},
                 {"creationTimestamp", core::format_rfc3339(o.metadata.creationTimestamp)}};
    return json{{"kind", "Scale"},
                {"apiVersion", "autoscaling/v1"},
                {"metadata", meta},
                {"spec", {{"replicas", replicas}}},
                {"status", {{"replicas", current}, {"selector", selector}}}};
  };
  json current = scale_of(*obj);
  if (verb == "get") return reply(json_response(200, current));
  json wanted;
  ApiError error;
  if (verb == "update") {
    auto body = parse_body(r.http.body, error);  // kubectl sends this PUT without a Content-Type
    if (!body) return fail(error);
    wanted = std::move(*body);
  } else {
    auto patched = apply_request_patch(r.http.header("content-type"), current, r.http.body, std::nullopt, error);
    if (!patched.is_ok()) return fail(error);
    wanted = std::move(patched).value();
  }
  std::string rv_text = metadata_string(wanted, "resourceVersion");
  if (!rv_text.empty() && rv_text != std::to_string(obj->metadata.resourceVersion))
    return fail(conflict_error(qualified_resource(r.info), r.path.name, kObjectModified));
  auto spec = wanted.find("spec");
  json replicas_value = spec != wanted.end() && spec->is_object() ? spec->value("replicas", json()) : json();
  if (!replicas_value.is_number_integer())
    return fail(invalid_error("Scale.autoscaling", r.path.name, "spec.replicas: Required value"));
  int64_t replicas = replicas_value.get<int64_t>();
  if (replicas < 0)
    return fail(invalid_error("Scale.autoscaling", r.path.name,
                              "spec.replicas: Invalid value: " + std::to_string(replicas) +
                                  ": must be greater than or equal to 0"));
  std::shared_ptr<core::Object> copy = obj->clone();
  int32_t before = 0;
  if (copy->kind() == Kind::kDeployment) {
    auto& d = static_cast<core::Deployment&>(*copy);
    before = d.desired_replicas();
    d.spec.replicas = static_cast<int32_t>(replicas);
  } else {
    auto& rs = static_cast<core::ReplicaSet&>(*copy);
    before = rs.desired_replicas();
    rs.spec.replicas = static_cast<int32_t>(replicas);
  }
  if (before == replicas) return reply(json_response(200, current));
  copy->metadata.generation += 1;
  auto updated = store_.update(copy);
  if (!updated.is_ok()) return fail(store_error(updated.status(), r.info, r.path.name));
  return reply(json_response(200, scale_of(*updated.value())));
}

HandlerResult ResourceHandler::evict(const ApiRequest& r) {
  core::ObjectPtr pod = store_.find(Kind::kPod, r.path.namespace_, r.path.name);
  if (!pod) return fail(not_found_error(qualified_resource(r.info), r.path.name));
  // NodeRestriction admitPodEviction: a node evicts only pods bound to itself.
  if (auto node = node_name_of(r.http.user); node && static_cast<const core::Pod&>(*pod).spec.nodeName != *node)
    return fail(forbidden_error("pods \"" + r.path.name + "\" is forbidden: node " + *node +
                                " can only evict pods with spec.nodeName set to itself"));
  core::EvictionResult result = core::evict_pod(store_, executor_, r.path.namespace_, r.path.name);
  switch (result.code) {
    case core::EvictionResult::Code::kEvicted:
      return reply(json_response(201, {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
                                       {"status", "Success"}}));
    case core::EvictionResult::Code::kNotFound: return fail(not_found_error(qualified_resource(r.info), r.path.name));
    case core::EvictionResult::Code::kTooManyRequests:
      return fail(ApiError{429, "TooManyRequests", result.message, json::object()});
    case core::EvictionResult::Code::kError: break;
  }
  return fail(internal_error(result.message));
}

}  // namespace ktwin::realnet
