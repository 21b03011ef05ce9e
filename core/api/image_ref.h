// Container image references as the pod spec writes them: the short name ktwin's app models are keyed
// by, shared by the simulator's runtime and the trace analysis so both read an image the same way.
#pragma once

#include <string>

namespace ktwin::core {

// Without tag, digest, or Docker Hub's implicit prefixes: "docker.io/library/mongo:4.4" -> "mongo",
// "sdelements/lets-chat@sha256:..." -> "sdelements/lets-chat", "registry:5000/app:1" -> "registry:5000/app".
std::string image_short_name(const std::string& image);

}  // namespace ktwin::core
