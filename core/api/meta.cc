// Kind names, label selectors and the small helpers on API objects.
#include "core/api/meta.h"

#include <algorithm>
#include <cctype>

#include "core/api/node.h"
#include "core/api/pod.h"
#include "core/api/service.h"

namespace ktwin::core {
namespace {

struct KindInfo {
  Kind kind;
  std::string_view name, api_version;
  bool namespaced;
  std::vector<std::string_view> aliases;  // lower case: plural, singular, short names
};

const std::vector<KindInfo>& kind_table() {
  static const std::vector<KindInfo> table = {
      {Kind::kNode, "Node", "v1", false, {"nodes", "node", "no"}},
      {Kind::kPod, "Pod", "v1", true, {"pods", "pod", "po"}},
      {Kind::kReplicaSet, "ReplicaSet", "apps/v1", true, {"replicasets", "replicaset", "rs"}},
      {Kind::kDeployment, "Deployment", "apps/v1", true, {"deployments", "deployment", "deploy"}},
      {Kind::kService, "Service", "v1", true, {"services", "service", "svc"}},
      {Kind::kEndpoints, "Endpoints", "v1", true, {"endpoints", "ep"}},
      {Kind::kIngress, "Ingress", "networking.k8s.io/v1", true, {"ingresses", "ingress", "ing"}},
      {Kind::kLease, "Lease", "coordination.k8s.io/v1", true, {"leases", "lease"}},
      {Kind::kPodDisruptionBudget, "PodDisruptionBudget", "policy/v1", true,
       {"poddisruptionbudgets", "poddisruptionbudget", "pdb"}},
      {Kind::kEvent, "Event", "v1", true, {"events", "event", "ev"}},
      {Kind::kNamespace, "Namespace", "v1", false, {"namespaces", "namespace", "ns"}},
  };
  return table;
}

const KindInfo& info(Kind kind) { return kind_table()[static_cast<size_t>(kind)]; }

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::string_view kind_name(Kind kind) { return info(kind).name; }
std::string_view api_version(Kind kind) { return info(kind).api_version; }
bool is_namespaced(Kind kind) { return info(kind).namespaced; }

std::optional<Kind> parse_kind(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  // kubectl accepts group-qualified names: "deployments.apps", "deployment.apps".
  if (auto dot = lower.find('.'); dot != std::string::npos) lower.resize(dot);
  for (const KindInfo& k : kind_table()) {
    std::string name(k.name);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower == name || std::find(k.aliases.begin(), k.aliases.end(), lower) != k.aliases.end()) return k.kind;
  }
  return std::nullopt;
}

const OwnerReference* ObjectMeta::controller_ref() const {
  for (const OwnerReference& ref : ownerReferences)
    if (ref.controller) return &ref;
  return nullptr;
}

std::string namespaced_name(const Object& obj) {
  if (obj.metadata.namespace_.empty()) return obj.metadata.name;
  return obj.metadata.namespace_ + "/" + obj.metadata.name;
}

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& [k, v] : matchLabels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const LabelSelectorRequirement& r : matchExpressions) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    if (r.operator_ == "In" && !(has && contains(r.values, it->second))) return false;
    if (r.operator_ == "NotIn" && has && contains(r.values, it->second)) return false;
    if (r.operator_ == "Exists" && !has) return false;
    if (r.operator_ == "DoesNotExist" && has) return false;
  }
  return true;
}

std::string LabelSelector::to_string() const {
  std::vector<std::string> parts;
  for (const auto& [k, v] : matchLabels) parts.push_back(k + "=" + v);
  for (const LabelSelectorRequirement& r : matchExpressions) {
    std::string values;
    for (size_t i = 0; i < r.values.size(); ++i) values += (i ? "," : "") + r.values[i];
    if (r.operator_ == "In") parts.push_back(r.key + " in (" + values + ")");
    if (r.operator_ == "NotIn") parts.push_back(r.key + " notin (" + values + ")");
    if (r.operator_ == "Exists") parts.push_back(r.key);
    if (r.operator_ == "DoesNotExist") parts.push_back("!" + r.key);
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i];
  return out;
}

