// Discovery documents in the shapes kube-apiserver serves (k/k staging/src/k8s.io/apiserver/pkg/endpoints/
// discovery/ and .../apidiscovery/v2 types), from one table of resources.
#include "realnet/api/discovery.h"

#include <cctype>
#include <set>

#include "core/util/status.h"

namespace ktwin::realnet {
namespace {

using nlohmann::json;

const std::vector<std::string_view> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                                 "list",   "patch",  "update",           "watch"};
const std::vector<std::string_view> kSubVerbs = {"get", "patch", "update"};

ApiSubresource status_sub() { return {"status", "", "", "", kSubVerbs}; }
ApiSubresource scale_sub() { return {"scale", "autoscaling", "v1", "Scale", kSubVerbs}; }

json strings(const std::vector<std::string_view>& v) {
  json out = json::array();
  for (std::string_view s : v) out.push_back(std::string(s));
  return out;
}

std::string sub_group(const ApiResource& r, const ApiSubresource& s) {
  return std::string(s.kind.empty() ? r.group : s.group);
}
std::string sub_version(const ApiResource& r, const ApiSubresource& s) {
  return std::string(s.kind.empty() ? r.version : s.version);
}
std::string sub_kind(const ApiResource& r, const ApiSubresource& s) {
  return std::string(s.kind.empty() ? core::kind_name(r.kind) : s.kind);
}

// metav1.APIResource entries: the resource, then "plural/sub" entries.
void add_legacy_entries(const ApiResource& r, json& out) {
  const bool namespaced = core::is_namespaced(r.kind);
  json entry = {{"name", std::string(r.plural)},
                {"singularName", std::string(r.singular)},
                {"namespaced", namespaced},
                {"kind", std::string(core::kind_name(r.kind))},
                {"verbs", strings(r.verbs)}};
  if (!r.short_names.empty()) entry["shortNames"] = strings(r.short_names);
  if (!r.categories.empty()) entry["categories"] = strings(r.categories);
  out.push_back(std::move(entry));
  for (const ApiSubresource& s : r.subresources) {
    json sub = {{"name", std::string(r.plural) + "/" + std::string(s.name)},
                {"singularName", ""},
                {"namespaced", namespaced},
                {"kind", sub_kind(r, s)},
                {"verbs", strings(s.verbs)}};
    // group and version are set only when they differ from the parent's (deployments/scale: autoscaling/v1).
    if (!s.kind.empty()) {
      sub["group"] = std::string(s.group);
      sub["version"] = std::string(s.version);
    }
    out.push_back(std::move(sub));
  }
}

json aggregated_resource(const ApiResource& r) {
  json entry = {{"resource", std::string(r.plural)},
                {"responseKind",
                 {{"group", std::string(r.group)}, {"version", std::string(r.version)},
                  {"kind", std::string(core::kind_name(r.kind))}}},
                {"scope", core::is_namespaced(r.kind) ? "Namespaced" : "Cluster"},
                {"singularResource", std::string(r.singular)},
                {"verbs", strings(r.verbs)}};
  if (!r.short_names.empty()) entry["shortNames"] = strings(r.short_names);
  if (!r.categories.empty()) entry["categories"] = strings(r.categories);
  json subs = json::array();
  for (const ApiSubresource& s : r.subresources)
    subs.push_back({{"subresource", std::string(s.name)},
                    {"responseKind", {{"group", sub_group(r, s)}, {"version", sub_version(r, s)}, {"kind", sub_kind(r, s)}}},
                    {"verbs", strings(s.verbs)}});
  if (!subs.empty()) entry["subresources"] = std::move(subs);
  return entry;
}

// Non-legacy groups in the order of api_resources(), each with its one version.
std::vector<std::pair<std::string, std::string>> groups() {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const ApiResource& r : api_resources())
    if (!r.group.empty() && seen.insert(std::string(r.group)).second)
      out.emplace_back(std::string(r.group), std::string(r.version));
  return out;
}

}  // namespace

std::string ApiResource::group_version() const {
  return group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
}

