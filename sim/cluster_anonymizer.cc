// Consistent renames for an imported cluster (see cluster_anonymizer.h): collect every name first,
// number them in sorted order (so the input's order does not matter), then rewrite.
#include "sim/cluster_anonymizer.h"

#include <functional>
#include <map>
#include <set>
#include <string>

namespace ktwin::sim {
namespace {

using json = nlohmann::json;

constexpr const char* kHostname = "kubernetes.io/hostname";

// old -> prefix-N, N from 1 in sorted order of the old names.
std::map<std::string, std::string> numbered(const std::set<std::string>& names, const std::string& prefix) {
  std::map<std::string, std::string> out;
  int i = 0;
  for (const std::string& n : names) out[n] = prefix + std::to_string(++i);
  return out;
}

bool well_known(const std::string& key) {
  return key.find("kubernetes.io/") != std::string::npos || key.find("k8s.io/") != std::string::npos;
}

std::string image_repo(const std::string& image, std::string* tag) {
  auto at = image.find('@');
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  size_t cut = at != std::string::npos ? at
               : (colon != std::string::npos && (slash == std::string::npos || colon > slash))
                   ? colon
                   : std::string::npos;
  if (tag) *tag = cut == std::string::npos ? "" : image.substr(cut);
  return image.substr(0, cut);
}

class Anonymizer {
 public:
  Anonymizer(std::vector<json>& nodes, std::vector<json>& docs) : nodes_(nodes), docs_(docs) {}

  void run() {
    collect();
    for (json& n : nodes_) rename_node_entry(n);
    for (json& d : docs_) rename_doc(d);
  }

 private:
  // Pod specs of a document: a Pod's own, or a workload's template.
  static std::vector<json*> pod_specs(json& doc) {
    std::vector<json*> out;
    if (!doc.contains("spec")) return out;
    if (doc["kind"] == "Pod")
      out.push_back(&doc["spec"]);
    else if (doc["spec"].contains("template") && doc["spec"]["template"].contains("spec"))
      out.push_back(&doc["spec"]["template"]["spec"]);
    return out;
  }

  static void each_label_map(json& doc, const std::function<void(json&)>& f) {
    if (doc["metadata"].contains("labels")) f(doc["metadata"]["labels"]);
    if (!doc.contains("spec")) return;
    json& spec = doc["spec"];
    if (doc["kind"] == "Service" && spec.contains("selector")) f(spec["selector"]);
    if (spec.contains("selector") && spec["selector"].contains("matchLabels"))
      f(spec["selector"]["matchLabels"]);
    if (spec.contains("template") && spec["template"].contains("metadata") &&
        spec["template"]["metadata"].contains("labels"))
      f(spec["template"]["metadata"]["labels"]);
    for (json* ps : pod_specs(doc))
      if (ps->contains("nodeSelector")) f((*ps)["nodeSelector"]);
  }

  void collect() {
    std::set<std::string> nodes, objects, namespaces, values, images, containers, ports;
    for (const json& n : nodes_) nodes.insert(n["name"].get<std::string>());
    for (json& d : docs_) {
      objects.insert(d["metadata"]["name"].get<std::string>());
      std::string ns = d["metadata"].value("namespace", "");
      if (!ns.empty() && ns != "default" && ns.rfind("kube-", 0) != 0) namespaces.insert(ns);
    }
    auto note_values = [&](json& labels) {
      for (auto& [k, v] : labels.items())
        if (v.is_string() && !well_known(k)) values.insert(v.get<std::string>());
    };
    for (json& n : nodes_) {
      if (n.contains("labels")) note_values(n["labels"]);
      for (const json& t : n.value("taints", json::array()))
        if (t.contains("value") && !well_known(t.value("key", "")))
          values.insert(t["value"].get<std::string>());
    }
    for (json& d : docs_) {
      each_label_map(d, note_values);
      if (d["kind"] == "Service")
        for (const json& p : d["spec"].value("ports", json::array())) {
          if (p.contains("name") && p["name"].is_string()) ports.insert(p["name"].get<std::string>());
          if (p.contains("targetPort") && p["targetPort"].is_string())
            ports.insert(p["targetPort"].get<std::string>());
        }
      for (json* ps : pod_specs(d))
        for (const json& t : ps->value("tolerations", json::array()))
          if (t.contains("value") && t["value"].is_string() && !well_known(t.value("key", "")))
            values.insert(t["value"].get<std::string>());
      for (json* ps : pod_specs(d))
        for (const char* list : {"containers", "initContainers"})
          if (ps->contains(list))
            for (json& c : (*ps)[list]) {
              if (c.contains("image")) images.insert(image_repo(c["image"].get<std::string>(), nullptr));
              if (c.contains("name")) containers.insert(c["name"].get<std::string>());
              for (const json& p : c.value("ports", json::array()))
                if (p.contains("name")) ports.insert(p["name"].get<std::string>());
            }
    }
    nodes_map_ = numbered(nodes, "node-");
    objects_map_ = numbered(objects, "app-");
    namespaces_map_ = numbered(namespaces, "ns-");
    images_map_ = numbered(images, "image-");
    containers_map_ = numbered(containers, "container-");
    ports_map_ = numbered(ports, "port-");  // named ports: a Service's targetPort names a container's port
    std::set<std::string> other_values;
    for (const std::string& v : values)
      if (!objects_map_.count(v)) other_values.insert(v);
    values_map_ = numbered(other_values, "value-");
    for (const auto& [old, now] : objects_map_) values_map_[old] = now;  // name=letschat still selects app-N
  }

