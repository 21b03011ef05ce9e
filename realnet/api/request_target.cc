// Target parsing: the URL shapes kube-apiserver routes (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
#include "realnet/api/request_target.h"

namespace ktwin::realnet {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string RequestTarget::param(const std::string& key, const std::string& fallback) const {
  auto it = query.find(key);
  return it == query.end() ? fallback : it->second;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<RequestTarget> parse_target(const std::string& target) {
  RequestTarget out;
  std::string_view raw(target);
  std::string_view raw_path = raw, raw_query;
  if (auto q = raw.find('?'); q != std::string_view::npos) {
    raw_path = raw.substr(0, q);
    raw_query = raw.substr(q + 1);
  }
  auto path = percent_decode(raw_path, false);
  if (!path) return std::nullopt;
  out.path = *path;
  size_t start = 0;
  while (start <= out.path.size()) {
    size_t slash = out.path.find('/', start);
    if (slash == std::string::npos) slash = out.path.size();
    if (slash > start) out.segments.push_back(out.path.substr(start, slash - start));
    start = slash + 1;
  }
  while (!raw_query.empty()) {
    size_t amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    out.query[*key] = *value;
  }
  return out;
}

std::optional<ResourcePath> parse_resource_path(const std::vector<std::string>& segments) {
  ResourcePath p;
  size_t i = 0;
  if (segments.size() >= 2 && segments[0] == "api") {
    p.version = segments[1];
    i = 2;
  } else if (segments.size() >= 3 && segments[0] == "apis") {
    p.group = segments[1];
    p.version = segments[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  std::vector<std::string> rest(segments.begin() + static_cast<long>(i), segments.end());
  if (rest.empty()) return std::nullopt;  // /api/v1: a discovery document
  // /namespaces/NS/RESOURCE/...; but /namespaces, /namespaces/NS and /namespaces/NS/status address
  // the Namespace itself (requestinfo.go: namespaceSubresources).
  if (rest[0] == "namespaces" && rest.size() >= 3 && rest[2] != "status" && rest[2] != "finalize") {
    p.namespace_ = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.size() > 3) return std::nullopt;
  p.resource = rest[0];
  if (rest.size() >= 2) p.name = rest[1];
  if (rest.size() == 3) p.subresource = rest[2];
  return p;
}

}  // namespace ktwin::realnet
