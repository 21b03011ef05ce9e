// Image reference parsing, after docker's reference rules (a ':' after the last '/' starts the tag).
#include "core/api/image_ref.h"

namespace ktwin::core {

std::string image_short_name(const std::string& image) {
  std::string name = image.substr(0, image.find('@'));
  size_t slash = name.rfind('/');
  size_t colon = name.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) name.resize(colon);
  for (const char* prefix : {"docker.io/", "library/"})
    if (name.rfind(prefix, 0) == 0) name = name.substr(std::string(prefix).size());
  return name;
}

}  // namespace ktwin::core
