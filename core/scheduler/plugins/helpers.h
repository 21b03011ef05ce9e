// Matching rules several plugins share: tolerations against taints, node selectors against nodes
// (k/k pkg/apis/core/v1/helper/helpers.go, staging/src/k8s.io/api/core/v1/toleration.go).
#pragma once

#include <functional>

#include "core/api/node.h"

namespace ktwin::core {

bool tolerations_tolerate(const std::vector<Toleration>& tolerations, const Taint& taint);
// The first taint (in node order) that passes `filter` and that no toleration tolerates; null if none.
const Taint* find_untolerated_taint(const std::vector<Taint>& taints,
                                    const std::vector<Toleration>& tolerations,
                                    const std::function<bool(const Taint&)>& filter);

// One requirement against a node's labels (In, NotIn, Exists, DoesNotExist, Gt, Lt).
bool matches_requirement(const NodeSelectorRequirement& req, const Labels& labels);
// A term matches when all its expressions and fields match; an empty term matches nothing.
bool matches_term(const NodeSelectorTerm& term, const Node& node);
// Terms are ORed.
bool matches_any_term(const std::vector<NodeSelectorTerm>& terms, const Node& node);
// spec.nodeSelector and the required node affinity (PodMatchesNodeSelectorAndAffinityTerms).
bool pod_matches_node_selector_and_affinity(const Pod& pod, const Node& node);

}  // namespace ktwin::core
