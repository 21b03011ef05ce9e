// The workloads: section: Deployment generators, checked here and expanded once the seed is final by
// sim/scenario/workload_generator.cc. Names are known at load time, so scale and expect may use them.
#include <algorithm>
#include <cmath>
#include <regex>

#include "core/util/quantity.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

const std::vector<std::string> kGeneratorKeys = {"namePrefix", "count",  "startIndex", "replicas",
                                                 "at",         "namespace", "image",  "requests",
                                                 "labels",     "spread", "antiAffinity"};
const std::vector<std::string> kDistributions = {"uniform", "choice", "lognormal"};
const std::vector<std::string> kWhenUnsatisfiable = {"DoNotSchedule", "ScheduleAnyway"};
// The selector label of each generated Deployment (kubectl create deployment uses app=NAME too).
constexpr char kAppLabel[] = "app";

// zone and hostname stand for the well-known topology keys.
std::string topology_key(const std::string& written) {
  if (written == "zone") return "topology.kubernetes.io/zone";
  if (written == "hostname") return "kubernetes.io/hostname";
  return written;
}

std::optional<double> number(YamlReader& r, const Fields& f, const std::string& key) {
  auto text = r.scalar(f, key);
  if (!text) return std::nullopt;
  if (auto problem = check_float(*text)) {
    r.error(r.value_mark(f, key), *problem);
    return std::nullopt;
  }
  return std::stod(*text);
}

std::optional<int64_t> milli(YamlReader& r, const Fields& f, const std::string& key) {
  auto q = r.quantity(f, key);
  if (!q) return std::nullopt;
  return core::Quantity::parse(*q)->milli_value();
}

// A request: a quantity ("250m"), or {distribution: uniform|choice|lognormal, ...}.
std::optional<QuantityDistribution> read_distribution(const Fields& requests, const std::string& resource,
                                                      YamlReader& r) {
  QuantityDistribution d;
  const YAML::Node& node = requests.get(resource);
  if (node.IsScalar()) {
    auto v = milli(r, requests, resource);
    if (!v) return std::nullopt;
    d.min = d.max = *v;
    return d;
  }
  std::string context = "requests." + resource;
  auto f = r.map(node, context, {"distribution", "min", "max", "values", "weights", "median", "sigma"});
  if (!f || !r.require(*f, "distribution", context)) return std::nullopt;
  auto kind = r.scalar(*f, "distribution");
  if (!kind) return std::nullopt;
  std::vector<std::string> allowed;
  if (*kind == "uniform") d.kind = QuantityDistribution::Kind::kUniform, allowed = {"min", "max"};
  else if (*kind == "choice") d.kind = QuantityDistribution::Kind::kChoice, allowed = {"values", "weights"};
  else if (*kind == "lognormal") d.kind = QuantityDistribution::Kind::kLognormal, allowed = {"median", "sigma", "min", "max"};
  else {
    r.error(r.value_mark(*f, "distribution"), "unknown distribution \"" + *kind + "\" " + suggestion(*kind, kDistributions));
    return std::nullopt;
  }
  bool ok = true;
  for (const std::string& k : f->keys())
    if (k != "distribution" && std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      r.error(f->key_mark(k), k + " does not apply to a " + *kind + " distribution");
      ok = false;
    }
  if (!ok) return std::nullopt;
  if (d.kind == QuantityDistribution::Kind::kUniform) {
    if (!(r.require(*f, "min", context) & r.require(*f, "max", context))) return std::nullopt;
    auto lo = milli(r, *f, "min"), hi = milli(r, *f, "max");
    if (!lo || !hi) return std::nullopt;
    if (*lo > *hi) {
      r.error(r.value_mark(*f, "max"), "max is below min");
      return std::nullopt;
    }
    d.min = *lo;
    d.max = *hi;
  } else if (d.kind == QuantityDistribution::Kind::kChoice) {
    if (!r.require(*f, "values", context)) return std::nullopt;
    auto items = r.sequence(f->get("values"), context + ".values");
    if (!items) return std::nullopt;
    if (items->empty()) {
      r.error(r.value_mark(*f, "values"), "a choice needs at least one value");
      return std::nullopt;
    }
    for (const YAML::Node& item : *items) {
      auto q = item.IsScalar() ? core::Quantity::parse(item.Scalar()) : std::nullopt;
      if (!q) {
        r.error(item, "bad quantity in values: use a form such as 250m, 1 or 512Mi");
        return std::nullopt;
      }
      d.values.push_back(q->milli_value());
    }
    if (f->has("weights")) {
      auto weights = r.sequence(f->get("weights"), context + ".weights");
      if (!weights) return std::nullopt;
      if (weights->size() != d.values.size()) {
        r.error(r.value_mark(*f, "weights"), "weights needs one entry per value (" + std::to_string(d.values.size()) + ")");
        return std::nullopt;
      }
      for (const YAML::Node& w : *weights) {
        auto problem = w.IsScalar() ? check_integer(w.Scalar(), 0) : std::optional<std::string>("a weight must be a number");
        if (problem) {
          r.error(w, *problem);
          return std::nullopt;
        }
        d.weights.push_back(std::stoll(w.Scalar()));
      }
      if (std::all_of(d.weights.begin(), d.weights.end(), [](int64_t w) { return w == 0; })) {
        r.error(r.value_mark(*f, "weights"), "at least one weight must be positive");
        return std::nullopt;
      }
    } else {
      d.weights.assign(d.values.size(), 1);
    }
  } else {
    if (!(r.require(*f, "median", context) & r.require(*f, "sigma", context))) return std::nullopt;
    auto median = milli(r, *f, "median");
    auto sigma = number(r, *f, "sigma");
    if (!median || !sigma) return std::nullopt;
    if (*median <= 0 || *sigma <= 0) {
      r.error(f->mark, "lognormal needs a positive median and sigma");
      return std::nullopt;
    }
    d.median = static_cast<double>(*median);
    d.sigma = *sigma;
    if (f->has("min")) {
      auto lo = milli(r, *f, "min");
      if (!lo) return std::nullopt;
      d.min = *lo;
    }
    if (f->has("max")) {
      auto hi = milli(r, *f, "max");
      if (!hi) return std::nullopt;
      if (*hi < d.min) {
        r.error(r.value_mark(*f, "max"), "max is below min");
        return std::nullopt;
      }
      d.max = *hi;
    }
  }
  return d;
}

