// FlatHashIndex against a std::map model, with hashes that collide on purpose so that probe runs
// wrap around the array and backward-shift deletion moves entries across the end.
#include "core/store/flat_hash_index.h"

#include <catch2/catch.hpp>

#include <map>

#include "core/env/rng.h"

using namespace ktwin::core;

TEST_CASE("a FlatHashIndex finds what was inserted and not what was erased, whatever the collisions",
          "[store]") {
  const int kinds_of_hash = GENERATE(1, 3, 1000);  // 1: every key collides; 1000: few collisions
  FlatHashIndex<int> index;
  std::map<int, bool> model;  // key -> present
  auto hash_of = [&](int key) { return static_cast<uint64_t>(key % kinds_of_hash) * 0x10001ULL; };
  Rng rng(11, "flat-hash-index");
  for (int step = 0; step < 4000; ++step) {
    int key = static_cast<int>(rng.uniform(300));
    auto is_key = [key](int v) { return v == key; };
    if (rng.uniform(3) != 0) {
      if (!model[key]) index.insert(hash_of(key), key);
      model[key] = true;
    } else {
      CHECK(index.erase(hash_of(key), is_key) == model[key]);
      model[key] = false;
    }
    if (step % 97 == 0 || step == 3999) {
      size_t present = 0;
      for (const auto& [k, in] : model) {
        const int* found = index.find(hash_of(k), [k = k](int v) { return v == k; });
        CHECK((found != nullptr) == in);
        if (found) CHECK(*found == k);
        present += in;
      }
      CHECK(index.size() == present);
    }
  }
}

TEST_CASE("a FlatHashIndex treats a zero hash as any other", "[store]") {
  FlatHashIndex<int> index;
  index.insert(0, 7);
  index.insert(1, 8);  // zero is stored as one: both must still be told apart by the value
  CHECK(*index.find(0, [](int v) { return v == 7; }) == 7);
  CHECK(*index.find(1, [](int v) { return v == 8; }) == 8);
  CHECK(index.erase(0, [](int v) { return v == 7; }));
  CHECK(index.find(0, [](int v) { return v == 7; }) == nullptr);
  CHECK(*index.find(1, [](int v) { return v == 8; }) == 8);
}
