#include "realnet/agent/field_selector.h"

#include "core/api/codec.h"

namespace ktwin::realnet {
namespace {

std::string field_value(const nlohmann::json& doc, const std::string& path) {
  const nlohmann::json* at = &doc;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!at->is_object() || !at->contains(part)) return "";
    at = &(*at)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_boolean()) return at->get<bool>() ? "true" : "false";
  if (at->is_number()) return at->dump();
  return "";
}

}  // namespace

std::optional<FieldSelector> FieldSelector::parse(std::string_view text) {
  FieldSelector sel;
  sel.text_ = std::string(text);
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    std::string_view term = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? text.size() : comma + 1;
    if (term.empty()) continue;
    Term t;
    size_t op = term.find("!=");
    size_t len = 2;
    if (op != std::string_view::npos) {
      t.equal = false;
    } else if ((op = term.find("==")) == std::string_view::npos) {
      op = term.find('=');
      len = 1;
    }
    if (op == std::string_view::npos || op == 0) return std::nullopt;
    t.field = std::string(term.substr(0, op));
    t.value = std::string(term.substr(op + len));
    sel.terms_.push_back(std::move(t));
  }
  return sel;
}

bool FieldSelector::matches(const core::Object& obj) const {
  if (terms_.empty()) return true;
  nlohmann::json doc = core::encode(obj);
  for (const Term& t : terms_)
    if ((field_value(doc, t.field) == t.value) != t.equal) return false;
  return true;
}

}  // namespace ktwin::realnet
