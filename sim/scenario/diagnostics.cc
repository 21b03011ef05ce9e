// Problem collection and the typo suggestions that go with unknown names.
#include "sim/scenario/diagnostics.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <tuple>

namespace ktwin::sim {

std::string SourceLocation::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Diagnostics::Diagnostics(std::string main_file) { files_.push_back(std::move(main_file)); }

int Diagnostics::file_rank(const std::string& file) const {
  auto it = std::find(files_.begin(), files_.end(), file);
  return static_cast<int>(it - files_.begin());
}

void Diagnostics::error(const SourceLocation& where, std::string message) {
  if (file_rank(where.file) == static_cast<int>(files_.size())) files_.push_back(where.file);
  entries_.push_back({where, std::move(message), true});
}

void Diagnostics::error(std::string line) { entries_.push_back({{}, std::move(line), false}); }

void Diagnostics::preformatted(const std::string& file, const std::string& message) {
  // "file:line:column: what": recover the position so the line sorts by it.
  if (message.rfind(file + ":", 0) == 0) {
    std::string rest = message.substr(file.size() + 1);
    int line = 0, column = 0, used = 0;
    if (std::sscanf(rest.c_str(), "%d:%d: %n", &line, &column, &used) == 2 && used > 0)
      return error(SourceLocation{file, line, column}, rest.substr(used));
  }
  error(message);
}

std::string Diagnostics::report() const {
  std::vector<const Entry*> sorted;
  for (const Entry& e : entries_) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [this](const Entry* a, const Entry* b) {
    if (a->located != b->located) return a->located;
    if (!a->located) return false;
    auto key = [this](const Entry* e) { return std::tuple(file_rank(e->where.file), e->where.line, e->where.column); };
    return key(a) < key(b);
  });
  std::string out;
  std::set<std::string> seen;
  for (const Entry* e : sorted) {
    std::string line = e->located ? e->where.to_string() + ": " + e->message : e->message;
    if (!seen.insert(line).second) continue;  // the same file applied twice reports once
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 0;
  for (const std::string& c : candidates) {
    size_t d = edit_distance(word, c);
    if (best.empty() || d < best_distance) best = c, best_distance = d;
  }
  // A typo changes a few characters; beyond a third of the word it is a different word.
  size_t limit = std::max<size_t>(1, word.size() / 3);
  return !best.empty() && best_distance <= limit && best_distance < word.size() ? best : "";
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates, std::string_view noun) {
  std::string close = closest_match(word, candidates);
  if (!close.empty()) return "(did you mean \"" + close + "\"?)";
  std::string list;
  for (const std::string& c : candidates) list += (list.empty() ? "" : ", ") + c;
  return "(" + std::string(noun) + ": " + (list.empty() ? "none" : list) + ")";
}

}  // namespace ktwin::sim
