// The expect section: one subject per entry (a node, a deployment field, or a pod count).
#include <algorithm>

#include "sim/scenario/comparison.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

const std::vector<std::string> kDeploymentFields = {"replicas", "readyReplicas", "availableReplicas",
                                                    "updatedReplicas", "unavailableReplicas"};
const std::vector<std::string> kEntryKeys = {"at",           "node",          "status",
                                             "deployment",   "replicas",      "readyReplicas",
                                             "availableReplicas", "updatedReplicas", "unavailableReplicas",
                                             "pods",         "containers",    "count",
                                             "nodes",  // node counts
                                             "pdb", "disruptionsAllowed", "currentHealthy", "desiredHealthy",
                                             "expectedPods"};  // PodDisruptionBudget status
const std::vector<std::string> kBudgetFields = {"disruptionsAllowed", "currentHealthy", "desiredHealthy",
                                                "expectedPods"};
const std::vector<std::string> kNodeStatuses = {"Ready", "NotReady", "Unknown"};
// kubectl's STATUS column for pods: phases, waiting and terminated reasons, Terminating.
const std::vector<std::string> kPodStatuses = {
    "Pending",          "Running",           "Succeeded",     "Failed",       "Unknown",
    "Terminating",      "ContainerCreating", "PodInitializing", "CrashLoopBackOff", "Completed",
    "Error",            "OOMKilled",         "ImagePullBackOff", "ErrImagePull", "Evicted",
    "NodeLost",         "CreateContainerConfigError", "ContainerStatusUnknown", "NodeAffinity"};

std::optional<std::string> check_node_status(const std::string& text) {
  std::string base = text;
  if (auto comma = text.find(','); comma != std::string::npos) {
    if (text.substr(comma) != ",SchedulingDisabled") base.clear();
    else base = text.substr(0, comma);
  }
  if (std::find(kNodeStatuses.begin(), kNodeStatuses.end(), base) != kNodeStatuses.end()) return std::nullopt;
  return "bad node status \"" + text + "\": use Ready, NotReady or Unknown, optionally with \",SchedulingDisabled\"";
}

std::optional<std::string> check_pod_status(const std::string& text) {
  // Init containers and resource rejections print families of values: "Init:0/1", "OutOfcpu".
  if (text.rfind("Init:", 0) == 0 || text.rfind("OutOf", 0) == 0) return std::nullopt;
  if (std::find(kPodStatuses.begin(), kPodStatuses.end(), text) != kPodStatuses.end()) return std::nullopt;
  return "unknown pod status \"" + text + "\" " + suggestion(text, kPodStatuses, "kubectl shows");
}

void read_comparison(const Fields& f, const std::string& key, YamlReader& r, Expectation& e) {
  auto text = r.scalar(f, key);
  if (!text) return;
  if (!Comparison::parse(*text)) r.error(r.value_mark(f, key), bad_comparison_message(*text));
  else e.comparison = *text;
}

// Keys that make sense only for another subject.
void reject_others(const Fields& f, const std::vector<std::string>& allowed, const std::string& subject,
                   YamlReader& r) {
  for (const std::string& k : f.keys())
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end())
      r.error(f.key_mark(k), k + " does not apply to a " + subject + " expectation");
}

void read_node_subject(const Fields& f, LoadContext& ctx, Expectation& e) {
  YamlReader& r = ctx.reader;
  reject_others(f, {"at", "node", "status"}, "node", r);
  if (auto node = r.scalar(f, "node")) {
    e.node = *node;
    ctx.node_refs.push_back({*node, r.where(r.value_mark(f, "node"))});
  }
  if (!r.require(f, "status", "node expectation")) return;
  if (auto status = r.scalar(f, "status")) {
    if (auto problem = check_node_status(*status)) r.error(r.value_mark(f, "status"), *problem);
    else e.node_status = *status;
  }
}

