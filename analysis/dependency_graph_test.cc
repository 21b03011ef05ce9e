// The dependsOn graph on small hand-built object sets: edges, entry points, closures, cycles, gaps.
#include "analysis/dependency_graph.h"

#include <catch2/catch.hpp>

namespace ktwin::analysis {
namespace {

using nlohmann::json;
using Strings = std::vector<std::string>;

json service(const std::string& name, const json& selector, const std::string& ns = "") {
  json s = {{"metadata", {{"name", name}}}, {"spec", json::object()}};
  if (!ns.empty()) s["metadata"]["namespace"] = ns;
  if (!selector.is_null()) s["spec"]["selector"] = selector;
  return s;
}

json deployment(const std::string& name, const std::string& image, const std::string& ns = "") {
  json d = {{"metadata", {{"name", name}}},
            {"spec",
             {{"template",
               {{"metadata", {{"labels", {{"name", name}}}}}, {"spec", {{"containers", {{{"name", name}, {"image", image}}}}}}}}}}};
  if (!ns.empty()) d["metadata"]["namespace"] = ns;
  return d;
}

// The walk-through's objects: letschat (NodePort) -> mongo.
DependencyInputs letschat(std::map<std::string, Strings> apps) {
  DependencyInputs in;
  in.add("Service", service("kubernetes", nullptr));  // no selector: not part of the graph
  in.add("Service", service("letschat", {{"name", "letschat"}}));
  in.add("Service", service("mongo", {{"name", "mongo"}}));
  in.add("Deployment", deployment("letschat", "sdelements/lets-chat:latest"));
  in.add("Deployment", deployment("mongo", "docker.io/library/mongo:4.4"));
  in.set_apps(std::move(apps));
  return in;
}

}  // namespace

TEST_CASE("images are matched to app models without tag, digest or Docker Hub prefixes", "[dependency_graph]") {
  CHECK(app_image_name("mongo") == "mongo");
  CHECK(app_image_name("mongo:4.4") == "mongo");
  CHECK(app_image_name("docker.io/library/mongo:4.4") == "mongo");
  CHECK(app_image_name("sdelements/lets-chat@sha256:abc") == "sdelements/lets-chat");
  CHECK(app_image_name("registry.local:5000/team/app:v2") == "registry.local:5000/team/app");
}

TEST_CASE("a service depends on what the images of the pods it selects depend on", "[dependency_graph]") {
  DependencyGraph g(letschat({{"sdelements/lets-chat", {"mongo"}}, {"mongo", {}}}));
  CHECK(g.vertices() == Strings{"default/kubernetes", "default/letschat", "default/mongo"});
  REQUIRE(g.edges().size() == 1);
  CHECK(g.edges()[0].from == "default/letschat");
  CHECK(g.edges()[0].to == "default/mongo");
  CHECK(g.edges()[0].image == "sdelements/lets-chat");
  CHECK(g.edges()[0].entry == 0);
  CHECK(g.cycles().empty());
  // mongo is needed by letschat; the selector-less kubernetes Service has no pods to call anything.
  CHECK(g.entry_points() == Strings{"default/letschat"});
  CHECK(g.closure("default/letschat") == Strings{"default/letschat", "default/mongo"});
  CHECK(g.closure("default/mongo") == Strings{"default/mongo"});
  CHECK(g.unresolved().empty());

  SECTION("without app models nothing depends on anything: every selected service is an entry point") {
    DependencyGraph plain(letschat({}));
    CHECK(plain.edges().empty());
    CHECK(plain.entry_points() == Strings{"default/letschat", "default/mongo"});
  }
}

TEST_CASE("a dependency cycle is reported with its path and the edge that closes it", "[dependency_graph]") {
  SECTION("two services") {
    DependencyGraph g(letschat({{"sdelements/lets-chat", {"mongo"}}, {"mongo", {"letschat"}}}));
    auto cycles = g.cycles();
    REQUIRE(cycles.size() == 1);
    CHECK(cycles[0].path == Strings{"default/letschat", "default/mongo", "default/letschat"});
    CHECK(cycles[0].closing.from == "default/mongo");
    CHECK(cycles[0].closing.image == "mongo");
    CHECK(cycles[0].closing.entry == 0);
    CHECK(g.entry_points().empty());  // everything is needed by something
  }
  SECTION("a service that depends on itself") {
    DependencyGraph g(letschat({{"mongo", {"mongo"}}}));
    auto cycles = g.cycles();
    REQUIRE(cycles.size() == 1);
    CHECK(cycles[0].path == Strings{"default/mongo", "default/mongo"});
  }
  SECTION("three services and a tail into the cycle") {
    DependencyInputs in;
    for (std::string name : {"a", "b", "c", "d"}) {
      in.add("Service", service(name, {{"name", name}}));
      in.add("Deployment", deployment(name, name + ":1"));
    }
    in.set_apps({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {"a"}}});
    DependencyGraph g(in);
    auto cycles = g.cycles();
    REQUIRE(cycles.size() == 1);
    CHECK(cycles[0].path == Strings{"default/a", "default/b", "default/c", "default/a"});
    CHECK(cycles[0].closing.image == "c");
    CHECK(g.entry_points() == Strings{"default/d"});
    CHECK(g.closure("default/d") == Strings{"default/a", "default/b", "default/c", "default/d"});
  }
}

