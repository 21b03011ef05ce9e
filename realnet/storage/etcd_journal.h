// `--datastore-endpoint http://HOST:2379`: the state in etcd, each object under Kubernetes' own key
// (/registry/pods/default/web-1, /registry/minions/worker1) as its JSON, and the store's revision under
// /ktwin/revision. Each write is one etcd transaction guarded by that revision, so a second server
// writing to the same etcd is refused rather than silently interleaved.
#pragma once

#include <memory>
#include <string>

#include "core/store/store_journal.h"
#include "realnet/storage/etcd_client.h"

namespace ktwin::realnet {

class EtcdJournal : public core::StoreJournal {
 public:
  static constexpr const char* kRevisionKey = "/ktwin/revision";

  // The key of an object: /registry/<resource>/<namespace>/<name>, or /registry/<resource>/<name>.
  static std::string key_of(core::Kind kind, const std::string& ns, const std::string& name);

  // Connects and reads the revision (creating it in an empty etcd). Unavailable when etcd does not
  // answer; Invalid for a bad endpoint or an etcd that holds /registry/ keys without a ktwin revision
  // (a Kubernetes cluster's etcd), which is left untouched.
  static core::Result<std::unique_ptr<EtcdJournal>> open(const std::string& endpoint,
                                                         core::Duration timeout = std::chrono::seconds(5));

  // A transaction: compare the revision with the last one written, then put (or delete) the object's
  // key and the new revision. etcd acknowledges once its raft log is fsynced on a quorum.
  core::Result<uint64_t> record(const core::JournalEntry& entry) override;
  // Every object under /registry/, decoded, and the revision.
  core::Result<core::PersistedState> load();
  EtcdClient& client() { return *client_; }

 private:
  explicit EtcdJournal(std::unique_ptr<EtcdClient> client) : client_(std::move(client)) {}
  core::Status resync();

  std::unique_ptr<EtcdClient> client_;
  uint64_t revision_ = 0;   // the value of kRevisionKey this journal last wrote or read
  bool uncertain_ = false;  // a transaction failed without an answer: it may have been applied
};

}  // namespace ktwin::realnet
