// Helpers shared by the framework and its plugins.
#include "core/scheduler/framework.h"

#include <charconv>

namespace ktwin::core {

void default_normalize_score(int64_t max_priority, bool reverse, std::vector<NodeScore>& scores) {
  int64_t max_count = 0;
  for (const NodeScore& s : scores) max_count = std::max(max_count, s.score);
  if (max_count == 0) {
    if (reverse)
      for (NodeScore& s : scores) s.score = max_priority;
    return;
  }
  for (NodeScore& s : scores) {
    int64_t v = max_priority * s.score / max_count;
    s.score = reverse ? max_priority - v : v;
  }
}

int kube_minor(std::string_view version) {
  if (!version.empty() && version[0] == 'v') version.remove_prefix(1);
  size_t dot = version.find('.');
  if (dot == std::string_view::npos) return 20;
  std::string_view rest = version.substr(dot + 1);
  int minor = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), minor);
  return ec == std::errc() ? minor : 20;
}

}  // namespace ktwin::core
