// A sweep's run plan (points x seeds, in one fixed order), its split into shards, and the part files
// that carry one shard's runs to `ktwin sweep-merge`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/sweep_report.h"
#include "core/util/status.h"

namespace ktwin::cli {

// Every combination of one value per param, the first param varying slowest.
std::vector<SweepPoint> cross_product(const std::vector<SweepParam>& params);

// Run r of a sweep is point r / seeds with seed r % seeds + 1: point-major, the order of runs.csv.
inline size_t run_index(size_t point, uint64_t seed, uint64_t seeds) { return point * seeds + (seed - 1); }

// One of N parts: shard i takes runs i, i + N, i + 2N, ... of the ordered run list, so every
// shard gets the same number of runs (plus or minus one) and a mix of points, whatever their cost.
struct Shard {
  size_t index = 0, count = 1;  // 0 <= index < count; index is 0-based like JOB_COMPLETION_INDEX
  bool takes(size_t run) const { return run % count == index; }
};

// Parses "I/N" (0 <= I < N). "env/N" takes I from the environment variable JOB_COMPLETION_INDEX,
// which a Kubernetes Indexed Job sets in each pod; `env_index` is its value (null when unset).
core::Result<Shard> parse_shard(const std::string& text, const char* env_index);

// What makes two parts halves of one sweep.
struct SweepIdentity {
  std::string scenario;     // metadata.name of the scenario
  std::string fingerprint;  // hex FNV-1a of the scenario file and every manifest it applies
  std::vector<SweepParam> params;
  uint64_t seeds = 0;
};

// The FNV-1a 64-bit hash of `bytes`, as 16 hex digits; `seed_hex` chains several inputs.
std::string fnv1a_hex(const std::string& bytes, const std::string& seed_hex = "");

// The part file (DIR/part.json) of one shard: the identity, the shard, and its runs with every metric
// at full precision (17 significant digits), so a merge recomputes exactly what one sweep would.
nlohmann::json part_json(const SweepIdentity& id, const Shard& shard, const std::vector<SweepRun>& runs);

// The runs of a whole sweep, rebuilt from its parts.
struct MergedSweep {
  SweepIdentity id;
  std::vector<SweepPoint> points;
  std::vector<SweepRun> runs;  // in run order, as an unsharded sweep holds them
};

// Joins parts (each a part.json and the name it came from, for messages). Invalid, naming the
// parts, when they come from different sweeps (scenario, fingerprint, params, seeds or shard count
// differ), when a shard appears twice or is missing, or when a part holds runs not of its shard.
core::Result<MergedSweep> merge_parts(const std::vector<std::pair<std::string, nlohmann::json>>& parts);

}  // namespace ktwin::cli
