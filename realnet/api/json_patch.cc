// RFC 6902 over nlohmann::json with RFC 6901 pointers parsed here, so every failure names its operation.
#include "realnet/api/json_patch.h"

#include <optional>
#include <string>
#include <vector>

namespace ktwin::realnet {
namespace {

using nlohmann::json;
using Tokens = std::vector<std::string>;

// RFC 6901 section 3: "" is the whole document, otherwise "/"-separated tokens with ~1 and ~0 escapes.
std::optional<Tokens> parse_pointer(const std::string& pointer) {
  Tokens tokens;
  if (pointer.empty()) return tokens;
  if (pointer[0] != '/') return std::nullopt;
  std::string token;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(token));
      token.clear();
    } else if (pointer[i] == '~') {
      if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) return std::nullopt;
      token += pointer[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      token += pointer[i];
    }
  }
  return tokens;
}

// RFC 6901 section 4: "0" or a decimal without leading zeros.
std::optional<size_t> parse_index(const std::string& token) {
  if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) return std::nullopt;
  size_t n = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

// The value at `tokens`, or null when any step is missing.
json* find(json& doc, const Tokens& tokens, size_t count) {
  json* node = &doc;
  for (size_t i = 0; i < count; ++i) {
    if (node->is_object()) {
      auto it = node->find(tokens[i]);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      std::optional<size_t> index = parse_index(tokens[i]);
      if (!index || *index >= node->size()) return nullptr;
      node = &(*node)[*index];
    } else {
      return nullptr;
    }
  }
  return node;
}

class Applier {
 public:
  explicit Applier(json doc) : doc_(std::move(doc)) {}
  json& doc() { return doc_; }

  core::Status add(const Tokens& path, json value) {
    if (path.empty()) {
      doc_ = std::move(value);
      return core::Status::ok();
    }
    json* parent = find(doc_, path, path.size() - 1);
    if (!parent) return core::Status::invalid("the parent of the path does not exist");
    const std::string& last = path.back();
    if (parent->is_object()) {
      (*parent)[last] = std::move(value);
    } else if (parent->is_array()) {
      if (last == "-") {
        parent->push_back(std::move(value));
        return core::Status::ok();
      }
      std::optional<size_t> index = parse_index(last);
      if (!index || *index > parent->size()) return core::Status::invalid("array index out of range");
      parent->insert(parent->begin() + static_cast<std::ptrdiff_t>(*index), std::move(value));
    } else {
      return core::Status::invalid("the parent of the path is not an object or an array");
    }
    return core::Status::ok();
  }

  core::Status remove(const Tokens& path) {
    if (path.empty()) return core::Status::invalid("cannot remove the whole document");
    json* parent = find(doc_, path, path.size() - 1);
    if (!parent || !find(doc_, path, path.size())) return core::Status::invalid("the path does not exist");
    if (parent->is_object())
      parent->erase(path.back());
    else
      parent->erase(*parse_index(path.back()));
    return core::Status::ok();
  }

  core::Result<json> get(const Tokens& path) {
    json* node = find(doc_, path, path.size());
    if (!node) return core::Status::invalid("the path does not exist");
    return *node;
  }

 private:
  json doc_;
};

const json* member(const json& op, const char* name) {
  auto it = op.find(name);
  return it == op.end() ? nullptr : &*it;
}

core::Status validate_op(const json& op) {
  if (!op.is_object()) return core::Status::invalid("an operation must be an object");
  const json* name = member(op, "op");
  if (!name || !name->is_string()) return core::Status::invalid("missing \"op\"");
  const std::string& o = name->get_ref<const std::string&>();
  if (o != "add" && o != "remove" && o != "replace" && o != "move" && o != "copy" && o != "test")
    return core::Status::invalid("unknown op \"" + o + "\"");
  const json* path = member(op, "path");
  if (!path || !path->is_string()) return core::Status::invalid("missing \"path\"");
  if (!parse_pointer(path->get<std::string>()))
    return core::Status::invalid("invalid JSON pointer \"" + path->get<std::string>() + "\"");
  if (o == "move" || o == "copy") {
    const json* from = member(op, "from");
    if (!from || !from->is_string()) return core::Status::invalid("missing \"from\"");
    if (!parse_pointer(from->get<std::string>()))
      return core::Status::invalid("invalid JSON pointer \"" + from->get<std::string>() + "\"");
  }
  if ((o == "add" || o == "replace" || o == "test") && !member(op, "value"))
    return core::Status::invalid("missing \"value\"");
  return core::Status::ok();
}

std::string where(size_t index, const json& op) {
  return "json patch operation " + std::to_string(index) + " (" + op["op"].get<std::string>() + " " +
         op["path"].get<std::string>() + "): ";
}

core::Status apply_op(Applier& applier, const json& op) {
  const std::string& o = op["op"].get_ref<const std::string&>();
  Tokens path = *parse_pointer(op["path"].get<std::string>());
  if (o == "add") return applier.add(path, op["value"]);
  if (o == "remove") return applier.remove(path);
  if (o == "replace") {
    if (!find(applier.doc(), path, path.size())) return core::Status::invalid("the path does not exist");
    if (path.empty()) return applier.add(path, op["value"]);
    *find(applier.doc(), path, path.size()) = op["value"];
    return core::Status::ok();
  }
  if (o == "test") {
    core::Result<json> value = applier.get(path);
    if (!value.is_ok()) return value.status();
    // RFC 6902 section 4.6: equal by JSON value (numbers by value, objects regardless of key order).
    if (value.value() != op["value"]) return core::Status::invalid("test failed: the value differs");
    return core::Status::ok();
  }
  Tokens from = *parse_pointer(op["from"].get<std::string>());
  core::Result<json> value = applier.get(from);
  if (!value.is_ok()) return core::Status::invalid("\"from\" does not exist");
  if (o == "copy") return applier.add(path, std::move(value).value());
  // move: RFC 6902 section 4.4, "from" must not be a proper prefix of "path".
  if (from == path) return core::Status::ok();
  if (from.size() < path.size() && std::equal(from.begin(), from.end(), path.begin()))
    return core::Status::invalid("cannot move a value into one of its children");
  if (core::Status s = applier.remove(from); !s.is_ok()) return s;
  return applier.add(path, std::move(value).value());
}

}  // namespace

core::Status validate_json_patch(const nlohmann::json& patch) {
  if (!patch.is_array()) return core::Status::invalid("a json patch must be an array of operations");
  for (size_t i = 0; i < patch.size(); ++i) {
    if (core::Status s = validate_op(patch[i]); !s.is_ok())
      return core::Status::invalid("json patch operation " + std::to_string(i) + ": " + s.message());
  }
  return core::Status::ok();
}

core::Result<nlohmann::json> apply_json_patch(const nlohmann::json& original, const nlohmann::json& patch) {
  if (core::Status s = validate_json_patch(patch); !s.is_ok()) return s;
  Applier applier(original);
  for (size_t i = 0; i < patch.size(); ++i) {
    if (core::Status s = apply_op(applier, patch[i]); !s.is_ok())
      return core::Status::invalid(where(i, patch[i]) + s.message());
  }
  return std::move(applier.doc());
}

}  // namespace ktwin::realnet
