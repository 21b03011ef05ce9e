// The timeline section: one action per entry, each checked for what the runner will need.
#include <algorithm>
#include <sstream>

#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

std::vector<std::string> with_node_actions(std::vector<std::string> keys) {
  keys.insert(keys.end(), node_action_keys().begin(), node_action_keys().end());
  keys.insert(keys.end(), {"haltNodes", "resumeNodes"});  // node storms (sim/scenario/node_storm_section.cc)
  return keys;
}

// crashContainer is the fault catalogue's name for killContainer (issue 4); both stay.
const std::vector<std::string> kActionKeys = with_node_actions(
    {"apply", "scale", "delete", "killContainer", "crashContainer", "haltNode", "resumeNode", "snapshot"});
const std::vector<std::string> kEntryKeys = with_node_actions({"at", "apply", "scale", "delete", "selector",
                                                               "killContainer", "crashContainer", "haltNode",
                                                               "resumeNode", "snapshot"});
// kubectl's resource names, for suggestions after a typo.
const std::vector<std::string> kResourceNames = {"nodes", "no", "pods", "po", "replicasets", "rs",
                                                 "deployments", "deploy", "services", "svc", "endpoints",
                                                 "ep", "ingresses", "ing", "leases"};

std::string join(const std::vector<std::string>& words, const std::string& last_sep) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i)
    out += (i == 0 ? "" : i + 1 == words.size() ? last_sep : ", ") + words[i];
  return out;
}

bool check_selector(YamlReader& r, const YAML::Mark& mark, const std::string& text) {
  if (core::LabelSelector::parse(text)) return true;
  r.error(mark, "bad label selector \"" + text + "\": use a form such as name=mongo or app in (a,b)");
  return false;
}

void read_scale(const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  auto f = r.map(entry.get("scale"), "scale", {"deployment", "replicas"});
  if (!f) return;
  // `&`, not `&&`: report both when both are missing.
  bool has_both = r.require(*f, "deployment", "scale") & r.require(*f, "replicas", "scale");
  if (!has_both) return;
  a.kind = "deployment";
  if (auto name = r.scalar(*f, "deployment")) {
    a.name = *name;
    ctx.deployment_refs.push_back({*name, r.where(r.value_mark(*f, "deployment"))});
  }
  if (auto n = r.integer(*f, "replicas", 0)) {
    if (*n > INT32_MAX) r.error(r.value_mark(*f, "replicas"), "replicas " + std::to_string(*n) + " is too large");
    else a.replicas = static_cast<int32_t>(*n);
  }
}

// delete: "pod" with a selector, or "pod/NAME".
void read_delete(const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  auto text = r.scalar(entry, "delete");
  if (!text) return;
  YAML::Mark mark = r.value_mark(entry, "delete");
  size_t slash = text->find('/');
  a.kind = text->substr(0, slash);
  if (slash != std::string::npos) a.name = text->substr(slash + 1);
  auto kind = core::parse_kind(a.kind);
  if (!kind) r.error(mark, "unknown resource type \"" + a.kind + "\" in delete " + suggestion(a.kind, kResourceNames));
  bool has_selector = entry.has("selector");
  if (slash != std::string::npos && a.name.empty()) r.error(mark, "delete " + *text + " names no object");
  if (has_selector && !a.name.empty()) r.error(entry.key_mark("selector"), "delete takes a name or a selector, not both");
  if (!has_selector && slash == std::string::npos)
    r.error(mark, "delete " + *text + " needs a name (" + a.kind + "/NAME) or a selector");
  if (has_selector)
    if (auto sel = r.scalar(entry, "selector"); sel && check_selector(r, r.value_mark(entry, "selector"), *sel))
      a.selector = *sel;
  if (kind == core::Kind::kNode && !a.name.empty()) ctx.node_refs.push_back({a.name, r.where(mark)});
}

// killContainer or crashContainer (`action`).
void read_kill_container(const std::string& action, const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  auto f = r.map(entry.get(action), action, {"pod", "selector", "container"}, {"selector"});
  if (!f) return;
  if (f->has("pod") == f->has("selector")) {
    r.error(f->mark, action + " needs either pod or selector");
    return;
  }
  if (f->has("pod"))
    if (auto pod = r.scalar(*f, "pod")) a.name = *pod;
  if (f->has("selector"))
    if (auto sel = r.scalar(*f, "selector"); sel && check_selector(r, r.value_mark(*f, "selector"), *sel))
      a.selector = *sel;
  if (f->has("container"))
    if (auto c = r.scalar(*f, "container")) a.container = *c;
}

