// DependencyGraph over Boost.Graph: a depth-first search finds the cycles (back edges), a breadth-first
// search the services one entry point needs.
#include "analysis/dependency_graph.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <tuple>

#include "core/api/image_ref.h"

namespace ktwin::analysis {
namespace {

using nlohmann::json;
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = Graph::vertex_descriptor;

std::map<std::string, std::string> string_map(const json& j) {
  std::map<std::string, std::string> out;
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

bool selects(const std::map<std::string, std::string>& selector, const std::map<std::string, std::string>& labels) {
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

// Records the tree's parent links and, at each back edge, the cycle it closes.
struct CycleVisitor : boost::default_dfs_visitor {
  std::vector<Vertex>* parent;
  std::vector<std::pair<Vertex, Vertex>>* back_edges;
  void tree_edge(Graph::edge_descriptor e, const Graph& g) { (*parent)[boost::target(e, g)] = boost::source(e, g); }
  void back_edge(Graph::edge_descriptor e, const Graph& g) {
    back_edges->emplace_back(boost::source(e, g), boost::target(e, g));
  }
};

struct ReachVisitor : boost::default_bfs_visitor {
  std::vector<Vertex>* seen;
  void discover_vertex(Vertex v, const Graph&) { seen->push_back(v); }
};

}  // namespace

std::string app_image_name(const std::string& image) { return core::image_short_name(image); }

void DependencyInputs::add(const std::string& kind, const json& object) {
  if (!object.is_object()) return;
  json meta = object.value("metadata", json::object());
  std::string ns = meta.value("namespace", "");
  if (ns.empty()) ns = "default";
  if (kind == "Service") {
    services_[ns + "/" + meta.value("name", "")] = string_map(object.value("/spec/selector"_json_pointer, json()));
    return;
  }
  json pod_meta, pod_spec;
  if (kind == "Pod") {
    pod_meta = meta;
    pod_spec = object.value("spec", json::object());
  } else if (kind == "Deployment" || kind == "ReplicaSet") {
    pod_meta = object.value("/spec/template/metadata"_json_pointer, json::object());
    pod_spec = object.value("/spec/template/spec"_json_pointer, json::object());
  } else {
    return;
  }
  PodSource pod{ns, string_map(pod_meta.value("labels", json::object())), {}};
  for (const char* list : {"initContainers", "containers"})
    for (const json& c : pod_spec.value(list, json::array()))
      if (c.is_object() && c.contains("image") && c["image"].is_string()) pod.images.insert(c["image"].get<std::string>());
  pods_.push_back(std::move(pod));
}

DependencyGraph::DependencyGraph(const DependencyInputs& inputs) : inputs_(inputs) {
  std::set<std::string> names;
  for (const auto& [name, selector] : inputs_.services_) names.insert(name);
  // The apps entry an image uses: its plain name, else as written without the tag (the runtime's order).
  auto app_of = [&](const std::string& image) {
    for (const std::string& key : {app_image_name(image), image.substr(0, image.rfind(':'))}) {
      auto it = inputs_.apps_.find(key);
      if (it != inputs_.apps_.end()) return it;
    }
    return inputs_.apps_.end();
  };
  std::map<std::pair<std::string, std::string>, Edge> edges;
  for (const auto& [service, selector] : inputs_.services_) {
    if (selector.empty()) continue;  // no selector: no managed endpoints, no pods of its own
    std::string ns = service.substr(0, service.find('/'));
    for (const DependencyInputs::PodSource& pod : inputs_.pods_) {
      if (pod.namespace_ != ns || !selects(selector, pod.labels)) continue;
      for (const std::string& image : pod.images) {
        auto app = app_of(image);
        if (app == inputs_.apps_.end()) continue;
        for (size_t i = 0; i < app->second.size(); ++i) {
          std::string to = ns + "/" + app->second[i];
          names.insert(to);
          edges.try_emplace({service, to}, Edge{service, to, app->first, i});
        }
      }
    }
  }
  names_.assign(names.begin(), names.end());
  for (auto& [key, edge] : edges) edges_.push_back(std::move(edge));
}

std::optional<size_t> DependencyGraph::index(const std::string& name) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), name);
  if (it == names_.end() || *it != name) return std::nullopt;
  return static_cast<size_t>(it - names_.begin());
}

