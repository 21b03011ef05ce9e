// EtcdDatastore: sequencing the store's own writes with the changes the watch brings.
#include "realnet/storage/etcd_datastore.h"

#include "core/util/base64.h"

namespace ktwin::realnet {

using core::Result;
using core::Status;

Result<std::unique_ptr<EtcdDatastore>> EtcdDatastore::open(const Options& options, core::MemoryStore& store) {
  if (auto endpoint = EtcdClient::create(options.endpoint, options.timeout); !endpoint.is_ok())
    return endpoint.status();  // a malformed endpoint first: it is the user's to fix
  if (!options.post) return Status::invalid("the etcd datastore needs a way to post to the store's executor");
  auto journal = EtcdJournal::open(options.endpoint, options.timeout);
  if (!journal.is_ok()) return journal.status();
  auto state = journal.value()->load();
  if (!state.is_ok()) return state.status();
  if (Status s = store.restore(state.value()); !s.is_ok()) return s;
  std::unique_ptr<EtcdDatastore> datastore(new EtcdDatastore(options, store, std::move(journal).value()));
  if (Status s = datastore->start_watch(state.value().revision + 1); !s.is_ok()) return s;
  store.set_journal(datastore.get());
  return datastore;
}

Status EtcdDatastore::start_watch(uint64_t from) {
  std::weak_ptr<int> alive = alive_;
  auto watcher = EtcdWatcher::start(
      options_.endpoint, EtcdJournal::kPrefix, from, [this] { post_drain(); },
      [this, alive](const std::string& line) {
        options_.post([this, alive, line] {
          if (alive.lock() && options_.log) options_.log("watch: " + line);
        });
      },
      options_.timeout);
  if (!watcher.is_ok()) return watcher.status();
  watcher_ = std::move(watcher).value();
  return Status::ok();
}

Status EtcdDatastore::TEST_restart_watch() {
  stop();
  apply(watcher_->take());
  return start_watch(store_.resource_version() + 1);
}

EtcdDatastore::EtcdDatastore(const Options& options, core::MemoryStore& store, std::unique_ptr<EtcdJournal> journal)
    : options_(options), store_(store), journal_(std::move(journal)) {}

EtcdDatastore::~EtcdDatastore() { stop(); }

void EtcdDatastore::stop() {
  if (watcher_) watcher_->stop();
}

void EtcdDatastore::post_drain() {
  if (drain_posted_.exchange(true)) return;  // one pending drain takes everything queued before it runs
  std::weak_ptr<int> alive = alive_;
  options_.post([this, alive] {
    if (alive.lock()) drain();
  });
}

void EtcdDatastore::drain() {
  drain_posted_ = false;
  if (needs_relist_)
    if (Status s = relist(); !s.is_ok() && options_.log) options_.log("re-list: " + s.message());
  apply(watcher_->take());
}

void EtcdDatastore::apply(std::vector<EtcdWatcher::Item> items) {
  for (EtcdWatcher::Item& item : items) {
    uint64_t now = store_.resource_version();
    if (item.listing) {
      // A listing older than the store is stale: the store holds everything up to its revision.
      if (item.revision > now || (item.revision == now && needs_relist_)) replace(*item.listing);
      continue;
    }
    // At or below the store's revision: the server's own write, or in a re-list already. A
    // transaction of several keys gives each the same revision, so the rest of the last one applied stay.
    if (item.revision < now || (item.revision == now && item.revision != foreign_at_)) continue;
    apply_change(item);
  }
}

void EtcdDatastore::apply_change(const EtcdWatcher::Item& item) {
  auto name = EtcdJournal::parse_key(item.kv.key);
  if (!name) return;  // a resource ktwin does not model
  core::ObjectPtr now;
  if (!item.deleted) {
    auto decoded = EtcdJournal::decode(item.kv);
    if (!decoded.is_ok()) {
      // etcd3/watcher.go sends an error event for what does not decode; here it is logged and left out.
      if (options_.log) options_.log("watch: revision " + std::to_string(item.revision) + ": " +
                                     decoded.status().message() + "; ignored");
      return;
    }
    now = decoded.value();
  }
  store_.apply(name->kind, name->namespace_, name->name, now, item.revision);
  foreign_at_ = item.revision;
}

void EtcdDatastore::replace(const EtcdClient::Range& listing) {
  core::PersistedState state;
  state.revision = listing.revision;
  for (const EtcdClient::KeyValue& kv : listing.kvs) {
    if (!EtcdJournal::parse_key(kv.key)) continue;
    auto obj = EtcdJournal::decode(kv);
    if (!obj.is_ok()) {
      if (options_.log) options_.log("re-list: " + obj.status().message() + "; ignored");
      continue;
    }
    state.objects.push_back(obj.value());
  }
  store_.replace(state);
  needs_relist_ = false;
  foreign_at_ = 0;
  ++relists_;
  if (options_.log)
    options_.log("re-listed " + std::to_string(state.objects.size()) + " objects at revision " +
                 std::to_string(state.revision));
}

Status EtcdDatastore::relist() {
  auto range = journal_->client().range_prefix(EtcdJournal::kPrefix);
  if (!range.is_ok()) return range.status();
  replace(range.value());
  return Status::ok();
}

void EtcdDatastore::catch_up(uint64_t revision, bool for_own_write) {
  if (!watcher_->wait_for(revision, options_.timeout) && for_own_write) {
    // The watch is behind (etcd away, or slow): apply this write now and re-list once the callback
    // returns, so whatever landed before it is not lost, if reported after it.
    needs_relist_ = true;
    if (options_.log)
      options_.log("the watch did not reach revision " + std::to_string(revision) + " within the timeout; re-listing");
    std::weak_ptr<int> alive = alive_;
    options_.post([this, alive] {
      if (alive.lock()) drain();
    });
  }
  apply(watcher_->take(for_own_write ? revision : UINT64_MAX));
}

void EtcdDatastore::check_unanswered() {
  if (unanswered_key_.empty()) return;
  auto answer = journal_->client().call("/v3/kv/range", {{"key", core::base64_encode(unanswered_key_)}});
  if (!answer.is_ok()) return;  // still away: the write that follows will fail the same way
  const auto& kvs = answer.value().value("kvs", nlohmann::json::array());
  uint64_t mod = kvs.empty() ? 0 : EtcdClient::number(kvs[0], "mod_revision").value_or(0);
  // If it (or anyone's) landed, the watch brings it: apply it before writing on top of a stale view.
  if (mod > store_.resource_version()) catch_up(mod, /*for_own_write=*/false);
  unanswered_key_.clear();
}

Result<uint64_t> EtcdDatastore::record(const core::JournalEntry& entry) {
  // A re-list that failed (etcd away) is retried here too: no event may come to trigger a drain.
  if (needs_relist_) (void)relist();  // if etcd is away, the write below fails the same way
  check_unanswered();
  auto revision = journal_->record(entry);
  if (!revision.is_ok()) {
    const Status& s = revision.status();
    if ((s.is_conflict() || s.is_already_exists()) && journal_->refused_at() > store_.resource_version())
      catch_up(journal_->refused_at(), /*for_own_write=*/false);
    if (journal_->uncertain()) {
      journal_->clear_uncertain();
      unanswered_key_ = EtcdJournal::key_of(entry.kind, entry.namespace_, entry.name);
    }
    return revision;
  }
  if (revision.value() > store_.resource_version() + 1) catch_up(revision.value(), /*for_own_write=*/true);
  return revision;
}

}  // namespace ktwin::realnet
