#include "realnet/proxy/service_routes.h"

#include <catch2/catch.hpp>

#include "realnet/proxy/proxy_test_objects.h"
#include "tests/fakes/test_env.h"

using namespace ktwin::realnet;
using namespace ktwin::realnet::testing;

TEST_CASE("service_routes: a NodePort service listens on its ClusterIP and its nodePort with ready endpoints only", "[proxy]") {
  ktwin::testing::TestEnv t;
  REQUIRE(t.store.create(service("letschat", "NodePort", "10.43.0.20", 8080, 30080)).is_ok());
  REQUIRE(t.store.create(endpoints("letschat", {"10.42.1.5", "10.42.2.7"}, 8080, {"10.42.1.9"})).is_ok());
  auto routes = service_routes(t.store);
  REQUIRE(routes.size() == 2);
  CHECK(routes[0].listen_ip == "0.0.0.0");
  CHECK(routes[0].listen_port == 30080);
  CHECK(routes[1].listen_ip == "10.43.0.20");
  CHECK(routes[1].listen_port == 8080);
  std::vector<Backend> expected{{"10.42.1.5", 8080}, {"10.42.2.7", 8080}};
  CHECK(routes[0].backends == expected);
  CHECK(routes[1].backends == expected);
}

TEST_CASE("service_routes: ports resolve by name, headless and UDP ports get no listener", "[proxy]") {
  ktwin::testing::TestEnv t;
  auto named = service("web", "ClusterIP", "10.43.0.30", 80, 0, "http");
  ktwin::core::ServicePort metrics;
  metrics.name = "metrics";
  metrics.protocol = "TCP";
  metrics.port = 9090;
  named->spec.ports.push_back(metrics);
  REQUIRE(t.store.create(named).is_ok());
  auto eps = endpoints("web", {"10.42.0.4"}, 8080, {}, "http");
  eps->subsets[0].ports.push_back({"metrics", "TCP", 9100});
  REQUIRE(t.store.create(eps).is_ok());
  REQUIRE(t.store.create(service("headless", "ClusterIP", "None", 27017)).is_ok());
  auto dns = service("dns", "ClusterIP", "10.43.0.10", 53);
  dns->spec.ports[0].protocol = "UDP";
  REQUIRE(t.store.create(dns).is_ok());

  auto routes = service_routes(t.store);
  REQUIRE(routes.size() == 2);
  CHECK(routes[0].listen_port == 80);
  CHECK(routes[0].backends == std::vector<Backend>{{"10.42.0.4", 8080}});
  CHECK(routes[1].listen_port == 9090);
  CHECK(routes[1].backends == std::vector<Backend>{{"10.42.0.4", 9100}});
}

TEST_CASE("service_routes: a service without Endpoints still listens, with no backend", "[proxy]") {
  ktwin::testing::TestEnv t;
  REQUIRE(t.store.create(service("mongo", "ClusterIP", "10.43.0.40", 27017)).is_ok());
  auto routes = service_routes(t.store);
  REQUIRE(routes.size() == 1);
  CHECK(routes[0].backends.empty());
  CHECK(routes[0].service == "default/mongo:27017");
}
