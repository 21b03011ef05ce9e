// Kubernetes Status answers as core::Status, and API documents as core objects.
#pragma once

#include <nlohmann/json.hpp>

#include "core/api/meta.h"
#include "core/util/status.h"
#include "realnet/api/http_message.h"

namespace ktwin::realnet {

// A non-2xx answer as the code a core::Store caller acts on: 404 NotFound, 409 AlreadyExists or
// Conflict (by the Status reason), 400/422 Invalid, 403 Forbidden, anything else Unavailable
// (k8s.io/apimachinery/pkg/api/errors: the reason decides, the code is the fallback). The message
// is the Status's message, else the body.
core::Status status_from_response(const HttpResponse& response);

// Decodes one object; items of a list carry no kind, so `kind` fills it in.
core::Result<core::ObjectPtr> decode_object(nlohmann::json doc, core::Kind kind);

}  // namespace ktwin::realnet
