// Taint, toleration and node selector matching.
#include "core/scheduler/plugins/helpers.h"

#include <algorithm>
#include <charconv>

namespace ktwin::core {
namespace {

bool parse_int(const std::string& s, int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool contains(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

}  // namespace

bool tolerations_tolerate(const std::vector<Toleration>& tolerations, const Taint& taint) {
  return std::any_of(tolerations.begin(), tolerations.end(),
                     [&](const Toleration& t) { return t.tolerates(taint); });
}

const Taint* find_untolerated_taint(const std::vector<Taint>& taints,
                                    const std::vector<Toleration>& tolerations,
                                    const std::function<bool(const Taint&)>& filter) {
  for (const Taint& taint : taints)
    if (filter(taint) && !tolerations_tolerate(tolerations, taint)) return &taint;
  return nullptr;
}

bool matches_requirement(const NodeSelectorRequirement& req, const Labels& labels) {
  auto it = labels.find(req.key);
  bool has = it != labels.end();
  const std::string& op = req.operator_;
  if (op == "In") return has && contains(req.values, it->second);
  if (op == "NotIn") return !has || !contains(req.values, it->second);
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  if (op == "Gt" || op == "Lt") {
    // k/k NodeSelectorRequirementsAsSelector: exactly one integer value, compared with the label's.
    int64_t want = 0, got = 0;
    if (!has || req.values.size() != 1 || !parse_int(req.values[0], want) || !parse_int(it->second, got))
      return false;
    return op == "Gt" ? got > want : got < want;
  }
  return false;  // unknown operator: the selector does not parse, so nothing matches
}

bool matches_term(const NodeSelectorTerm& term, const Node& node) {
  if (term.matchExpressions.empty() && term.matchFields.empty()) return false;
  for (const NodeSelectorRequirement& req : term.matchExpressions)
    if (!matches_requirement(req, node.metadata.labels)) return false;
  // Only metadata.name is a supported field, with In and NotIn.
  Labels fields{{"metadata.name", node.metadata.name}};
  for (const NodeSelectorRequirement& req : term.matchFields) {
    if (req.key != "metadata.name" || (req.operator_ != "In" && req.operator_ != "NotIn") ||
        req.values.size() != 1)
      return false;
    if (!matches_requirement(req, fields)) return false;
  }
  return true;
}

bool matches_any_term(const std::vector<NodeSelectorTerm>& terms, const Node& node) {
  return std::any_of(terms.begin(), terms.end(),
                     [&](const NodeSelectorTerm& t) { return matches_term(t, node); });
}

bool pod_matches_node_selector_and_affinity(const Pod& pod, const Node& node) {
  for (const auto& [k, v] : pod.spec.nodeSelector) {
    auto it = node.metadata.labels.find(k);
    if (it == node.metadata.labels.end() || it->second != v) return false;
  }
  if (pod.spec.affinity && pod.spec.affinity->nodeAffinity &&
      pod.spec.affinity->nodeAffinity->requiredDuringSchedulingIgnoredDuringExecution) {
    const NodeSelector& required =
        *pod.spec.affinity->nodeAffinity->requiredDuringSchedulingIgnoredDuringExecution;
    if (!matches_any_term(required.nodeSelectorTerms, node)) return false;
  }
  return true;
}

}  // namespace ktwin::core
