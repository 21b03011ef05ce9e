// apimachinery's HumanDuration: coarser units as the age grows, two units only while they matter.
#include "core/printers/human_duration.h"

#include <chrono>
#include <cstdint>

namespace ktwin::core::printers {

std::string human_duration(Duration d) {
  using std::to_string;
  // Go's int(d.Seconds()) truncates toward zero, as duration_cast does.
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  // Up to 2 s in the future counts as "now": clocks of apiserver and client differ a little.
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return to_string(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t s = seconds % 60;
    return s == 0 ? to_string(minutes) + "m" : to_string(minutes) + "m" + to_string(s) + "s";
  }
  if (minutes < 60 * 3) return to_string(minutes) + "m";
  int64_t hours = minutes / 60;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? to_string(hours) + "h" : to_string(hours) + "h" + to_string(m) + "m";
  }
  if (hours < 48) return to_string(hours) + "h";
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return h == 0 ? to_string(hours / 24) + "d" : to_string(hours / 24) + "d" + to_string(h) + "h";
  }
  if (hours < 24 * 365 * 2) return to_string(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t days = (hours / 24) % 365;
    int64_t years = hours / 24 / 365;
    return days == 0 ? to_string(years) + "y" : to_string(years) + "y" + to_string(days) + "d";
  }
  return to_string(hours / 24 / 365) + "y";
}

}  // namespace ktwin::core::printers
