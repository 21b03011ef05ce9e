// EtcdJournal: Kubernetes' key layout, one transaction per write guarded on its key, loading with
// the keys' mod_revisions.
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
    case Kind::kEvent:
      return "events";
    case Kind::kNamespace:
      return "namespaces";
  }
  return "unknown";
}

json compare(const std::string& key, const char* target, const char* field, const std::string& value) {
  return {{"key", key}, {"target", target}, {"result", "EQUAL"}, {field, value}};
}

}  // namespace

std::string EtcdJournal::key_of(Kind kind, const std::string& ns, const std::string& name) {
  std::string key = kPrefix + std::string(resource_prefix(kind)) + "/";
  if (!ns.empty()) key += ns + "/";
  return key + name;
}

std::optional<EtcdJournal::KeyName> EtcdJournal::parse_key(const std::string& key) {
  for (Kind kind : core::kAllKinds) {
    std::string prefix = kPrefix + std::string(resource_prefix(kind)) + "/";
    if (key.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = key.substr(prefix.size());
    auto slash = rest.find('/');
    if (!core::is_namespaced(kind)) {
      if (rest.empty() || slash != std::string::npos) return std::nullopt;
      return KeyName{kind, "", rest};
    }
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
        rest.find('/', slash + 1) != std::string::npos)
      return std::nullopt;
    return KeyName{kind, rest.substr(0, slash), rest.substr(slash + 1)};
  }
  return std::nullopt;
}

Result<core::ObjectPtr> EtcdJournal::decode(const EtcdClient::KeyValue& kv) {
  auto decoded = decode_persisted(kv.value);
  if (!decoded.is_ok()) return Status::invalid(kv.key + ": " + decoded.status().message());
  const core::Object& obj = *decoded.value();
  if (key_of(obj.kind(), obj.metadata.namespace_, obj.metadata.name) != kv.key)
    return Status::invalid(kv.key + ": holds " + std::string(core::kind_name(obj.kind())) + " " +
                           core::namespaced_name(obj));
  // etcd3/store.go decode: the resourceVersion is the key's mod_revision, never the stored field.
  std::shared_ptr<core::Object> versioned = obj.clone();
  versioned->metadata.resourceVersion = kv.mod_revision;
  return core::ObjectPtr(std::move(versioned));
}

Result<std::unique_ptr<EtcdJournal>> EtcdJournal::open(const std::string& endpoint, core::Duration timeout) {
  auto client = EtcdClient::create(endpoint, timeout);
  if (!client.is_ok()) return client.status();
  std::unique_ptr<EtcdJournal> journal(new EtcdJournal(std::move(client).value()));
  EtcdClient& etcd = *journal->client_;
  auto marker = etcd.get(kMarkerKey);
  if (!marker.is_ok()) return marker.status();
  if (marker.value()) return journal;
  auto legacy = etcd.get(kLegacyRevisionKey);
  if (!legacy.is_ok()) return legacy.status();
  if (!legacy.value()) {
    // No marker: an empty etcd becomes ours; one with Kubernetes keys is someone else's.
    auto count = etcd.call("/v3/kv/range", {{"key", core::base64_encode(kPrefix)},
                                            {"range_end", core::base64_encode(EtcdClient::prefix_end(kPrefix))},
                                            {"count_only", true}});
    if (!count.is_ok()) return count.status();
    if (count.value().value("count", "0") != "0")
      return Status::invalid("etcd " + endpoint + ": it holds " + kPrefix + " keys but no " + kMarkerKey +
                             ": not a ktwin datastore (a Kubernetes cluster's etcd?); left untouched");
  }
  std::string key = core::base64_encode(kMarkerKey);
  json create = {{"compare", {compare(key, "VERSION", "version", "0")}},
                 {"success", {{{"requestPut", {{"key", key}, {"value", core::base64_encode("ktwin")}}}}}}};
  auto created = etcd.call("/v3/kv/txn", create);
  if (!created.is_ok()) return created.status();
  return journal;  // not succeeded: another server marked it just now, which is as good
}

Result<uint64_t> EtcdJournal::record(const core::JournalEntry& entry) {
  std::string path = key_of(entry.kind, entry.namespace_, entry.name);
  std::string key = core::base64_encode(path);
  json op;
  if (entry.op == core::JournalOp::kDelete) {
    op = {{"requestDeleteRange", {{"key", key}}}};
  } else {
    json doc = core::encode(entry.object);
    // etcd3 APIObjectVersioner.PrepareObjectForStorage: the version is the key's, not a stored field.
    if (auto meta = doc.find("metadata"); meta != doc.end() && meta->is_object()) meta->erase("resourceVersion");
    op = {{"requestPut", {{"key", key}, {"value", core::base64_encode(doc.dump())}}}};
  }
  bool create = entry.op == core::JournalOp::kCreate;
  // etcd3/store.go: notFound(key) for Create, ModRevision(key) == origState.rev for update and delete.
  std::string expected = std::to_string(create ? 0 : entry.previous_revision);
  json txn = {{"compare", {compare(key, "MOD", "mod_revision", expected)}},
              {"success", {op}},
              {"failure", {{{"requestRange", {{"key", key}}}}}}};
  auto answer = client_->call("/v3/kv/txn", txn);
  if (!answer.is_ok()) {
    uncertain_ = true;  // the request may have reached etcd and been applied
    return answer.status();
  }
  const json& doc = answer.value();
  if (!doc.value("succeeded", false)) {
    refused_at_ = 0;
    const json& responses = doc.value("responses", json::array());
    if (!responses.empty()) {
      const json& kvs = responses[0].value("response_range", json::object()).value("kvs", json::array());
      if (!kvs.empty()) refused_at_ = EtcdClient::number(kvs[0], "mod_revision").value_or(0);
    }
    std::string what = std::string(core::kind_name(entry.kind)) + " \"" + entry.name + "\"";
    if (create) return Status::already_exists(what + " already exists");
    return Status::conflict("Operation cannot be fulfilled on " + what +
                            ": the object has been modified; please apply your changes to the latest "
                            "version and try again");
  }
  uint64_t revision = EtcdClient::header_revision(doc);
  if (revision == 0) {
    uncertain_ = true;
    return Status::unavailable("etcd " + client_->endpoint() + ": a transaction's answer has no revision");
  }
  return revision;
}

Result<core::PersistedState> EtcdJournal::load() {
  core::PersistedState state;
  auto range = client_->range_prefix(kPrefix);
  if (!range.is_ok()) return range.status();
  state.revision = range.value().revision;
  for (const EtcdClient::KeyValue& kv : range.value().kvs) {
    if (!parse_key(kv.key)) continue;  // a resource ktwin does not model: not its to serve
    auto obj = decode(kv);
    if (!obj.is_ok()) return Status::invalid("etcd " + client_->endpoint() + ": " + obj.status().message());
    state.objects.push_back(obj.value());
  }
  return state;
}

}  // namespace ktwin::realnet
