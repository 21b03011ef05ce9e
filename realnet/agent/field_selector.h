// Field selectors as list and watch requests carry them ("spec.nodeName=worker1,metadata.name!=x"),
// matched against an object's JSON form, so one matcher serves every kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/meta.h"

namespace ktwin::realnet {

class FieldSelector {
 public:
  FieldSelector() = default;  // empty: matches everything
  // "a.b=v", "a.b==v", "a.b!=v", comma-separated (k8s.io/apimachinery/pkg/fields/selector.go).
  // nullopt on a term without an operator or with an empty field.
  static std::optional<FieldSelector> parse(std::string_view text);

  bool empty() const { return terms_.empty(); }
  // A missing field matches "" (fields.Set lookups of absent keys give "").
  bool matches(const core::Object& obj) const;
  const std::string& text() const { return text_; }

 private:
  struct Term {
    std::string field, value;
    bool equal = true;
  };
  std::vector<Term> terms_;
  std::string text_;
};

}  // namespace ktwin::realnet
