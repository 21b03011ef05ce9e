// attach_datastore: open, load, restore, then journal (and for etcd, watch).
#include "realnet/storage/datastore.h"

#include "realnet/storage/etcd_datastore.h"
#include "realnet/storage/sqlite_journal.h"

namespace ktwin::realnet {

namespace {

template <class Journal>
core::Result<std::unique_ptr<core::StoreJournal>> restore_from(core::Result<std::unique_ptr<Journal>> opened,
                                                               core::MemoryStore& store) {
  if (!opened.is_ok()) return opened.status();
  std::unique_ptr<Journal> journal = std::move(opened).value();
  auto state = journal->load();
  if (!state.is_ok()) return state.status();
  if (core::Status s = store.restore(state.value()); !s.is_ok()) return s;
  store.set_journal(journal.get());
  return std::unique_ptr<core::StoreJournal>(std::move(journal));
}

}  // namespace

core::Result<std::unique_ptr<core::StoreJournal>> attach_datastore(const DatastoreOptions& options,
                                                                   core::MemoryStore& store) {
  if (!options.endpoint.empty()) {
    auto etcd = EtcdDatastore::open({options.endpoint, options.post, options.log}, store);
    if (!etcd.is_ok()) return etcd.status();
    return std::unique_ptr<core::StoreJournal>(std::move(etcd).value());
  }
  if (options.data_dir.empty())
    return core::Status::invalid("the datastore needs --data-dir or --datastore-endpoint");
  return restore_from(SqliteJournal::open(SqliteJournal::default_path(options.data_dir)), store);
}

}  // namespace ktwin::realnet
