// Formatting a ScheduleResult as a table.
#include "core/scheduler/explain.h"

#include <algorithm>
#include <set>
#include <vector>

namespace ktwin::core {
namespace {

std::string pad(const std::string& s, size_t width) { return s + std::string(width > s.size() ? width - s.size() : 0, ' '); }

}  // namespace

std::string explain_attempt(const Profile& profile, const ScheduleResult& r) {
  std::set<std::string> names;
  for (const auto& [n, _] : r.filter_failures) names.insert(n);
  for (const auto& [n, _] : r.scores) names.insert(n);
  for (const auto& [n, _] : r.totals) names.insert(n);
  if (!r.node.empty()) names.insert(r.node);

  const bool scored = !r.scores.empty();
  std::vector<std::string> header = {"NODE"};
  if (scored) {
    for (const auto& [plugin, weight] : profile.score)
      header.push_back(std::string(plugin->name()) + "(x" + std::to_string(weight) + ")");
    header.push_back("TOTAL");
  }
  header.push_back("FILTER");
  std::vector<std::vector<std::string>> rows;
  for (const std::string& n : names) {
    std::vector<std::string> row = {n};
    auto failure = r.filter_failures.find(n);
    if (scored) {
      auto s = r.scores.find(n);
      for (const auto& [plugin, weight] : profile.score) {
        if (s == r.scores.end()) {
          row.push_back("-");
          continue;
        }
        auto v = s->second.find(std::string(plugin->name()));
        row.push_back(v == s->second.end() ? "-" : std::to_string(v->second));
      }
      auto t = r.totals.find(n);
      row.push_back(t == r.totals.end() ? "-" : std::to_string(t->second));
    }
    if (failure != r.filter_failures.end()) {
      auto plugin = r.failed_plugin.find(n);
      row.push_back((plugin == r.failed_plugin.end() ? std::string() : plugin->second + ": ") + failure->second);
    } else {
      row.push_back(n == r.node ? "passed (chosen)" : "passed");
    }
    rows.push_back(std::move(row));
  }
  std::vector<size_t> width(header.size(), 0);
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = " ";
    for (size_t i = 0; i < cells.size(); ++i)
      out += " " + (i + 1 == cells.size() ? cells[i] : pad(cells[i], width[i]));
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  out += "  evaluated " + std::to_string(r.evaluated_nodes) + " node(s), " + std::to_string(r.feasible_nodes) +
         " feasible; ";
  if (r.node.empty())
    out += "not scheduled: " + r.message + "\n";
  else if (!scored)
    out += "chosen " + r.node + " without scoring (the only feasible node)\n";
  else {
    std::string tied;
    auto best = r.totals.find(r.node);
    for (const auto& [n, total] : r.totals)
      if (n != r.node && best != r.totals.end() && total == best->second) tied += (tied.empty() ? "" : ", ") + n;
    out += "chosen " + r.node + " (highest total" +
           (tied.empty() ? std::string(")") : "; tied with " + tied + ", picked at random from the seed)") + "\n";
  }
  return out;
}

}  // namespace ktwin::core
