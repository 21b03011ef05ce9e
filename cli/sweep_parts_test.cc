// Sweep shards: the --shard syntax, the round-robin split, and what a merge refuses.
#include "cli/sweep_parts.h"

#include <catch2/catch.hpp>

namespace ktwin::cli {
namespace {

SweepIdentity identity() { return {"letschat-node-halt", "0123456789abcdef", {{"k", {"1", "2", "3"}}}, 2}; }

// The runs a shard would hold: every run r with r % N == i, with one metric naming it.
std::vector<SweepRun> shard_runs(const SweepIdentity& id, const Shard& shard) {
  std::vector<SweepRun> runs;
  size_t points = id.params[0].values.size();
  for (size_t p = 0; p < points; ++p)
    for (uint64_t seed = 1; seed <= id.seeds; ++seed)
      if (shard.takes(run_index(p, seed, id.seeds))) {
        SweepRun r;
        r.point = p;
        r.seed = seed;
        r.metrics = {{"time_to_evict", 0.1 * static_cast<double>(run_index(p, seed, id.seeds)) + 1e-13},
                     {"time_to_recover", std::nullopt}};
        runs.push_back(r);
      }
  return runs;
}

std::vector<std::pair<std::string, nlohmann::json>> parts_of(const SweepIdentity& id, size_t count) {
  std::vector<std::pair<std::string, nlohmann::json>> parts;
  for (size_t i = 0; i < count; ++i)
    parts.emplace_back("p" + std::to_string(i), part_json(id, {i, count}, shard_runs(id, {i, count})));
  return parts;
}

TEST_CASE("shard syntax: I/N counted from 0, or env/N from JOB_COMPLETION_INDEX", "[sweep]") {
  auto s = parse_shard("2/5", nullptr);
  REQUIRE(s.is_ok());
  CHECK(s.value().index == 2);
  CHECK(s.value().count == 5);
  auto env = parse_shard("env/4", "3");
  REQUIRE(env.is_ok());
  CHECK(env.value().index == 3);
  CHECK_FALSE(parse_shard("5/5", nullptr).is_ok());
  CHECK_FALSE(parse_shard("1/0", nullptr).is_ok());
  CHECK_FALSE(parse_shard("1", nullptr).is_ok());
  CHECK_FALSE(parse_shard("-1/3", nullptr).is_ok());
  CHECK(parse_shard("env/4", nullptr).status().message() == "--shard env/N: JOB_COMPLETION_INDEX is not set");
  CHECK_FALSE(parse_shard("env/4", "x").is_ok());
}

TEST_CASE("shards split the runs round-robin: balanced, disjoint, complete", "[sweep]") {
  const size_t runs = 23, count = 4;
  std::vector<int> owners(runs, 0);
  std::vector<size_t> sizes(count, 0);
  for (size_t i = 0; i < count; ++i)
    for (size_t r = 0; r < runs; ++r)
      if (Shard{i, count}.takes(r)) ++owners[r], ++sizes[i];
  for (int o : owners) CHECK(o == 1);
  CHECK(sizes == std::vector<size_t>{6, 6, 6, 5});
}

TEST_CASE("merging the parts rebuilds every run in order, at full precision", "[sweep]") {
  SweepIdentity id = identity();
  auto parts = parts_of(id, 4);
  std::swap(parts[0], parts[3]);  // any order
  auto merged = merge_parts(parts);
  REQUIRE(merged.is_ok());
  const MergedSweep& m = merged.value();
  REQUIRE(m.points.size() == 3);
  REQUIRE(m.runs.size() == 6);
  for (size_t r = 0; r < m.runs.size(); ++r) {
    CHECK(run_index(m.runs[r].point, m.runs[r].seed, 2) == r);
    REQUIRE(m.runs[r].metrics.size() == 2);
    CHECK(m.runs[r].metrics[0].second == 0.1 * static_cast<double>(r) + 1e-13);  // exact, not rounded
    CHECK_FALSE(m.runs[r].metrics[1].second.has_value());
  }
}

TEST_CASE("merge refuses parts of different sweeps, repeated or missing shards", "[sweep]") {
  SweepIdentity id = identity();
  auto parts = parts_of(id, 3);
  SECTION("a missing shard is named") {
    parts.erase(parts.begin() + 1);
    CHECK(merge_parts(parts).status().message() == "missing shard(s) 1/3: merge needs every part");
  }
  SECTION("a shard given twice") {
    parts[2] = parts[0];
    parts[2].first = "again";
    CHECK(merge_parts(parts).status().message() == "again and p0 are both shard 0/3");
  }
  SECTION("other params") {
    SweepIdentity other = id;
    other.params[0].values[2] = "4";
    parts[1].second = part_json(other, {1, 3}, shard_runs(other, {1, 3}));
    CHECK(merge_parts(parts).status().message() ==
          "p1 and p0 are parts of different sweeps: the --param lists differ");
  }
  SECTION("another scenario file") {
    SweepIdentity other = id;
    other.fingerprint = "fedcba9876543210";
    parts[1].second = part_json(other, {1, 3}, shard_runs(other, {1, 3}));
    CHECK(merge_parts(parts).status().message() ==
          "p1 and p0 are parts of different sweeps: the scenario files or their manifests differ");
  }
  SECTION("another shard count") {
    parts[1].second = part_json(id, {1, 2}, shard_runs(id, {1, 2}));
    CHECK(merge_parts(parts).status().message() ==
          "p1 and p0 are parts of different sweeps: the shard counts (2, 3) differ");
  }
  SECTION("a part with a run of another shard") {
    parts[1].second["runs"][0] = parts[0].second["runs"][0];
    CHECK(merge_parts(parts).status().message() == "p1: run (point 0, seed 1) does not belong to shard 1/3");
  }
  SECTION("not a part") {
    parts[0].second = {{"kind", "Something"}, {"version", 1}};
    CHECK(merge_parts(parts).status().message() ==
          "p0: not a ktwin sweep part (kind KtwinSweepPart, version 1)");
  }
}

}  // namespace
}  // namespace ktwin::cli
