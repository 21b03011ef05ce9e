// The loader's dependsOn checks: the graph of every manifest the scenario may apply must be acyclic,
// and every Service a dependsOn names must be defined by one of them.
#include <algorithm>
#include <set>

#include "analysis/dependency_graph.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

// "letschat" in the default namespace, "prod/letschat" elsewhere: as the user wrote it.
std::string shown(const std::string& service) {
  return service.rfind("default/", 0) == 0 ? service.substr(8) : service;
}

SourceLocation entry_location(const Scenario& s, const std::string& image, size_t entry) {
  const AppModelEntry& app = s.apps.at(image);
  return entry < app.dependsOnWhere.size() ? app.dependsOnWhere[entry] : SourceLocation{s.file, 1, 1};
}

}  // namespace

void check_dependencies(const Scenario& s, Diagnostics& d) {
  bool any = false;
  for (const auto& [image, app] : s.apps) any = any || !app.dependsOn.empty();
  if (!any) return;

  analysis::DependencyInputs inputs;
  auto add = [&](const std::vector<ManifestDoc>& docs) {
    for (const ManifestDoc& m : docs) inputs.add(m.doc.value("kind", ""), m.doc);
  };
  // A Service applied at any time counts: the containers that need it crash-loop until it exists.
  add(s.manifests);
  for (const Action& a : s.timeline)
    if (a.type == Action::Type::kApply) add(a.manifests);
  std::map<std::string, std::vector<std::string>> apps;
  for (const auto& [image, app] : s.apps) apps[image] = app.dependsOn;
  inputs.set_apps(apps);
  analysis::DependencyGraph graph(inputs);

  for (const analysis::DependencyGraph::Cycle& cycle : graph.cycles()) {
    std::string path;
    for (const std::string& service : cycle.path) path += (path.empty() ? "" : " -> ") + shown(service);
    d.error(entry_location(s, cycle.closing.image, cycle.closing.entry), "dependsOn cycle: " + path);
  }

  // Per namespace where a pod runs the image; an image no manifest runs needs the name somewhere.
  std::map<std::string, std::vector<std::string>> names_by_ns;
  std::set<std::string> all;
  for (const std::string& v : graph.vertices()) {
    if (!graph.defined(v)) continue;
    size_t slash = v.find('/');
    names_by_ns[v.substr(0, slash)].push_back(v.substr(slash + 1));
    all.insert(v.substr(slash + 1));
  }
  std::vector<std::string> all_names(all.begin(), all.end());
  std::set<std::pair<std::string, size_t>> reported;
  for (const analysis::DependencyGraph::Unresolved& u : graph.unresolved()) {
    size_t slash = u.service.find('/');
    std::string ns = u.service.substr(0, slash), name = u.service.substr(slash + 1);
    std::string where = ns == "default" ? "" : " in namespace \"" + ns + "\"";
    d.error(entry_location(s, u.image, u.entry),
            "unknown service \"" + name + "\"" + where + ": no manifest defines it " + suggestion(name, names_by_ns[ns], "services"));
    reported.emplace(u.image, u.entry);
  }
  for (const auto& [image, app] : s.apps)
    for (size_t i = 0; i < app.dependsOn.size(); ++i) {
      const std::string& name = app.dependsOn[i];
      if (reported.count({image, i}) || all.count(name)) continue;
      d.error(entry_location(s, image, i),
              "unknown service \"" + name + "\": no manifest defines it " + suggestion(name, all_names, "services"));
    }
}

}  // namespace ktwin::sim
