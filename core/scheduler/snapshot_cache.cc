// SnapshotCache: node-by-node refresh of the scheduler's NodeInfos from the store's stamps.
#include "core/scheduler/snapshot_cache.h"

#include <algorithm>
#include <cstring>

#include "core/scheduler/plugins/pod_affinity_terms.h"

namespace ktwin::core {
namespace {

bool same_images(const Node& a, const Node& b) {
  const auto& x = a.status.images;
  const auto& y = b.status.images;
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i].sizeBytes != y[i].sizeBytes || x[i].names != y[i].names) return false;
  return true;
}

// The order in which the store lists a node's pods: by "namespace/name" (MemoryStore's key).
bool listed_before(const Pod& a, const Pod& b) {
  const ObjectMeta& x = a.metadata;
  const ObjectMeta& y = b.metadata;
  if (x.namespace_ == y.namespace_) return x.name < y.name;
  return x.namespace_ + "/" + x.name < y.namespace_ + "/" + y.name;
}

SnapshotCache::ListedPrefix listed_prefix(const Pod& pod) {
  SnapshotCache::ListedPrefix out{};
  size_t at = 0;
  auto put = [&](std::string_view s) {
    for (char ch : s) {
      if (at == out.size()) return;
      out[at++] = ch;
    }
  };
  put(pod.metadata.namespace_);
  put("/");
  put(pod.metadata.name);
  return out;
}

std::vector<SnapshotCache::ListedPrefix> listed_prefixes(const std::vector<std::shared_ptr<const Pod>>& pods) {
  std::vector<SnapshotCache::ListedPrefix> out;
  out.reserve(pods.size());
  for (const auto& pod : pods) out.push_back(listed_prefix(*pod));
  return out;
}

}  // namespace

SnapshotCache::SnapshotCache(Store& store) : store_(store) {
  pod_writes_ = store_.observe_pod_writes([this](const ObjectPtr& old, const ObjectPtr& now) { record_pod_write(old, now); });
}

SnapshotCache::~SnapshotCache() {
  if (pod_writes_) store_.unobserve_pod_writes(pod_writes_);
}

void SnapshotCache::record_pod_write(const ObjectPtr& old, const ObjectPtr& now) {
  if (written_overflowed_) return;
  auto note = [&](const ObjectPtr& obj, bool added) {
    auto pod = std::static_pointer_cast<const Pod>(obj);
    if (pod->spec.nodeName.empty()) return;  // the store lists it on no node
    NodeWrites& node = written_[pod->spec.nodeName];
    if (node.overflowed) return;
    if (node.writes.size() == kMaxWritesPerNode) {
      written_total_ -= node.writes.size();
      node.writes.clear();
      node.overflowed = true;
      return;
    }
    node.writes.push_back({std::move(pod), added});
    ++written_total_;
  };
  if (old) note(old, false);
  if (now) note(now, true);
  if (written_total_ > kMaxWrites) {
    written_.clear();
    written_total_ = 0;
    written_overflowed_ = true;
  }
}

bool SnapshotCache::add_written_pods(size_t i, uint64_t stamp) {
  if (pod_writes_ == 0 || written_overflowed_ || entries_[i].dirty || stamp == 0) return false;
  NodeInfo& ni = nodes_[i];
  auto it = written_.find(ni.name());
  if (it == written_.end() || it->second.overflowed) return false;
  const std::vector<PodWrite>& writes = it->second.writes;
  for (const PodWrite& w : writes)
    if (!w.added) return false;  // a pod left or was rewritten: re-list and count afresh
  std::vector<ListedPrefix>& prefixes = entries_[i].prefixes;
  if (prefixes.size() != ni.pods.size()) return false;
  bool affinity = false;
  for (const PodWrite& w : writes) {
    if (w.pod->is_terminal()) continue;  // relist_pods skips these
    // A listing's keys are unique and no pod left, so the new pod's key is not on the node yet. Its place
    // by binary search on the prefixes; only equal prefixes read the listed pod. Zero padding orders a
    // shorter key first, as the string compare does (names hold no NUL).
    const ListedPrefix prefix = listed_prefix(*w.pod);
    size_t lo = 0, hi = ni.pods.size();
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      const int c = std::memcmp(prefixes[mid].data(), prefix.data(), prefix.size());
      if (c < 0 || (c == 0 && listed_before(*ni.pods[mid], *w.pod)))
        lo = mid + 1;
      else
        hi = mid;
    }
    ni.pods.insert(ni.pods.begin() + static_cast<std::ptrdiff_t>(lo), w.pod);
    prefixes.insert(prefixes.begin() + static_cast<std::ptrdiff_t>(lo), prefix);
    ni.count_pod(*w.pod);  // sums of integers: the same as counting the listing afresh
    affinity |= has_pod_affinity(*w.pod);
  }
  if (affinity) {  // keep pods_with_affinity in listing order
    ni.pods_with_affinity.clear();
    for (const auto& pod : ni.pods)
      if (has_pod_affinity(*pod)) ni.pods_with_affinity.push_back(pod);
  }
  for (const PodWrite& w : writes)
    if (!w.pod->is_terminal()) snapshot_index_.add_pod(static_cast<uint32_t>(i), *w.pod, !ni.pods_with_affinity.empty());
  entries_[i].pods_stamp = stamp;
  entries_[i].dirty = false;
  return true;
}