void read_deployment_subject(const Fields& f, LoadContext& ctx, Expectation& e) {
  YamlReader& r = ctx.reader;
  std::vector<std::string> allowed = {"at", "deployment"};
  allowed.insert(allowed.end(), kDeploymentFields.begin(), kDeploymentFields.end());
  reject_others(f, allowed, "deployment", r);
  if (auto name = r.scalar(f, "deployment")) {
    e.deployment = *name;
    ctx.deployment_refs.push_back({*name, r.where(r.value_mark(f, "deployment"))});
  }
  std::vector<std::string> fields;
  for (const std::string& k : f.keys())
    if (std::find(kDeploymentFields.begin(), kDeploymentFields.end(), k) != kDeploymentFields.end()) fields.push_back(k);
  if (fields.size() != 1) {
    std::string list;
    for (const std::string& k : kDeploymentFields) list += (list.empty() ? "" : ", ") + k;
    r.error(f.mark, "a deployment expectation needs exactly one of " + list);
    return;
  }
  e.field = fields[0];
  read_comparison(f, e.field, r, e);
}

void read_pods_subject(const Fields& f, LoadContext& ctx, Expectation& e) {
  YamlReader& r = ctx.reader;
  e.is_pod_count = true;
  reject_others(f, {"at", "pods", "count"}, "pods", r);
  if (r.require(f, "count", "pods expectation")) read_comparison(f, "count", r, e);
  if (f.get("pods").IsNull()) return;  // `pods: {}` or `pods:` counts every pod
  auto p = r.map(f.get("pods"), "pods", {"node", "status", "selector"}, {"selector"});
  if (!p) return;
  if (p->has("node"))
    if (auto node = r.scalar(*p, "node")) {
      e.pods_node = *node;
      ctx.node_refs.push_back({*node, r.where(r.value_mark(*p, "node"))});
    }
  if (p->has("status"))
    if (auto status = r.scalar(*p, "status")) {
      if (auto problem = check_pod_status(*status)) r.error(r.value_mark(*p, "status"), *problem);
      else e.pods_status = *status;
    }
  if (p->has("selector"))
    if (auto sel = r.scalar(*p, "selector")) {
      if (!core::LabelSelector::parse(*sel))
        r.error(r.value_mark(*p, "selector"),
                "bad label selector \"" + *sel + "\": use a form such as name=mongo or app in (a,b)");
      else e.pods_selector = *sel;
    }
}

// What the node's container runtime runs, whatever the API says (crictl ps on the machine): shows the
// containers a partitioned or kubelet-less node keeps running.
void read_containers_subject(const Fields& f, LoadContext& ctx, Expectation& e) {
  YamlReader& r = ctx.reader;
  e.is_container_count = true;
  reject_others(f, {"at", "containers", "count"}, "containers", r);
  if (r.require(f, "count", "containers expectation")) read_comparison(f, "count", r, e);
  auto c = r.map(f.get("containers"), "containers", {"node", "name"});
  if (!c || !r.require(*c, "node", "containers")) return;
  if (auto node = r.scalar(*c, "node")) {
    e.containers_node = *node;
    ctx.node_refs.push_back({*node, r.where(r.value_mark(*c, "node"))});
  }
  if (c->has("name"))
    if (auto name = r.scalar(*c, "name")) e.containers_name = *name;
}

