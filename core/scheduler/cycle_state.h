// Per-cycle scratch space shared by the plugins of one scheduling attempt (k/k
// pkg/scheduler/framework/cycle_state.go), with typed keys that index an array.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/scheduler/node_info.h"
#include "core/scheduler/snapshot_index.h"

namespace ktwin::core {

// Data a plugin computes once per cycle (PreFilter, PreScore) and reads per node later.
struct StateData {
  virtual ~StateData() = default;
};

// The slot of one kind of StateData in CycleState. k/k keys a map by StateKey (a string); a read per
// node per plugin made that string compare, and the dynamic_cast after it, a tenth of a cycle, so each
// key gets a small integer once, when its (namespace-scope) object is constructed.
class StateKeyBase {
 public:
  explicit StateKeyBase(std::string_view name);
  const std::string& name() const { return name_; }
  size_t slot() const { return slot_; }

 private:
  std::string name_;
  size_t slot_;
};

// The key fixes the type stored under it, so reads need no dynamic_cast.
template <class T>
class StateKey : public StateKeyBase {
 public:
  explicit StateKey(std::string_view name) : StateKeyBase(name) {}
};

class CycleState {
 public:
  // `index`, if given, indexes `all_nodes` (the SnapshotCache's); otherwise one is built when first asked.
  explicit CycleState(const std::vector<NodeInfo>& all_nodes, const SnapshotIndex* index = nullptr)
      : all_nodes_(all_nodes), index_(index) {}
  // Every node of the snapshot, feasible or not (the framework's SharedLister).
  const std::vector<NodeInfo>& all_nodes() const { return all_nodes_; }
  const SnapshotIndex& index() const {
    if (index_ == nullptr) {
      own_index_ = std::make_unique<SnapshotIndex>(all_nodes_);
      index_ = own_index_.get();
    }
    return *index_;
  }
  // The position of `node` in all_nodes(); REQUIRES: it is one of them.
  uint32_t position(const NodeInfo& node) const { return static_cast<uint32_t>(&node - all_nodes_.data()); }
  // `node`'s hot fields (SnapshotIndex::row).
  const NodeRow& row(const NodeInfo& node) const { return index().row(position(node)); }
  // Every node's row, by position: a loop over nodes takes them once and indexes them by NodeScore or
  // filter batch position.
  const NodeRow* rows() const { return index().rows(); }

  template <class T>
  void write(const StateKey<T>& key, std::shared_ptr<T> data) {
    if (key.slot() >= slots_.size()) slots_.resize(key.slot() + 1);
    slots_[key.slot()] = std::move(data);
  }
  // Null when nothing was written under `key` this cycle.
  template <class T>
  const T* read(const StateKey<T>& key) const {
    return key.slot() < slots_.size() ? static_cast<const T*>(slots_[key.slot()].get()) : nullptr;
  }

 private:
  const std::vector<NodeInfo>& all_nodes_;
  mutable const SnapshotIndex* index_;
  mutable std::unique_ptr<SnapshotIndex> own_index_;
  std::vector<std::shared_ptr<StateData>> slots_;
};

}  // namespace ktwin::core
