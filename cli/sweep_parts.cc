// Sweep shards and their part files: round-robin split, part.json, and the checks of a merge.
#include "cli/sweep_parts.h"

#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace ktwin::cli {
namespace {

constexpr const char* kPartKind = "KtwinSweepPart";
constexpr int kPartVersion = 1;

bool parse_count(const std::string& text, size_t& into) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  into = std::stoul(text);
  return true;
}

std::string shard_text(size_t index, size_t count) {
  return std::to_string(index) + "/" + std::to_string(count);
}

nlohmann::json params_json(const std::vector<SweepParam>& params) {
  nlohmann::json out = nlohmann::json::array();
  for (const SweepParam& p : params) out.push_back({{"key", p.key}, {"values", p.values}});
  return out;
}

}  // namespace

std::vector<SweepPoint> cross_product(const std::vector<SweepParam>& params) {
  std::vector<SweepPoint> points = {{}};
  for (const SweepParam& p : params) {
    std::vector<SweepPoint> next;
    for (const SweepPoint& point : points)
      for (const std::string& v : p.values) {
        SweepPoint longer = point;
        longer.emplace_back(p.key, v);
        next.push_back(std::move(longer));
      }
    points = std::move(next);
  }
  return points;
}

core::Result<Shard> parse_shard(const std::string& text, const char* env_index) {
  auto slash = text.find('/');
  const std::string usage = "--shard " + text + ": expected I/N with 0 <= I < N, or env/N";
  Shard shard;
  if (slash == std::string::npos || !parse_count(text.substr(slash + 1), shard.count) || shard.count == 0)
    return core::Status::invalid(usage);
  std::string index = text.substr(0, slash);
  if (index == "env") {
    if (!env_index) return core::Status::invalid("--shard env/N: JOB_COMPLETION_INDEX is not set");
    if (!parse_count(env_index, shard.index))
      return core::Status::invalid(std::string("--shard env/N: JOB_COMPLETION_INDEX=\"") + env_index +
                                   "\" is not a number");
  } else if (!parse_count(index, shard.index)) {
    return core::Status::invalid(usage);
  }
  if (shard.index >= shard.count)
    return core::Status::invalid("--shard " + shard_text(shard.index, shard.count) +
                                 ": the index counts from 0, so it must be below " +
                                 std::to_string(shard.count));
  return shard;
}

std::string fnv1a_hex(const std::string& bytes, const std::string& seed_hex) {
  uint64_t h = seed_hex.empty() ? 0xcbf29ce484222325ull : std::stoull(seed_hex, nullptr, 16);
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

nlohmann::json part_json(const SweepIdentity& id, const Shard& shard, const std::vector<SweepRun>& runs) {
  nlohmann::json j = {{"kind", kPartKind},
                      {"version", kPartVersion},
                      {"scenario", id.scenario},
                      {"fingerprint", id.fingerprint},
                      {"params", params_json(id.params)},
                      {"seeds", id.seeds},
                      {"shard", {{"index", shard.index}, {"count", shard.count}}}};
  nlohmann::json list = nlohmann::json::array();
  for (const SweepRun& r : runs) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& [name, value] : r.metrics)
      metrics.push_back({name, value ? nlohmann::json(*value) : nlohmann::json(nullptr)});
    list.push_back({{"point", r.point},
                    {"seed", r.seed},
                    {"failedExpectations", r.failed_expectations},
                    {"error", r.error},
                    {"metrics", metrics}});
  }
  j["runs"] = std::move(list);
  return j;
}

