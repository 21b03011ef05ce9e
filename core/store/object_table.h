// One kind's objects in the MemoryStore: ordered by "namespace/name", so lists come out in that
// order (as etcd's range reads do), and hashed (FlatHashIndex), so a lookup by name costs one hash
// and a probe instead of a tree walk of string compares (kubemark-5k: the heartbeats', leases' and
// node lifecycle controller's lookups were 9% of the run, most of it memcmp on keys sharing long
// prefixes).
#pragma once

#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include "core/api/meta.h"
#include "core/store/flat_hash_index.h"

namespace ktwin::core {

class ObjectTable {
 public:
  using Key = std::string;  // "namespace/name"; "/name" for cluster-scoped kinds
  using Map = std::map<Key, ObjectPtr>;
  // Read-only: objects go in and out through assign, emplace, replace and erase, which keep each
  // object's held_by mark (holds_latest) true exactly while this table holds it.
  using const_iterator = Map::const_iterator;
  using iterator = const_iterator;

  ObjectTable() = default;
  ObjectTable(const ObjectTable&) = delete;  // the index holds this map's nodes, objects its address
  ObjectTable& operator=(const ObjectTable&) = delete;
  ~ObjectTable() {
    for (const auto& [key, obj] : objects_) release(obj);  // objects outlive the table: unmark them
  }

  static Key key_of(std::string_view ns, std::string_view name) {
    Key key;
    key.reserve(ns.size() + 1 + name.size());
    key.append(ns).append(1, '/').append(name);
    return key;
  }

  const_iterator find(const Key& key) const {
    return at(index_.find(KeyHash{}(std::string_view(key)), [&](Map::iterator it) { return it->first == key; }));
  }
  const_iterator find(std::string_view ns, std::string_view name) const {
    NsName k{ns, name};
    return at(index_.find(KeyHash{}(k), [&](Map::iterator it) { return KeyEqual{}(it->first, k); }));
  }
  bool contains(const Key& key) const { return find(key) != objects_.end(); }
  // Whether `obj` is the object this table holds under its key, without a lookup.
  bool holds_latest(const Object& obj) const { return obj.held_by.table() == this; }

  // Inserts or replaces.
  void assign(const Key& key, ObjectPtr obj) {
    if (auto it = find(key); it != objects_.end()) {
      replace(it, std::move(obj));
      return;
    }
    emplace(key, std::move(obj));
  }
  // Inserts; false (and nothing changes) when the key is taken.
  bool emplace(const Key& key, ObjectPtr obj) {
    auto [it, inserted] = objects_.emplace(key, obj);
    if (!inserted) return false;
    index_.insert(KeyHash{}(std::string_view(it->first)), it);
    hold(obj);
    return true;
  }
  // The object under `it`'s key becomes `obj`.
  void replace(const_iterator it, ObjectPtr obj) {
    auto mutable_it = objects_.erase(it, it);  // the same position, writable
    release(mutable_it->second);
    hold(obj);
    mutable_it->second = std::move(obj);
  }
  void erase(const_iterator it) {
    release(it->second);
    index_.erase(KeyHash{}(std::string_view(it->first)), [&](Map::iterator at) { return at == it; });
    objects_.erase(it);
  }
  void erase(const Key& key) {
    if (auto it = find(key); it != objects_.end()) erase(it);
  }

  const_iterator begin() const { return objects_.begin(); }
  const_iterator end() const { return objects_.end(); }
  const_iterator lower_bound(const Key& key) const { return objects_.lower_bound(key); }
  size_t size() const { return objects_.size(); }
  bool empty() const { return objects_.empty(); }

 private:
  // A key given as its two parts, hashed and compared as "ns/name" without building the string.
  struct NsName {
    std::string_view ns, name;
  };
  // FNV-1a, fed byte by byte, so "ns/name" and {ns, name} hash alike.
  struct KeyHash {
    static uint64_t feed(uint64_t h, std::string_view s) {
      for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
      return h;
    }
    uint64_t operator()(std::string_view key) const { return feed(14695981039346656037ULL, key); }
    uint64_t operator()(const NsName& k) const { return feed(feed(feed(14695981039346656037ULL, k.ns), "/"), k.name); }
  };
  struct KeyEqual {
    bool operator()(std::string_view key, const NsName& k) const {
      return key.size() == k.ns.size() + 1 + k.name.size() && key.compare(0, k.ns.size(), k.ns) == 0 &&
             key[k.ns.size()] == '/' && key.substr(k.ns.size() + 1) == k.name;
    }
  };

  using Index = FlatHashIndex<Map::iterator>;  // by KeyHash of the key
  const_iterator at(const Map::iterator* found) const { return found ? *found : objects_.end(); }
  void hold(const ObjectPtr& obj) const { obj->held_by.set(this); }
  void release(const ObjectPtr& obj) const {
    if (obj->held_by.table() == this) obj->held_by.set(nullptr);  // another table may hold it now
  }

  Map objects_;
  Index index_;  // objects_' nodes
};

}  // namespace ktwin::core
