// The server's datastore, chosen as k3s chooses it: etcd with --datastore-endpoint, else SQLite in
// DATA_DIR/server/db/state.db. One call opens it, restores the store and starts journaling.
#pragma once

#include <memory>
#include <string>

#include "core/store/memory_store.h"
#include "core/store/store_journal.h"

namespace ktwin::realnet {

struct DatastoreOptions {
  std::string data_dir;  // --data-dir: SQLite at SqliteJournal::default_path(data_dir)
  std::string endpoint;  // --datastore-endpoint http://HOST:PORT; empty for SQLite
};

// Opens the datastore, restores `store` from it and journals every later write of `store` into it.
// REQUIRES: `store` was never written. The journal must outlive the store's writes (destroy the store
// first, or call store.set_journal(nullptr)). Build the AdmittingStore over `store` afterwards, or
// call its reserve_stored_services(), so restored ClusterIPs and NodePorts stay taken.
core::Result<std::unique_ptr<core::StoreJournal>> attach_datastore(const DatastoreOptions& options,
                                                                   core::MemoryStore& store);

}  // namespace ktwin::realnet
