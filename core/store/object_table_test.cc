// ObjectTable: the hashed lookups agree with the ordered map through inserts, replaces and erases.
#include <catch2/catch.hpp>

#include <map>

#include "core/api/pod.h"
#include "core/env/rng.h"
#include "core/store/object_table.h"

using namespace ktwin::core;

namespace {
ObjectPtr pod(const std::string& ns, const std::string& name) {
  auto p = std::make_shared<Pod>();
  p->metadata.namespace_ = ns;
  p->metadata.name = name;
  return p;
}
}  // namespace

TEST_CASE("an ObjectTable finds by key and by namespace and name alike, and lists in key order", "[store]") {
  ObjectTable table;
  table.assign(ObjectTable::key_of("default", "web-b"), pod("default", "web-b"));
  table.assign(ObjectTable::key_of("default", "web-a"), pod("default", "web-a"));
  table.assign(ObjectTable::key_of("", "node-1"), pod("", "node-1"));
  REQUIRE(table.size() == 3);
  CHECK(table.find("default", "web-a")->second->metadata.name == "web-a");
  CHECK(table.find(std::string("default/web-b"))->second->metadata.name == "web-b");
  CHECK(table.find("", "node-1") != table.end());
  // Splits of the same bytes are different keys: "default/web-a" is not ("default/web", "a").
  CHECK(table.find("default/web", "a") == table.end());
  CHECK(table.find("defaul", "t/web-a") == table.end());
  CHECK(table.find("default", "web") == table.end());
  std::vector<std::string> order;
  for (const auto& [key, obj] : table) order.push_back(key);
  CHECK(order == std::vector<std::string>{"/node-1", "default/web-a", "default/web-b"});
}

TEST_CASE("an ObjectTable's index follows replaces and erases", "[store]") {
  ObjectTable table;
  std::map<std::string, ObjectPtr> model;  // what the table must hold
  Rng rng(7, "object-table");
  for (int step = 0; step < 2000; ++step) {
    std::string name = "pod-" + std::to_string(rng.uniform(50));
    std::string key = ObjectTable::key_of("ns", name);
    switch (rng.uniform(3)) {
      case 0:
      case 1: {
        ObjectPtr p = pod("ns", name);
        table.assign(key, p);
        model[key] = p;
        break;
      }
      default:
        table.erase(key);
        model.erase(key);
    }
  }
  REQUIRE(table.size() == model.size());
  for (int i = 0; i < 50; ++i) {
    std::string name = "pod-" + std::to_string(i);
    auto it = table.find("ns", name);
    auto want = model.find(ObjectTable::key_of("ns", name));
    if (want == model.end()) {
      CHECK(it == table.end());
    } else {
      REQUIRE(it != table.end());
      CHECK(it->second == want->second);  // the latest object assigned, not an earlier one
    }
  }
  CHECK_FALSE(table.emplace(ObjectTable::key_of("ns", model.begin()->second->metadata.name), pod("ns", "x")));
}

TEST_CASE("an ObjectTable marks exactly the objects it holds as the latest of their keys", "[store]") {
  auto table = std::make_unique<ObjectTable>();
  const auto key = ObjectTable::key_of("default", "web-a");
  ObjectPtr first = pod("default", "web-a");
  CHECK_FALSE(table->holds_latest(*first));
  table->assign(key, first);
  CHECK(table->holds_latest(*first));
  CHECK_FALSE(table->holds_latest(*first->clone()));  // a copy is another object

  ObjectPtr second = pod("default", "web-a");
  table->replace(table->find(key), second);
  CHECK_FALSE(table->holds_latest(*first));
  CHECK(table->holds_latest(*second));
  ObjectPtr third = pod("default", "web-a");
  table->assign(key, third);  // assign over an existing key replaces too
  CHECK_FALSE(table->holds_latest(*second));
  CHECK(table->holds_latest(*third));

  SECTION("erased") {
    table->erase(key);
    CHECK_FALSE(table->holds_latest(*third));
  }
  SECTION("another table takes the object: this one no longer claims it, nor does that one after its replace") {
    ObjectTable other;
    other.emplace(key, third);
    CHECK(other.holds_latest(*third));
    CHECK_FALSE(table->holds_latest(*third));  // unsure: says no, and a reader looks it up
    other.replace(other.find(key), pod("default", "web-a"));
    CHECK_FALSE(other.holds_latest(*third));
    CHECK_FALSE(table->holds_latest(*third));
  }
  SECTION("the table goes and the object stays") {
    const void* gone = table.get();
    table.reset();
    CHECK(third->held_by.table() != gone);  // a later table at the same address must not claim it
  }
}
