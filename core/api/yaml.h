// YAML <-> JSON for manifests: YAML 1.2 core-schema scalars, with each document's source position.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace YAML {
class Node;
}

namespace ktwin::core {

// Plain scalars become null, booleans, integers or floats where YAML 1.2's core schema says so;
// quoted scalars stay strings.
nlohmann::json yaml_to_json(const YAML::Node& node);
std::string json_to_yaml(const nlohmann::json& doc);

struct YamlDocument {
  nlohmann::json doc;
  int line = 0, column = 0;  // 1-based position of the document's first node
};

// Every non-empty document of a multi-document YAML text. On a syntax error the Status message is
// "file:line:column: what is wrong".
Result<std::vector<YamlDocument>> parse_yaml_documents(const std::string& text, const std::string& file_name);

}  // namespace ktwin::core
