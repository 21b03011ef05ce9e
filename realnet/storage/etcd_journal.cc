// EtcdJournal: Kubernetes' key layout, guarded transactions, and recovery from an unanswered write.
#include "realnet/storage/etcd_journal.h"

#include "core/api/codec.h"
#include "core/util/base64.h"
#include "realnet/storage/persisted_object.h"

namespace ktwin::realnet {

using core::Kind;
using core::Result;
using core::Status;
using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/registry/";

// k/k pkg/kubeapiserver/default_storage_factory_builder.go SpecialDefaultResourcePrefixes: nodes are
// "minions", services "services/specs", endpoints "services/endpoints", ingresses "ingress".
std::string_view resource_prefix(Kind kind) {
  switch (kind) {
    case Kind::kNode:
      return "minions";
    case Kind::kPod:
      return "pods";
    case Kind::kReplicaSet:
      return "replicasets";
    case Kind::kDeployment:
      return "deployments";
    case Kind::kService:
      return "services/specs";
    case Kind::kEndpoints:
      return "services/endpoints";
    case Kind::kIngress:
      return "ingress";
    case Kind::kLease:
      return "leases";
    case Kind::kPodDisruptionBudget:
      return "poddisruptionbudgets";
  }
  return "unknown";
}

Result<uint64_t> parse_revision(const std::string& endpoint, const std::string& text) {
  char* end = nullptr;
  uint64_t value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end)
    return Status::invalid("etcd " + endpoint + ": " + EtcdJournal::kRevisionKey + " is \"" + text +
                           "\", not a number");
  return value;
}

}  // namespace

std::string EtcdJournal::key_of(Kind kind, const std::string& ns, const std::string& name) {
  std::string key = kPrefix + std::string(resource_prefix(kind)) + "/";
  if (!ns.empty()) key += ns + "/";
  return key + name;
}

Result<std::unique_ptr<EtcdJournal>> EtcdJournal::open(const std::string& endpoint, core::Duration timeout) {
  auto client = EtcdClient::create(endpoint, timeout);
  if (!client.is_ok()) return client.status();
  std::unique_ptr<EtcdJournal> journal(new EtcdJournal(std::move(client).value()));
  EtcdClient& etcd = *journal->client_;
  auto revision = etcd.get(kRevisionKey);
  if (!revision.is_ok()) return revision.status();
  if (revision.value()) {
    auto parsed = parse_revision(endpoint, *revision.value());
    if (!parsed.is_ok()) return parsed.status();
    journal->revision_ = parsed.value();
    return journal;
  }
  // No revision: an empty etcd becomes ours; one with Kubernetes keys is someone else's.
  std::string end = kPrefix;
  end.back() = '0';
  auto count =
      etcd.call("/v3/kv/range",
                {{"key", core::base64_encode(kPrefix)}, {"range_end", core::base64_encode(end)}, {"count_only", true}});
  if (!count.is_ok()) return count.status();
  if (count.value().value("count", "0") != "0")
    return Status::invalid("etcd " + endpoint + ": it holds " + kPrefix + " keys but no " + kRevisionKey +
                           ": not a ktwin datastore (a Kubernetes cluster's etcd?); left untouched");
  json create = {
      {"compare",
       {{{"key", core::base64_encode(kRevisionKey)},
         {"target", "VERSION"},
         {"result", "EQUAL"},
         {"version", "0"}}}},
      {"success", {{{"requestPut", {{"key", core::base64_encode(kRevisionKey)}, {"value", core::base64_encode("0")}}}}}}};
  auto created = etcd.call("/v3/kv/txn", create);
  if (!created.is_ok()) return created.status();
  if (!created.value().value("succeeded", false))  // another server initialised it just now
    return Status::unavailable("etcd " + endpoint + ": " + kRevisionKey + " appeared while opening; retry");
  return journal;
}

Status EtcdJournal::resync() {
  auto current = client_->get(kRevisionKey);
  if (!current.is_ok()) return current.status();
  if (current.value() && *current.value() == std::to_string(revision_)) {
    uncertain_ = false;  // the unanswered write never landed: carry on
    return Status::ok();
  }
  return Status::unavailable("etcd " + client_->endpoint() + ": an unanswered write may have been applied (" +
                             kRevisionKey + " is " + current.value().value_or("absent") +
                             ", this server wrote " + std::to_string(revision_) +
                             "); restart the server to reload the state");
}

Result<uint64_t> EtcdJournal::record(const core::JournalEntry& entry) {
  if (uncertain_)
    if (Status s = resync(); !s.is_ok()) return s;
  std::string key = core::base64_encode(key_of(entry.kind, entry.namespace_, entry.name));
  json op =
      entry.op == core::JournalOp::kDelete
          ? json{{"requestDeleteRange", {{"key", key}}}}
          : json{{"requestPut", {{"key", key}, {"value", core::base64_encode(core::encode(entry.object).dump())}}}};
  json txn = {{"compare",
               {{{"key", core::base64_encode(kRevisionKey)},
                 {"target", "VALUE"},
                 {"result", "EQUAL"},
                 {"value", core::base64_encode(std::to_string(revision_))}}}},
              {"success",
               {op,
                {{"requestPut",
                  {{"key", core::base64_encode(kRevisionKey)},
                   {"value", core::base64_encode(std::to_string(entry.revision))}}}}}}};
  auto answer = client_->call("/v3/kv/txn", txn);
  if (!answer.is_ok()) {
    uncertain_ = true;
    return answer.status();
  }
  if (!answer.value().value("succeeded", false)) {
    auto current = client_->get(kRevisionKey);
    std::string now = current.is_ok() ? current.value().value_or("absent") : current.status().message();
    return Status::unavailable("etcd " + client_->endpoint() + ": " + kRevisionKey + " is " + now +
                               ", not this server's " + std::to_string(revision_) +
                               ": another server writes to this etcd");
  }
  revision_ = entry.revision;
  return entry.revision;
}

Result<core::PersistedState> EtcdJournal::load() {
  core::PersistedState state;
  auto revision = client_->get(kRevisionKey);
  if (!revision.is_ok()) return revision.status();
  if (revision.value()) {
    auto parsed = parse_revision(client_->endpoint(), *revision.value());
    if (!parsed.is_ok()) return parsed.status();
    state.revision = parsed.value();
  }
  auto kvs = client_->list_prefix(kPrefix);
  if (!kvs.is_ok()) return kvs.status();
  for (const EtcdClient::KeyValue& kv : kvs.value()) {
    std::string where = "etcd " + client_->endpoint() + ": " + kv.key + ": ";
    auto obj = decode_persisted(kv.value);
    if (!obj.is_ok()) return Status::invalid(where + obj.status().message());
    const core::ObjectMeta& meta = obj.value()->metadata;
    if (key_of(obj.value()->kind(), meta.namespace_, meta.name) != kv.key)
      return Status::invalid(where + "holds " + std::string(core::kind_name(obj.value()->kind())) + " " +
                             core::namespaced_name(*obj.value()));
    state.objects.push_back(obj.value());
  }
  revision_ = state.revision;
  return state;
}

}  // namespace ktwin::realnet
