// Status bodies: messages and details as kube-apiserver words them (k8s.io/apimachinery/pkg/api/errors/errors.go).
#include "realnet/api/api_errors.h"

namespace ktwin::realnet {
namespace {

using json = nlohmann::json;

// "deployments.apps" -> {"group":"apps","kind":"deployments"}: errors.NewNotFound puts the resource in kind.
json resource_details(const std::string& resource, const std::string& name) {
  json d = {{"name", name}};
  auto dot = resource.find('.');
  if (dot != std::string::npos) {
    d["group"] = resource.substr(dot + 1);
    d["kind"] = resource.substr(0, dot);
  } else {
    d["kind"] = resource;
  }
  return d;
}

}  // namespace

ApiError not_found_error(const std::string& resource, const std::string& name) {
  return {404, "NotFound", resource + " \"" + name + "\" not found", resource_details(resource, name)};
}

ApiError already_exists_error(const std::string& resource, const std::string& name) {
  return {409, "AlreadyExists", resource + " \"" + name + "\" already exists", resource_details(resource, name)};
}

ApiError conflict_error(const std::string& resource, const std::string& name, const std::string& why) {
  return {409, "Conflict", "Operation cannot be fulfilled on " + resource + " \"" + name + "\": " + why,
          resource_details(resource, name)};
}

ApiError invalid_error(const std::string& kind_qualified, const std::string& name, const std::string& field_message) {
  // errors.NewInvalid: "Deployment.apps "x" is invalid: <field>: <detail>", one cause per field error.
  json details = {{"name", name}};
  auto dot = kind_qualified.find('.');
  details["kind"] = kind_qualified.substr(0, dot);
  if (dot != std::string::npos) details["group"] = kind_qualified.substr(dot + 1);
  auto colon = field_message.find(": ");
  json cause = {{"reason", "FieldValueInvalid"}, {"message", field_message}};
  if (colon != std::string::npos && field_message.find(' ') >= colon) {
    cause["field"] = field_message.substr(0, colon);
    cause["message"] = field_message.substr(colon + 2);
  }
  details["causes"] = json::array({cause});
  return {422, "Invalid", kind_qualified + " \"" + name + "\" is invalid: " + field_message, details};
}

ApiError bad_request_error(const std::string& message) { return {400, "BadRequest", message, json::object()}; }
ApiError forbidden_error(const std::string& message) { return {403, "Forbidden", message, json::object()}; }
ApiError unauthorized_error() { return {401, "Unauthorized", "Unauthorized", json::object()}; }

ApiError method_not_allowed_error() {
  return {405, "MethodNotAllowed", "the server does not allow this method on the requested resource",
          json::object()};
}

ApiError not_acceptable_error() {
  return {406, "NotAcceptable", "only the following media types are accepted: application/json, "
          "application/json;as=Table;v=v1;g=meta.k8s.io", json::object()};
}

ApiError unsupported_media_type_error(const std::string& content_type) {
  return {415, "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: "
          "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json",
          json::object()};
}

ApiError path_not_found_error() {
  return {404, "NotFound", "the server could not find the requested resource", json::object()};
}

ApiError internal_error(const std::string& message) {
  return {500, "InternalError", "Internal error occurred: " + message, json::object()};
}

json status_document(const ApiError& error) {
  json doc = {{"kind", "Status"},        {"apiVersion", "v1"},     {"metadata", json::object()},
              {"status", "Failure"},     {"message", error.message}, {"code", error.code}};
  if (!error.reason.empty()) doc["reason"] = error.reason;
  if (!error.details.empty()) doc["details"] = error.details;
  return doc;
}

HttpResponse json_response(int status, const json& body) {
  return HttpResponse{status, {{"Content-Type", "application/json"}}, body.dump()};
}

HttpResponse error_response(const ApiError& error) { return json_response(error.code, status_document(error)); }

}  // namespace ktwin::realnet