// snapshot: a kubectl get command line; its resource types are checked here so a typo fails early.
void read_snapshot(const Fields& entry, LoadContext& ctx, Action& a) {
  YamlReader& r = ctx.reader;
  auto text = r.scalar(entry, "snapshot");
  if (!text) return;
  YAML::Mark mark = r.value_mark(entry, "snapshot");
  std::istringstream words(*text);
  std::string verb, resources;
  words >> verb >> resources;
  if (verb != "get" || resources.empty() || resources[0] == '-') {
    r.error(mark, "snapshot needs a kubectl get command such as \"get deploy,rs,po -o wide\"");
    return;
  }
  std::istringstream list(resources);
  for (std::string type; std::getline(list, type, ',');)
    if (type != "all" && !core::parse_kind(type))
      r.error(mark, "unknown resource type \"" + type + "\" in snapshot " + suggestion(type, kResourceNames));
  a.command = *text;
}

void read_entry(const YAML::Node& item, LoadContext& ctx, Scenario& scenario) {
  YamlReader& r = ctx.reader;
  auto f = r.map(item, "timeline entry", kEntryKeys, {"snapshot", "selector"});
  if (!f) return;
  std::vector<std::string> actions;
  for (const std::string& k : f->keys())
    if (std::find(kActionKeys.begin(), kActionKeys.end(), k) != kActionKeys.end()) actions.push_back(k);
  if (actions.empty()) {
    r.error(f->mark, "timeline entry needs one action: " + join(kActionKeys, " or "));
    return;
  }
  if (actions.size() > 1) {
    r.error(f->mark, "timeline entry has several actions (" + join(actions, ", ") + "): write one per entry");
    return;
  }
  Action a;
  a.where = r.where(f->mark);
  if (r.require(*f, "at", "timeline entry"))
    if (auto at = r.duration(*f, "at")) {
      a.at = *at;
      ctx.at_refs.push_back({*at, r.where(r.value_mark(*f, "at"))});
    }
  const std::string& action = actions[0];
  if (f->has("selector") && action != "delete")
    r.error(f->key_mark("selector"),
            "selector here belongs to delete; for " + action + " write it inside its mapping");
  // Node storms are kept apart and expanded into haltNode/resumeNode actions once the seed is final.
  if (read_node_storm(action, *f, ctx, scenario, a.at, a.where)) return;
  if (action == "apply") {
    a.type = Action::Type::kApply;
    a.manifests = read_manifests(*f, "apply", ctx);
  } else if (action == "scale") {
    a.type = Action::Type::kScale;
    read_scale(*f, ctx, a);
  } else if (action == "delete") {
    a.type = Action::Type::kDelete;
    read_delete(*f, ctx, a);
  } else if (action == "killContainer" || action == "crashContainer") {
    a.type = Action::Type::kKillContainer;
    read_kill_container(action, *f, ctx, a);
  } else if (action == "haltNode" || action == "resumeNode") {
    a.type = action == "haltNode" ? Action::Type::kHaltNode : Action::Type::kResumeNode;
    if (auto node = r.scalar(*f, action)) {
      a.name = *node;
      ctx.node_refs.push_back({*node, r.where(r.value_mark(*f, action))});
    }
  } else if (read_node_action(action, *f, ctx, a)) {
    // typed and read there
  } else {
    a.type = Action::Type::kSnapshot;
    read_snapshot(*f, ctx, a);
  }
  scenario.timeline.push_back(std::move(a));
}

}  // namespace

void read_timeline(const YAML::Node& node, LoadContext& ctx, Scenario& scenario) {
  auto items = ctx.reader.sequence(node, "timeline");
  if (!items) return;
  for (const YAML::Node& item : *items) read_entry(item, ctx, scenario);
  std::stable_sort(scenario.timeline.begin(), scenario.timeline.end(),
                   [](const Action& a, const Action& b) { return a.at < b.at; });
}

}  // namespace ktwin::sim
