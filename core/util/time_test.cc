// Go duration parsing and printing, and RFC 3339 timestamps.
#include "core/util/time.h"

#include <catch2/catch.hpp>

using namespace ktwin::core;
using namespace std::chrono_literals;

TEST_CASE("Go durations parse like time.ParseDuration", "[util]") {
  CHECK(parse_go_duration("500ms") == Duration(500ms));
  CHECK(parse_go_duration("40s") == Duration(40s));
  CHECK(parse_go_duration("5m") == Duration(5min));
  CHECK(parse_go_duration("1h30m") == Duration(90min));
  CHECK(parse_go_duration("1.5h") == Duration(90min));
  CHECK(parse_go_duration("2m5s") == Duration(125s));
  CHECK(parse_go_duration("-1m") == Duration(-60s));
  CHECK(parse_go_duration("0") == Duration(0));
  CHECK(parse_go_duration("10us") == Duration(10us));
  SECTION("rejects what Go rejects") {
    CHECK_FALSE(parse_go_duration(""));
    CHECK_FALSE(parse_go_duration("5"));      // a unit is required
    CHECK_FALSE(parse_go_duration("5 m"));
    CHECK_FALSE(parse_go_duration("m"));
    CHECK_FALSE(parse_go_duration("1d"));     // Go has no day unit
    CHECK_FALSE(parse_go_duration("abc"));
  }
}

TEST_CASE("Go durations print like Duration.String", "[util]") {
  CHECK(format_go_duration(Duration(0)) == "0s");
  CHECK(format_go_duration(500ms) == "500ms");
  CHECK(format_go_duration(1500ms) == "1.5s");
  CHECK(format_go_duration(60s) == "1m0s");
  CHECK(format_go_duration(340s) == "5m40s");
  CHECK(format_go_duration(3600s) == "1h0m0s");
  CHECK(format_go_duration(3723s + 500ms) == "1h2m3.5s");
  CHECK(format_go_duration(-90s) == "-1m30s");
  CHECK(format_go_duration(Duration(1500)) == "1.5\xC2\xB5s");
}

TEST_CASE("RFC 3339 round trip at second precision", "[util]") {
  auto t = parse_rfc3339("2021-03-14T10:05:07Z");
  REQUIRE(t);
  CHECK(format_rfc3339(*t) == "2021-03-14T10:05:07Z");
  auto with_offset = parse_rfc3339("2021-03-14T12:05:07.250+02:00");
  REQUIRE(with_offset);
  CHECK(*with_offset - *t == Duration(250ms));
  CHECK_FALSE(parse_rfc3339("yesterday"));
  CHECK_FALSE(parse_rfc3339("2021-02-30T00:00:00Z"));
}