void SnapshotCache::rebuild_structure(const std::vector<ObjectPtr>& listed) {
  std::vector<NodeInfo> nodes;
  std::vector<Entry> entries;
  std::unordered_map<std::string, size_t> index;
  nodes.reserve(listed.size());
  entries.reserve(listed.size());
  for (const ObjectPtr& obj : listed) {
    const std::string& name = obj->metadata.name;
    index[name] = nodes.size();
    if (auto it = index_.find(name); it != index_.end()) {
      nodes.push_back(std::move(nodes_[it->second]));
      entries.push_back(entries_[it->second]);
    } else {
      nodes.emplace_back(as<Node>(obj));
      entries.push_back(Entry{});
    }
  }
  nodes_ = std::move(nodes);
  entries_ = std::move(entries);
  index_ = std::move(index);
  snapshot_index_ = SnapshotIndex(nodes_);  // positions moved
}

void SnapshotCache::set_node(size_t i, std::shared_ptr<const Node> node, bool& images_dirty) {
  NodeInfo& ni = nodes_[i];
  if (!same_images(*ni.node, *node)) images_dirty = true;
  if (ni.node->metadata.labels != node->metadata.labels) snapshot_index_.node_labels_changed();
  ni.set_node(std::move(node));
}

void SnapshotCache::relist_pods(size_t i, uint64_t stamp) {
  NodeInfo& old = nodes_[i];
  NodeInfo fresh(old.node);
  std::vector<std::shared_ptr<const Pod>> listed;
  for (const ObjectPtr& obj : store_.list_pods_on_node(fresh.name())) {
    auto pod = as<Pod>(obj);
    if (!pod->is_terminal()) listed.push_back(std::move(pod));
  }
  // Usually the node only gained pods (the previous cycle's binding): when every pod counted before is
  // still listed, as the same object and in the same order, its sums are kept and only the new pods'
  // requests are computed (as k/k's cache AddPod does). The sums are of integers, so the result equals
  // the full count; any other change (a pod gone, rewritten or assumed) counts everything again.
  size_t kept = 0;
  for (const auto& pod : listed)
    if (kept < old.pods.size() && old.pods[kept] == pod) ++kept;
  if (kept == old.pods.size() && kept > 0) {
    fresh.requested = old.requested;
    fresh.non_zero_milli_cpu = old.non_zero_milli_cpu;
    fresh.non_zero_memory = old.non_zero_memory;
    fresh.used_ports = old.used_ports;
    kept = 0;
    for (auto& pod : listed) {
      if (kept < old.pods.size() && old.pods[kept] == pod)
        ++kept;
      else
        fresh.count_pod(*pod);
      if (has_pod_affinity(*pod)) fresh.pods_with_affinity.push_back(pod);
      fresh.pods.push_back(std::move(pod));
    }
  } else {
    for (auto& pod : listed) fresh.add_pod(std::move(pod));
  }
  fresh.image_states = std::move(nodes_[i].image_states);
  snapshot_index_.replace_pods(static_cast<uint32_t>(i), nodes_[i].pods, fresh);
  nodes_[i] = std::move(fresh);
  entries_[i] = Entry{stamp, stamp == 0, listed_prefixes(nodes_[i].pods)};
}

