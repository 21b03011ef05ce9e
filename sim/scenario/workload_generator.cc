// generate_deployments: seeded draws of replicas and requests, written as apps/v1 Deployments.
#include "sim/scenario/workload_generator.h"

#include <algorithm>
#include <cmath>

#include "core/util/quantity.h"

namespace ktwin::sim {
namespace {

constexpr int64_t kMiBytes = int64_t{1} << 20;
constexpr double kPi = 3.14159265358979323846;

double unit(core::Rng& rng) { return static_cast<double>(rng.next_u64() >> 11) * 0x1.0p-53; }  // [0, 1)

std::string quantity_text(int64_t milli, bool memory) {
  if (!memory) return core::Quantity::from_milli(milli).text();
  int64_t bytes = (milli + 999) / 1000;
  if (bytes % kMiBytes == 0) return std::to_string(bytes / kMiBytes) + "Mi";
  return std::to_string(bytes);
}

// The container is named after the image, as kubectl create deployment does ("registry/pause:3.9" -> pause).
std::string container_name(const std::string& image) {
  std::string base = image.substr(image.rfind('/') == std::string::npos ? 0 : image.rfind('/') + 1);
  base = base.substr(0, base.find_first_of(":@"));
  for (char& c : base)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
  return base.empty() ? "main" : base;
}

}  // namespace

int64_t draw_quantity(const QuantityDistribution& d, bool memory, core::Rng& rng) {
  using Kind = QuantityDistribution::Kind;
  int64_t v = d.min;
  switch (d.kind) {
    case Kind::kFixed: return d.min;
    case Kind::kChoice: {
      int64_t total = 0;
      for (int64_t w : d.weights) total += w;
      int64_t x = static_cast<int64_t>(rng.uniform(static_cast<uint64_t>(total)));
      for (size_t i = 0; i < d.values.size(); ++i) {
        if (x < d.weights[i]) return d.values[i];
        x -= d.weights[i];
      }
      return d.values.back();
    }
    case Kind::kUniform: v = rng.uniform_range(d.min, d.max); break;
    case Kind::kLognormal: {
      double z = std::sqrt(-2.0 * std::log(1.0 - unit(rng))) * std::cos(2.0 * kPi * unit(rng));
      v = std::llround(d.median * std::exp(d.sigma * z));
      v = std::max(v, d.min);
      if (d.max > 0) v = std::min(v, d.max);
      break;
    }
  }
  if (memory) {
    // Whole Mi, kept inside [min, max] when the range allows one.
    const int64_t mi = kMiBytes * 1000;
    int64_t r = (v + mi / 2) / mi * mi;
    if (r < d.min) r += mi;
    if (d.max > 0 && r > d.max) r -= mi;
    v = r >= std::max<int64_t>(d.min, 1) && (d.max == 0 || r <= d.max) ? r : v;
  }
  return std::max<int64_t>(v, 1);
}

std::vector<nlohmann::json> generate_deployments(const WorkloadGenerator& g, uint64_t seed) {
  std::string stream = "workloads/" + g.namePrefix;
  core::Rng replicas_rng(seed, stream + "/replicas"), cpu_rng(seed, stream + "/cpu"), memory_rng(seed, stream + "/memory");
  std::vector<nlohmann::json> out;
  out.reserve(static_cast<size_t>(g.count));
  for (int64_t i = 0; i < g.count; ++i) {
    std::string name = g.namePrefix + std::to_string(g.startIndex + i);
    nlohmann::json labels = g.labels;
    labels["app"] = name;
    int64_t replicas = g.replicasMin == g.replicasMax ? g.replicasMin : replicas_rng.uniform_range(g.replicasMin, g.replicasMax);
    nlohmann::json requests = nlohmann::json::object();
    if (g.hasCpu) requests["cpu"] = quantity_text(draw_quantity(g.cpu, false, cpu_rng), false);
    if (g.hasMemory) requests["memory"] = quantity_text(draw_quantity(g.memory, true, memory_rng), true);
    nlohmann::json container = {{"name", container_name(g.image)}, {"image", g.image}};
    if (!requests.empty()) container["resources"] = {{"requests", requests}};
    nlohmann::json pod_spec = {{"containers", nlohmann::json::array({container})}};
    nlohmann::json selector = {{"matchLabels", {{"app", name}}}};
    if (!g.spreadKey.empty())
      pod_spec["topologySpreadConstraints"] = nlohmann::json::array(
          {{{"maxSkew", g.maxSkew}, {"topologyKey", g.spreadKey}, {"whenUnsatisfiable", g.whenUnsatisfiable},
            {"labelSelector", selector}}});
    if (!g.antiAffinityKey.empty())
      pod_spec["affinity"] = {{"podAntiAffinity",
                               {{"preferredDuringSchedulingIgnoredDuringExecution",
                                 nlohmann::json::array({{{"weight", 100},
                                                         {"podAffinityTerm",
                                                          {{"labelSelector", selector}, {"topologyKey", g.antiAffinityKey}}}}})}}}};
    out.push_back({{"apiVersion", "apps/v1"},
                   {"kind", "Deployment"},
                   {"metadata", {{"name", name}, {"namespace", g.namespace_}, {"labels", labels}}},
                   {"spec",
                    {{"replicas", replicas},
                     {"selector", selector},
                     {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}}}}});
  }
  return out;
}

void expand_workloads(Scenario& scenario) {
  if (scenario.workloads.empty()) return;
  for (const WorkloadGenerator& g : scenario.workloads) {
    SourceLocation where{g.file, g.line, g.column};
    std::vector<ManifestDoc> docs;
    for (nlohmann::json& doc : generate_deployments(g, scenario.seed)) docs.push_back({std::move(doc), where});
    if (g.at == Duration{}) {
      for (ManifestDoc& d : docs) scenario.manifests.push_back(std::move(d));
      continue;
    }
    Action a;
    a.type = Action::Type::kApply;
    a.at = g.at;
    a.where = where;
    a.origin = "workloads";
    a.manifests = std::move(docs);
    scenario.timeline.push_back(std::move(a));
  }
  std::stable_sort(scenario.timeline.begin(), scenario.timeline.end(),
                   [](const Action& a, const Action& b) { return a.at < b.at; });
}

}  // namespace ktwin::sim
