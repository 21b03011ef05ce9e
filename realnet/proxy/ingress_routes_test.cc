#include "realnet/proxy/ingress_routes.h"

#include <catch2/catch.hpp>

#include "realnet/proxy/proxy_test_objects.h"
#include "tests/fakes/test_env.h"

using namespace ktwin::realnet;
using namespace ktwin::realnet::testing;
using Ingresses = std::vector<std::shared_ptr<const ktwin::core::Ingress>>;

TEST_CASE("match_ingress: the walk-through's host rule, with and without a port in Host", "[proxy]") {
  Ingresses rules{ingress("letschat", "www.letschat.com", {ingress_path("/", "Prefix", "letschat", 8080)})};
  auto target = match_ingress(rules, "www.letschat.com", "/rooms");
  REQUIRE(target);
  CHECK(target->service == "letschat");
  CHECK(target->port_number == 8080);
  CHECK(match_ingress(rules, "www.letschat.com:80", "/"));
  CHECK_FALSE(match_ingress(rules, "other.com", "/"));
}

TEST_CASE("match_ingress: exact host beats wildcard beats no host; wildcards cover one label", "[proxy]") {
  Ingresses rules{ingress("any", "", {ingress_path("/", "Prefix", "default-svc", 80)}),
                  ingress("wild", "*.example.com", {ingress_path("/", "Prefix", "wild-svc", 80)}),
                  ingress("exact", "www.example.com", {ingress_path("/", "Prefix", "exact-svc", 80)})};
  CHECK(match_ingress(rules, "www.example.com", "/")->service == "exact-svc");
  CHECK(match_ingress(rules, "api.example.com", "/")->service == "wild-svc");
  CHECK(match_ingress(rules, "a.b.example.com", "/")->service == "default-svc");
  CHECK(match_ingress(rules, "example.com", "/")->service == "default-svc");
}

TEST_CASE("match_ingress: Exact before Prefix, longest prefix by path element", "[proxy]") {
  Ingresses rules{ingress("paths", "h", {ingress_path("/", "Prefix", "root", 80),
                                         ingress_path("/api", "Prefix", "api", 80),
                                         ingress_path("/api/v1/login", "Exact", "login", 80)})};
  CHECK(match_ingress(rules, "h", "/api/v1/login")->service == "login");
  CHECK(match_ingress(rules, "h", "/api/v1/login/x")->service == "api");
  CHECK(match_ingress(rules, "h", "/api")->service == "api");
  CHECK(match_ingress(rules, "h", "/apix")->service == "root");
}

TEST_CASE("ingress_backends resolves the Service port to its ready endpoints", "[proxy]") {
  ktwin::testing::TestEnv t;
  REQUIRE(t.store.create(service("letschat", "NodePort", "10.43.0.20", 8080, 30080)).is_ok());
  REQUIRE(t.store.create(endpoints("letschat", {"10.42.1.5"}, 8080)).is_ok());
  IngressTarget target{"default", "letschat", 8080, ""};
  CHECK(ingress_backends(t.store, target) == std::vector<Backend>{{"10.42.1.5", 8080}});
  target.port_number = 9999;
  CHECK(ingress_backends(t.store, target).empty());
}