  std::string value_for(const std::string& key, const std::string& value) const {
    if (key == kHostname) return nodes_map_.count(value) ? nodes_map_.at(value) : value;
    if (well_known(key)) return value;
    return values_map_.count(value) ? values_map_.at(value) : value;
  }

  void rename_labels(json& labels) const {
    for (auto& [k, v] : labels.items())
      if (v.is_string()) v = value_for(k, v.get<std::string>());
  }

  void rename_node_entry(json& n) const {
    n["name"] = nodes_map_.at(n["name"].get<std::string>());
    if (n.contains("labels")) rename_labels(n["labels"]);
    if (n.contains("taints"))
      for (json& t : n["taints"])
        if (t.contains("value"))
          t["value"] = value_for(t["key"].get<std::string>(), t["value"].get<std::string>());
  }

  void rename_expressions(json& terms) const {  // [{key, operator, values}]
    if (!terms.is_array()) return;
    for (json& e : terms)
      if (e.contains("values") && e.contains("key"))
        for (json& v : e["values"])
          if (v.is_string()) v = value_for(e["key"].get<std::string>(), v.get<std::string>());
  }

  void rename_pod_spec(json& ps) const {
    for (const char* k :
         {"volumes", "imagePullSecrets", "serviceAccountName", "serviceAccount", "hostname", "subdomain"})
      ps.erase(k);
    if (ps.contains("nodeName") && ps["nodeName"].is_string()) {
      auto it = nodes_map_.find(ps["nodeName"].get<std::string>());
      if (it != nodes_map_.end())
        ps["nodeName"] = it->second;
      else
        ps.erase("nodeName");  // a node not in the list: let the scheduler place it
    }
    if (ps.contains("affinity") && ps["affinity"].contains("nodeAffinity")) {
      json& na = ps["affinity"]["nodeAffinity"];
      if (na.contains("requiredDuringSchedulingIgnoredDuringExecution"))
        for (json& term : na["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"])
          if (term.contains("matchExpressions")) rename_expressions(term["matchExpressions"]);
      if (na.contains("preferredDuringSchedulingIgnoredDuringExecution"))
        for (json& pref : na["preferredDuringSchedulingIgnoredDuringExecution"])
          if (pref.contains("preference") && pref["preference"].contains("matchExpressions"))
            rename_expressions(pref["preference"]["matchExpressions"]);
    }
    if (ps.contains("tolerations"))
      for (json& t : ps["tolerations"])
        if (t.contains("value") && t["value"].is_string())
          t["value"] = value_for(t.value("key", ""), t["value"].get<std::string>());
    for (const char* list : {"containers", "initContainers"})
      if (ps.contains(list))
        for (json& c : ps[list]) {
          if (c.contains("ports"))
            for (json& p : c["ports"])
              if (p.contains("name")) p["name"] = ports_map_.at(p["name"].get<std::string>());
          for (const char* k : {"env", "envFrom", "command", "args", "workingDir", "volumeMounts"})
            c.erase(k);
          if (c.contains("name")) c["name"] = containers_map_.at(c["name"].get<std::string>());
          if (c.contains("image")) {
            std::string tag;
            std::string repo = image_repo(c["image"].get<std::string>(), &tag);
            c["image"] = images_map_.at(repo) + tag;
          }
        }
  }

  void rename_doc(json& d) const {
    json& meta = d["metadata"];
    meta.erase("annotations");
    meta["name"] = objects_map_.at(meta["name"].get<std::string>());
    if (meta.contains("namespace") && meta["namespace"].is_string())
      if (auto it = namespaces_map_.find(meta["namespace"].get<std::string>()); it != namespaces_map_.end())
        meta["namespace"] = it->second;
    each_label_map(d, [this](json& labels) { rename_labels(labels); });
    if (!d.contains("spec")) return;
    json& spec = d["spec"];
    if (spec.contains("selector") && spec["selector"].contains("matchExpressions"))
      rename_expressions(spec["selector"]["matchExpressions"]);
    if (spec.contains("template") && spec["template"].contains("metadata"))
      spec["template"]["metadata"].erase("annotations");
    for (const char* k : {"externalName", "externalIPs", "loadBalancerIP", "loadBalancerSourceRanges"})
      spec.erase(k);
    for (json* ps : pod_specs(d)) rename_pod_spec(*ps);
    if (d["kind"] == "Service" && spec.contains("ports"))
      for (json& p : spec["ports"])
        for (const char* k : {"name", "targetPort"})
          if (p.contains(k) && p[k].is_string()) p[k] = ports_map_.at(p[k].get<std::string>());
  }

  std::vector<json>& nodes_;
  std::vector<json>& docs_;
  std::map<std::string, std::string> nodes_map_, objects_map_, namespaces_map_, values_map_, images_map_,
      containers_map_, ports_map_;
};

}  // namespace

void anonymize_cluster(std::vector<json>& nodes, std::vector<json>& docs) { Anonymizer(nodes, docs).run(); }

}  // namespace ktwin::sim
