// The server's datastore, chosen as k3s chooses it: etcd with --datastore-endpoint, else SQLite in
// DATA_DIR/server/db/state.db. One call opens it, restores the store and starts journaling.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/store/memory_store.h"
#include "core/store/store_journal.h"

namespace ktwin::realnet {

struct DatastoreOptions {
  std::string data_dir;  // --data-dir: SQLite at SqliteJournal::default_path(data_dir)
  std::string endpoint;  // --datastore-endpoint http://HOST:PORT; empty for SQLite
  // etcd only: runs a task on the store's executor thread, from any thread (the watch's changes
  // are applied there), and takes the datastore's log lines on that thread.
  std::function<void(core::Task)> post;
  std::function<void(const std::string&)> log;
};

// Opens the datastore, restores `store` from it and journals every later write of `store` into it;
// with etcd, also watches it and applies other writers' changes to `store` (EtcdDatastore).
// REQUIRES: `store` was never written. The journal must outlive the store's writes (destroy the store
// first, or call store.set_journal(nullptr)) and is destroyed on the executor's thread. Build the
// AdmittingStore over `store` afterwards, or call its reserve_stored_services(), so restored
// ClusterIPs and NodePorts stay taken.
core::Result<std::unique_ptr<core::StoreJournal>> attach_datastore(const DatastoreOptions& options,
                                                                   core::MemoryStore& store);

}  // namespace ktwin::realnet
