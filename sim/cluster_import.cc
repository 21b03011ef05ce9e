// kubectl's JSON of a live cluster -> scenario text and manifest files (see cluster_import.h).
#include "sim/cluster_import.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/api/yaml.h"
#include "sim/cluster_anonymizer.h"
#include "sim/runtime/modelled_runtime.h"

namespace ktwin::sim {
namespace {

using json = nlohmann::json;

const std::set<std::string> kSystemNamespaces = {"kube-system", "kube-public", "kube-node-lease"};
// Set by the kubelet itself at registration (k/k pkg/kubelet/kubelet_node_status.go initialNode), so
// ktwin's kubelet sets them again: copying them would pin stale values (and real host names).
const std::set<std::string> kKubeletLabels = {"kubernetes.io/hostname", "kubernetes.io/os",
                                              "kubernetes.io/arch", "beta.kubernetes.io/os",
                                              "beta.kubernetes.io/arch"};
constexpr const char* kRolePrefix = "node-role.kubernetes.io/";
// Server-set metadata: the API server fills these in again when the manifest is applied.
const std::vector<std::string> kServerMetadata = {"uid",
                                                  "resourceVersion",
                                                  "creationTimestamp",
                                                  "managedFields",
                                                  "generation",
                                                  "selfLink",
                                                  "ownerReferences",
                                                  "deletionTimestamp",
                                                  "deletionGracePeriodSeconds",
                                                  "generateName"};
const std::vector<std::string> kServerAnnotations = {
    "deployment.kubernetes.io/revision", "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas", "kubectl.kubernetes.io/last-applied-configuration"};

std::string str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string ns_of(const json& item) { return str(item.value("metadata", json::object()), "namespace"); }
std::string name_of(const json& item) { return str(item.value("metadata", json::object()), "name"); }

std::string owner_kind(const json& item) {
  const json& meta = item["metadata"];
  if (!meta.contains("ownerReferences") || !meta["ownerReferences"].is_array()) return "";
  for (const json& ref : meta["ownerReferences"])
    if (ref.value("controller", false) || meta["ownerReferences"].size() == 1) return str(ref, "kind");
  return "";
}

// The manifest as a user would have written it: no status, no server-set metadata.
json clean(json item) {
  item.erase("status");
  json& meta = item["metadata"];
  for (const std::string& k : kServerMetadata) meta.erase(k);
  if (meta.contains("annotations") && meta["annotations"].is_object()) {
    for (const std::string& k : kServerAnnotations) meta["annotations"].erase(k);
    if (meta["annotations"].empty()) meta.erase("annotations");
  }
  if (item.contains("spec") && item["spec"].contains("template") &&
      item["spec"]["template"].contains("metadata"))
    item["spec"]["template"]["metadata"].erase("creationTimestamp");
  return item;
}

json clean_service(json svc) {
  svc = clean(std::move(svc));
  json& spec = svc["spec"];
  // Allocated by admission from the simulated cluster's own ranges (k/k pkg/registry/core/service/storage).
  for (const char* k : {"clusterIP", "clusterIPs", "healthCheckNodePort"}) spec.erase(k);
  if (spec.contains("ports") && spec["ports"].is_array())
    for (json& p : spec["ports"]) p.erase("nodePort");
  return svc;
}

// One cluster.nodes entry.
json node_entry(const json& node, std::vector<std::string>& warnings) {
  json entry = {{"name", name_of(node)}};
  json roles = json::array(), labels = json::object(), capacity = json::object();
  const json& meta = node["metadata"];
  if (meta.contains("labels") && meta["labels"].is_object())
    for (const auto& [k, v] : meta["labels"].items()) {
      if (k.rfind(kRolePrefix, 0) == 0) {
        if (k.size() > std::string(kRolePrefix).size())
          roles.push_back(k.substr(std::string(kRolePrefix).size()));
      } else if (!kKubeletLabels.count(k) && k.rfind("k3s.io/", 0) != 0) {  // k3s.io/*: this boot's addresses
        labels[k] = v.is_string() ? v.get<std::string>() : v.dump();
      }
    }
  json status = node.value("status", json::object());
  json cap = status.value("capacity", json::object());
  for (const char* k : {"cpu", "memory", "pods", "ephemeral-storage"})
    if (cap.contains(k) && cap[k].is_string()) capacity[k] = cap[k];
  if (!capacity.contains("cpu") || !capacity.contains("memory"))
    warnings.push_back("node " + name_of(node) +
                       ": no status.capacity cpu/memory; assumed cpu 2, memory 4Gi");
  if (!capacity.contains("cpu")) capacity["cpu"] = "2";
  if (!capacity.contains("memory")) capacity["memory"] = "4Gi";
  if (!roles.empty()) entry["roles"] = roles;
  entry["capacity"] = capacity;
  if (!labels.empty()) entry["labels"] = labels;
  json taints = json::array();
  json spec = node.value("spec", json::object());
  if (spec.contains("taints") && spec["taints"].is_array())
    for (const json& t : spec["taints"]) {
      std::string key = str(t, "key");
      // The node lifecycle controller's condition taints: the simulated controllers set their own.
      if (key.rfind("node.kubernetes.io/", 0) == 0 || key == "node.cloudprovider.kubernetes.io/uninitialized")
        continue;
      json taint = {{"key", key}, {"effect", str(t, "effect")}};
      if (!str(t, "value").empty()) taint["value"] = str(t, "value");
      taints.push_back(taint);
    }
  if (!taints.empty()) entry["taints"] = taints;
  if (spec.value("unschedulable", false)) entry["_cordoned"] = true;  // warned about after any renaming
  return entry;
}

// "v1.20.4+k3s1" -> 20; -1 when unreadable.
int kubelet_minor(const json& node) {
  std::string v =
      str(node.value("status", json::object()).value("nodeInfo", json::object()), "kubeletVersion");
  if (v.rfind("v1.", 0) != 0) return -1;
  try {
    return std::stoi(v.substr(3));
  } catch (...) {
    return -1;
  }
}

std::string kubernetes_version(const std::vector<json>& nodes, std::vector<std::string>& warnings) {
  std::map<int, int> minors;
  for (const json& n : nodes)
    if (int m = kubelet_minor(n); m >= 0) ++minors[m];
  if (minors.empty()) {
    warnings.push_back("no node reports status.nodeInfo.kubeletVersion: using Kubernetes 1.20");
    return "1.20";
  }
  auto most =
      std::max_element(minors.begin(), minors.end(), [](auto& a, auto& b) { return a.second < b.second; });
  int minor = most->first;
  if (minors.size() > 1)
    warnings.push_back("nodes run several kubelet versions: using the most common, 1." +
                       std::to_string(minor));
  std::string chosen = minor <= 26 ? "1.20" : "1.32";  // the nearer of the two versions ktwin models
  if (minor != 20 && minor != 32)
    warnings.push_back("the cluster runs Kubernetes 1." + std::to_string(minor) +
                       "; ktwin models 1.20 and 1.32: using " + chosen + ", whose defaults may differ");
  return chosen;
}

std::string file_name(const json& doc) {
  std::string kind = str(doc, "kind"), ns = ns_of(doc), out;
  for (char c : kind) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out + "-" + (ns.empty() || ns == "default" ? "" : ns + "-") + name_of(doc) + ".yaml";
}

// A YAML scalar on one line: quoted when it would read back as another type.
std::string scalar(const std::string& text) {
  std::string yaml = core::json_to_yaml(text);
  return yaml.substr(0, yaml.size() - 1);
}

int kind_order(const std::string& kind) {
  return kind == "Service" ? 0 : kind == "Deployment" ? 1 : kind == "ReplicaSet" ? 2 : 3;
}

std::string scenario_text(const ImportOptions& options, const std::string& version,
                          const std::vector<json>& nodes, const std::vector<ImportedFile>& files,
                          const std::vector<json>& docs, const std::vector<std::string>& warnings) {
  std::ostringstream s;
  s << "# Imported by `ktwin import` from kubectl's JSON of a live cluster"
    << (options.anonymize ? ", anonymized" : "")
    << ": its nodes, and its workloads\n# as manifests applied at 0s. Add faults to the timeline (see "
       "scenarios/README.md).\n";
  for (const std::string& w : warnings) s << "# note: " << w << "\n";
  s << "apiVersion: ktwin/v1\nkind: Scenario\n";
  s << core::json_to_yaml({{"metadata", {{"name", options.name}}}});
  s << "seed: 1\nduration: 10m\ncluster:\n";
  s << "  kubernetesVersion: " << scalar(version) << "\n";
  s << "  nodes:\n";
  for (const json& n : nodes) {
    bool first = true;
    for (const char* key :
         {"name", "roles", "capacity", "labels", "taints"}) {  // the order of scenarios/README.md
      if (!n.contains(key)) continue;
      std::istringstream lines(core::json_to_yaml(json{{key, n[key]}}));
      for (std::string line; std::getline(lines, line); first = false)
        s << (first ? "    - " : "      ") << line << "\n";
    }
  }
  if (!files.empty()) s << "manifests:\n";
  for (const ImportedFile& f : files) s << "  - " << scalar(f.path) << "\n";
  // The images, for `apps:` (keyed by image without tag): the defaults are a 1 s start and no dependencies.
  std::set<std::string> images;
  for (const json& d : docs) {
    const json* spec = str(d, "kind") == "Pod" ? &d["spec"] : nullptr;
    if (!spec && d.contains("spec") && d["spec"].contains("template")) spec = &d["spec"]["template"]["spec"];
    if (spec && spec->contains("containers"))
      for (const json& c : (*spec)["containers"])
        if (!str(c, "image").empty()) images.insert(ModelledRuntime::image_name(str(c, "image")));
  }
  if (!images.empty())
    s << "# Container behaviour by image (default: starts in 1s, runs); startup, dependsOn, imageSize:\n# "
         "apps:\n";
  for (const std::string& image : images) s << "#   " << scalar(image) << ": {startup: 1s}\n";
  s << "# timeline:\n#   - {at: 5m, haltNode: " << str(nodes.back(), "name") << "}\n";
  std::vector<std::string> expects;
  for (const json& d : docs)
    if (str(d, "kind") == "Deployment" && (ns_of(d).empty() || ns_of(d) == "default")) {
      int64_t replicas = d.value("spec", json::object()).value("replicas", 1);
      expects.push_back("  - {at: 3m, deployment: " + scalar(name_of(d)) +
                        ", readyReplicas: " + std::to_string(replicas) + "}\n");
    }
  if (!expects.empty()) {
    s << "expect:   # as the cluster was: every Deployment of the default namespace ready\n";
    for (const std::string& e : expects) s << e;
  }
  return s.str();
}

}  // namespace

core::Result<ImportResult> import_cluster(const json& list, const ImportOptions& options) {
  if (!list.is_object() || !list.contains("items") || !list["items"].is_array())
    return core::Status::invalid(
        "not a Kubernetes List: expected an object with an \"items\" array "
        "(kubectl get nodes,deployments,replicasets,pods,services -A -o json)");
  ImportResult result;
  std::vector<json> nodes, docs;
  std::map<std::string, int> dropped;  // why -> how many
  std::set<std::string> bare_owned;
  for (size_t i = 0; i < list["items"].size(); ++i) {
    const json& item = list["items"][i];
    std::string kind = str(item, "kind");
    if (kind.empty() || !item.contains("metadata") || !item["metadata"].is_object() || name_of(item).empty())
      return core::Status::invalid("items[" + std::to_string(i) +
                                   "]: not a Kubernetes object (needs kind and metadata.name)");
    std::string ns = ns_of(item);
    if (kind != "Node" && kSystemNamespaces.count(ns) && !options.include_system) {
      ++dropped["objects in system namespaces (--include-system keeps them)"];
      continue;
    }
    if (kind == "Node") {
      nodes.push_back(item);
    } else if (kind == "Deployment") {
      docs.push_back(clean(item));
    } else if (kind == "Service") {
      if (ns == "default" && name_of(item) == "kubernetes") continue;  // the API server's own
      docs.push_back(clean_service(item));
    } else if (kind == "ReplicaSet") {
      if (owner_kind(item) == "Deployment") continue;  // the Deployment controller recreates it
      docs.push_back(clean(item));
    } else if (kind == "Pod") {
      std::string owner = owner_kind(item), phase = str(item.value("status", json::object()), "phase");
      if (owner == "ReplicaSet") continue;  // recreated by its ReplicaSet
      if (phase == "Succeeded" || phase == "Failed") {
        ++dropped["finished pods (Succeeded or Failed)"];
        continue;
      }
      if (!owner.empty()) bare_owned.insert(owner);
      docs.push_back(clean(item));
    } else {
      ++dropped[kind + " objects (not imported)"];
    }
  }
  if (nodes.empty())
    return core::Status::invalid(
        "no Node in the list: run kubectl get nodes,deployments,replicasets,pods,services -A -o json");
  for (const std::string& owner : bare_owned)
    result.warnings.push_back(owner == "Node"
                                  ? "static pods (owned by a Node) are kept as bare pods on their node"
                                  : "pods owned by a " + owner +
                                        " are kept as bare pods on their node: ktwin "
                                        "does not model " +
                                        owner + "s, so they are not recreated");
  for (const auto& [why, n] : dropped) result.warnings.push_back("left out " + std::to_string(n) + " " + why);

  std::sort(nodes.begin(), nodes.end(), [](const json& a, const json& b) { return name_of(a) < name_of(b); });
  std::string version = kubernetes_version(nodes, result.warnings);
  std::vector<json> entries;
  for (const json& n : nodes) entries.push_back(node_entry(n, result.warnings));
  if (options.anonymize) anonymize_cluster(entries, docs);
  for (json& e : entries)
    if (e.contains("_cordoned")) {
      e.erase("_cordoned");
      result.warnings.push_back("node " + str(e, "name") + " was cordoned: add {at: 0s, cordonNode: " +
                                str(e, "name") + "} to the timeline to keep it so");
    }
  std::sort(docs.begin(), docs.end(), [](const json& a, const json& b) {
    return std::make_tuple(kind_order(str(a, "kind")), ns_of(a), name_of(a)) <
           std::make_tuple(kind_order(str(b, "kind")), ns_of(b), name_of(b));
  });
  for (const json& d : docs)
    result.manifests.push_back({options.manifests_dir + "/" + file_name(d), core::json_to_yaml(d)});
  result.scenario = scenario_text(options, version, entries, result.manifests, docs, result.warnings);
  return result;
}

}  // namespace ktwin::sim
