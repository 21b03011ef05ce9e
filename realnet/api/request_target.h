// The request target split into path segments and query parameters, percent-decoded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktwin::realnet {

struct RequestTarget {
  std::string path;                           // decoded, without the query
  std::vector<std::string> segments;          // "/api/v1/pods" -> {"api","v1","pods"}
  std::map<std::string, std::string> query;   // decoded; a repeated key keeps its last value

  // The parameter's value, or `fallback` when absent.
  std::string param(const std::string& key, const std::string& fallback = "") const;
  bool has(const std::string& key) const { return query.count(key) > 0; }
};

// "%3D" -> "=", "+" -> " " in the query only (form encoding, as Go's url.ParseQuery). nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
// nullopt on a malformed escape.
std::optional<RequestTarget> parse_target(const std::string& target);

// A REST path below /api/v1 or /apis/GROUP/VERSION.
struct ResourcePath {
  std::string group, version;  // "" and "v1" for the core group
  std::string namespace_;      // from /namespaces/NS/...; empty for cluster-wide requests
  std::string resource;        // "pods"
  std::string name;            // empty for a collection
  std::string subresource;     // "status", "scale"
};

// nullopt: not a resource path (discovery documents and unknown paths).
std::optional<ResourcePath> parse_resource_path(const std::vector<std::string>& segments);

}  // namespace ktwin::realnet
