#include "cli/flag_set.h"

#include <catch2/catch.hpp>

namespace ktwin::cli {
namespace {

struct Parsed {
  std::string dir;
  std::vector<std::string> sans;
  int64_t seconds = -1;
  uint16_t port = 0;
  bool disabled = false;
};

FlagSet flags_for(Parsed& p) {
  FlagSet f;
  f.text("--data-dir", &p.dir);
  f.repeated("--tls-san", &p.sans);
  f.number("--seconds", &p.seconds, 0, 600);
  f.port("--port", &p.port);
  f.flag("--disable-agent", &p.disabled);
  return f;
}

std::string error_of(std::vector<std::string> args) {
  Parsed p;
  return flags_for(p).parse(args).message();
}

TEST_CASE("FlagSet: both k3s spellings, repeats, switches and numbers", "[flag_set]") {
  Parsed p;
  REQUIRE(flags_for(p)
              .parse({"--data-dir=/d", "--tls-san", "a", "--tls-san=b", "--seconds", "20", "--port=7443",
                      "--disable-agent"})
              .is_ok());
  CHECK(p.dir == "/d");
  CHECK(p.sans == std::vector<std::string>{"a", "b"});
  CHECK(p.seconds == 20);
  CHECK(p.port == 7443);
  CHECK(p.disabled);
  Parsed untouched;
  REQUIRE(flags_for(untouched).parse({}).is_ok());
  CHECK(untouched.seconds == -1);
  CHECK_FALSE(untouched.disabled);
}

TEST_CASE("FlagSet: each fault names its flag", "[flag_set]") {
  CHECK(error_of({"--bogus=1"}) == "unknown flag --bogus=1");
  CHECK(error_of({"--data-dir"}) == "--data-dir needs a value");
  CHECK(error_of({"--data-dir="}) == "--data-dir needs a value");
  CHECK(error_of({"--disable-agent=true"}) == "--disable-agent takes no value");
  CHECK(error_of({"--seconds", "601"}) == "--seconds needs a whole number from 0 to 600");
  CHECK(error_of({"--seconds", "2x"}) == "--seconds needs a whole number from 0 to 600");
  CHECK(error_of({"--port", "0"}) == "--port: \"0\" is not a port (1-65535)");
}

TEST_CASE("FlagSet: with operands, the arguments that are not flags are kept in order", "[flag_set]") {
  Parsed p;
  std::vector<std::string> files;
  REQUIRE(flags_for(p).parse({"a.tar", "--data-dir", "/d", "b.tar"}, &files).is_ok());
  CHECK(files == std::vector<std::string>{"a.tar", "b.tar"});
  CHECK(p.dir == "/d");
  CHECK(error_of({"a.tar"}) == "unknown flag a.tar");  // without operands
  std::vector<std::string> ignored;
  CHECK(flags_for(p).parse({"a.tar", "--bogus"}, &ignored).message() == "unknown flag --bogus");
}

}  // namespace
}  // namespace ktwin::cli
