// encode/decode of whole objects: metadata, each kind's spec and status, and the overlay that keeps
// fields ktwin does not model. The per-struct field lists are in field_codec.h.
#include "core/api/codec.h"

#include "core/api/field_codec.h"

namespace ktwin::core {
namespace {

using namespace field_codec;  // visit, to_value, from_value, Encoder, Decoder
using json = nlohmann::json;

// ---- top-level kinds ---------------------------------------------------------------------------------

// spec and status documents per kind.
json encode_body(const Object& obj) {
  json j = json::object();
  Encoder e{j};
  switch (obj.kind()) {
    case Kind::kPod: {
      auto& p = const_cast<Pod&>(static_cast<const Pod&>(obj));
      e("spec", p.spec);
      e("status", p.status);
      break;
    }
    case Kind::kNode: {
      auto& n = const_cast<Node&>(static_cast<const Node&>(obj));
      e("spec", n.spec);
      e("status", n.status);
      break;
    }
    case Kind::kLease: e("spec", static_cast<const Lease&>(obj).spec); break;
    case Kind::kReplicaSet: {
      auto& rs = static_cast<const ReplicaSet&>(obj);
      json spec = {{"selector", to_value(rs.spec.selector)}, {"template", encode_template(rs.spec.template_)}};
      if (rs.spec.replicas) spec["replicas"] = *rs.spec.replicas;
      if (rs.spec.minReadySeconds) spec["minReadySeconds"] = rs.spec.minReadySeconds;
      j["spec"] = spec;
      j["status"] = to_value(rs.status);
      break;
    }
    case Kind::kDeployment: {
      auto& d = static_cast<const Deployment&>(obj);
      json spec = {{"selector", to_value(d.spec.selector)}, {"template", encode_template(d.spec.template_)}};
      Encoder se{spec};
      se("replicas", d.spec.replicas);
      se("strategy", d.spec.strategy);
      se("minReadySeconds", d.spec.minReadySeconds);
      se("revisionHistoryLimit", d.spec.revisionHistoryLimit);
      se("progressDeadlineSeconds", d.spec.progressDeadlineSeconds);
      se("paused", d.spec.paused);
      j["spec"] = spec;
      e("status", d.status);
      break;
    }
    case Kind::kService: {
      auto& s = static_cast<const Service&>(obj);
      e("spec", s.spec);
      j["status"] = {{"loadBalancer", to_value(s.status_loadBalancer)}};
      break;
    }
    case Kind::kEndpoints: e("subsets", static_cast<const Endpoints&>(obj).subsets); break;
    case Kind::kPodDisruptionBudget: {
      auto& pdb = static_cast<const PodDisruptionBudget&>(obj);
      e("spec", pdb.spec);
      j["status"] = to_value(pdb.status);
      break;
    }
    case Kind::kEvent: {
      auto& ev = const_cast<Event&>(static_cast<const Event&>(obj));
      e("involvedObject", ev.involvedObject);
      e("reason", ev.reason);
      e("message", ev.message);
      e("source", ev.source);
      // core/v1 Event: the two timestamps and eventTime are always present, null when unset.
      j["firstTimestamp"] = empty(ev.firstTimestamp) ? json() : to_value(ev.firstTimestamp);
      j["lastTimestamp"] = empty(ev.lastTimestamp) ? json() : to_value(ev.lastTimestamp);
      j["eventTime"] = nullptr;
      e("count", ev.count);
      e("type", ev.type);
      j["reportingComponent"] = ev.reportingComponent;
      j["reportingInstance"] = ev.reportingInstance;
      break;
    }
    case Kind::kNamespace:
      // k/k namespace strategy PrepareForCreate: the "kubernetes" finalizer, phase Active.
      j["spec"] = {{"finalizers", {"kubernetes"}}};
      j["status"] = {{"phase", static_cast<const Namespace&>(obj).phase}};
      break;
    case Kind::kIngress: {
      auto& i = static_cast<const Ingress&>(obj);
      json spec = json::object();
      Encoder se{spec};
      se("ingressClassName", i.ingressClassName);
      se("rules", i.rules);
      j["spec"] = spec;
      j["status"] = {{"loadBalancer", to_value(i.status_loadBalancer)}};
      break;
    }
  }
  return j;
}

// Decodes fields of `spec` directly (kinds whose spec is not one struct); errors get the "spec." prefix.
struct SpecDecoder {
  const json& in;
  template <class T>
  void operator()(const char* key, T& field) {
    try {
      Decoder{in}(key, field);
    } catch (DecodeError& e) {
      e.path = "spec." + e.path;
      throw;
    }
  }
};

std::shared_ptr<Object> decode_body(Kind kind, const json& j) {
  Decoder d{j};
  json spec = j.contains("spec") ? j["spec"] : json::object();
  SpecDecoder sd{spec};
  switch (kind) {
    case Kind::kPod: {
      auto p = std::make_shared<Pod>();
      d("spec", p->spec);
      d("status", p->status);
      return p;
    }
    case Kind::kNode: {
      auto n = std::make_shared<Node>();
      d("spec", n->spec);
      d("status", n->status);
      return n;
    }
    case Kind::kLease: {
      auto l = std::make_shared<Lease>();
      d("spec", l->spec);
      return l;
    }
    case Kind::kReplicaSet: {
      auto rs = std::make_shared<ReplicaSet>();
      sd("replicas", rs->spec.replicas);
      sd("minReadySeconds", rs->spec.minReadySeconds);
      sd("selector", rs->spec.selector);
      if (spec.contains("template")) sd("template", rs->spec.template_);
      d("status", rs->status);
      return rs;
    }
    case Kind::kDeployment: {
      auto dep = std::make_shared<Deployment>();
      sd("replicas", dep->spec.replicas);
      sd("selector", dep->spec.selector);
      sd("strategy", dep->spec.strategy);
      sd("minReadySeconds", dep->spec.minReadySeconds);
      sd("revisionHistoryLimit", dep->spec.revisionHistoryLimit);
      sd("progressDeadlineSeconds", dep->spec.progressDeadlineSeconds);
      sd("paused", dep->spec.paused);
      if (spec.contains("template")) sd("template", dep->spec.template_);
      d("status", dep->status);
      return dep;
    }
    case Kind::kService: {
      auto s = std::make_shared<Service>();
      d("spec", s->spec);
      if (j.contains("status") && j["status"].is_object()) Decoder{j["status"]}("loadBalancer", s->status_loadBalancer);
      return s;
    }
    case Kind::kPodDisruptionBudget: {
      auto pdb = std::make_shared<PodDisruptionBudget>();
      d("spec", pdb->spec);
      d("status", pdb->status);
      return pdb;
    }
    case Kind::kEndpoints: {
      auto e = std::make_shared<Endpoints>();
      d("subsets", e->subsets);
      return e;
    }
    case Kind::kEvent: {
      auto ev = std::make_shared<Event>();
      d("involvedObject", ev->involvedObject);
      d("reason", ev->reason);
      d("message", ev->message);
      d("source", ev->source);
      if (j.contains("firstTimestamp") && !j["firstTimestamp"].is_null()) d("firstTimestamp", ev->firstTimestamp);
      if (j.contains("lastTimestamp") && !j["lastTimestamp"].is_null()) d("lastTimestamp", ev->lastTimestamp);
      d("count", ev->count);
      d("type", ev->type);
      d("reportingComponent", ev->reportingComponent);
      d("reportingInstance", ev->reportingInstance);
      return ev;
    }
    case Kind::kNamespace: {
      auto ns = std::make_shared<Namespace>();
      if (j.contains("status") && j["status"].is_object()) Decoder{j["status"]}("phase", ns->phase);
      if (ns->phase.empty()) ns->phase = "Active";
      return ns;
    }
    case Kind::kIngress: {
      auto i = std::make_shared<Ingress>();
      sd("ingressClassName", i->ingressClassName);
      sd("rules", i->rules);
      if (j.contains("status") && j["status"].is_object()) Decoder{j["status"]}("loadBalancer", i->status_loadBalancer);
      return i;
    }
  }
  return nullptr;
}

}  // namespace

json overlay(const json& base, const json& over) {
  if (base.is_object() && over.is_object()) {
    json out = base;
    for (auto it = over.begin(); it != over.end(); ++it) {
      auto b = base.find(it.key());
      out[it.key()] = b == base.end() ? it.value() : overlay(*b, it.value());
    }
    return out;
  }
  if (base.is_array() && over.is_array() && base.size() == over.size()) {
    json out = json::array();
    for (size_t i = 0; i < over.size(); ++i) out.push_back(overlay(base[i], over[i]));
    return out;
  }
  return over;
}

json encode_meta(const ObjectMeta& meta) {
  json j = json::object();
  Encoder e{j};
  visit_meta(e, const_cast<ObjectMeta&>(meta));
  return j;
}

json encode(const Object& obj) {
  json j = {{"apiVersion", std::string(api_version(obj.kind()))},
            {"kind", std::string(kind_name(obj.kind()))},
            {"metadata", encode_meta(obj.metadata)}};
  json body = encode_body(obj);
  for (auto it = body.begin(); it != body.end(); ++it) j[it.key()] = it.value();
  if (obj.kind() == Kind::kLease) {
    // coordination/v1 uses MicroTime for these two fields.
    auto& lease = static_cast<const Lease&>(obj);
    if (lease.spec.renewTime) j["spec"]["renewTime"] = format_micro(*lease.spec.renewTime);
    if (lease.spec.acquireTime) j["spec"]["acquireTime"] = format_micro(*lease.spec.acquireTime);
  }
  return obj.original ? overlay(*obj.original, j) : j;
}

Result<ObjectPtr> decode(const json& doc) {
  if (!doc.is_object()) return Status::invalid("expected an object");
  std::string kind_text = doc.value("kind", "");
  if (kind_text.empty()) return Status::invalid("kind: missing");
  auto kind = parse_kind(kind_text);
  if (!kind || kind_name(*kind) != kind_text) return Status::invalid("kind: unknown kind \"" + kind_text + "\"");
  try {
    std::shared_ptr<Object> obj = decode_body(*kind, doc);
    if (doc.contains("metadata")) {
      if (!doc["metadata"].is_object()) return Status::invalid("metadata: expected an object");
      Decoder d{doc["metadata"]};
      try {
        visit_meta(d, obj->metadata);
      } catch (DecodeError& e) {
        e.path = "metadata." + e.path;
        throw;
      }
    }
    obj->original = std::make_shared<const json>(doc);
    return ObjectPtr(obj);
  } catch (const DecodeError& e) {
    return Status::invalid(e.path + ": " + e.what);
  }
}

}  // namespace ktwin::core
