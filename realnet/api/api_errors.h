// Kubernetes Status error bodies (k8s.io/apimachinery/pkg/api/errors) with the wording kubectl prints.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/util/status.h"
#include "realnet/api/http_message.h"

namespace ktwin::realnet {

// One failed request: HTTP code, StatusReason, message and details, as metav1.Status carries them.
struct ApiError {
  int code = 500;
  std::string reason;  // "NotFound", "AlreadyExists", ...; empty: none
  std::string message;
  nlohmann::json details = nlohmann::json::object();
};

// `resource` is the group-qualified plural as errors name it: "pods", "deployments.apps".
ApiError not_found_error(const std::string& resource, const std::string& name);
ApiError already_exists_error(const std::string& resource, const std::string& name);
// A stale resourceVersion on update: "Operation cannot be fulfilled on pods "x": the object has been
// modified; please apply your changes to the latest version and try again".
ApiError conflict_error(const std::string& resource, const std::string& name, const std::string& why);
// `kind_qualified` is "Deployment.apps" or "Pod"; `field_message` is "spec.replicas: Invalid value: -1: ..."
// (the field path before the first ": ", becoming the cause's field).
ApiError invalid_error(const std::string& kind_qualified, const std::string& name, const std::string& field_message);
ApiError bad_request_error(const std::string& message);
ApiError forbidden_error(const std::string& message);
ApiError unauthorized_error();
ApiError method_not_allowed_error();
ApiError not_acceptable_error();
ApiError unsupported_media_type_error(const std::string& content_type);
ApiError path_not_found_error();  // "the server could not find the requested resource"
ApiError internal_error(const std::string& message);

// The metav1.Status document of `error` ("kind":"Status","apiVersion":"v1", as kubectl requires).
nlohmann::json status_document(const ApiError& error);
HttpResponse error_response(const ApiError& error);
// A JSON response with Content-Type application/json.
HttpResponse json_response(int status, const nlohmann::json& body);

}  // namespace ktwin::realnet
