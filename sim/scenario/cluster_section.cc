// The cluster and apps sections: node groups expanded, capacities and knobs checked.
#include <algorithm>
#include <map>

#include "core/util/quantity.h"
#include "sim/scenario/knobs.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

const std::vector<std::string> kClusterKeys = {"nodes", "kubernetesVersion", "controlPlane", "kubelet",
                                               "scheduler", "platform"};
const std::vector<std::string> kNodeKeys = {"name", "namePrefix", "count", "startIndex", "roles",
                                            "capacity", "labels", "taints"};
const std::vector<std::string> kCapacityKeys = {"cpu", "memory", "pods", "ephemeral-storage"};
const std::vector<std::string> kTaintKeys = {"key", "value", "effect"};
const std::vector<std::string> kTaintEffects = {"NoSchedule", "PreferNoSchedule", "NoExecute"};
const std::vector<std::string> kAppKeys = {"startup", "dependsOn", "imageSize",
                                           "readyAfter"};  // readiness

std::vector<std::string> keys_of(const std::map<std::string, std::string>& table) {
  std::vector<std::string> keys;
  for (const auto& [k, type] : table) keys.push_back(k);
  return keys;
}

// A scalar string map (labels); nullopt after reporting a non-scalar value.
std::optional<core::Labels> read_labels(const Fields& f, YamlReader& r) {
  auto labels = r.map(f.get("labels"), "labels", {});
  if (!labels) return std::nullopt;
  core::Labels out;
  for (const std::string& k : labels->keys())
    if (auto v = r.scalar(*labels, k)) out[k] = *v;
  return out;
}

std::vector<nlohmann::json> read_taints(const Fields& f, YamlReader& r) {
  std::vector<nlohmann::json> out;
  auto items = r.sequence(f.get("taints"), "taints");
  if (!items) return out;
  for (const YAML::Node& item : *items) {
    auto t = r.map(item, "taint", kTaintKeys);
    if (!t || !r.require(*t, "key", "taint") || !r.require(*t, "effect", "taint")) continue;
    auto key = r.scalar(*t, "key");
    auto effect = r.scalar(*t, "effect");
    std::optional<std::string> value = t->has("value") ? r.scalar(*t, "value") : std::string();
    if (effect && std::find(kTaintEffects.begin(), kTaintEffects.end(), *effect) == kTaintEffects.end()) {
      r.error(r.value_mark(*t, "effect"), "bad taint effect \"" + *effect + "\" " + suggestion(*effect, kTaintEffects));
      continue;
    }
    if (!key || !effect || !value) continue;
    nlohmann::json taint = {{"key", *key}, {"effect", *effect}};
    if (!value->empty()) taint["value"] = *value;
    out.push_back(taint);
  }
  return out;
}

}  // namespace

std::vector<NodeSpecEntry> read_node_spec(const YAML::Node& item, LoadContext& ctx,
                                          std::map<std::string, int>& first_line) {
  YamlReader& r = ctx.reader;
  std::vector<NodeSpecEntry> out;
  auto f = r.map(item, "node", kNodeKeys);
  if (!f) return out;
  bool single = f->has("name"), group = f->has("namePrefix");
  if (single == group) {
    r.error(f->mark, "a node needs either name, or namePrefix with count");
    return out;
  }
  if (single) {
    for (const char* k : {"count", "startIndex"})
      if (f->has(k)) r.error(f->key_mark(k), std::string(k) + " goes with namePrefix, not name");
  } else if (!f->has("count")) {
    r.error(f->key_mark("namePrefix"), "namePrefix needs count");
  }

  NodeSpecEntry node;
  node.where = r.where(f->mark);
  if (f->has("roles"))
    if (auto roles = r.scalars(*f, "roles", false))
      for (const auto& [role, mark] : *roles) node.roles.push_back(role);
  if (r.require(*f, "capacity", "node")) {
    if (auto cap = r.map(f->get("capacity"), "capacity", kCapacityKeys)) {
      for (const std::string& k : cap->keys())
        if (auto q = r.quantity(*cap, k)) node.capacity[k] = *q;
      for (const char* k : {"cpu", "memory"})
        if (!cap->has(k)) r.error(cap->mark, std::string("missing key \"") + k + "\" in capacity");
      if (!cap->has("pods")) node.capacity["pods"] = "110";  // the kubelet's --max-pods default
    }
  }
  if (f->has("labels"))
    if (auto labels = read_labels(*f, r)) node.labels = *labels;
  if (f->has("taints")) node.taints = read_taints(*f, r);

  std::vector<std::pair<std::string, YAML::Mark>> names;
  if (single) {
    if (auto name = r.scalar(*f, "name")) names.emplace_back(*name, r.value_mark(*f, "name"));
  } else {
    auto prefix = r.scalar(*f, "namePrefix");
    int64_t count = 0, start = 1;
    bool ok = prefix.has_value() && f->has("count");
    if (auto c = f->has("count") ? r.integer(*f, "count", 1) : std::nullopt) count = *c;
    else ok = false;
    if (f->has("startIndex")) {
      if (auto i = r.integer(*f, "startIndex", 0)) start = *i;
      else ok = false;
    }
    if (!ok) return out;
    for (int64_t i = 0; i < count; ++i) names.emplace_back(*prefix + std::to_string(start + i), f->mark);
  }
  for (const auto& [name, mark] : names) {
    if (name.empty()) {
      r.error(mark, "a node name must not be empty");
      continue;
    }
    auto [it, fresh] = first_line.emplace(name, mark.line + 1);
    if (!fresh) {
      r.error(mark, "duplicate node name \"" + name + "\" (first at line " + std::to_string(it->second) + ")");
      continue;
    }
    node.name = name;
    out.push_back(node);
  }
  return out;
}

