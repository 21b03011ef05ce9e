// Request bodies: patches by Content-Type (k/k staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go)
// and the Status of each store outcome.
#include "realnet/api/request_body.h"

#include <charconv>

#include "realnet/api/content_negotiation.h"
#include "realnet/api/json_patch.h"
#include "realnet/api/merge_patch.h"
#include "realnet/api/resources.h"
#include "realnet/api/strategic_merge_patch.h"

namespace ktwin::realnet {

using json = nlohmann::json;

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


core::Result<json> apply_request_patch(const std::string& content_type, const json& original, const std::string& body,
                                       std::optional<core::Kind> kind, ApiError& error) {
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


ApiError store_error(const core::Status& s, const ApiResource& info, const std::string& name) {
  switch (s.code()) {
    case core::Status::Code::kNotFound: return not_found_error(qualified_resource(info), name);
    case core::Status::Code::kAlreadyExists: return already_exists_error(qualified_resource(info), name);
    case core::Status::Code::kConflict: {
      bool precondition = s.message().find("Precondition failed") != std::string::npos;
      std::string why = precondition ? s.message().substr(s.message().find("Precondition failed")) : kObjectModified;
      return conflict_error(qualified_resource(info), name, why);
    }
    case core::Status::Code::kInvalid: return invalid_error(qualified_kind(info), name, s.message());
    case core::Status::Code::kForbidden: return forbidden_error(s.message());
    case core::Status::Code::kUnavailable: return ApiError{503, "ServiceUnavailable", s.message(), json::object()};
    default: return internal_error(s.message());
  }
}


}  // namespace ktwin::realnet
