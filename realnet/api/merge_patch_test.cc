// RFC 7386 appendix A, every example, and the body of `kubectl scale`.
#include "realnet/api/merge_patch.h"

#include <catch2/catch.hpp>

namespace ktwin::realnet {
namespace {

using nlohmann::json;

json merged(const char* original, const char* patch) {
  auto result = apply_merge_patch(json::parse(original), json::parse(patch));
  REQUIRE(result.is_ok());
  return result.value();
}

TEST_CASE("merge patch follows every example of RFC 7386 appendix A", "[realnet][merge_patch]") {
  struct Example {
    const char *original, *patch, *result;
  };
  const Example examples[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", R"(null)", R"(null)"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const Example& e : examples) {
    INFO(e.original << " + " << e.patch);
    CHECK(merged(e.original, e.patch) == json::parse(e.result));
  }
}

TEST_CASE("merge patch sets the replicas kubectl scale sends and keeps the rest", "[realnet][merge_patch]") {
  json scale = json::parse(R"({"kind":"Scale","apiVersion":"autoscaling/v1",
      "metadata":{"name":"letschat","namespace":"default","resourceVersion":"1101"},
      "spec":{"replicas":1},"status":{"replicas":1,"selector":"name=letschat"}})");
  json out = merged(scale.dump().c_str(), R"({"spec":{"replicas":10}})");
  CHECK(out["spec"]["replicas"] == 10);
  CHECK(out["status"] == scale["status"]);
  CHECK(out["metadata"] == scale["metadata"]);
}

}  // namespace
}  // namespace ktwin::realnet
