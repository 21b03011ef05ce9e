// decode_persisted: decode, then keep as `original` only what the typed encoding does not reproduce.
#include "realnet/storage/persisted_object.h"

#include "core/api/codec.h"

namespace ktwin::realnet {

using nlohmann::json;

json unmodelled_fields(const json& doc, const json& typed) {
  if (doc.is_object() && typed.is_object()) {
    json out = json::object();
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      auto t = typed.find(it.key());
      if (t == typed.end()) {
        out[it.key()] = it.value();
      } else if (json rest = unmodelled_fields(it.value(), *t); !rest.is_null()) {
        out[it.key()] = std::move(rest);
      }
    }
    return out.empty() ? json() : out;
  }
  // core::overlay pairs equal-length arrays element by element; null elements overlay to the typed ones.
  if (doc.is_array() && typed.is_array() && doc.size() == typed.size()) {
    json out = json::array();
    bool any = false;
    for (size_t i = 0; i < doc.size(); ++i) {
      out.push_back(unmodelled_fields(doc[i], typed[i]));
      any = any || !out.back().is_null();
    }
    return any ? out : json();
  }
  return json();  // a typed value replaces it whole
}

core::Result<core::ObjectPtr> decode_persisted(std::string_view text) {
  auto doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return core::Status::invalid("not a JSON object");
  auto decoded = core::decode(doc);
  if (!decoded.is_ok()) return decoded.status();
  std::shared_ptr<core::Object> obj = decoded.value()->clone();
  obj->original.reset();
  json rest = unmodelled_fields(doc, core::encode(*obj));
  if (!rest.is_null()) obj->original = std::make_shared<const json>(std::move(rest));
  return core::ObjectPtr(obj);
}

}  // namespace ktwin::realnet
