// YAML conversion on yaml-cpp; exceptions are caught here, at the edge.
#include "core/api/yaml.h"

#include <yaml-cpp/yaml.h>

#include <regex>

namespace ktwin::core {
namespace {

using json = nlohmann::json;

json plain_scalar(const std::string& s) {
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kHex("0x[0-9a-fA-F]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, kInt)) {
    try {
      return std::stoll(s);
    } catch (...) {
      return s;
    }
  }
  if (std::regex_match(s, kHex)) return std::stoll(s, nullptr, 16);
  if (std::regex_match(s, kFloat)) return std::stod(s);
  return s;
}

void emit(YAML::Emitter& out, const json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out << YAML::Key << it.key() << YAML::Value;
      emit(out, it.value());
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const json& e : j) emit(out, e);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    std::string s = j.get<std::string>();
    // Quote strings that would read back as another type ("true", "80", "").
    if (!plain_scalar(s).is_string()) out << YAML::SingleQuoted << s;
    else out << s;
  } else if (j.is_null()) {
    out << YAML::Null;
  } else {
    out << j.dump();
  }
}

}  // namespace

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json o = json::object();
      for (auto it = node.begin(); it != node.end(); ++it) o[it->first.as<std::string>()] = yaml_to_json(it->second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (auto it = node.begin(); it != node.end(); ++it) a.push_back(yaml_to_json(*it));
      return a;
    }
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      return node.Tag() == "!" ? json(node.Scalar()) : plain_scalar(node.Scalar());
    default:
      return nullptr;
  }
}

std::string json_to_yaml(const json& doc) {
  YAML::Emitter out;
  emit(out, doc);
  return std::string(out.c_str()) + "\n";
}

Result<std::vector<YamlDocument>> parse_yaml_documents(const std::string& text, const std::string& file_name) {
  try {
    std::vector<YamlDocument> docs;
    for (const YAML::Node& node : YAML::LoadAll(text)) {
      if (!node.IsDefined() || node.IsNull()) continue;
      docs.push_back({yaml_to_json(node), node.Mark().line + 1, node.Mark().column + 1});
    }
    return docs;
  } catch (const YAML::Exception& e) {
    return Status::invalid(file_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

}  // namespace ktwin::core
