#include "realnet/server/server_node_roles.h"

#include <catch2/catch.hpp>

#include "core/api/node.h"
#include "tests/fakes/test_env.h"

using ktwin::realnet::ServerNodeRoles;

namespace {
std::shared_ptr<ktwin::core::Node> node(const std::string& name) {
  auto n = std::make_shared<ktwin::core::Node>();
  n->metadata.name = name;
  n->metadata.labels["kubernetes.io/hostname"] = name;
  return n;
}
}  // namespace

TEST_CASE("ServerNodeRoles labels the server's node when it registers, and only that node", "[server]") {
  ktwin::testing::TestEnv t;
  ServerNodeRoles roles(t.store, "server");
  roles.start();
  REQUIRE(t.store.create(node("worker1")).is_ok());
  REQUIRE(t.store.create(node("server")).is_ok());
  t.loop.run_until(t.loop.now() + std::chrono::seconds(1));
  auto server = ktwin::core::find<ktwin::core::Node>(t.store, "", "server");
  CHECK(server->metadata.labels.at("node-role.kubernetes.io/control-plane") == "true");
  CHECK(server->metadata.labels.at("node-role.kubernetes.io/master") == "true");
  CHECK(server->metadata.labels.at("kubernetes.io/hostname") == "server");
  auto worker = ktwin::core::find<ktwin::core::Node>(t.store, "", "worker1");
  CHECK(worker->metadata.labels.count("node-role.kubernetes.io/master") == 0);
  CHECK_FALSE(roles.label_now());  // already labelled: no write
}

TEST_CASE("ServerNodeRoles puts the labels back when a kubelet update drops them", "[server]") {
  ktwin::testing::TestEnv t;
  REQUIRE(t.store.create(node("server")).is_ok());
  ServerNodeRoles roles(t.store, "server");
  roles.start();
  auto labelled = ktwin::core::find<ktwin::core::Node>(t.store, "", "server");
  REQUIRE(labelled->metadata.labels.count("node-role.kubernetes.io/master") == 1);
  auto stripped = std::static_pointer_cast<ktwin::core::Node>(labelled->clone());
  stripped->metadata.labels.erase("node-role.kubernetes.io/master");
  REQUIRE(t.store.update(stripped).is_ok());
  t.loop.run_until(t.loop.now() + std::chrono::seconds(1));
  CHECK(ktwin::core::find<ktwin::core::Node>(t.store, "", "server")->metadata.labels.count("node-role.kubernetes.io/master") == 1);
}