bool SnapshotCache::update_from_journal(bool& images_dirty) {
  uint64_t seq = store_.node_changes_seq();
  if (seq == 0 || journal_seq_ == 0) return false;
  bool structure_changed = false;
  std::vector<size_t> changed;
  store_.visit_node_changes(journal_seq_, [&](const std::string& name) {
    auto it = index_.find(name);
    if (it == index_.end()) {
      structure_changed |= store_.find(Kind::kNode, "", name) != nullptr;  // a new node
      return;
    }
    changed.push_back(it->second);
  });
  if (structure_changed) return false;
  for (size_t i : changed) {
    ObjectPtr current = store_.find(Kind::kNode, "", nodes_[i].name());
    if (!current) return false;  // deleted: the list changes shape
  }
  // What the full walk would do, only where something changed: newer Node objects, pods re-listed.
  changed.insert(changed.end(), dirty_.begin(), dirty_.end());
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  touched_.insert(touched_.end(), changed.begin(), changed.end());
  for (size_t i : changed) {
    NodeInfo& ni = nodes_[i];
    ObjectPtr current = store_.find(Kind::kNode, "", ni.name());
    if (ni.node != current) set_node(i, as<Node>(current), images_dirty);
    uint64_t stamp = store_.pods_on_node_stamp(ni.name());
    if (entries_[i].dirty || stamp == 0 || stamp != entries_[i].pods_stamp)
      if (!add_written_pods(i, stamp)) relist_pods(i, stamp);
  }
  dirty_.clear();
  journal_seq_ = seq;
  return true;
}

const std::vector<NodeInfo>& SnapshotCache::update(
    const std::map<std::string, std::shared_ptr<const Pod>>& assumed) {
  bool images_dirty = false;
  snapshot_index_.trim_selector_counts();  // between cycles: no plugin holds its counts now
  if (!update_from_journal(images_dirty)) full_update(images_dirty);
  // Pods we bound whose binding the store does not show yet still take their room (assume).
  for (const auto& [key, pod] : assumed) {
    ObjectPtr current = store_.find(Kind::kPod, pod->metadata.namespace_, pod->metadata.name);
    if (current && index_.count(as<Pod>(current)->spec.nodeName)) continue;  // listed on its node
    if (pod->is_terminal()) continue;
    auto it = index_.find(pod->spec.nodeName);
    if (it == index_.end()) continue;
    NodeInfo& ni = nodes_[it->second];
    ni.add_pod(pod);
    touched_.push_back(it->second);
    snapshot_index_.add_pod(static_cast<uint32_t>(it->second), *pod, !ni.pods_with_affinity.empty());
    entries_[it->second].dirty = true;
    dirty_.push_back(it->second);
  }
  if (images_dirty) fill_image_states(nodes_);
  // The index's rows follow every NodeInfo changed above (all of them after a full walk or new images).
  if (touch_all_ || images_dirty) {
    for (size_t i = 0; i < nodes_.size(); ++i) snapshot_index_.refresh_row(static_cast<uint32_t>(i));
  } else {
    for (size_t i : touched_) snapshot_index_.refresh_row(static_cast<uint32_t>(i));
  }
  touched_.clear();
  touch_all_ = false;
  // Every node a write touched was brought up to date above (its stamp moved) or is not a node.
  written_.clear();
  written_total_ = 0;
  written_overflowed_ = false;
  return nodes_;
}

void SnapshotCache::full_update(bool& images_dirty) {
  touch_all_ = true;
  journal_seq_ = store_.node_changes_seq();  // before the walk, which sees at least this much
  std::vector<ObjectPtr> listed = store_.list(Kind::kNode);
  bool same_nodes = listed.size() == nodes_.size();
  for (size_t i = 0; same_nodes && i < listed.size(); ++i)
    same_nodes = listed[i]->metadata.name == nodes_[i].name();
  if (!same_nodes) {
    rebuild_structure(listed);
    images_dirty = true;  // image spread counts holders over all nodes
  }
  for (size_t i = 0; i < listed.size(); ++i) {
    NodeInfo& ni = nodes_[i];
    if (ni.node != listed[i]) set_node(i, as<Node>(listed[i]), images_dirty);
    uint64_t stamp = store_.pods_on_node_stamp(ni.name());
    if (entries_[i].dirty || stamp == 0 || stamp != entries_[i].pods_stamp) relist_pods(i, stamp);
  }
  dirty_.clear();
}

}  // namespace ktwin::core
