// Time and Duration for the whole control plane; Go's duration syntax and RFC 3339 timestamps.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ktwin::core {

using Duration = std::chrono::nanoseconds;
// Wall-clock instants (real mode) or virtual instants counted from the scenario's epoch (sim).
using Time = std::chrono::sys_time<Duration>;

// Rounds to the nearest nanosecond, so seconds(65.1) is exactly 65.1 s.
inline Duration seconds(double s) { return Duration(std::llround(s * 1e9)); }
constexpr Duration millis(int64_t ms) { return std::chrono::milliseconds(ms); }
inline double to_seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

// Parses Go's time.ParseDuration syntax: "300ms", "1.5h", "2h45m", "-1m". nullopt on error.
std::optional<Duration> parse_go_duration(std::string_view text);
// Prints like Go's Duration.String(): "0s", "500ms", "1m0s", "5m40s", "1h2m3.5s".
std::string format_go_duration(Duration d);

// RFC 3339 with second precision, UTC ("2021-03-14T10:00:00Z"), as Kubernetes prints metav1.Time.
std::string format_rfc3339(Time t);
// RFC 3339, with or without fractional seconds, Z or +hh:mm. nullopt on error.
std::optional<Time> parse_rfc3339(std::string_view text);

}  // namespace ktwin::core