bool read_replicas(const Fields& f, YamlReader& r, WorkloadGenerator& g) {
  const YAML::Node& node = f.get("replicas");
  if (node.IsScalar()) {
    auto n = r.integer(f, "replicas", 0);
    if (!n || *n > INT32_MAX) {
      if (n) r.error(r.value_mark(f, "replicas"), "replicas " + std::to_string(*n) + " is too large");
      return false;
    }
    g.replicasMin = g.replicasMax = static_cast<int32_t>(*n);
    return true;
  }
  auto m = r.map(node, "replicas", {"min", "max"});
  if (!m || !(r.require(*m, "min", "replicas") & r.require(*m, "max", "replicas"))) return false;
  auto lo = r.integer(*m, "min", 0), hi = r.integer(*m, "max", 0);
  if (!lo || !hi) return false;
  if (*hi < *lo || *hi > INT32_MAX) {
    r.error(r.value_mark(*m, "max"), *hi < *lo ? "max is below min" : "replicas max is too large");
    return false;
  }
  g.replicasMin = static_cast<int32_t>(*lo);
  g.replicasMax = static_cast<int32_t>(*hi);
  return true;
}

bool read_spread(const Fields& f, YamlReader& r, WorkloadGenerator& g) {
  if (f.get("spread").IsScalar()) {
    auto key = r.scalar(f, "spread");
    if (!key) return false;
    g.spreadKey = topology_key(*key);
    return true;
  }
  auto s = r.map(f.get("spread"), "spread", {"topologyKey", "maxSkew", "whenUnsatisfiable"});
  if (!s || !r.require(*s, "topologyKey", "spread")) return false;
  auto key = r.scalar(*s, "topologyKey");
  if (!key) return false;
  g.spreadKey = topology_key(*key);
  if (s->has("maxSkew")) {
    auto skew = r.integer(*s, "maxSkew", 1);
    if (!skew) return false;
    g.maxSkew = static_cast<int32_t>(std::min<int64_t>(*skew, INT32_MAX));
  }
  if (s->has("whenUnsatisfiable")) {
    auto when = r.scalar(*s, "whenUnsatisfiable");
    if (!when) return false;
    if (std::find(kWhenUnsatisfiable.begin(), kWhenUnsatisfiable.end(), *when) == kWhenUnsatisfiable.end()) {
      r.error(r.value_mark(*s, "whenUnsatisfiable"),
              "bad whenUnsatisfiable \"" + *when + "\" " + suggestion(*when, kWhenUnsatisfiable));
      return false;
    }
    g.whenUnsatisfiable = *when;
  }
  return true;
}

