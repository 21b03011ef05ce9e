// Kubernetes resource quantities ("500m", "2", "3Gi", "1e3"): parsed to a milli-unit integer, text kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktwin::core {

class Quantity {
 public:
  Quantity() = default;
  static std::optional<Quantity> parse(std::string_view text);
  static Quantity from_milli(int64_t milli);  // prints canonically: "250m", "2"
  static Quantity from_value(int64_t value);  // prints as a plain integer

  int64_t milli_value() const { return milli_; }
  // Value rounded up to a whole unit, as resource.Quantity.Value() does.
  int64_t value() const { return (milli_ + 999) / 1000; }
  const std::string& text() const { return text_; }
  bool is_zero() const { return milli_ == 0; }
  bool operator==(const Quantity& o) const { return milli_ == o.milli_; }

 private:
  int64_t milli_ = 0;
  std::string text_ = "0";
};

}  // namespace ktwin::core
