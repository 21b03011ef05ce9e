// Decoding a persisted object for a restart. core::decode keeps the whole document as the object's
// `original`, under which encoding lays the typed fields: for a stored document that would keep every
// field ever written, so a taint or label removed after the restart would reappear in what is served
// and stored. Only the fields ktwin does not model are kept as `original`.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/api/meta.h"
#include "core/util/status.h"

namespace ktwin::realnet {

// The parts of `doc` that `typed` (the encoding of what was decoded from it) does not produce; null
// when there are none.
nlohmann::json unmodelled_fields(const nlohmann::json& doc, const nlohmann::json& typed);

// Parses and decodes a stored object; Invalid with the codec's message (or "not a JSON object").
core::Result<core::ObjectPtr> decode_persisted(std::string_view text);

}  // namespace ktwin::realnet
