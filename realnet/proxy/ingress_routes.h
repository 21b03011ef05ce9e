// Which Service an HTTP request to the ingress proxy goes to, by Ingress host and path rules (pure).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/service.h"
#include "core/store/store.h"
#include "realnet/proxy/service_routes.h"

namespace ktwin::realnet {

struct IngressTarget {
  std::string ns, service;
  int32_t port_number = 0;  // 0: by port_name
  std::string port_name;
};

// The target of the most specific match, as the Ingress spec defines it (networking/v1 types.go):
// an exact host before a wildcard "*.example.com" (one label), a rule without host matches every
// host; among paths, Exact before Prefix, the longest Prefix (matched by '/'-separated element) wins.
std::optional<IngressTarget> match_ingress(const std::vector<std::shared_ptr<const core::Ingress>>& ingresses,
                                           std::string_view host, std::string_view path);

// The ready endpoints of `target`, resolved through its Service's port.
std::vector<Backend> ingress_backends(const core::Store& store, const IngressTarget& target);

}  // namespace ktwin::realnet