const std::vector<ApiResource>& api_resources() {
  // Short names and categories as kube-apiserver 1.20 lists them (kubectl-wire §1: kubectl has no
  // built-in fallback, so `get deploy` needs "deploy" here; categories "all" serve `kubectl get all`).
  static const std::vector<ApiResource> kResources = {
      {core::Kind::kPod, "", "v1", "pods", "pod", {"po"}, {"all"}, kAllVerbs,
       {status_sub(), {"eviction", "policy", "v1", "Eviction", {"create"}}}},
      {core::Kind::kNode, "", "v1", "nodes", "node", {"no"}, {}, kAllVerbs, {status_sub()}},
      {core::Kind::kService, "", "v1", "services", "service", {"svc"}, {"all"}, kAllVerbs, {status_sub()}},
      {core::Kind::kEndpoints, "", "v1", "endpoints", "endpoints", {"ep"}, {}, kAllVerbs, {}},
      {core::Kind::kDeployment, "apps", "v1", "deployments", "deployment", {"deploy"}, {"all"}, kAllVerbs,
       {scale_sub(), status_sub()}},
      {core::Kind::kReplicaSet, "apps", "v1", "replicasets", "replicaset", {"rs"}, {"all"}, kAllVerbs,
       {scale_sub(), status_sub()}},
      {core::Kind::kIngress, "networking.k8s.io", "v1", "ingresses", "ingress", {"ing"}, {}, kAllVerbs,
       {status_sub()}},
      {core::Kind::kPodDisruptionBudget, "policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", {"pdb"}, {},
       kAllVerbs, {status_sub()}},
      {core::Kind::kLease, "coordination.k8s.io", "v1", "leases", "lease", {}, {}, kAllVerbs, {}},
      {core::Kind::kEvent, "", "v1", "events", "event", {"ev"}, {}, kAllVerbs, {}},
      {core::Kind::kNamespace, "", "v1", "namespaces", "namespace", {"ns"}, {}, kAllVerbs, {}},
  };
  return kResources;
}

const ApiResource* find_api_resource(std::string_view group, std::string_view version, std::string_view plural) {
  for (const ApiResource& r : api_resources())
    if (r.group == group && r.version == version && r.plural == plural) return &r;
  return nullptr;
}

const ApiResource& api_resource(core::Kind kind) {
  const ApiResource* found = nullptr;
  for (const ApiResource& r : api_resources())
    if (r.kind == kind) found = &r;
  KT_CHECK(found, "api_resource: a kind without a resource");
  return *found;
}

json version_info(const std::string& git_version) {
  // "v1.20.4+k3s1": major "1", minor "20" (digits only, as kube-apiserver's version.Info).
  std::string major, minor;
  size_t i = git_version.rfind('v', 0) == 0 ? 1 : 0;
  while (i < git_version.size() && std::isdigit(static_cast<unsigned char>(git_version[i]))) major += git_version[i++];
  if (i < git_version.size() && git_version[i] == '.') ++i;
  while (i < git_version.size() && std::isdigit(static_cast<unsigned char>(git_version[i]))) minor += git_version[i++];
#if defined(__aarch64__)
  const char* platform = "linux/arm64";
#else
  const char* platform = "linux/amd64";
#endif
  return {{"major", major},       {"minor", minor},         {"gitVersion", git_version},
          {"gitCommit", "0"},     {"gitTreeState", "clean"}, {"buildDate", "2021-02-22T00:00:00Z"},
          {"goVersion", "go1.15.8"}, {"compiler", "gc"},     {"platform", platform}};
}

json legacy_api_versions(const std::string& server_address) {
  json out = {{"kind", "APIVersions"}, {"versions", {"v1"}}};
  if (!server_address.empty())
    out["serverAddressByClientCIDRs"] = json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}});
  return out;
}

json api_group_list() {
  json list = json::array();
  for (const auto& [group, version] : groups()) {
    json gv = {{"groupVersion", group + "/" + version}, {"version", version}};
    list.push_back({{"name", group}, {"versions", json::array({gv})}, {"preferredVersion", gv}});
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(list)}};
}

std::optional<json> api_resource_list(const std::string& group_version) {
  json resources = json::array();
  for (const ApiResource& r : api_resources())
    if (r.group_version() == group_version) add_legacy_entries(r, resources);
  if (resources.empty()) return std::nullopt;
  return json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", group_version},
              {"resources", std::move(resources)}};
}

std::string aggregated_discovery_content_type(std::string_view version) {
  return "application/json;g=apidiscovery.k8s.io;v=" + std::string(version) + ";as=APIGroupDiscoveryList";
}

json aggregated_discovery(bool legacy, std::string_view version) {
  json items = json::array();
  auto group_item = [](const std::string& group, const std::string& version_name) {
    json resources = json::array();
    for (const ApiResource& r : api_resources())
      if (r.group == group && r.version == version_name) resources.push_back(aggregated_resource(r));
    json metadata = group.empty() ? json::object() : json{{"name", group}};
    return json{{"metadata", std::move(metadata)},
                {"versions", json::array({{{"version", version_name}, {"resources", std::move(resources)},
                                           {"freshness", "Current"}}})}};
  };
  if (legacy) {
    items.push_back(group_item("", "v1"));
  } else {
    for (const auto& [group, version_name] : groups()) items.push_back(group_item(group, version_name));
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/" + std::string(version)},
          {"metadata", json::object()},
          {"items", std::move(items)}};
}

}  // namespace ktwin::realnet