core::Result<MergedSweep> merge_parts(const std::vector<std::pair<std::string, nlohmann::json>>& parts) {
  if (parts.empty()) return core::Status::invalid("no parts to merge");
  MergedSweep merged;
  size_t count = 0;
  std::map<size_t, std::string> seen;  // shard index -> part name
  std::string first;
  std::vector<std::optional<SweepRun>> slots;
  for (const auto& [name, j] : parts) {
    SweepIdentity id;
    Shard shard;
    std::vector<SweepRun> runs;
    try {
      if (j.at("kind") != kPartKind || j.at("version") != kPartVersion)
        return core::Status::invalid(name + ": not a ktwin sweep part (kind " + kPartKind + ", version " +
                                     std::to_string(kPartVersion) + ")");
      id.scenario = j.at("scenario").get<std::string>();
      id.fingerprint = j.at("fingerprint").get<std::string>();
      for (const auto& p : j.at("params"))
        id.params.push_back({p.at("key").get<std::string>(), p.at("values").get<std::vector<std::string>>()});
      id.seeds = j.at("seeds").get<uint64_t>();
      shard.index = j.at("shard").at("index").get<size_t>();
      shard.count = j.at("shard").at("count").get<size_t>();
      for (const auto& r : j.at("runs")) {
        SweepRun run;
        run.point = r.at("point").get<size_t>();
        run.seed = r.at("seed").get<uint64_t>();
        run.failed_expectations = r.at("failedExpectations").get<size_t>();
        run.error = r.at("error").get<std::string>();
        for (const auto& m : r.at("metrics"))
          run.metrics.emplace_back(
              m.at(0).get<std::string>(),
              m.at(1).is_null() ? std::nullopt : std::optional<double>(m.at(1).get<double>()));
        runs.push_back(std::move(run));
      }
    } catch (const nlohmann::json::exception& e) {
      return core::Status::invalid(name + ": not a ktwin sweep part: " + e.what());
    }
    if (shard.count == 0 || shard.index >= shard.count || id.seeds == 0)
      return core::Status::invalid(name + ": bad shard " + shard_text(shard.index, shard.count));
    if (first.empty()) {
      first = name;
      merged.id = id;
      count = shard.count;
      merged.points = cross_product(id.params);
      slots.resize(merged.points.size() * id.seeds);
    } else {
      auto differ = [&](const std::string& what) {
        return core::Status::invalid(name + " and " + first + " are parts of different sweeps: " + what +
                                     " differ");
      };
      if (id.scenario != merged.id.scenario)
        return differ("the scenarios (" + id.scenario + ", " + merged.id.scenario + ")");
      if (id.fingerprint != merged.id.fingerprint) return differ("the scenario files or their manifests");
      if (params_json(id.params) != params_json(merged.id.params)) return differ("the --param lists");
      if (id.seeds != merged.id.seeds) return differ("the --seeds");
      if (shard.count != count)
        return differ("the shard counts (" + std::to_string(shard.count) + ", " + std::to_string(count) +
                      ")");
    }
    if (auto it = seen.find(shard.index); it != seen.end())
      return core::Status::invalid(name + " and " + it->second + " are both shard " +
                                   shard_text(shard.index, count));
    seen[shard.index] = name;
    size_t expected = 0;
    for (size_t r = 0; r < slots.size(); ++r) expected += shard.takes(r);
    if (runs.size() != expected)
      return core::Status::invalid(name + ": shard " + shard_text(shard.index, count) + " should hold " +
                                   std::to_string(expected) + " runs, it holds " +
                                   std::to_string(runs.size()));
    for (SweepRun& run : runs) {
      size_t r = run.seed >= 1 && run.seed <= merged.id.seeds && run.point < merged.points.size()
                     ? run_index(run.point, run.seed, merged.id.seeds)
                     : slots.size();
      if (r >= slots.size() || !shard.takes(r) || slots[r])
        return core::Status::invalid(name + ": run (point " + std::to_string(run.point) + ", seed " +
                                     std::to_string(run.seed) + ") does not belong to shard " +
                                     shard_text(shard.index, count));
      slots[r] = std::move(run);
    }
  }
  std::string missing;
  for (size_t i = 0; i < count; ++i)
    if (!seen.count(i)) missing += (missing.empty() ? "" : ", ") + shard_text(i, count);
  if (!missing.empty())
    return core::Status::invalid("missing shard(s) " + missing + ": merge needs every part");
  for (auto& slot : slots) merged.runs.push_back(std::move(*slot));
  return merged;
}

}  // namespace ktwin::cli
