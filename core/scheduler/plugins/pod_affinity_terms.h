// A pod's inter-pod (anti-)affinity terms, read from the documents core/api keeps for them, and the
// matching rule they share (k/k pkg/scheduler/framework/types.go PodInfo, AffinityTerm;
// pkg/scheduler/util/utils.go PodMatchesTermsNamespaceAndSelector).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/api/pod.h"

namespace ktwin::core {

struct AffinityTerm {
  std::set<std::string> namespaces;  // empty with all_namespaces false: the owning pod's namespace
  bool all_namespaces = false;       // namespaceSelector: {} (1.21+)
  LabelSelector selector;
  bool selector_matches_nothing = false;  // no labelSelector: LabelSelectorAsSelector(nil) = Nothing()
  std::string topology_key;
  int32_t weight = 1;  // preferred terms; required terms carry 1 (or hardPodAffinityWeight)
};

struct PodAffinityTerms {
  std::vector<AffinityTerm> required_affinity, required_anti_affinity;
  std::vector<AffinityTerm> preferred_affinity, preferred_anti_affinity;
  bool empty() const {
    return required_affinity.empty() && required_anti_affinity.empty() && preferred_affinity.empty() &&
           preferred_anti_affinity.empty();
  }
};

// True when the pod has a podAffinity or podAntiAffinity document (framework PodInfo's "with affinity").
bool has_pod_affinity(const Pod& pod);
// Every term of the pod, namespaces defaulted to its own (GetNamespacesFromPodAffinityTerm).
PodAffinityTerms pod_affinity_terms(const Pod& pod);

// The term selects `pod`: its namespace is among the term's and its labels match the selector.
bool term_matches(const AffinityTerm& term, const Pod& pod);
// podMatchesAllAffinityTerms: false for no terms.
bool matches_all_terms(const std::vector<AffinityTerm>& terms, const Pod& pod);

}  // namespace ktwin::core
