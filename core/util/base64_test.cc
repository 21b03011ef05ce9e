#include "core/util/base64.h"

#include <catch2/catch.hpp>

using ktwin::core::base64_decode;
using ktwin::core::base64_encode;

TEST_CASE("base64 encodes with padding and round-trips every length", "[base64]") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");  // RFC 4648 section 10
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    CHECK(base64_decode(base64_encode(bytes)) == bytes);
    bytes += static_cast<char>(i * 37);
  }
}

TEST_CASE("base64_decode refuses what is not base64", "[base64]") {
  CHECK_FALSE(base64_decode("Zg="));      // not a multiple of 4
  CHECK_FALSE(base64_decode("Z===="));
  CHECK_FALSE(base64_decode("Zm9*"));     // not in the alphabet
  CHECK_FALSE(base64_decode("Zg==Zm8="));  // padding before the end
}
