// Media ranges as k/k staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go reads
// them (as, v, g parameters) for the few types ktwin answers.
#include "realnet/api/content_negotiation.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "realnet/api/discovery.h"

namespace ktwin::realnet {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = s.find(sep, start);
    out.push_back(trim(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// The media type without parameters, lower-cased.
std::string essence(std::string_view content_type) { return lower(split(content_type, ';')[0]); }

bool json_like(const MediaRange& r) {
  if (r.type == "*" && r.subtype == "*") return true;
  if (r.type != "application") return false;
  return r.subtype == "*" || r.subtype == "json" || r.subtype == "vnd.kubernetes.protobuf" || r.subtype == "yaml";
}

}  // namespace

std::vector<MediaRange> parse_accept(std::string_view accept) {
  std::vector<MediaRange> out;
  for (const std::string& part : split(accept, ',')) {
    std::vector<std::string> fields = split(part, ';');
    size_t slash = fields[0].find('/');
    if (slash == std::string::npos) continue;
    MediaRange r;
    r.type = lower(trim(fields[0].substr(0, slash)));
    r.subtype = lower(trim(fields[0].substr(slash + 1)));
    for (size_t i = 1; i < fields.size(); ++i) {
      size_t eq = fields[i].find('=');
      if (eq == std::string::npos) continue;
      std::string key = lower(trim(fields[i].substr(0, eq)));
      std::string value = trim(fields[i].substr(eq + 1));
      if (key == "as") r.as = value;
      if (key == "v") r.version = value;
      if (key == "g") r.group = value;
      if (key == "q") r.quality = std::strtod(value.c_str(), nullptr);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Negotiated negotiate(std::string_view accept, Endpoint endpoint) {
  const Negotiated json_answer{ResponseFormat::kJson, "", "application/json"};
  if (trim(accept).empty()) return json_answer;
  for (const MediaRange& r : parse_accept(accept)) {
    if (r.quality <= 0) continue;
    if (r.as.empty()) {
      if (json_like(r)) return json_answer;
      continue;
    }
    // Typed answers: only application/json;as=... ranges, and only where the endpoint can give them.
    if (r.type != "application" || r.subtype != "json") continue;
    if (endpoint == Endpoint::kResource && r.as == "Table" && r.group == "meta.k8s.io" &&
        (r.version == "v1" || r.version == "v1beta1"))
      return {ResponseFormat::kTable, r.version, "application/json;as=Table;v=" + r.version + ";g=meta.k8s.io"};
    if (endpoint == Endpoint::kDiscoveryRoot && r.as == "APIGroupDiscoveryList" &&
        r.group == "apidiscovery.k8s.io" && (r.version == "v2" || r.version == "v2beta1"))
      return {ResponseFormat::kAggregatedDiscovery, r.version, aggregated_discovery_content_type(r.version)};
  }
  return {ResponseFormat::kNotAcceptable, "", "application/json"};
}

std::optional<PatchType> parse_patch_type(std::string_view content_type) {
  std::string type = essence(content_type);
  if (type == "application/json-patch+json") return PatchType::kJsonPatch;
  if (type == "application/merge-patch+json") return PatchType::kMergePatch;
  if (type == "application/strategic-merge-patch+json") return PatchType::kStrategicMergePatch;
  if (type == "application/apply-patch+yaml") return PatchType::kApplyPatch;
  return std::nullopt;
}

bool is_json_body(std::string_view content_type) {
  std::string type = essence(content_type);
  return type.empty() || type == "application/json";
}

}  // namespace ktwin::realnet
