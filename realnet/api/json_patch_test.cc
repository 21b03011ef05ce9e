// RFC 6902 appendix A examples (successes and errors), pointer escapes, and kubectl rollout undo's body.
#include "realnet/api/json_patch.h"

#include <catch2/catch.hpp>

namespace ktwin::realnet {
namespace {

using nlohmann::json;

json patched(const char* doc, const char* patch) {
  auto result = apply_json_patch(json::parse(doc), json::parse(patch));
  INFO(result.status().to_string());
  REQUIRE(result.is_ok());
  return result.value();
}

core::Status failure(const char* doc, const char* patch) {
  auto result = apply_json_patch(json::parse(doc), json::parse(patch));
  REQUIRE_FALSE(result.is_ok());
  return result.status();
}

TEST_CASE("json patch applies the successful examples of RFC 6902 appendix A", "[realnet][json_patch]") {
  struct Example {
    const char *doc, *patch, *result;
  };
  const Example examples[] = {
      // A.1 to A.10
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])", R"({"baz":"qux","foo":"bar"})"},
      {R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])",
       R"({"foo":["bar","qux","baz"]})"},
      {R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])", R"({"foo":"bar"})"},
      {R"({"foo":["bar","qux","baz"]})", R"([{"op":"remove","path":"/foo/1"}])", R"({"foo":["bar","baz"]})"},
      {R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])",
       R"({"baz":"boo","foo":"bar"})"},
      {R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
       R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
       R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"},
      {R"({"foo":["all","grass","cows","eat"]})", R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
       R"({"foo":["all","cows","eat","grass"]})"},
      {R"({"baz":"qux","foo":["a",2,"c"]})",
       R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
       R"({"baz":"qux","foo":["a",2,"c"]})"},
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/child","value":{"grandchild":{}}}])",
       R"({"foo":"bar","child":{"grandchild":{}}})"},
      // A.11: members other than op, path, from and value are ignored
      {R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux","xyz":123}])",
       R"({"foo":"bar","baz":"qux"})"},
      // A.14: ~0 and ~1
      {R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])", R"({"/":9,"~1":10})"},
      // A.16: adding an array value; "-" appends
      {R"({"foo":["bar"]})", R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])",
       R"({"foo":["bar",["abc","def"]]})"},
      // copy, and replacing the whole document
      {R"({"a":{"b":1}})", R"([{"op":"copy","from":"/a","path":"/c"}])", R"({"a":{"b":1},"c":{"b":1}})"},
      {R"({"a":1})", R"([{"op":"replace","path":"","value":{"b":2}}])", R"({"b":2})"},
      {R"({"a/b":{"m~n":1}})", R"([{"op":"replace","path":"/a~1b/m~0n","value":2}])", R"({"a/b":{"m~n":2}})"},
  };
  for (const Example& e : examples) {
    INFO(e.doc << " + " << e.patch);
    CHECK(patched(e.doc, e.patch) == json::parse(e.result));
  }
}

TEST_CASE("json patch rejects what RFC 6902 calls errors, naming the operation", "[realnet][json_patch]") {
  SECTION("A.8 counterpart and A.15: a failing test") {
    core::Status s = failure(R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])");
    CHECK(s.code() == core::Status::Code::kInvalid);
    CHECK(s.message().find("operation 0 (test /baz)") != std::string::npos);
    CHECK(s.message().find("test failed") != std::string::npos);
    failure(R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":"10"}])");
  }
  SECTION("A.12: adding to a nonexistent target") {
    core::Status s = failure(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz/bat","value":"qux"}])");
    CHECK(s.message().find("parent of the path does not exist") != std::string::npos);
  }
  SECTION("removing or replacing what is not there, indexes out of range") {
    failure(R"({"a":1})", R"([{"op":"remove","path":"/b"}])");
    failure(R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])");
    failure(R"({"a":[1]})", R"([{"op":"add","path":"/a/2","value":2}])");
    failure(R"({"a":[1]})", R"([{"op":"remove","path":"/a/1"}])");
    failure(R"({"a":[1,2]})", R"([{"op":"remove","path":"/a/01"}])");
    failure(R"({"a":1})", R"([{"op":"copy","from":"/x","path":"/b"}])");
  }
  SECTION("a move into its own child") {
    failure(R"({"a":{"b":{}}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])");
  }
  SECTION("malformed patches fail validation, which the server answers with 400") {
    for (const char* patch : {R"({"op":"add"})", R"([{"path":"/a"}])", R"([{"op":"frob","path":"/a"}])",
                              R"([{"op":"add","path":"a","value":1}])", R"([{"op":"add","path":"/a~2","value":1}])",
                              R"([{"op":"add","path":"/a"}])", R"([{"op":"move","path":"/a"}])", R"([1])"}) {
      INFO(patch);
      CHECK_FALSE(validate_json_patch(json::parse(patch)).is_ok());
      failure(R"({"a":1})", patch);
    }
    CHECK(validate_json_patch(json::parse(R"([{"op":"remove","path":"/a"}])")).is_ok());
  }
  SECTION("all or nothing: a later failure leaves no trace") {
    json doc = json::parse(R"({"a":1})");
    auto r = apply_json_patch(doc, json::parse(R"([{"op":"add","path":"/b","value":2},{"op":"remove","path":"/c"}])"));
    CHECK_FALSE(r.is_ok());
    CHECK(r.status().message().find("operation 1") != std::string::npos);
    CHECK(doc == json::parse(R"({"a":1})"));
  }
}

TEST_CASE("json patch applies kubectl rollout undo's two replaces", "[realnet][json_patch]") {
  // kubectl-wire §7: /spec/template from the old ReplicaSet and /metadata/annotations.
  json deployment = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"letschat","annotations":{"deployment.kubernetes.io/revision":"2"}},
    "spec":{"replicas":1,"template":{"metadata":{"labels":{"name":"letschat"}},
      "spec":{"containers":[{"name":"letschat","image":"sdelements/lets-chat:0.4.8"}]}}}})");
  json patch = json::parse(R"([
    {"op":"replace","path":"/spec/template","value":{"metadata":{"creationTimestamp":null,"labels":{"name":"letschat"}},
      "spec":{"containers":[{"name":"letschat","image":"sdelements/lets-chat","resources":{}}]}}},
    {"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"2"}}])");
  json out = patched(deployment.dump().c_str(), patch.dump().c_str());
  CHECK(out["spec"]["template"]["spec"]["containers"][0]["image"] == "sdelements/lets-chat");
  CHECK(out["spec"]["replicas"] == 1);
  CHECK(out["metadata"]["name"] == "letschat");
}

}  // namespace
}  // namespace ktwin::realnet
