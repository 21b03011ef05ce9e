// Collects every problem found while loading a scenario, each with its location, for one report.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/scenario.h"

namespace ktwin::sim {

class Diagnostics {
 public:
  // Problems in `main_file` come first in the report; other files follow in order of first mention.
  explicit Diagnostics(std::string main_file);

  void error(const SourceLocation& where, std::string message);
  // A problem without a place in any file (--set): reported last, as written.
  void error(std::string line);
  // A message already shaped "file:line:column: what" (core::parse_yaml_documents); kept structured
  // when `file` prefixes it so it sorts with the rest.
  void preformatted(const std::string& file, const std::string& message);

  bool empty() const { return entries_.empty(); }
  // One line per problem, sorted by file, line and column; exact duplicates dropped.
  std::string report() const;

 private:
  struct Entry {
    SourceLocation where;
    std::string message;
    bool located = true;
  };
  int file_rank(const std::string& file) const;

  std::vector<std::string> files_;
  std::vector<Entry> entries_;
};

// The closest of `candidates` to `word` by edit distance, or "" when none is close enough to be a typo.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// `(did you mean "x"?)` when a candidate is close, else `(allowed: a, b, c)`; `noun` names the list.
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view noun = "allowed");

}  // namespace ktwin::sim
