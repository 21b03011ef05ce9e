// `--datastore-endpoint http://HOST:2379`: the state in etcd, each object under Kubernetes' own key
// (/registry/pods/default/web-1, /registry/minions/worker1) as its JSON without resourceVersion, which
// is the key's mod_revision, as in kube-apiserver (etcd3/store.go). Each write is one transaction
// guarded on its own key: create if absent, update or delete if unchanged since the version the
// store holds. EtcdDatastore (etcd_datastore.h) adds the watch that brings other writers' changes.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/store/store_journal.h"
#include "realnet/storage/etcd_client.h"

namespace ktwin::realnet {

class EtcdJournal : public core::StoreJournal {
 public:
  // Marks an etcd as a ktwin datastore. ktwin before etcd revisions kept its own counter under
  // kLegacyRevisionKey; an etcd holding that is accepted (and marked) too.
  static constexpr const char* kMarkerKey = "/ktwin/datastore";
  static constexpr const char* kLegacyRevisionKey = "/ktwin/revision";
  static constexpr const char* kPrefix = "/registry/";

  // The key of an object: /registry/<resource>/<namespace>/<name>, or /registry/<resource>/<name>.
  static std::string key_of(core::Kind kind, const std::string& ns, const std::string& name);
  struct KeyName {
    core::Kind kind;
    std::string namespace_, name;
  };
  // The inverse of key_of; nullopt for a key of a resource ktwin does not model (/registry/configmaps/..).
  static std::optional<KeyName> parse_key(const std::string& key);
  // An object as stored under kv.key, its resourceVersion kv.mod_revision. Invalid if it does not
  // decode or is not the object its key names.
  static core::Result<core::ObjectPtr> decode(const EtcdClient::KeyValue& kv);

  // Connects and checks the marker (creating it in an empty etcd). Unavailable when etcd does not
  // answer; Invalid for a bad endpoint or an etcd that holds /registry/ keys without the marker (a
  // Kubernetes cluster's etcd), which is left untouched.
  static core::Result<std::unique_ptr<EtcdJournal>> open(const std::string& endpoint,
                                                         core::Duration timeout = std::chrono::seconds(5));

  // One transaction on the entry's key, guarded as etcd3/store.go Create, GuaranteedUpdate and
  // conditionalDelete guard theirs: a create if the key's mod_revision is 0 (else AlreadyExists), an
  // update or delete if it is entry.previous_revision (else Conflict). Returns the transaction's
  // revision (header.revision), which becomes the object's resourceVersion. etcd acknowledges once
  // its raft log is fsynced on a quorum. Unavailable, and uncertain() set, when etcd did not answer.
  core::Result<uint64_t> record(const core::JournalEntry& entry) override;
  // After a refused guard: the mod_revision the key has now (0 when it is absent).
  uint64_t refused_at() const { return refused_at_; }
  // A transaction went unanswered since clear_uncertain(): it may have been applied.
  bool uncertain() const { return uncertain_; }
  void clear_uncertain() { uncertain_ = false; }
  // Every object under /registry/ that ktwin models, each with its mod_revision as resourceVersion,
  // and etcd's revision at the time of the read (the range's header.revision).
  core::Result<core::PersistedState> load();
  EtcdClient& client() { return *client_; }

 private:
  explicit EtcdJournal(std::unique_ptr<EtcdClient> client) : client_(std::move(client)) {}

  std::unique_ptr<EtcdClient> client_;
  uint64_t refused_at_ = 0;
  bool uncertain_ = false;
};

}  // namespace ktwin::realnet
