// Standard base64 (RFC 4648, with padding): kubeconfig's *-data fields, etcd's JSON gateway.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ktwin::core {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);  // nullopt if not base64

}  // namespace ktwin::core
