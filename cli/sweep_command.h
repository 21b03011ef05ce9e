// `ktwin sweep FILE.yaml --param KEY=V1,V2,... [--param ...] [--seeds N] [--jobs N] [--out DIR] [--shard I/N]`.
#pragma once

#include <string>
#include <vector>

namespace ktwin::cli {

// Runs the cross product of the params, each point with seeds 1..N, on up to --jobs threads; writes
// DIR/runs.csv and DIR/summary.csv and prints the summary and the trade-off it sees. With --shard I/N
// it runs only shard I's runs (cli/sweep_parts.h) and writes DIR/runs.csv and DIR/part.json, for
// `ktwin sweep-merge`. A progress line goes to stderr when it is a terminal.
// Exit status: 0 done (expectations may fail at some points: they are counted, not fatal), 2 bad
// usage, bad --param or a scenario that does not load.
int sweep_command(const std::vector<std::string>& args);

}  // namespace ktwin::cli
