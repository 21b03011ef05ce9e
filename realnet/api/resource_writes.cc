// Writes of store-backed resources: what kube-apiserver's registry strategies do around the store
// (k/k pkg/registry/*/strategy.go PrepareForCreate/PrepareForUpdate, staging/.../registry/rest/create.go,
// update.go, delete.go), then the store's own admission (core::AdmittingStore).
#include <charconv>
#include <regex>

#include "core/api/codec.h"
#include "core/api/workload.h"
#include "core/controller/deployment_util.h"
#include "realnet/api/content_negotiation.h"
#include "realnet/api/json_patch.h"
#include "realnet/api/merge_patch.h"
#include "realnet/api/resource_handler.h"
#include "realnet/api/resources.h"
#include "realnet/api/strategic_merge_patch.h"

namespace ktwin::realnet {
namespace {

using json = nlohmann::json;
using core::Kind;

constexpr const char* kModified =
    "the object has been modified; please apply your changes to the latest version and try again";

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

std::optional<uint64_t> parse_u64(const std::string& text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string metadata_string(const json& doc, const char* key) {
  auto m = doc.find("metadata");
  if (m == doc.end() || !m->is_object()) return "";
  auto it = m->find(key);
  return it != m->end() && it->is_string() ? it->get<std::string>() : "";
}

ApiError store_error(const core::Status& s, const ApiResource& info, const std::string& name) {
  switch (s.code()) {
    case core::Status::Code::kNotFound: return not_found_error(qualified_resource(info), name);
    case core::Status::Code::kAlreadyExists: return already_exists_error(qualified_resource(info), name);
    case core::Status::Code::kConflict: {
      bool precondition = s.message().find("Precondition failed") != std::string::npos;
      std::string why = precondition ? s.message().substr(s.message().find("Precondition failed")) : kModified;
      return conflict_error(qualified_resource(info), name, why);
    }
    case core::Status::Code::kInvalid: return invalid_error(qualified_kind(info), name, s.message());
    case core::Status::Code::kForbidden: return forbidden_error(s.message());
    case core::Status::Code::kUnavailable: return ApiError{503, "ServiceUnavailable", s.message(), json::object()};
    default: return internal_error(s.message());
  }
}

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

// k/k staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go IsDNS1123Subdomain.
std::optional<std::string> name_problem(const std::string& name) {
  static const std::regex kSubdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  if (name.size() <= 253 && std::regex_match(name, kSubdomain)) return std::nullopt;
  return "metadata.name: Invalid value: \"" + name +
         "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
         "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
         "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
}

std::string go_map(const core::Labels& labels) {
  std::string out = "map[string]string{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += (first ? "\"" : ", \"") + k + "\":\"" + v + "\"";
    first = false;
  }
  return out + "}";
}

// The validation kubectl's walk-through can trip (k/k pkg/apis/apps/validation/validation.go).
std::optional<std::string> validate(const core::Object& obj, bool creating) {
  if (!creating || !obj.metadata.name.empty()) {
    if (auto problem = name_problem(obj.metadata.name)) return problem;
  }
  const core::LabelSelector* selector = nullptr;
  const core::Labels* template_labels = nullptr;
  std::optional<int32_t> replicas;
  if (obj.kind() == Kind::kDeployment) {
    auto& d = static_cast<const core::Deployment&>(obj);
    selector = &d.spec.selector;
    template_labels = &d.spec.template_.metadata.labels;
    replicas = d.spec.replicas;
  } else if (obj.kind() == Kind::kReplicaSet) {
    auto& rs = static_cast<const core::ReplicaSet&>(obj);
    selector = &rs.spec.selector;
    template_labels = &rs.spec.template_.metadata.labels;
    replicas = rs.spec.replicas;
  } else {
    return std::nullopt;
  }
  if (replicas && *replicas < 0)
    return "spec.replicas: Invalid value: " + std::to_string(*replicas) + ": must be greater than or equal to 0";
  if (selector->empty()) return std::string("spec.selector: Required value");
  if (!selector->matches(*template_labels))
    return "spec.template.metadata.labels: Invalid value: " + go_map(*template_labels) +
           ": `selector` does not match template `labels`";
  return std::nullopt;
}

// Applies a PATCH body of `content_type` to `original`; `kind` selects the strategic merge keys (null:
// a plain merge, as for Scale).
core::Result<json> apply_patch(const std::string& content_type, const json& original, const std::string& body,
                               std::optional<Kind> kind, ApiError& error) {
  std::optional<PatchType> type = parse_patch_type(content_type);
  if (!type || *type == PatchType::kApplyPatch) {  // server-side apply is not served (kubectl-wire §3.4)
    error = unsupported_media_type_error(content_type);
    return core::Status::invalid("unsupported");
  }
  json patch = json::parse(body, nullptr, false);
  if (patch.is_discarded()) {
    error = bad_request_error("error decoding patch: invalid JSON");
    return core::Status::invalid("bad patch");
  }
  core::Result<json> out = core::Status::invalid("unreachable");
  if (*type == PatchType::kJsonPatch) {
    if (core::Status s = validate_json_patch(patch); !s.is_ok()) {
      error = bad_request_error(s.message());
      return s;
    }
    out = apply_json_patch(original, patch);
  } else if (*type == PatchType::kMergePatch || !kind) {
    out = apply_merge_patch(original, patch);
  } else {
    out = apply_strategic_merge_patch(original, patch, *kind);
  }
  if (!out.is_ok()) {
    error = ApiError{422, "Invalid", out.status().message(), json::object()};
    return out.status();
  }
  if (!out.value().is_object()) {
    error = bad_request_error("the patch does not result in an object");
    return core::Status::invalid("not an object");
  }
  return out;
}

}  // namespace

