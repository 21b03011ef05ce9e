// load_scenario: parse the file, read each section, check names across sections, apply overrides.
#include "sim/scenario/scenario.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "sim/scenario/fault_generator.h"
#include "sim/scenario/knobs.h"
#include "sim/scenario/node_storm.h"
#include "sim/scenario/workload_generator.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

const std::vector<std::string> kTopKeys = {"apiVersion", "kind",  "metadata", "seed",     "duration",
                                           "cluster",    "apps",  "manifests", "timeline", "expect",
                                           "faults",  // random failures (sim/scenario/faults_section.cc)
                                           "workloads"};  // Deployment generators (workloads_section.cc)

void read_header(const Fields& f, YamlReader& r, Scenario& s) {
  for (auto [key, want] : {std::pair<std::string, std::string>{"apiVersion", "ktwin/v1"}, {"kind", "Scenario"}}) {
    if (!r.require(f, key, "the scenario")) continue;
    if (auto v = r.scalar(f, key); v && *v != want)
      r.error(r.value_mark(f, key), key + " must be \"" + want + "\", not \"" + *v + "\"");
  }
  if (r.require(f, "metadata", "the scenario"))
    if (auto meta = r.map(f.get("metadata"), "metadata", {"name"}))
      if (r.require(*meta, "name", "metadata"))
        if (auto name = r.scalar(*meta, "name")) s.name = *name;
  if (f.has("seed")) {
    if (auto seed = r.scalar(f, "seed")) {
      if (auto problem = check_integer(*seed, 0)) r.error(r.value_mark(f, "seed"), *problem);
      else s.seed = std::stoull(*seed);
    }
  }
}

// Names used in actions and expectations must exist: a typo would otherwise surface only as a
// failed expectation after the whole run.
void check_refs(const std::vector<NameRef>& refs, const std::vector<std::string>& known, const std::string& what,
                Diagnostics& d) {
  for (const NameRef& ref : refs)
    if (std::find(known.begin(), known.end(), ref.name) == known.end())
      d.error(ref.where, "unknown " + what + " \"" + ref.name + "\" " + suggestion(ref.name, known, what + "s"));
}

// The default duration runs one minute past the last timed thing; an explicit one must cover them.
void settle_duration(const Fields& f, LoadContext& ctx, Scenario& s) {
  Duration last{};
  for (const auto& [at, where] : ctx.at_refs) last = std::max(last, at);
  if (!f.has("duration")) {
    s.duration = last + std::chrono::minutes(1);
    return;
  }
  auto d = ctx.reader.duration(f, "duration");
  if (!d) return;
  s.duration = *d;
  for (const auto& [at, where] : ctx.at_refs)
    if (at > *d)
      ctx.reader.diagnostics().error(where, "at " + core::format_go_duration(at) + " is after the end of the scenario (duration " +
                                                core::format_go_duration(*d) + ")");
}

void read_scenario(const YAML::Node& root, LoadContext& ctx, Scenario& s) {
  YamlReader& r = ctx.reader;
  auto f = r.map(root, "the scenario", kTopKeys);
  if (!f) return;
  read_header(*f, r, s);
  if (r.require(*f, "cluster", "the scenario")) read_cluster(f->get("cluster"), ctx, s);
  if (f->has("apps")) read_apps(f->get("apps"), ctx, s);
  if (f->has("manifests") && !f->get("manifests").IsNull()) s.manifests = read_manifests(*f, "manifests", ctx);
  if (f->has("timeline")) read_timeline(f->get("timeline"), ctx, s);
  if (f->has("expect")) read_expect(f->get("expect"), ctx, s);
  if (f->has("faults")) read_faults(f->get("faults"), ctx, s);
  if (f->has("workloads")) read_workloads(f->get("workloads"), ctx, s);
  check_storms(ctx, s);
  if (!s.faults.empty() && !f->has("duration"))
    r.error(f->key_mark("faults"), "faults needs the scenario's duration: (how long the random failures go on)");
  settle_duration(*f, ctx, s);

  std::vector<std::string> nodes;
  for (const NodeSpecEntry& n : s.nodes) nodes.push_back(n.name);
  // A node added by the timeline may be used anywhere (its use before the addNode fails at run time).
  for (const NameRef& added : ctx.added_nodes) {
    if (std::find(nodes.begin(), nodes.end(), added.name) != nodes.end())
      r.diagnostics().error(added.where, "addNode: node \"" + added.name + "\" already exists");
    else nodes.push_back(added.name);
  }
  check_refs(ctx.node_refs, nodes, "node", r.diagnostics());
  check_platform(ctx, s, nodes);
  check_refs(ctx.deployment_refs, {ctx.deployments.begin(), ctx.deployments.end()}, "deployment", r.diagnostics());
  check_dependencies(s, r.diagnostics());
}

}  // namespace

core::Result<Scenario> load_scenario(const std::string& path, const LoadOptions& options) {
  Diagnostics diagnostics(path);
  Scenario scenario;
  scenario.file = path;
  std::ifstream in(path);
  if (!in || std::filesystem::is_directory(path)) return core::Status::invalid(path + ": cannot read the scenario file");
  std::stringstream text;
  text << in.rdbuf();

  YamlReader reader(diagnostics, path);
  LoadContext ctx{reader, std::filesystem::path(path).parent_path(), {}, {}, {}, {}, {}};
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text.str());
    if (docs.empty() || docs[0].IsNull()) {
      reader.error(YAML::Mark(), "the file is empty");
    } else {
      if (docs.size() > 1) reader.error(docs[1], "a scenario file holds one document");
      read_scenario(docs[0], ctx, scenario);
    }
  } catch (const YAML::Exception& e) {
    // yaml-cpp stops at the first syntax error; nothing after it can be trusted.
    reader.error(e.mark, e.msg);
  }
  apply_overrides(options, scenario, diagnostics);
  if (!diagnostics.empty()) return core::Status::invalid(diagnostics.report());
  expand_faults(scenario);  // the seed is final now
  expand_workloads(scenario);
  expand_storms(scenario);
  return scenario;
}

}  // namespace ktwin::sim
