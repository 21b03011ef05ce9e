// Resource quantities as Kubernetes writes them.
#include "core/util/quantity.h"

#include <catch2/catch.hpp>

using ktwin::core::Quantity;

TEST_CASE("quantities parse decimal and binary suffixes", "[util]") {
  CHECK(Quantity::parse("2")->milli_value() == 2000);
  CHECK(Quantity::parse("500m")->milli_value() == 500);
  CHECK(Quantity::parse("0.5")->milli_value() == 500);
  CHECK(Quantity::parse("3Gi")->value() == 3LL * 1024 * 1024 * 1024);
  CHECK(Quantity::parse("200Mi")->value() == 209715200);
  CHECK(Quantity::parse("1k")->value() == 1000);
  CHECK(Quantity::parse("1e3")->value() == 1000);
  CHECK(Quantity::parse("110")->value() == 110);
  CHECK(Quantity::parse("3Gi")->text() == "3Gi");
  CHECK_FALSE(Quantity::parse("three"));
  CHECK_FALSE(Quantity::parse("3GB"));
  CHECK_FALSE(Quantity::parse(""));
}

TEST_CASE("quantities built from numbers print canonically", "[util]") {
  CHECK(Quantity::from_milli(250).text() == "250m");
  CHECK(Quantity::from_milli(2000).text() == "2");
  CHECK(Quantity::from_value(110).text() == "110");
}
