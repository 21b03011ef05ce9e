// kubectl-like writes over the Store interface; conflicts are retried as kubectl's own retries would.
#include "sim/kubectl_actions.h"

#include "core/api/codec.h"
#include "core/api/node.h"
#include "core/api/workload.h"
#include "core/printers/table.h"

namespace ktwin::sim {
namespace {

constexpr int kMaxConflictRetries = 5;

std::string ns_of(const core::Object& obj) {
  if (!core::is_namespaced(obj.kind())) return "";
  return obj.metadata.namespace_.empty() ? "default" : obj.metadata.namespace_;
}

}  // namespace

core::Result<std::vector<std::string>> apply_manifests(core::Store& store, const std::vector<ManifestDoc>& docs) {
  std::vector<std::string> lines;
  for (const ManifestDoc& doc : docs) {
    auto decoded = core::decode(doc.doc);
    if (!decoded.is_ok()) return core::Status::invalid(doc.where.to_string() + ": " + decoded.status().message());
    std::shared_ptr<core::Object> obj = decoded.value()->clone();
    std::string label = core::printers::kind_prefix(obj->kind()) + "/" + obj->metadata.name;
    for (int attempt = 0;; ++attempt) {
      core::ObjectPtr existing = store.find(obj->kind(), ns_of(*obj), obj->metadata.name);
      if (!existing) {
        auto created = store.create(obj->clone());
        if (!created.is_ok()) return created.status();
        lines.push_back(label + " created");
        break;
      }
      // Replace what the manifest sets; keep identity and status (what the controllers wrote).
      nlohmann::json before = core::encode(*existing);
      nlohmann::json wanted = core::encode(*obj);
      nlohmann::json merged = before;
      for (const char* field : {"spec", "data"})
        if (wanted.contains(field)) merged[field] = wanted[field];
      merged["metadata"]["labels"] = wanted["metadata"].value("labels", nlohmann::json::object());
      merged["metadata"]["annotations"] = wanted["metadata"].value("annotations", nlohmann::json::object());
      if (merged == before) {
        lines.push_back(label + " unchanged");
        break;
      }
      auto next = core::decode(merged);
      if (!next.is_ok()) return next.status();
      std::shared_ptr<core::Object> update = next.value()->clone();
      if (merged["spec"] != before["spec"]) update->metadata.generation = existing->metadata.generation + 1;
      auto updated = store.update(update);
      if (updated.is_ok()) {
        lines.push_back(label + " configured");
        break;
      }
      if (!updated.status().is_conflict() || attempt == kMaxConflictRetries) return updated.status();
    }
  }
  return lines;
}

core::Result<std::string> scale(core::Store& store, const std::string& kind_text, const std::string& ns,
                                const std::string& name, int32_t replicas) {
  auto kind = core::parse_kind(kind_text);
  if (!kind || (*kind != core::Kind::kDeployment && *kind != core::Kind::kReplicaSet))
    return core::Status::invalid("cannot scale \"" + kind_text + "\": only deployments and replicasets");
  for (int attempt = 0;; ++attempt) {
    core::ObjectPtr existing = store.find(*kind, ns, name);
    if (!existing)
      return core::Status::not_found(core::printers::kind_prefix(*kind) + " \"" + name + "\" not found");
    std::shared_ptr<core::Object> copy = existing->clone();
    if (*kind == core::Kind::kDeployment) static_cast<core::Deployment&>(*copy).spec.replicas = replicas;
    else static_cast<core::ReplicaSet&>(*copy).spec.replicas = replicas;
    copy->metadata.generation += 1;
    auto updated = store.update(copy);
    if (updated.is_ok()) return core::printers::kind_prefix(*kind) + "/" + name + " scaled";
    if (!updated.status().is_conflict() || attempt == kMaxConflictRetries) return updated.status();
  }
}

core::Result<std::vector<std::string>> delete_objects(core::Store& store, const std::string& kind_text,
                                                      const std::string& ns, const std::string& name,
                                                      const std::string& selector_text) {
  auto kind = core::parse_kind(kind_text);
  if (!kind) return core::Status::invalid("the server doesn't have a resource type \"" + kind_text + "\"");
  std::vector<std::string> names;
  if (!name.empty()) {
    names.push_back(name);
  } else {
    auto selector = core::LabelSelector::parse(selector_text);
    if (!selector) return core::Status::invalid("bad label selector \"" + selector_text + "\"");
    for (const core::ObjectPtr& obj : store.list(*kind, core::is_namespaced(*kind) ? ns : ""))
      if (selector->matches(obj->metadata.labels)) names.push_back(obj->metadata.name);
  }
  std::vector<std::string> lines;
  std::string resource(core::kind_name(*kind));
  for (char& c : resource) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& n : names) {
    core::Status s = store.remove(*kind, ns, n);
    if (!s.is_ok()) return s;
    lines.push_back(resource + " \"" + n + "\" deleted");
  }
  if (names.empty()) lines.push_back("No resources found");
  return lines;
}

core::Result<std::string> cordon(core::Store& store, const std::string& name, bool unschedulable) {
  std::string verb = unschedulable ? "cordoned" : "uncordoned";
  for (int attempt = 0;; ++attempt) {
    auto node = core::find<core::Node>(store, "", name);
    if (!node) return core::Status::not_found("nodes \"" + name + "\" not found");
    if (node->spec.unschedulable == unschedulable) return "node/" + name + " already " + verb;
    auto copy = core::mutable_copy(*node);
    copy->spec.unschedulable = unschedulable;
    auto updated = store.update(copy);
    if (updated.is_ok()) return "node/" + name + " " + verb;
    if (!updated.status().is_conflict() || attempt == kMaxConflictRetries) return updated.status();
  }
}

}  // namespace ktwin::sim
