// cluster.platform and the linkDown/linkUp actions: the SimGrid platform is named or described here
// and checked against the nodes and actions that use it; SimGrid itself loads it later (sim/platform/).
#include <algorithm>

#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

const std::vector<std::string> kInlineKeys = {"uplinkBandwidth", "uplinkLatency", "nodeBandwidth", "nodeLatency"};

std::optional<double> bandwidth(const Fields& f, const std::string& key, YamlReader& r) {
  auto text = r.scalar(f, key);
  if (!text) return std::nullopt;
  auto b = parse_bandwidth(*text);
  if (!b) r.error(r.value_mark(f, key), "bad bandwidth \"" + *text + "\": use SimGrid's units such as 1Gbps, 100Mbps, 125MBps");
  return b;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void read_platform(const YAML::Node& node, LoadContext& ctx, Scenario& scenario) {
  YamlReader& r = ctx.reader;
  std::vector<std::string> keys = kInlineKeys;
  keys.push_back("file");
  auto f = r.map(node, "platform", keys);
  if (!f) return;
  ctx.platform_where = r.where(f->mark);
  PlatformSpec& p = scenario.platform;
  if (f->has("file")) {
    for (const std::string& k : kInlineKeys)
      if (f->has(k)) r.error(f->key_mark(k), k + " describes an inline platform: drop it or drop file");
    auto path = r.scalar(*f, "file");
    if (!path) return;
    std::filesystem::path full = std::filesystem::path(*path).is_absolute() ? std::filesystem::path(*path) : ctx.base_dir / *path;
    auto names = scan_platform_file(full.lexically_normal().string());
    if (!names.is_ok()) {
      r.error(r.value_mark(*f, "file"), names.status().message());
      return;
    }
    p.file = full.lexically_normal().string();
    p.hosts = names.value().hosts;
    p.links = names.value().links;
    for (const char* host : {kControlPlaneHost, kRegistryHost})
      if (!contains(p.hosts, host))
        r.error(r.value_mark(*f, "file"), "the platform " + *path + " has no host \"" + host +
                                              "\" (ktwin needs one for the control plane and one for the image registry)");
    return;
  }
  p.is_inline = true;
  if (f->has("uplinkBandwidth"))
    if (auto b = bandwidth(*f, "uplinkBandwidth", r)) p.uplinkBandwidth = *b;
  if (f->has("nodeBandwidth"))
    if (auto b = bandwidth(*f, "nodeBandwidth", r)) p.nodeBandwidth = *b;
  if (f->has("uplinkLatency"))
    if (auto d = r.duration(*f, "uplinkLatency")) p.uplinkLatency = *d;
  if (f->has("nodeLatency"))
    if (auto d = r.duration(*f, "nodeLatency")) p.nodeLatency = *d;
  for (const char* k : {"uplinkLatency", "nodeLatency"})
    if (f->has(k) && (k[0] == 'u' ? p.uplinkLatency : p.nodeLatency).count() < 0)
      r.error(r.value_mark(*f, k), std::string(k) + " must not be negative");
}

bool read_link_action(const std::string& action, const Fields& entry, LoadContext& ctx, Action& a) {
  if (action != "linkDown" && action != "linkUp") return false;
  YamlReader& r = ctx.reader;
  a.type = action == "linkDown" ? Action::Type::kLinkDown : Action::Type::kLinkUp;
  if (auto link = r.scalar(entry, action)) {
    a.name = *link;
    ctx.link_refs.push_back({*link, r.where(r.value_mark(entry, action))});
  }
  return true;
}

void check_platform(LoadContext& ctx, Scenario& scenario, const std::vector<std::string>& nodes) {
  Diagnostics& d = ctx.reader.diagnostics();
  PlatformSpec& p = scenario.platform;
  if (!p.is_set()) {
    for (const NameRef& ref : ctx.link_refs)
      d.error(ref.where, "linkDown and linkUp need a SimGrid platform: add cluster.platform");
    return;
  }
  if (p.is_inline) {
    p.hosts = {kControlPlaneHost, kRegistryHost};
    p.hosts.insert(p.hosts.end(), nodes.begin(), nodes.end());
    p.links = inline_platform_links(nodes);
  } else {
    auto blame = [&](const std::string& node) {
      for (const NodeSpecEntry& n : scenario.nodes)
        if (n.name == node) return n.where;
      for (const NameRef& added : ctx.added_nodes)
        if (added.name == node) return added.where;
      return ctx.platform_where;
    };
    for (const std::string& node : nodes)
      if (!contains(p.hosts, node))
        d.error(blame(node), "node \"" + node + "\" has no host in the platform " + p.file +
                                 " (each node needs a <host> of the same name)");
  }
  for (const NameRef& ref : ctx.link_refs)
    if (!contains(p.links, ref.name))
      d.error(ref.where, "unknown link \"" + ref.name + "\" " + suggestion(ref.name, p.links, "links"));
}

}  // namespace ktwin::sim
