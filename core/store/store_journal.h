// The durability seam of MemoryStore: every successful write is recorded here, synchronously, before
// it changes memory or is acknowledged. The simulator sets no journal; real mode persists (realnet/storage).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/api/meta.h"
#include "core/util/status.h"

namespace ktwin::core {

enum class JournalOp { kCreate, kUpdate, kDelete };

struct JournalEntry {
  JournalOp op;
  Kind kind;
  const std::string& namespace_;  // "" for cluster-scoped kinds
  const std::string& name;
  // The object as stored (its metadata.resourceVersion is the write's), or for kDelete its last
  // state with the delete's resourceVersion. A journal encodes it with core/api/codec.h.
  const Object& object;
  // The store's revision once this write is applied (the write's resourceVersion): a delete leaves no
  // row, so a journal keeps this apart, and resourceVersions keep increasing after a restart.
  uint64_t revision;
  // The resourceVersion of the state this write replaces (0 for kCreate), so a journal can guard the
  // write on it as etcd3/store.go guards on the key's mod_revision.
  uint64_t previous_revision = 0;
};

class StoreJournal {
 public:
  virtual ~StoreJournal() = default;
  // Durable before it returns ok, with the revision the write got: entry.revision, or one the
  // datastore assigned (etcd's revision), which must be above the store's resource_version() when
  // record returns. Before returning, a journal may apply other writers' changes to the store
  // (MemoryStore::apply, replace), all at lower revisions and none to the entry's object. Non-ok
  // fails the write and the store keeps its state, so nothing unrecorded is ever acknowledged:
  // Conflict and AlreadyExists (the datastore's guard refused it) reach the caller as they are,
  // anything else as Unavailable.
  virtual Result<uint64_t> record(const JournalEntry& entry) = 0;
};

// What a journal hands back for MemoryStore::restore: every live object, metadata as persisted.
struct PersistedState {
  std::vector<ObjectPtr> objects;
  uint64_t revision = 0;
};

}  // namespace ktwin::core