namespace {

// controlPlane or kubelet: known knobs, each value checked against its type, kept as written.
void read_knobs(const YAML::Node& node, const std::string& context, const std::map<std::string, std::string>& table,
                YamlReader& r, std::map<std::string, std::string>& out) {
  auto f = r.map(node, context, keys_of(table));
  if (!f) return;
  for (const std::string& k : f->keys()) {
    auto text = r.scalar(*f, k);
    if (!text) continue;
    if (auto problem = check_knob_value(table, k, *text)) r.error(r.value_mark(*f, k), *problem);
    else out[k] = *text;
  }
}

}  // namespace

void read_cluster(const YAML::Node& node, LoadContext& ctx, Scenario& scenario) {
  YamlReader& r = ctx.reader;
  auto f = r.map(node, "cluster", kClusterKeys);
  if (!f) return;
  if (f->has("kubernetesVersion")) {
    if (auto v = r.scalar(*f, "kubernetesVersion")) {
      if (auto problem = check_kubernetes_version(*v)) r.error(r.value_mark(*f, "kubernetesVersion"), *problem);
      else scenario.kubernetesVersion = *v;
    }
  }
  if (f->has("controlPlane"))
    read_knobs(f->get("controlPlane"), "controlPlane", control_plane_knobs(), r, scenario.controlPlane);
  if (f->has("kubelet")) read_knobs(f->get("kubelet"), "kubelet", kubelet_knobs(), r, scenario.kubelet);
  if (f->has("scheduler")) read_scheduler(f->get("scheduler"), ctx, scenario);
  if (f->has("platform")) read_platform(f->get("platform"), ctx, scenario);
  if (!r.require(*f, "nodes", "cluster")) return;
  auto items = r.sequence(f->get("nodes"), "nodes");
  if (!items) return;
  if (items->empty()) r.error(r.value_mark(*f, "nodes"), "cluster.nodes needs at least one node");
  std::map<std::string, int> first_line;
  for (const YAML::Node& item : *items)
    for (NodeSpecEntry& n : read_node_spec(item, ctx, first_line)) scenario.nodes.push_back(std::move(n));
}

void read_apps(const YAML::Node& node, LoadContext& ctx, Scenario& scenario) {
  YamlReader& r = ctx.reader;
  if (node.IsNull()) return;
  auto f = r.map(node, "apps", {});  // any image name; map() still rejects a repeated one
  if (!f) return;
  for (const std::string& image : f->keys()) {
    // The runner strips tags before matching, so a key with one could never match.
    size_t slash = image.rfind('/');
    if (image.find_first_of(":@", slash == std::string::npos ? 0 : slash) != std::string::npos) {
      r.error(f->key_mark(image), "app \"" + image + "\": write the image without its tag or digest");
      continue;
    }
    AppModelEntry app;
    if (f->get(image).IsNull()) {
      scenario.apps[image] = app;
      continue;
    }
    auto a = r.map(f->get(image), "apps." + image, kAppKeys);
    if (!a) continue;
    if (a->has("startup"))
      if (auto d = r.duration(*a, "startup")) app.startup = *d;
    if (a->has("dependsOn"))
      if (auto deps = r.scalars(*a, "dependsOn", true))
        for (const auto& [dep, mark] : *deps) {
          app.dependsOn.push_back(dep);
          app.dependsOnWhere.push_back(r.where(mark));
        }
    if (a->has("readyAfter"))
      if (auto d = r.duration(*a, "readyAfter")) app.readyAfter = *d;
    if (a->has("imageSize"))
      if (auto q = r.quantity(*a, "imageSize")) app.imageSizeBytes = core::Quantity::parse(*q)->value();
    scenario.apps[image] = app;
  }
}

}  // namespace ktwin::sim
