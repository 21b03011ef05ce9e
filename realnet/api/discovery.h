// Discovery: /version, /api, /apis, /api/v1, /apis/GROUP/VERSION, the aggregated form kubectl 1.32 prefers,
// the OpenAPI answers `kubectl apply` needs, and the table of resources the server serves.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/meta.h"

namespace ktwin::realnet {

struct ApiSubresource {
  std::string_view name;                  // "scale", "status", "eviction"
  std::string_view group, version, kind;  // of its body: autoscaling/v1 Scale; empty group and version: the parent's
  std::vector<std::string_view> verbs;
};

// One resource as discovery lists it (k/k staging/src/k8s.io/apimachinery/pkg/apis/meta/v1 APIResource).
struct ApiResource {
  core::Kind kind;
  std::string_view group, version;  // "" and "v1" for the legacy group
  std::string_view plural, singular;
  std::vector<std::string_view> short_names, categories, verbs;
  std::vector<ApiSubresource> subresources;
  std::string group_version() const;  // "v1", "apps/v1"
};

// Every resource ktwin serves, one per core::Kind, in discovery order.
const std::vector<ApiResource>& api_resources();
// The resource `plural` of group/version ("" for the legacy group), or null.
const ApiResource* find_api_resource(std::string_view group, std::string_view version, std::string_view plural);
const ApiResource& api_resource(core::Kind kind);

// GET /version: major and minor parsed from `git_version` ("v1.20.4+k3s1" gives "1" and "20"); the
// google-cloud kubectl dispatcher picks its client by them.
nlohmann::json version_info(const std::string& git_version);
// GET /api: APIVersions {"versions":["v1"]}, with serverAddressByClientCIDRs when the address is not empty.
nlohmann::json legacy_api_versions(const std::string& server_address);
// GET /apis: APIGroupList, one group per non-legacy group of api_resources().
nlohmann::json api_group_list();
// GET /api/v1, /apis/apps/v1, ...: APIResourceList with each resource and its subresources
// ("deployments/scale" of kind autoscaling/v1 Scale); nullopt for a group version ktwin does not serve.
std::optional<nlohmann::json> api_resource_list(const std::string& group_version);

// The aggregated discovery media type for `version` ("v2" or "v2beta1"), the Content-Type by which
// kubectl 1.32 recognises the answer (client-go discovery_client.go).
std::string aggregated_discovery_content_type(std::string_view version = "v2");
// GET /api (legacy) or /apis with the aggregated Accept: an APIGroupDiscoveryList of apidiscovery.k8s.io/
// `version`. kubectl uses it only when both /api and /apis answer in this form.
nlohmann::json aggregated_discovery(bool legacy, std::string_view version = "v2");

// GET /openapi/v2: 200, an empty body (an empty gnostic Document: validation finds no schema and skips)
// with this Content-Type, never the "@" form kubectl asks for, which is no legal MIME type (kubectl-wire §3.1;
// kubernetes/kube-openapi pkg/handler/handler.go). /openapi/v3 and /swagger-2.0.0.pb-v1 answer 404.
inline constexpr std::string_view kOpenApiV2ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

}  // namespace ktwin::realnet