std::optional<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector sel;
  std::string s(text);
  size_t i = 0;
  while (i < s.size()) {
    // A term ends at a comma outside parentheses.
    size_t end = i;
    int depth = 0;
    while (end < s.size() && !(s[end] == ',' && depth == 0)) {
      depth += s[end] == '(' ? 1 : s[end] == ')' ? -1 : 0;
      ++end;
    }
    std::string term = trim(std::string_view(s).substr(i, end - i));
    i = end + 1;
    if (term.empty()) return std::nullopt;
    auto set_op = [&](const std::string& op, size_t pos, size_t len) -> bool {
      std::string key = trim(term.substr(0, pos));
      std::string rest = trim(term.substr(pos + len));
      if (key.empty() || rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return false;
      LabelSelectorRequirement r{key, op, {}};
      std::string inner = rest.substr(1, rest.size() - 2);
      size_t p = 0;
      while (p <= inner.size()) {
        size_t comma = inner.find(',', p);
        if (comma == std::string::npos) comma = inner.size();
        std::string v = trim(std::string_view(inner).substr(p, comma - p));
        if (!v.empty()) r.values.push_back(v);
        p = comma + 1;
      }
      sel.matchExpressions.push_back(r);
      return true;
    };
    if (auto p = term.find(" notin "); p != std::string::npos) {
      if (!set_op("NotIn", p, 7)) return std::nullopt;
    } else if (auto q = term.find(" in "); q != std::string::npos) {
      if (!set_op("In", q, 4)) return std::nullopt;
    } else if (auto ne = term.find("!="); ne != std::string::npos) {
      sel.matchExpressions.push_back({trim(term.substr(0, ne)), "NotIn", {trim(term.substr(ne + 2))}});
    } else if (auto eq = term.find('='); eq != std::string::npos) {
      size_t vpos = eq + 1 + (eq + 1 < term.size() && term[eq + 1] == '=' ? 1 : 0);
      std::string key = trim(term.substr(0, eq));
      if (key.empty()) return std::nullopt;
      sel.matchLabels[key] = trim(term.substr(vpos));
    } else if (term[0] == '!') {
      sel.matchExpressions.push_back({trim(term.substr(1)), "DoesNotExist", {}});
    } else {
      sel.matchExpressions.push_back({term, "Exists", {}});
    }
  }
  return sel;
}

const PodCondition* Pod::find_condition(std::string_view type) const {
  for (const PodCondition& c : status.conditions)
    if (c.type == type) return &c;
  return nullptr;
}

bool Toleration::tolerates(const Taint& taint) const {
  if (!effect.empty() && effect != taint.effect) return false;
  if (!key.empty() && key != taint.key) return false;
  if (operator_.empty() || operator_ == "Equal") return value == taint.value;
  return operator_ == "Exists";
}

void Pod::set_condition(const PodCondition& condition) {
  for (PodCondition& c : status.conditions)
    if (c.type == condition.type) {
      c = condition;
      return;
    }
  status.conditions.push_back(condition);
}

bool Pod::is_ready() const {
  const PodCondition* c = find_condition("Ready");
  return c != nullptr && c->status == "True";
}

bool Pod::is_terminal() const { return status.phase == "Succeeded" || status.phase == "Failed"; }

bool Pod::is_active() const { return !is_terminal() && !metadata.deletionTimestamp.has_value(); }

const NodeCondition* Node::find_condition(std::string_view type) const {
  for (const NodeCondition& c : status.conditions)
    if (c.type == type) return &c;
  return nullptr;
}

NodeCondition* Node::find_condition(std::string_view type) {
  for (NodeCondition& c : status.conditions)
    if (c.type == type) return &c;
  return nullptr;
}

bool Node::is_ready() const {
  const NodeCondition* c = find_condition("Ready");
  return c != nullptr && c->status == "True";
}

bool Node::has_taint(std::string_view key, std::string_view effect) const {
  for (const Taint& t : spec.taints)
    if (t.key == key && t.effect == effect) return true;
  return false;
}

std::string Node::internal_ip() const {
  for (const NodeAddress& a : status.addresses)
    if (a.type == "InternalIP") return a.address;
  return "";
}

size_t Endpoints::ready_address_count() const {
  size_t n = 0;
  for (const EndpointSubset& s : subsets) n += s.addresses.size();
  return n;
}

}  // namespace ktwin::core
