// The OCI runtime spec of a container run through containerd: containerd's default Unix spec
// (containerd oci/spec.go populateDefaultUnixSpec: mounts, capabilities, masked paths, namespaces)
// with the container's process. Pure: no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ktwin::realnet {

struct ContainerSpecInput {
  std::string id;  // the cgroup is /<namespace>/<id>, as containerd's default
  std::string ns = "ktwin";
  std::vector<std::string> args, env;
  std::string cwd = "/";
  std::string hostname;
  // The pod's network namespace (a path under /var/run/netns); empty: the host's network, as
  // hostNetwork pods (ktwin's process runtime shares it too).
  std::string netnsPath;
};

nlohmann::json container_spec(const ContainerSpecInput& in);

}  // namespace ktwin::realnet