HandlerResult ResourceHandler::create(const ApiRequest& r, json doc) {
  if (auto e = check_type(doc, r.info)) return fail(*e);
  if (auto e = check_namespace(doc, r)) return fail(*e);
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
  if (auto problem = validate(*obj, true)) return fail(invalid_error(qualified_kind(r.info), obj->metadata.name, *problem));
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
  auto patched = apply_patch(r.http.header("content-type"), original, r.http.body, r.info.kind, error);
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
    if (*rv != expected) return fail(conflict_error(qualified_resource(r.info), r.path.name, kModified));
  }
  next["metadata"]["resourceVersion"] = std::to_string(expected);
  auto decoded = core::decode(next);
  if (!decoded.is_ok()) return fail(bad_request_error(decoded.status().message()));
  std::shared_ptr<core::Object> obj = decoded.value()->clone();
  if (obj->kind() == Kind::kDeployment) core::set_deployment_defaults(static_cast<core::Deployment&>(*obj));
  if (auto problem = validate(*obj, false)) return fail(invalid_error(qualified_kind(r.info), r.path.name, *problem));
  obj->metadata.generation = old->metadata.generation;
  if (tracks_generation(obj->kind()) && core::encode(*obj).value("spec", json()) != old_doc.value("spec", json()))
    obj->metadata.generation += 1;
  if (auto e = admit_node_write(r.http.user, r.attrs, old.get(), obj.get())) return fail(*e);
  auto updated = store_.update(obj);
  if (!updated.is_ok()) return fail(store_error(updated.status(), r.info, r.path.name));
  return reply(json_response(200, core::encode(*updated.value())));
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
    auto patched = apply_patch(r.http.header("content-type"), current, r.http.body, std::nullopt, error);
    if (!patched.is_ok()) return fail(error);
    wanted = std::move(patched).value();
  }
  std::string rv_text = metadata_string(wanted, "resourceVersion");
  if (!rv_text.empty() && rv_text != std::to_string(obj->metadata.resourceVersion))
    return fail(conflict_error(qualified_resource(r.info), r.path.name, kModified));
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

}  // namespace ktwin::realnet
