// Reading PodAffinityTerm documents ({labelSelector, namespaces, namespaceSelector, topologyKey}).
#include "core/scheduler/plugins/pod_affinity_terms.h"

namespace ktwin::core {
namespace {

using json = nlohmann::json;

std::string string_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

LabelSelector selector_of(const json& j) {
  LabelSelector s;
  if (auto it = j.find("matchLabels"); it != j.end() && it->is_object())
    for (const auto& [k, v] : it->items())
      if (v.is_string()) s.matchLabels[k] = v.get<std::string>();
  if (auto it = j.find("matchExpressions"); it != j.end() && it->is_array())
    for (const json& e : *it) {
      LabelSelectorRequirement r{string_of(e, "key"), string_of(e, "operator"), {}};
      if (auto v = e.find("values"); v != e.end() && v->is_array())
        for (const json& x : *v)
          if (x.is_string()) r.values.push_back(x.get<std::string>());
      s.matchExpressions.push_back(std::move(r));
    }
  return s;
}

AffinityTerm term_of(const json& j, const Pod& owner, int32_t weight) {
  AffinityTerm t;
  t.weight = weight;
  t.topology_key = string_of(j, "topologyKey");
  auto sel = j.find("labelSelector");
  if (sel == j.end() || sel->is_null())
    t.selector_matches_nothing = true;
  else
    t.selector = selector_of(*sel);
  if (auto ns = j.find("namespaces"); ns != j.end() && ns->is_array())
    for (const json& n : *ns)
      if (n.is_string()) t.namespaces.insert(n.get<std::string>());
  // k/k 1.22+ mergeAffinityTermNamespacesIfNotEmpty: an empty namespaceSelector selects every
  // namespace. A non-empty one needs Namespace labels, which ktwin does not keep: it selects none.
  auto nsel = j.find("namespaceSelector");
  bool has_nsel = nsel != j.end() && nsel->is_object();
  if (has_nsel && selector_of(*nsel).empty()) t.all_namespaces = true;
  // GetNamespacesFromPodAffinityTerm: no namespaces and no namespaceSelector -> the owner's namespace.
  if (t.namespaces.empty() && !has_nsel) t.namespaces.insert(owner.metadata.namespace_);
  return t;
}

void read_terms(const json& doc, const Pod& owner, std::vector<AffinityTerm>& required,
                std::vector<AffinityTerm>& preferred) {
  if (!doc.is_object()) return;
  if (auto r = doc.find("requiredDuringSchedulingIgnoredDuringExecution"); r != doc.end() && r->is_array())
    for (const json& t : *r)
      if (t.is_object()) required.push_back(term_of(t, owner, 1));
  if (auto p = doc.find("preferredDuringSchedulingIgnoredDuringExecution"); p != doc.end() && p->is_array())
    for (const json& w : *p) {
      if (!w.is_object()) continue;
      auto term = w.find("podAffinityTerm");
      auto weight = w.find("weight");
      if (term == w.end() || !term->is_object()) continue;
      preferred.push_back(
          term_of(*term, owner, weight != w.end() && weight->is_number_integer() ? weight->get<int32_t>() : 0));
    }
}

}  // namespace

bool has_pod_affinity(const Pod& pod) {
  return pod.spec.affinity && (!pod.spec.affinity->podAffinity.is_null() || !pod.spec.affinity->podAntiAffinity.is_null());
}

PodAffinityTerms pod_affinity_terms(const Pod& pod) {
  PodAffinityTerms out;
  if (!pod.spec.affinity) return out;
  read_terms(pod.spec.affinity->podAffinity, pod, out.required_affinity, out.preferred_affinity);
  read_terms(pod.spec.affinity->podAntiAffinity, pod, out.required_anti_affinity, out.preferred_anti_affinity);
  return out;
}

bool term_matches(const AffinityTerm& term, const Pod& pod) {
  if (!term.all_namespaces && !term.namespaces.count(pod.metadata.namespace_)) return false;
  if (term.selector_matches_nothing) return false;
  return term.selector.matches(pod.metadata.labels);
}

bool matches_all_terms(const std::vector<AffinityTerm>& terms, const Pod& pod) {
  if (terms.empty()) return false;
  for (const AffinityTerm& t : terms)
    if (!term_matches(t, pod)) return false;
  return true;
}

}  // namespace ktwin::core