namespace {
// Vertices in name order and out-edges in (from, to) order: searches visit them deterministically.
template <class Index>
Graph make_graph(size_t vertices, const std::vector<DependencyGraph::Edge>& edges, Index index) {
  Graph g(vertices);
  for (const DependencyGraph::Edge& e : edges) boost::add_edge(*index(e.from), *index(e.to), g);
  return g;
}
}  // namespace

std::vector<DependencyGraph::Cycle> DependencyGraph::cycles() const {
  Graph g = make_graph(names_.size(), edges_, [this](const std::string& n) { return index(n); });
  std::vector<Vertex> parent(names_.size());
  std::vector<std::pair<Vertex, Vertex>> back_edges;
  CycleVisitor visitor;
  visitor.parent = &parent;
  visitor.back_edges = &back_edges;
  std::vector<boost::default_color_type> colors(names_.size());
  boost::depth_first_search(g, visitor, boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, g)));

  std::vector<Cycle> out;
  for (auto [from, to] : back_edges) {
    // `to` is an ancestor of `from` on the search's stack: climb the tree links from `from` to it.
    std::vector<std::string> path = {names_[from]};
    for (Vertex v = from; v != to;) {
      v = parent[v];
      path.push_back(names_[v]);
    }
    std::reverse(path.begin(), path.end());
    path.push_back(names_[to]);
    auto edge = std::find_if(edges_.begin(), edges_.end(),
                             [&](const Edge& e) { return e.from == names_[from] && e.to == names_[to]; });
    out.push_back({std::move(path), *edge});
  }
  return out;
}

std::vector<std::string> DependencyGraph::entry_points() const {
  std::set<std::string> needed;
  for (const Edge& e : edges_)
    if (e.from != e.to) needed.insert(e.to);
  std::vector<std::string> out;
  for (const auto& [name, selector] : inputs_.services_)
    if (!selector.empty() && !needed.count(name)) out.push_back(name);
  return out;
}

std::vector<std::string> DependencyGraph::closure(const std::string& service) const {
  auto start = index(service);
  if (!start) return {service};
  Graph g = make_graph(names_.size(), edges_, [this](const std::string& n) { return index(n); });
  std::vector<Vertex> seen;
  ReachVisitor visitor;
  visitor.seen = &seen;
  std::vector<boost::default_color_type> colors(names_.size());
  boost::breadth_first_search(g, *start,
                              boost::visitor(visitor).color_map(boost::make_iterator_property_map(
                                  colors.begin(), boost::get(boost::vertex_index, g))));
  std::vector<std::string> out;
  for (Vertex v : seen) out.push_back(names_[v]);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<DependencyGraph::Unresolved> DependencyGraph::unresolved() const {
  std::set<std::tuple<std::string, std::string, size_t>> found;
  for (const DependencyInputs::PodSource& pod : inputs_.pods_)
    for (const std::string& image : pod.images)
      for (const std::string& key : {app_image_name(image), image.substr(0, image.rfind(':'))}) {
        auto it = inputs_.apps_.find(key);
        if (it == inputs_.apps_.end()) continue;
        for (size_t i = 0; i < it->second.size(); ++i)
          if (!defined(pod.namespace_ + "/" + it->second[i])) found.emplace(pod.namespace_ + "/" + it->second[i], key, i);
        break;
      }
  std::vector<Unresolved> out;
  for (const auto& [service, image, entry] : found) out.push_back({service, image, entry});
  return out;
}

}  // namespace ktwin::analysis