void read_generator(const YAML::Node& item, LoadContext& ctx, Scenario& scenario, std::map<std::string, int>& first_line) {
  YamlReader& r = ctx.reader;
  auto f = r.map(item, "workloads entry", kGeneratorKeys);
  if (!f) return;
  WorkloadGenerator g;
  SourceLocation where = r.where(f->mark);
  g.file = where.file, g.line = where.line, g.column = where.column;
  bool ok = r.require(*f, "namePrefix", "workloads entry") & r.require(*f, "count", "workloads entry") &
            r.require(*f, "replicas", "workloads entry");
  if (!ok) return;
  if (auto p = r.scalar(*f, "namePrefix")) g.namePrefix = *p;
  else ok = false;
  // Deployment names are DNS-1123 subdomains; the index keeps the end alphanumeric.
  static const std::regex kPrefix("[a-z0-9]([-a-z0-9.]*)?");
  if (ok && !std::regex_match(g.namePrefix, kPrefix)) {
    r.error(r.value_mark(*f, "namePrefix"), "namePrefix \"" + g.namePrefix +
                                                "\" must be lowercase letters, digits, '-' or '.', starting with a letter or digit");
    ok = false;
  }
  if (auto c = r.integer(*f, "count", 1)) g.count = *c;
  else ok = false;
  if (f->has("startIndex")) {
    if (auto i = r.integer(*f, "startIndex", 0)) g.startIndex = *i;
    else ok = false;
  }
  ok = read_replicas(*f, r, g) && ok;
  if (f->has("at")) {
    if (auto at = r.duration(*f, "at")) {
      g.at = *at;
      ctx.at_refs.push_back({*at, r.where(r.value_mark(*f, "at"))});
    } else {
      ok = false;
    }
  }
  for (auto [key, out] : {std::pair<const char*, std::string*>{"namespace", &g.namespace_}, {"image", &g.image}})
    if (f->has(key)) {
      if (auto v = r.scalar(*f, key); v && !v->empty()) *out = *v;
      else ok = false, r.error(r.value_mark(*f, key), std::string(key) + " must not be empty");
    }
  if (f->has("requests")) {
    if (auto req = r.map(f->get("requests"), "requests", {"cpu", "memory"})) {
      for (auto [key, has, out] : {std::tuple<const char*, bool*, QuantityDistribution*>{"cpu", &g.hasCpu, &g.cpu},
                                   {"memory", &g.hasMemory, &g.memory}})
        if (req->has(key)) {
          auto d = read_distribution(*req, key, r);
          if (d) *has = true, *out = *d;
          else ok = false;
        }
    } else {
      ok = false;
    }
  }
  if (f->has("labels")) {
    if (auto labels = r.map(f->get("labels"), "labels", {})) {
      for (const std::string& k : labels->keys()) {
        if (k == kAppLabel) {
          r.error(labels->key_mark(k), "label \"app\" is the generated Deployment's own (app: NAME); use another key");
          ok = false;
        } else if (auto v = r.scalar(*labels, k)) {
          g.labels[k] = *v;
        }
      }
    } else {
      ok = false;
    }
  }
  if (f->has("spread")) ok = read_spread(*f, r, g) && ok;
  if (f->has("antiAffinity")) {
    if (auto key = r.scalar(*f, "antiAffinity")) g.antiAffinityKey = topology_key(*key);
    else ok = false;
  }
  if (!ok) return;
  // Names must not clash with each other or with a Deployment of the manifests.
  bool in_default = g.namespace_ == "default";
  for (int64_t i = 0; i < g.count; ++i) {
    std::string name = g.namePrefix + std::to_string(g.startIndex + i);
    std::string key = g.namespace_ + "/" + name;
    auto [it, fresh] = first_line.emplace(key, where.line);
    if (!fresh || (in_default && ctx.deployments.count(name))) {
      r.error(f->mark, "workloads entry makes Deployment \"" + name + "\", already defined" +
                           (fresh ? std::string(" by a manifest") : " at line " + std::to_string(it->second)));
      return;
    }
  }
  if (in_default)
    for (int64_t i = 0; i < g.count; ++i) ctx.deployments.insert(g.namePrefix + std::to_string(g.startIndex + i));
  scenario.workloads.push_back(std::move(g));
}

}  // namespace

void read_workloads(const YAML::Node& node, LoadContext& ctx, Scenario& scenario) {
  auto items = ctx.reader.sequence(node, "workloads");
  if (!items) return;
  std::map<std::string, int> first_line;  // namespace/name -> line of its generator
  for (const YAML::Node& item : *items) read_generator(item, ctx, scenario, first_line);
}

}  // namespace ktwin::sim
