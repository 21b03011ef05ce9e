// human_duration against every example of apimachinery's HumanDuration table (reference 7.7).
#include "core/printers/human_duration.h"

#include <catch2/catch.hpp>

namespace ktwin::core::printers {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using days = std::chrono::duration<int64_t, std::ratio<86400>>;

TEST_CASE("human_duration follows HumanDuration's thresholds", "[printers]") {
  SECTION("negative: up to 2 s of clock skew reads 0s") {
    CHECK(human_duration(-millis(500)) == "0s");
    CHECK(human_duration(-millis(1999)) == "0s");
    CHECK(human_duration(-seconds(2)) == "<invalid>");
    CHECK(human_duration(-hours(1)) == "<invalid>");
  }
  SECTION("seconds below two minutes") {
    CHECK(human_duration(Duration(0)) == "0s");
    CHECK(human_duration(millis(999)) == "0s");
    CHECK(human_duration(seconds(8)) == "8s");
    CHECK(human_duration(seconds(50)) == "50s");
    CHECK(human_duration(seconds(101)) == "101s");
    CHECK(human_duration(seconds(119) + millis(999)) == "119s");
  }
  SECTION("minutes and seconds below ten minutes") {
    CHECK(human_duration(seconds(120)) == "2m");
    CHECK(human_duration(minutes(2) + seconds(51)) == "2m51s");
    CHECK(human_duration(minutes(4) + seconds(5)) == "4m5s");
    CHECK(human_duration(minutes(5) + seconds(38)) == "5m38s");
    CHECK(human_duration(minutes(9) + seconds(47)) == "9m47s");
    CHECK(human_duration(minutes(9) + seconds(59)) == "9m59s");
  }
  SECTION("minutes below three hours") {
    CHECK(human_duration(minutes(10)) == "10m");
    CHECK(human_duration(minutes(12) + seconds(59)) == "12m");
    CHECK(human_duration(minutes(44)) == "44m");
    CHECK(human_duration(minutes(179) + seconds(59)) == "179m");
  }
  SECTION("hours and minutes below eight hours") {
    CHECK(human_duration(hours(3)) == "3h");
    CHECK(human_duration(hours(3) + minutes(5)) == "3h5m");
    CHECK(human_duration(hours(7) + minutes(59) + seconds(59)) == "7h59m");
  }
  SECTION("hours below two days") {
    CHECK(human_duration(hours(8)) == "8h");
    CHECK(human_duration(hours(8) + minutes(30)) == "8h");
    CHECK(human_duration(hours(47) + minutes(59)) == "47h");
  }
  SECTION("days and hours below eight days") {
    CHECK(human_duration(hours(48)) == "2d");
    CHECK(human_duration(days(2) + hours(5)) == "2d5h");
    CHECK(human_duration(days(7) + hours(23)) == "7d23h");
  }
  SECTION("days below two years") {
    CHECK(human_duration(days(8)) == "8d");
    CHECK(human_duration(days(8) + hours(23)) == "8d");
    CHECK(human_duration(days(729)) == "729d");
  }
  SECTION("years and days below eight years") {
    CHECK(human_duration(days(730)) == "2y");
    CHECK(human_duration(days(3 * 365 + 41)) == "3y41d");
    CHECK(human_duration(days(8 * 365 - 1)) == "7y364d");
  }
  SECTION("years beyond") {
    CHECK(human_duration(days(8 * 365)) == "8y");
    CHECK(human_duration(days(10 * 365 + 100)) == "10y");
  }
}

}  // namespace
}  // namespace ktwin::core::printers
