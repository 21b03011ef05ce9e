// Typed, located reads from yaml-cpp nodes: each bad value becomes a Diagnostics entry, never a throw.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/diagnostics.h"

namespace ktwin::sim {

// A mapping's entries after its keys were checked. Absent keys read as an undefined node.
class Fields {
 public:
  bool has(const std::string& key) const { return values_.count(key) > 0; }
  const YAML::Node& get(const std::string& key) const;
  // Where the key was written: the best place to blame a missing or empty value.
  YAML::Mark key_mark(const std::string& key) const { return key_marks_.at(key); }
  // Where the value was written, or its key when the value is empty (yaml-cpp places nulls badly).
  YAML::Mark value_mark(const std::string& key) const { return value_marks_.at(key); }
  const std::vector<std::string>& keys() const { return order_; }  // as written
  YAML::Mark mark;  // of the mapping itself

 private:
  friend class YamlReader;
  std::map<std::string, YAML::Node> values_;
  std::map<std::string, YAML::Mark> key_marks_, value_marks_;
  std::vector<std::string> order_;
};

// Reads one file's nodes; every method reports its own errors and returns nullopt on a bad value.
class YamlReader {
 public:
  YamlReader(Diagnostics& diagnostics, std::string file) : diagnostics_(diagnostics), file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  Diagnostics& diagnostics() { return diagnostics_; }
  SourceLocation where(const YAML::Mark& mark) const;
  SourceLocation where(const YAML::Node& node) const { return where(node.Mark()); }
  void error(const YAML::Mark& mark, std::string message);
  void error(const YAML::Node& node, std::string message) { error(node.Mark(), std::move(message)); }

  // A mapping whose keys are all in `allowed` and none repeated; `context` names it in messages
  // ("controlPlane", "timeline entry"). `allowed` empty accepts any key (apps, labels).
  // In a flow mapping, `{snapshot: get deploy,rs,po}` splits at the commas into the key "snapshot"
  // and empty keys "rs" and "po"; for the keys in `comma_joined` such pieces are joined back.
  std::optional<Fields> map(const YAML::Node& node, std::string_view context, const std::vector<std::string>& allowed,
                            const std::vector<std::string>& comma_joined = {});
  std::optional<std::vector<YAML::Node>> sequence(const YAML::Node& node, std::string_view context);

  // Typed values of f.get(key). REQUIRES: f.has(key).
  std::optional<std::string> scalar(const Fields& f, const std::string& key);
  std::optional<int64_t> integer(const Fields& f, const std::string& key, int64_t min);
  std::optional<Duration> duration(const Fields& f, const std::string& key);
  std::optional<std::string> quantity(const Fields& f, const std::string& key);
  // A list of scalars; a single scalar counts as a list of one when `allow_single`.
  std::optional<std::vector<std::pair<std::string, YAML::Mark>>> scalars(const Fields& f, const std::string& key,
                                                                          bool allow_single);
  // Reports `missing key "KEY" in CONTEXT` when absent.
  bool require(const Fields& f, const std::string& key, std::string_view context);

  YAML::Mark value_mark(const Fields& f, const std::string& key) const { return f.value_mark(key); }

 private:
  Diagnostics& diagnostics_;
  std::string file_;
};

// Shared value checks, also used by --set: nullopt when fine, else the message.
std::optional<std::string> check_duration(const std::string& text);
std::optional<std::string> check_integer(const std::string& text, int64_t min);
std::optional<std::string> check_float(const std::string& text);
std::string bad_duration_message(const std::string& text);

}  // namespace ktwin::sim
