// How many of a snapshot's pods one (namespace, label selector) counts on each node, kept up to date
// as the SnapshotIndex adds and removes pods, so that PodTopologySpread's PreScore reads the counts of
// the pod's ReplicaSet instead of matching its every pod (up to 150 in the bench) against the selector
// on every cycle (k/k podtopologyspread/scoring.go initPreScoreState counts afresh per cycle; the
// numbers are the same, only the work differs).
// A pod counts as in countPodsMatchSelector: not terminating, in the namespace, matched by the selector.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/api/pod.h"
#include "core/scheduler/topology_domains.h"

namespace ktwin::core {

class SelectorCounts {
 public:
  // `nodes`: the snapshot's node count (positions are 0 .. nodes - 1).
  SelectorCounts(std::string ns, LabelSelector selector, size_t nodes);

  const std::string& ns() const { return ns_; }
  const LabelSelector& selector() const { return selector_; }
  bool counts(const Pod& pod) const;

  // `pod` joined or left node `node`; ignored when it does not count.
  void add(const Pod& pod, uint32_t node) { change(pod, node, 1); }
  void remove(const Pod& pod, uint32_t node) { change(pod, node, -1); }

  // node position -> counted pods there.
  const std::vector<int32_t>& per_node() const { return per_node_; }
  // bucket -> counted pods on the nodes of that bucket, a bucket being a node's domain of `domains`, or
  // for a node without the key the domain of the value "" (or domains.size() when no node has it), as
  // PodTopologySpread's PreScore buckets nodes; domains.size() + 1 entries. Summed on first ask, then
  // kept up to date. REQUIRES: `domains` outlives this or forget_domains() is called first.
  const std::vector<int64_t>& per_bucket(const TopologyDomains& domains) const;
  // The snapshot's TopologyDomains are about to be rebuilt: drop the sums over them.
  void forget_domains() { sums_.clear(); }

 private:
  struct Sums {
    const TopologyDomains* domains;
    int32_t empty_bucket;
    std::vector<int64_t> by_bucket;
    size_t bucket(uint32_t node) const {
      int32_t d = domains->of(node);
      return static_cast<size_t>(d == TopologyDomains::kMissing ? empty_bucket : d);
    }
  };
  void change(const Pod& pod, uint32_t node, int32_t delta);

  std::string ns_;
  LabelSelector selector_;
  std::vector<int32_t> per_node_;
  mutable std::vector<Sums> sums_;  // one per topology key asked for, usually the zone only
};

}  // namespace ktwin::core