// Nodes counted by STATUS, by a taint ("KEY:EFFECT", or "KEY" for any effect) and by labels: shows
// how many nodes of a zone the node lifecycle controller has tainted so far.
void read_nodes_subject(const Fields& f, LoadContext& ctx, Expectation& e) {
  YamlReader& r = ctx.reader;
  e.is_node_count = true;
  reject_others(f, {"at", "nodes", "count"}, "nodes", r);
  if (r.require(f, "count", "nodes expectation")) read_comparison(f, "count", r, e);
  if (f.get("nodes").IsNull()) return;  // `nodes: {}` counts every node
  auto n = r.map(f.get("nodes"), "nodes", {"status", "taint", "selector"}, {"selector"});
  if (!n) return;
  if (n->has("status"))
    if (auto status = r.scalar(*n, "status")) {
      if (auto problem = check_node_status(*status)) r.error(r.value_mark(*n, "status"), *problem);
      else e.nodes_status = *status;
    }
  if (n->has("taint"))
    if (auto taint = r.scalar(*n, "taint")) {
      auto colon = taint->rfind(':');
      std::string effect = colon == std::string::npos ? "" : taint->substr(colon + 1);
      if (taint->empty() || colon == 0 ||
          (colon != std::string::npos && effect != "NoExecute" && effect != "NoSchedule" && effect != "PreferNoSchedule"))
        r.error(r.value_mark(*n, "taint"),
                "bad taint \"" + *taint + "\": use KEY or KEY:EFFECT with NoExecute, NoSchedule or PreferNoSchedule");
      else e.nodes_taint = *taint;
    }
  if (n->has("selector"))
    if (auto sel = r.scalar(*n, "selector")) {
      if (!core::LabelSelector::parse(*sel))
        r.error(r.value_mark(*n, "selector"),
                "bad label selector \"" + *sel + "\": use a form such as topology.kubernetes.io/zone=a");
      else e.nodes_selector = *sel;
    }
}

// A PodDisruptionBudget status count in the default namespace: {pdb: web, disruptionsAllowed: 0}.
void read_budget_subject(const Fields& f, LoadContext& ctx, Expectation& e) {
  YamlReader& r = ctx.reader;
  std::vector<std::string> allowed = {"at", "pdb"};
  allowed.insert(allowed.end(), kBudgetFields.begin(), kBudgetFields.end());
  reject_others(f, allowed, "pdb", r);
  if (auto name = r.scalar(f, "pdb")) e.pdb = *name;
  std::vector<std::string> fields;
  for (const std::string& k : f.keys())
    if (std::find(kBudgetFields.begin(), kBudgetFields.end(), k) != kBudgetFields.end()) fields.push_back(k);
  if (fields.size() != 1) {
    r.error(f.mark, "a pdb expectation needs exactly one of disruptionsAllowed, currentHealthy, desiredHealthy, "
                    "expectedPods");
    return;
  }
  e.field = fields[0];
  read_comparison(f, e.field, r, e);
}

void read_entry(const YAML::Node& item, LoadContext& ctx, Scenario& scenario) {
  YamlReader& r = ctx.reader;
  auto f = r.map(item, "expect entry", kEntryKeys);
  if (!f) return;
  Expectation e;
  e.where = r.where(f->mark);
  if (r.require(*f, "at", "expect entry"))
    if (auto at = r.duration(*f, "at")) {
      e.at = *at;
      ctx.at_refs.push_back({*at, r.where(r.value_mark(*f, "at"))});
    }
  int subjects = f->has("node") + f->has("deployment") + f->has("pods") + f->has("containers") + f->has("nodes") +
                 f->has("pdb");
  if (subjects != 1) {
    r.error(f->mark, "an expect entry needs exactly one subject: node, nodes, deployment, pdb, pods or containers");
    return;
  }
  if (f->has("node")) read_node_subject(*f, ctx, e);
  else if (f->has("pdb")) read_budget_subject(*f, ctx, e);
  else if (f->has("nodes")) read_nodes_subject(*f, ctx, e);
  else if (f->has("deployment")) read_deployment_subject(*f, ctx, e);
  else if (f->has("containers")) read_containers_subject(*f, ctx, e);
  else read_pods_subject(*f, ctx, e);
  scenario.expect.push_back(std::move(e));
}

}  // namespace

void read_expect(const YAML::Node& node, LoadContext& ctx, Scenario& scenario) {
  auto items = ctx.reader.sequence(node, "expect");
  if (!items) return;
  for (const YAML::Node& item : *items) read_entry(item, ctx, scenario);
}

}  // namespace ktwin::sim
