// A hash index in one flat array: open addressing with linear probing, each slot holding the key's
// full hash and a value (for ObjectTable: the map node holding the key). A lookup costs one cache
// line for the slot plus the caller's key compare, where a node-based hash map walks a bucket array
// and two list nodes first (kubemark-5k: the store's lookups were ~9% of the run, nearly all misses).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ktwin::core {

template <class Value>
class FlatHashIndex {
 public:
  // The value whose hash is `hash` and for which `matches(value)` holds, or null.
  template <class Matches>
  const Value* find(uint64_t hash, Matches matches) const {
    if (slots_.empty()) return nullptr;
    hash = nonzero(hash);
    for (size_t i = home(hash); slots_[i].hash != 0; i = (i + 1) & mask())
      if (slots_[i].hash == hash && matches(slots_[i].value)) return &slots_[i].value;
    return nullptr;
  }
  // REQUIRES: no value for this key is present.
  void insert(uint64_t hash, Value value) {
    if (2 * (size_ + 1) > slots_.size()) grow();  // load at most 1/2: short probe runs
    place(nonzero(hash), std::move(value));
    ++size_;
  }
  // Removes the value `matches` picks; false when absent.
  template <class Matches>
  bool erase(uint64_t hash, Matches matches) {
    if (slots_.empty()) return false;
    hash = nonzero(hash);
    size_t i = home(hash);
    for (; slots_[i].hash != 0; i = (i + 1) & mask())
      if (slots_[i].hash == hash && matches(slots_[i].value)) break;
    if (slots_[i].hash == 0) return false;
    // Backward-shift deletion: pull later entries of the run into the hole when their home slot is
    // not between the hole and them, so every entry stays reachable from its home without tombstones.
    for (size_t j = (i + 1) & mask(); slots_[j].hash != 0; j = (j + 1) & mask()) {
      size_t h = home(slots_[j].hash);
      bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      slots_[i] = std::move(slots_[j]);
      i = j;
    }
    slots_[i] = Slot{};
    --size_;
    return true;
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    Value value{};
  };
  static uint64_t nonzero(uint64_t hash) { return hash == 0 ? 1 : hash; }
  size_t mask() const { return slots_.size() - 1; }
  // Fibonacci hashing: the product's top bits, so a hash whose low bits are weak still spreads.
  size_t home(uint64_t hash) const { return static_cast<size_t>((hash * 0x9E3779B97F4A7C15ULL) >> shift_); }
  void place(uint64_t hash, Value value) {
    size_t i = home(hash);
    while (slots_[i].hash != 0) i = (i + 1) & mask();
    slots_[i] = Slot{hash, std::move(value)};
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : 2 * old.size(), Slot{});
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(slots_.size()));
    for (Slot& s : old)
      if (s.hash != 0) place(s.hash, std::move(s.value));
  }

  std::vector<Slot> slots_;  // a power of two in size
  unsigned shift_ = 64;      // 64 - log2(slots_.size())
  size_t size_ = 0;
};

}  // namespace ktwin::core
