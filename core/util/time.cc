// Go durations and RFC 3339 timestamps.
#include "core/util/time.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace ktwin::core {
namespace {

// Unit suffixes of Go's time.ParseDuration, longest first where prefixes overlap.
struct Unit {
  std::string_view suffix;
  int64_t nanos;
};
constexpr Unit kUnits[] = {{"ns", 1},          {"us", 1000},        {"\xC2\xB5s", 1000}, {"ms", 1000000},
                           {"s", 1000000000LL}, {"m", 60000000000LL}, {"h", 3600000000000LL}};

// Go's fmtFrac/fmtInt: the fractional part without trailing zeros.
std::string fraction(uint64_t v, int digits) {
  std::string out;
  bool print = false;
  for (int i = 0; i < digits; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) out.insert(out.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  return out.empty() ? out : "." + out;
}

}  // namespace

std::optional<Duration> parse_go_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration(0);
  if (s.empty()) return std::nullopt;
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
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
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (s.substr(0, u.suffix.size()) == u.suffix &&
          !(u.suffix == "m" && s.size() > 1 && s[1] == 's')) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;  // Go requires a unit after every number but "0".
    s.remove_prefix(unit->suffix.size());
    total += value * unit->nanos;
  }
  if (total > 9.2e18L) return std::nullopt;
  auto nanos = static_cast<int64_t>(std::llround(static_cast<double>(total)));
  return Duration(negative ? -nanos : nanos);
}

std::string format_go_duration(Duration d) {
  int64_t n = d.count();
  if (n == 0) return "0s";
  bool negative = n < 0;
  uint64_t u = negative ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  std::string out;
  if (u < 1000000000ULL) {
    // Sub-second: ns, µs or ms with a fraction, as Go does.
    const char* suffix;
    int digits;
    if (u < 1000) {
      return (negative ? "-" : "") + std::to_string(u) + "ns";
    } else if (u < 1000000) {
      suffix = "\xC2\xB5s";
      digits = 3;
    } else {
      suffix = "ms";
      digits = 6;
    }
    uint64_t scale = digits == 3 ? 1000 : 1000000;
    out = std::to_string(u / scale) + fraction(u % scale, digits) + suffix;
  } else {
    out = std::to_string((u / 1000000000ULL) % 60) + fraction(u % 1000000000ULL, 9) + "s";
    uint64_t minutes = u / 60000000000ULL;
    if (minutes > 0) {
      out = std::to_string(minutes % 60) + "m" + out;
      uint64_t hours = minutes / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

std::string format_rfc3339(Time t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  std::time_t tt = secs.time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<Time> parse_rfc3339(std::string_view text) {
  std::string s(text);
  int y, mo, d, h, mi, sec;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6)
    return std::nullopt;
  std::string_view rest = std::string_view(s).substr(consumed);
  int64_t frac_nanos = 0;
  if (!rest.empty() && rest[0] == '.') {
    rest.remove_prefix(1);
    int64_t scale = 100000000;
    while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest[0]))) {
      frac_nanos += (rest[0] - '0') * scale;
      scale /= 10;
      rest.remove_prefix(1);
    }
  }
  int offset_minutes = 0;
  if (rest == "Z" || rest == "z") {
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-')) {
    int oh = std::stoi(std::string(rest.substr(1, 2))), om = std::stoi(std::string(rest.substr(4, 2)));
    offset_minutes = (rest[0] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  using namespace std::chrono;
  auto date = year_month_day{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  Time t = sys_days{date} + hours{h} + minutes{mi} + std::chrono::seconds{sec} + Duration(frac_nanos);
  return t - minutes{offset_minutes};
}

}  // namespace ktwin::core
