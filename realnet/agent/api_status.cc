#include "realnet/agent/api_status.h"

#include "core/api/codec.h"

namespace ktwin::realnet {

core::Status status_from_response(const HttpResponse& response) {
  std::string reason, message;
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_object() && doc.value("kind", "") == "Status") {
    if (doc.contains("reason") && doc["reason"].is_string()) reason = doc["reason"].get<std::string>();
    if (doc.contains("message") && doc["message"].is_string()) message = doc["message"].get<std::string>();
  }
  if (message.empty()) message = response.body.empty() ? "HTTP " + std::to_string(response.status) : response.body;
  if (message.size() > 500) message = message.substr(0, 500) + "...";
  if (reason == "AlreadyExists") return core::Status::already_exists(message);
  if (reason == "Conflict") return core::Status::conflict(message);
  if (reason == "NotFound") return core::Status::not_found(message);
  if (reason == "Invalid" || reason == "BadRequest") return core::Status::invalid(message);
  if (reason == "Forbidden") return core::Status::forbidden(message);
  switch (response.status) {
    case 404: return core::Status::not_found(message);
    case 409: return core::Status::conflict(message);
    case 400:
    case 422: return core::Status::invalid(message);
    case 403: return core::Status::forbidden(message);
    default: return core::Status::unavailable("HTTP " + std::to_string(response.status) + ": " + message);
  }
}

core::Result<core::ObjectPtr> decode_object(nlohmann::json doc, core::Kind kind) {
  if (!doc.is_object()) return core::Status::invalid("expected a JSON object");
  if (!doc.contains("kind")) doc["kind"] = std::string(core::kind_name(kind));
  if (!doc.contains("apiVersion")) doc["apiVersion"] = std::string(core::api_version(kind));
  auto obj = core::decode(doc);
  if (obj.is_ok() && obj.value()->kind() != kind)
    return core::Status::invalid("expected a " + std::string(core::kind_name(kind)) + ", got " +
                                 doc.value("kind", ""));
  return obj;
}

}  // namespace ktwin::realnet
