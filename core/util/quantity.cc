// Quantity parsing: decimal (k, M, G, T, P, E, m) and binary (Ki..Ei) suffixes and exponents.
#include "core/util/quantity.h"

#include <cmath>
#include <utility>

namespace ktwin::core {
namespace {

struct Suffix {
  std::string_view text;
  long double factor;
};
constexpr Suffix kSuffixes[] = {
    {"Ki", 1024.0L}, {"Mi", 1048576.0L}, {"Gi", 1073741824.0L}, {"Ti", 1099511627776.0L},
    {"Pi", 1125899906842624.0L}, {"Ei", 1152921504606846976.0L}, {"n", 1e-9L}, {"u", 1e-6L},
    {"m", 1e-3L}, {"k", 1e3L}, {"M", 1e6L}, {"G", 1e9L}, {"T", 1e12L}, {"P", 1e15L}, {"E", 1e18L}};

}  // namespace

std::optional<Quantity> Quantity::parse(std::string_view s) {
  std::string text(s);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    ++i;
  }
  long double value = 0;
  bool digits = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    value = value * 10 + (s[i++] - '0');
    digits = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    long double scale = 0.1L;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      value += (s[i++] - '0') * scale;
      scale /= 10;
      digits = true;
    }
  }
  if (!digits) return std::nullopt;
  std::string_view rest = s.substr(i);
  long double factor = 1;
  if (!rest.empty()) {
    bool found = false;
    if ((rest[0] == 'e' || rest[0] == 'E') && rest.size() > 1) {
      std::string exp(rest.substr(1));
      char* end = nullptr;
      long e = std::strtol(exp.c_str(), &end, 10);
      if (end == exp.c_str() || *end != '\0') return std::nullopt;
      factor = std::pow(10.0L, e);
      found = true;
    } else {
      for (const Suffix& suf : kSuffixes) {
        if (rest == suf.text) {
          factor = suf.factor;
          found = true;
          break;
        }
      }
    }
    if (!found) return std::nullopt;
  }
  long double milli = std::ceil(value * factor * 1000.0L - 1e-9L);
  if (milli > 9.2e18L) return std::nullopt;
  Quantity q;
  q.milli_ = static_cast<int64_t>(milli) * (negative ? -1 : 1);
  q.text_ = std::move(text);
  return q;
}

Quantity Quantity::from_milli(int64_t milli) {
  Quantity q;
  q.milli_ = milli;
  q.text_ = milli % 1000 == 0 ? std::to_string(milli / 1000) : std::to_string(milli) + "m";
  return q;
}

Quantity Quantity::from_value(int64_t value) { return from_milli(value * 1000); }

}  // namespace ktwin::core
