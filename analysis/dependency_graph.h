// The service dependency graph: Service A -> Service B when pods selected by A run an image whose app
// model (`apps.<image>.dependsOn`) names B. Used to reject cycles at load time and to tell which
// Services are entry points and what each of them needs (analysis/effective_availability.h).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktwin::analysis {

// The app model key an image matches, as the modelled runtime looks it up: without tag or digest and
// without Docker Hub's implicit prefixes ("docker.io/library/mongo:4.4" -> "mongo"); core::image_short_name.
std::string app_image_name(const std::string& image);

// What the graph is built from: Services and the pods that may run, gathered from API objects
// (manifest documents or a trace's replayed objects; both have the API's JSON shape).
class DependencyInputs {
 public:
  // A Service (its selector) or a pod source: a Pod, or a Deployment's or ReplicaSet's template.
  // Other kinds are ignored. An empty namespace means "default", as kubectl applies it.
  void add(const std::string& kind, const nlohmann::json& object);
  // image (as an apps key) -> its dependsOn entries, in the order written.
  void set_apps(std::map<std::string, std::vector<std::string>> apps) { apps_ = std::move(apps); }

 private:
  friend class DependencyGraph;
  struct PodSource {
    std::string namespace_;
    std::map<std::string, std::string> labels;
    std::set<std::string> images;  // of every container and init container, as written
  };
  std::map<std::string, std::map<std::string, std::string>> services_;  // "ns/name" -> selector
  std::vector<PodSource> pods_;
  std::map<std::string, std::vector<std::string>> apps_;
};

class DependencyGraph {
 public:
  explicit DependencyGraph(const DependencyInputs& inputs);

  // Why A depends on B: an image run by pods A selects, and its dependsOn entry naming B.
  struct Edge {
    std::string from, to;  // "ns/name"
    std::string image;     // apps key
    size_t entry = 0;      // index in apps[image].dependsOn
  };
  struct Cycle {
    std::vector<std::string> path;  // "ns/name", the first repeated at the end: a -> b -> a
    Edge closing;                   // the edge back to path.front()
  };
  // A dependsOn entry of an image some pod runs that names no Service of the pod's namespace.
  struct Unresolved {
    std::string service;  // "ns/name"
    std::string image;
    size_t entry = 0;
  };

  // Every Service ("ns/name", sorted), plus the dependsOn targets no Service defines.
  const std::vector<std::string>& vertices() const { return names_; }
  bool defined(const std::string& service) const { return inputs_.services_.count(service) > 0; }
  // One edge per (from, to) pair, the first reason found (images and entries in order); sorted.
  const std::vector<Edge>& edges() const { return edges_; }
  // The cycles a depth-first search meets (one per back edge), visiting vertices and out-edges in
  // sorted order, so the same graph always reports the same cycles.
  std::vector<Cycle> cycles() const;
  // Services with a selector that no Service depends on: what clients call from outside. Sorted.
  std::vector<std::string> entry_points() const;
  // `service` and everything it depends on, directly or not (its effective availability needs all
  // of them ready). Sorted. Missing targets are included: nothing ever makes them ready.
  std::vector<std::string> closure(const std::string& service) const;
  std::vector<Unresolved> unresolved() const;

 private:
  std::optional<size_t> index(const std::string& name) const;

  DependencyInputs inputs_;
  std::vector<std::string> names_;
  std::vector<Edge> edges_;
};

}  // namespace ktwin::analysis
