// Field selectors: metadata.name and metadata.namespace for every kind, plus the fields each kind's
// registry strategy adds (pods: spec.nodeName, status.phase, ...; nodes: spec.unschedulable).
#include "realnet/api/selectors.h"

#include "core/api/event.h"
#include "core/api/node.h"
#include "core/api/pod.h"

namespace ktwin::realnet {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// A probe object of `kind` to ask which fields it selects on.
bool field_supported(core::Kind kind, const std::string& field) {
  if (field == "metadata.name" || field == "metadata.namespace") return true;
  switch (kind) {
    case core::Kind::kPod:  // k/k pkg/registry/core/pod/strategy.go ToSelectableFields
      return field == "spec.nodeName" || field == "spec.restartPolicy" || field == "spec.schedulerName" ||
             field == "status.phase" || field == "status.podIP" || field == "spec.serviceAccountName" ||
             field == "status.nominatedNodeName";
    case core::Kind::kNode:  // k/k pkg/registry/core/node/strategy.go NodeToSelectableFields
      return field == "spec.unschedulable";
    case core::Kind::kEvent:  // k/k pkg/registry/core/event/strategy.go ToSelectableFields
      for (const char* f : {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                            "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                            "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"})
        if (field == f) return true;
      return false;
    default:
      return false;
  }
}

}  // namespace

std::optional<std::string> selectable_field(const core::Object& obj, const std::string& field) {
  if (field == "metadata.name") return obj.metadata.name;
  if (field == "metadata.namespace") return obj.metadata.namespace_;
  if (obj.kind() == core::Kind::kPod) {
    auto& pod = static_cast<const core::Pod&>(obj);
    if (field == "spec.nodeName") return pod.spec.nodeName;
    if (field == "spec.restartPolicy") return pod.spec.restartPolicy;
    if (field == "spec.schedulerName") return pod.spec.schedulerName;
    if (field == "status.phase") return pod.status.phase;
    if (field == "status.podIP") return pod.status.podIP;
    if (field == "spec.serviceAccountName" || field == "status.nominatedNodeName") {
      if (!obj.original) return std::string();
      const char* top = field[0] == 's' && field[1] == 'p' ? "spec" : "status";
      auto part = obj.original->find(top);
      if (part == obj.original->end() || !part->is_object()) return std::string();
      std::string key = field.substr(field.find('.') + 1);
      return part->value(key, std::string());
    }
  }
  if (obj.kind() == core::Kind::kEvent) {
    // k/k pkg/registry/core/event/strategy.go ToSelectableFields: what `kubectl describe` filters by.
    auto& ev = static_cast<const core::Event&>(obj);
    const core::EventObjectReference& o = ev.involvedObject;
    if (field == "involvedObject.kind") return o.kind;
    if (field == "involvedObject.namespace") return o.namespace_;
    if (field == "involvedObject.name") return o.name;
    if (field == "involvedObject.uid") return o.uid;
    if (field == "involvedObject.apiVersion") return o.apiVersion;
    if (field == "involvedObject.resourceVersion") return o.resourceVersion;
    if (field == "involvedObject.fieldPath") return o.fieldPath;
    if (field == "reason") return ev.reason;
    if (field == "reportingComponent") return ev.reportingComponent;
    if (field == "source") return ev.source.component;
    if (field == "type") return ev.type;
  }
  if (obj.kind() == core::Kind::kNode && field == "spec.unschedulable")
    return static_cast<const core::Node&>(obj).spec.unschedulable ? "true" : "false";
  return std::nullopt;
}

core::Result<std::vector<FieldRequirement>> parse_field_selector(const std::string& text, core::Kind kind) {
  std::vector<FieldRequirement> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string term = text.substr(start, comma - start);
    start = comma + 1;
    if (trim(term).empty()) continue;
    FieldRequirement req;
    size_t op = term.find("!=");
    size_t value_at;
    if (op != std::string::npos) {
      req.equals = false;
      value_at = op + 2;
    } else if ((op = term.find("==")) != std::string::npos) {
      value_at = op + 2;
    } else if ((op = term.find('=')) != std::string::npos) {
      value_at = op + 1;
    } else {
      return core::Status::invalid("invalid selector: '" + text + "'; can't understand '" + term + "'");
    }
    req.field = trim(term.substr(0, op));
    req.value = trim(term.substr(value_at));
    if (!field_supported(kind, req.field))
      return core::Status::invalid("field label not supported: " + req.field);
    out.push_back(std::move(req));
  }
  return out;
}

bool ObjectFilter::matches(const core::Object& obj) const {
  if (!namespace_.empty() && obj.metadata.namespace_ != namespace_) return false;
  if (labels && !labels->matches(obj.metadata.labels)) return false;
  for (const FieldRequirement& req : fields) {
    auto value = selectable_field(obj, req.field);
    if (!value || (*value == req.value) != req.equals) return false;
  }
  return true;
}

}  // namespace ktwin::realnet
