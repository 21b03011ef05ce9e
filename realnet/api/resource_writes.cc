// Writes of store-backed resources: what kube-apiserver's registry strategies do around the store
// (k/k pkg/registry/*/strategy.go PrepareForCreate/PrepareForUpdate, staging/.../registry/rest/create.go,
// update.go, delete.go), then the store's own admission (core::AdmittingStore).
#include "realnet/api/resource_handler.h"

#include "core/api/namespace.h"

#include "core/api/codec.h"
#include "core/api/workload.h"
#include "core/controller/deployment_util.h"
#include "realnet/api/object_validation.h"
#include "realnet/api/request_body.h"
#include "realnet/api/resources.h"

namespace ktwin::realnet {
namespace {

using json = nlohmann::json;
using core::Kind;

HandlerResult reply(HttpResponse response) { return HandlerResult{std::move(response), nullptr}; }
HandlerResult fail(const ApiError& e) { return reply(error_response(e)); }

// Metadata only the server sets: taken from the stored object on update, dropped on create.
constexpr const char* kServerMetadata[] = {"uid", "creationTimestamp", "deletionTimestamp",
                                          "deletionGracePeriodSeconds", "generation", "selfLink", "managedFields"};

// Kinds whose metadata.generation follows spec changes (their strategies bump it).
bool tracks_generation(Kind kind) {
  return kind == Kind::kDeployment || kind == Kind::kReplicaSet || kind == Kind::kIngress ||
         kind == Kind::kPodDisruptionBudget;
}

// PrepareForCreate resets status for these (the kubelet registers a Node with its status).
bool resets_status_on_create(Kind kind) {
  return kind == Kind::kPod || kind == Kind::kDeployment || kind == Kind::kReplicaSet || kind == Kind::kService ||
         kind == Kind::kIngress || kind == Kind::kPodDisruptionBudget;
}

// Strategies whose AllowCreateOnUpdate is true: a PUT of a missing object creates it.
bool creates_on_update(Kind kind) { return kind == Kind::kLease || kind == Kind::kService || kind == Kind::kEndpoints; }

// The kind and apiVersion of a body must be the resource's; missing ones are filled (the URL says).
std::optional<ApiError> check_type(json& doc, const ApiResource& info) {
  const std::string kind(core::kind_name(info.kind));
  if (!doc.contains("kind")) doc["kind"] = kind;
  if (!doc.contains("apiVersion")) doc["apiVersion"] = info.group_version();
  if (doc["apiVersion"] != info.group_version())
    return bad_request_error("the API version in the data (" + doc["apiVersion"].dump() +
                             ") does not match the expected API version (" + info.group_version() + ")");
  if (doc["kind"] != kind)
    return bad_request_error("the kind in the data (" + doc["kind"].dump() + ") does not match the expected kind (" +
                             kind + ")");
  if (!doc.contains("metadata") || !doc["metadata"].is_object()) doc["metadata"] = json::object();
  return std::nullopt;
}

std::optional<ApiError> check_namespace(json& doc, const ApiRequest& r) {
  json& meta = doc["metadata"];
  if (!core::is_namespaced(r.info.kind)) {
    meta.erase("namespace");
    return std::nullopt;
  }
  std::string ns = metadata_string(doc, "namespace");
  if (!ns.empty() && ns != r.path.namespace_)
    return bad_request_error("the namespace of the provided object does not match the namespace sent on the request");
  meta["namespace"] = r.path.namespace_;
  return std::nullopt;
}

}  // namespace

HandlerResult ResourceHandler::create(const ApiRequest& r, json doc) {
  if (auto e = check_type(doc, r.info)) return fail(*e);
  if (auto e = check_namespace(doc, r)) return fail(*e);
  // k/k plugin/pkg/admission/namespace/lifecycle: nothing is created in a namespace that does not exist.
  if (core::is_namespaced(r.info.kind) && !store_.find(Kind::kNamespace, "", r.path.namespace_))
    return fail(not_found_error("namespaces", r.path.namespace_));
  json& meta = doc["metadata"];
  if (!metadata_string(doc, "resourceVersion").empty())
    return fail(bad_request_error("resourceVersion should not be set on objects to be created"));
  meta.erase("resourceVersion");
  for (const char* key : kServerMetadata) meta.erase(key);
  if (resets_status_on_create(r.info.kind)) doc.erase("status");
  auto decoded = core::decode(doc);
  if (!decoded.is_ok()) return fail(bad_request_error(decoded.status().message()));
  std::shared_ptr<core::Object> obj = decoded.value()->clone();
  obj->metadata.generation = 0;  // the store starts it at 1
  if (obj->metadata.name.empty() && obj->metadata.generateName.empty())
    return fail(invalid_error(qualified_kind(r.info), "",
                              "metadata.name: Required value: name or generateName is required"));
  if (auto problem = validate_object(*obj, true)) return fail(invalid_error(qualified_kind(r.info), obj->metadata.name, *problem));
  RequestAttributes attrs = r.attrs;
  attrs.name = obj->metadata.name;
  if (auto e = admit_node_write(r.http.user, attrs, nullptr, obj.get())) return fail(*e);
  auto created = store_.create(obj);
  if (!created.is_ok()) return fail(store_error(created.status(), r.info, obj->metadata.name));
  return reply(json_response(201, core::encode(*created.value())));
}

HandlerResult ResourceHandler::update(const ApiRequest& r) {
  ApiError error;
  auto doc = parse_body(r.http.body, error);
  if (!doc) return fail(error);
  if (auto e = check_type(*doc, r.info)) return fail(*e);
  std::string name = metadata_string(*doc, "name");
  if (name != r.path.name)
    return fail(bad_request_error("the name of the object (" + name + ") does not match the name on the URL (" +
                                  r.path.name + ")"));
  core::ObjectPtr old = store_.find(r.info.kind, r.path.namespace_, r.path.name);
  if (!old) {
    if (r.path.subresource.empty() && creates_on_update(r.info.kind)) {
      RequestAttributes attrs = r.attrs;
      attrs.verb = "create";
      if (auto e = authorize(r.http.user, attrs)) return fail(*e);
      ApiRequest as_create{r.http, r.target, r.path, r.info, attrs};
      (*doc)["metadata"].erase("resourceVersion");
      return create(as_create, std::move(*doc));
    }
    return fail(not_found_error(qualified_resource(r.info), r.path.name));
  }
  return write_over(r, old, std::move(*doc));
}

HandlerResult ResourceHandler::patch(const ApiRequest& r) {
  core::ObjectPtr old = store_.find(r.info.kind, r.path.namespace_, r.path.name);
  if (!old) return fail(not_found_error(qualified_resource(r.info), r.path.name));
  json original = core::encode(*old);
  ApiError error;
  auto patched = apply_request_patch(r.http.header("content-type"), original, r.http.body, r.info.kind, error);
  if (!patched.is_ok()) {
    if (error.code == 422) error = invalid_error(qualified_kind(r.info), r.path.name, error.message);
    return fail(error);
  }
  json doc = std::move(patched).value();
  if (auto e = check_type(doc, r.info)) return fail(*e);
  if (metadata_string(doc, "name") != r.path.name) return fail(bad_request_error("the patch may not change the name"));
  return write_over(r, old, std::move(doc));
}

HandlerResult ResourceHandler::write_over(const ApiRequest& r, const core::ObjectPtr& old, json doc) {
  if (auto e = check_namespace(doc, r)) return fail(*e);
  json old_doc = core::encode(*old);
  std::string rv_text = metadata_string(doc, "resourceVersion");
  json next;
  if (r.path.subresource == "status") {
    // Status strategies (e.g. k/k pkg/registry/core/pod/strategy.go podStatusStrategy): only status changes.
    next = old_doc;
    if (doc.contains("status")) next["status"] = doc["status"];
    else next.erase("status");
  } else {
    next = std::move(doc);
    for (const char* key : kServerMetadata) {
      if (old_doc["metadata"].contains(key)) next["metadata"][key] = old_doc["metadata"][key];
      else next["metadata"].erase(key);
    }
    // The main resource cannot change status where a /status subresource exists (PrepareForUpdate).
    if (has_subresource(r.info, "status")) {
      if (old_doc.contains("status")) next["status"] = old_doc["status"];
      else next.erase("status");
    }
  }
  uint64_t expected = old->metadata.resourceVersion;
  if (!rv_text.empty()) {
    auto rv = parse_u64(rv_text);
    if (!rv) return fail(bad_request_error("invalid resourceVersion \"" + rv_text + "\""));
    if (*rv != expected) return fail(conflict_error(qualified_resource(r.info), r.path.name, kObjectModified));
  }
  next["metadata"]["resourceVersion"] = std::to_string(expected);
  auto decoded = core::decode(next);
  if (!decoded.is_ok()) return fail(bad_request_error(decoded.status().message()));
  std::shared_ptr<core::Object> obj = decoded.value()->clone();
  if (obj->kind() == Kind::kDeployment) core::set_deployment_defaults(static_cast<core::Deployment&>(*obj));
  if (auto problem = validate_object(*obj, false)) return fail(invalid_error(qualified_kind(r.info), r.path.name, *problem));
  obj->metadata.generation = old->metadata.generation;
  if (tracks_generation(obj->kind()) && core::encode(*obj).value("spec", json()) != old_doc.value("spec", json()))
    obj->metadata.generation += 1;
  if (auto e = admit_node_write(r.http.user, r.attrs, old.get(), obj.get())) return fail(*e);
  auto updated = store_.update(obj);
  if (!updated.is_ok()) return fail(store_error(updated.status(), r.info, r.path.name));
  return reply(json_response(200, core::encode(*updated.value())));
}

std::optional<ApiError> ResourceHandler::empty_namespace(const std::string& ns) {
  for (const char* system : core::kSystemNamespaces)
    if (ns == system)  // k/k plugin/pkg/admission/namespace/lifecycle: immortal namespaces
      return forbidden_error("namespaces \"" + ns + "\" is forbidden: this namespace may not be deleted");
  // The namespace controller's work, done at once: workloads first, so nothing is recreated, then the
  // rest. Pods are deleted gracefully and may outlive the namespace while their kubelets stop them.
  std::vector<Kind> order = {Kind::kDeployment, Kind::kReplicaSet};
  for (Kind kind : core::kAllKinds)
    if (core::is_namespaced(kind) && kind != Kind::kDeployment && kind != Kind::kReplicaSet) order.push_back(kind);
  for (Kind kind : order)
    for (const core::ObjectPtr& obj : store_.list(kind, ns)) {
      core::Status s = store_.remove(kind, ns, obj->metadata.name);
      if (!s.is_ok() && !s.is_not_found())
        return internal_error("deleting namespace " + ns + ": " + std::string(core::kind_name(kind)) + " " +
                              obj->metadata.name + ": " + s.message());
    }
  return std::nullopt;
}

HandlerResult ResourceHandler::remove(const ApiRequest& r) {
  core::DeleteOptions options;
  std::optional<std::string> precondition_rv;
  if (!r.http.body.empty()) {
    ApiError error;
    auto body = parse_body(r.http.body, error);
    if (!body) return fail(error);
    if (auto g = body->find("gracePeriodSeconds"); g != body->end() && g->is_number_integer())
      options.gracePeriodSeconds = g->get<int64_t>();
    if (auto p = body->find("preconditions"); p != body->end() && p->is_object()) {
      if (p->contains("uid") && (*p)["uid"].is_string()) options.preconditionUid = (*p)["uid"].get<std::string>();
      if (p->contains("resourceVersion") && (*p)["resourceVersion"].is_string())
        precondition_rv = (*p)["resourceVersion"].get<std::string>();
    }
  }
  if (auto g = parse_u64(r.target.param("gracePeriodSeconds")); g && !options.gracePeriodSeconds)
    options.gracePeriodSeconds = static_cast<int64_t>(*g);
  core::ObjectPtr old = store_.find(r.info.kind, r.path.namespace_, r.path.name);
  if (!old) return fail(not_found_error(qualified_resource(r.info), r.path.name));
  if (precondition_rv && *precondition_rv != std::to_string(old->metadata.resourceVersion))
    return fail(conflict_error(qualified_resource(r.info), r.path.name,
                               "Precondition failed: ResourceVersion in precondition: " + *precondition_rv +
                                   ", ResourceVersion in object meta: " +
                                   std::to_string(old->metadata.resourceVersion)));
  if (auto e = admit_node_write(r.http.user, r.attrs, old.get(), nullptr)) return fail(*e);
  if (r.info.kind == Kind::kNamespace) {
    if (auto e = empty_namespace(r.path.name)) return fail(*e);
  }
  core::Status s = store_.remove(r.info.kind, r.path.namespace_, r.path.name, options);
  if (!s.is_ok()) return fail(store_error(s, r.info, r.path.name));
  if (r.info.kind == Kind::kPod) {
    // The pod registry returns the object (ReturnDeletedObject): terminating, or its last state.
    core::ObjectPtr after = store_.find(Kind::kPod, r.path.namespace_, r.path.name);
    return reply(json_response(200, core::encode(after ? *after : *old)));
  }
  json details = {{"name", r.path.name}, {"kind", std::string(r.info.plural)}, {"uid", old->metadata.uid}};
  if (!r.info.group.empty()) details["group"] = std::string(r.info.group);
  json status = {{"kind", "Status"}, {"apiVersion", "v1"}, {"metadata", json::object()},
                 {"status", "Success"}, {"details", details}};
  return reply(json_response(200, status));
}

}  // namespace ktwin::realnet
