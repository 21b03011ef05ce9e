// Located reads: yaml-cpp positions are 0-based, messages are 1-based.
#include "sim/scenario/yaml_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "core/util/quantity.h"

namespace ktwin::sim {

const YAML::Node& Fields::get(const std::string& key) const {
  static const YAML::Node kUndefined = YAML::Node(YAML::NodeType::Undefined);
  auto it = values_.find(key);
  return it == values_.end() ? kUndefined : it->second;
}

SourceLocation YamlReader::where(const YAML::Mark& mark) const {
  if (mark.is_null()) return {file_, 1, 1};
  return {file_, mark.line + 1, mark.column + 1};
}

void YamlReader::error(const YAML::Mark& mark, std::string message) {
  diagnostics_.error(where(mark), std::move(message));
}

std::optional<Fields> YamlReader::map(const YAML::Node& node, std::string_view context,
                                      const std::vector<std::string>& allowed,
                                      const std::vector<std::string>& comma_joined) {
  if (!node.IsMap()) {
    error(node, std::string(context) + " must be a mapping (key: value)");
    return std::nullopt;
  }
  Fields f;
  f.mark = node.Mark();
  std::string joining;  // the comma_joined key just read, while its pieces may follow
  auto is_in = [](const std::vector<std::string>& list, const std::string& key) {
    return std::find(list.begin(), list.end(), key) != list.end();
  };
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(it->first, "keys of " + std::string(context) + " must be plain names");
      continue;
    }
    std::string key = it->first.Scalar();
    bool known = allowed.empty() || is_in(allowed, key);
    if (!known && !joining.empty() && it->second.IsNull()) {
      f.values_[joining] = YAML::Node(f.values_[joining].Scalar() + "," + key);
      continue;
    }
    joining.clear();
    if (!known) {
      error(it->first, "unknown key \"" + key + "\" in " + std::string(context) + " " + suggestion(key, allowed));
      continue;
    }
    // yaml-cpp keeps both of a repeated key; the second would silently win elsewhere.
    if (f.values_.count(key)) {
      error(it->first, "duplicate key \"" + key + "\" in " + std::string(context) + " (first at line " +
                           std::to_string(f.key_marks_[key].line + 1) + ")");
      continue;
    }
    f.values_[key] = it->second;
    f.key_marks_[key] = it->first.Mark();
    f.value_marks_[key] = it->second.IsNull() ? it->first.Mark() : it->second.Mark();
    if (it->second.IsScalar() && is_in(comma_joined, key)) joining = key;
    f.order_.push_back(key);
  }
  return f;
}

std::optional<std::vector<YAML::Node>> YamlReader::sequence(const YAML::Node& node, std::string_view context) {
  if (node.IsNull()) return std::vector<YAML::Node>{};
  if (!node.IsSequence()) {
    error(node, std::string(context) + " must be a list");
    return std::nullopt;
  }
  std::vector<YAML::Node> items;
  for (const YAML::Node& item : node) items.push_back(item);
  return items;
}

bool YamlReader::require(const Fields& f, const std::string& key, std::string_view context) {
  if (f.has(key)) return true;
  error(f.mark, "missing key \"" + key + "\" in " + std::string(context));
  return false;
}

std::optional<std::string> YamlReader::scalar(const Fields& f, const std::string& key) {
  const YAML::Node& v = f.get(key);
  if (v.IsScalar()) return v.Scalar();
  error(value_mark(f, key), key + " needs a single value" + (v.IsNull() ? "" : ", not a list or mapping"));
  return std::nullopt;
}

std::optional<int64_t> YamlReader::integer(const Fields& f, const std::string& key, int64_t min) {
  auto text = scalar(f, key);
  if (!text) return std::nullopt;
  if (auto problem = check_integer(*text, min)) {
    error(value_mark(f, key), *problem);
    return std::nullopt;
  }
  return std::stoll(*text);
}

std::optional<Duration> YamlReader::duration(const Fields& f, const std::string& key) {
  auto text = scalar(f, key);
  if (!text) return std::nullopt;
  if (auto problem = check_duration(*text)) {
    error(value_mark(f, key), *problem);
    return std::nullopt;
  }
  return core::parse_go_duration(*text);
}

std::optional<std::string> YamlReader::quantity(const Fields& f, const std::string& key) {
  auto text = scalar(f, key);
  if (!text) return std::nullopt;
  if (!core::Quantity::parse(*text)) {
    error(value_mark(f, key), "bad quantity \"" + *text + "\": use a Kubernetes quantity such as 500m, 2, 3Gi");
    return std::nullopt;
  }
  return text;
}

std::optional<std::vector<std::pair<std::string, YAML::Mark>>> YamlReader::scalars(const Fields& f,
                                                                                   const std::string& key,
                                                                                   bool allow_single) {
  const YAML::Node& v = f.get(key);
  std::vector<std::pair<std::string, YAML::Mark>> out;
  if (allow_single && v.IsScalar()) {
    out.emplace_back(v.Scalar(), v.Mark());
    return out;
  }
  if (!v.IsSequence()) {
    error(value_mark(f, key), key + (allow_single ? " needs a value or a list of values" : " needs a list"));
    return std::nullopt;
  }
  bool ok = true;
  for (const YAML::Node& item : v) {
    if (item.IsScalar()) {
      out.emplace_back(item.Scalar(), item.Mark());
    } else {
      error(item, "items of " + key + " must be single values");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::string bad_duration_message(const std::string& text) {
  return "bad duration \"" + text + "\": use Go's format such as 90s, 5m, 1h30m";
}

std::optional<std::string> check_duration(const std::string& text) {
  auto d = core::parse_go_duration(text);
  if (!d) return bad_duration_message(text);
  if (d->count() < 0) return "bad duration \"" + text + "\": must not be negative";
  return std::nullopt;
}

std::optional<std::string> check_integer(const std::string& text, int64_t min) {
  static const std::regex kInteger("[-+]?[0-9]+");
  if (!std::regex_match(text, kInteger)) return "bad integer \"" + text + "\": expected a whole number such as 300";
  errno = 0;
  long long v = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE) return "bad integer \"" + text + "\": out of range";
  if (v < min) return "bad integer \"" + text + "\": must be at least " + std::to_string(min);
  return std::nullopt;
}

std::optional<std::string> check_float(const std::string& text) {
  static const std::regex kFloat("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
  if (!std::regex_match(text, kFloat) || !std::isfinite(std::strtod(text.c_str(), nullptr)))
    return "bad number \"" + text + "\": expected a number such as 0.1";
  if (std::strtod(text.c_str(), nullptr) < 0) return "bad number \"" + text + "\": must not be negative";
  return std::nullopt;
}

}  // namespace ktwin::sim