TEST_CASE("a dependsOn naming no Service of the pod's namespace is unresolved", "[dependency_graph]") {
  DependencyInputs in = letschat({{"sdelements/lets-chat", {"mongo", "redis"}}});
  // The same image in another namespace, where no mongo Service exists.
  in.add("Service", service("chat", {{"name", "letschat"}}, "prod"));
  in.add("Deployment", deployment("letschat", "sdelements/lets-chat", "prod"));
  DependencyGraph g(in);
  auto gaps = g.unresolved();
  REQUIRE(gaps.size() == 3);
  CHECK(gaps[0].service == "default/redis");
  CHECK(gaps[0].image == "sdelements/lets-chat");
  CHECK(gaps[0].entry == 1);
  CHECK(gaps[1].service == "prod/mongo");
  CHECK(gaps[2].service == "prod/redis");
  CHECK_FALSE(g.defined("default/redis"));
  // Nothing can make a missing service ready, so the entry point needs it like any other.
  CHECK(g.closure("default/letschat") == Strings{"default/letschat", "default/mongo", "default/redis"});
  CHECK(g.closure("prod/chat") == Strings{"prod/chat", "prod/mongo", "prod/redis"});
  CHECK(g.entry_points() == Strings{"default/letschat", "prod/chat"});
}

TEST_CASE("pods and init containers count, unselected pods do not", "[dependency_graph]") {
  DependencyInputs in;
  in.add("Service", service("web", {{"app", "web"}}));
  in.add("Service", service("db", {{"app", "db"}}));
  in.add("Service", service("cache", {{"app", "cache"}}));
  json pod = {{"metadata", {{"name", "web-1"}, {"labels", {{"app", "web"}, {"extra", "x"}}}}},
              {"spec", {{"initContainers", {{{"name", "wait"}, {"image", "busybox"}}}}, {"containers", {{{"name", "w"}, {"image", "nginx"}}}}}}};
  in.add("Pod", pod);
  json other = pod;
  other["metadata"]["labels"] = {{"app", "web2"}};
  other["spec"]["containers"][0]["image"] = "worker";
  in.add("Pod", other);  // not selected by web
  in.set_apps({{"busybox", {"db"}}, {"worker", {"cache"}}});
  DependencyGraph g(in);
  REQUIRE(g.edges().size() == 1);
  CHECK(g.edges()[0].from == "default/web");
  CHECK(g.edges()[0].to == "default/db");
  CHECK(g.entry_points() == Strings{"default/cache", "default/web"});
}

}  // namespace ktwin::analysis
