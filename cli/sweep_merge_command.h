// `ktwin sweep-merge --out DIR PART_DIR...`: joins the parts of a sharded sweep.
#pragma once

#include <string>
#include <vector>

namespace ktwin::cli {

// Reads PART_DIR/part.json (or a part.json path) of every shard, checks they are the complete parts
// of one sweep, and writes DIR/runs.csv and DIR/summary.csv and prints the summary and trade-off,
// exactly as the unsharded sweep would. Exit status: 0 done, 1 a run had failed or a file could
// not be written, 2 bad usage or parts that do not make one sweep.
int sweep_merge_command(const std::vector<std::string>& args);

}  // namespace ktwin::cli
