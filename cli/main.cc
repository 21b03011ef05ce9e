// The ktwin binary: a thin dispatcher of subcommands.
#include <iostream>
#include <string>
#include <vector>

#include "cli/agent_command.h"
#include "cli/image_command.h"
#include "cli/import_command.h"
#include "cli/run_command.h"
#include "cli/server_command.h"
#include "cli/sweep_command.h"
#include "cli/test_command.h"
#include "cli/sweep_merge_command.h"

namespace {

constexpr const char* kHelp =
    "ktwin: a Kubernetes control plane on a simulated clock\n"
    "\n"
    "usage: ktwin COMMAND [ARGS]\n"
    "  run FILE.yaml [--seed N] [--set KEY=VALUE]... [--trace OUT.jsonl] [--watch-pods] [--quiet]\n"
    "                [--report OUT.html]  (an HTML page: pods per node, faults, ready replicas, metrics)\n"
    "                 run a scenario; exit 1 if an expectation fails, 2 if the scenario is invalid\n"
    "  sweep FILE.yaml --param KEY=V1,V2,... [--param ...] [--seeds N] [--jobs N] [--out DIR]\n"
    "                 run every combination of the params with seeds 1..N; write runs.csv and summary.csv\n"
    "                 [--report OUT.html]  (an HTML page: each metric against the param, error bars)\n"
    "                 [--shard I/N]: run only part I of N (0-based; env/N reads $JOB_COMPLETION_INDEX)\n"
    "  test [DIR|FILE.yaml]... [--update-golden] [--junit OUT.xml]\n"
    "                 run scenarios as regression tests: expectations and golden/<name>.golden beside\n"
    "                 each (default DIR: scenarios); exit 1 if any failed, 2 if one is invalid\n"
    "  sweep-merge --out DIR PART_DIR...\n"
    "                 join the parts of a sharded sweep into runs.csv and summary.csv, as one sweep\n"
    "  import CLUSTER.json -o SCENARIO.yaml [--anonymize] [--include-system]\n"
    "                 turn kubectl get nodes,deployments,replicasets,pods,services -A -o json into a scenario\n"
    "  agent --server https://HOST:6443 --token TOKEN [--node-name NAME] [--runtime containerd|process]\n"
    "        [--data-dir DIR]\n"
    "                 real mode: a node that joins the server and runs its pods, until SIGINT/SIGTERM\n"
    "  server [--data-dir DIR] [--https-listen-port 6443] [--bind-address ADDR] [--write-kubeconfig FILE]\n"
    "         [--token SECRET] [--disable-agent] [--node-name NAME] [--tls-san NAME]...\n"
    "                 real mode: the control plane behind HTTPS for kubectl, until SIGINT/SIGTERM\n"
    "  image import FILE.tar... [--data-dir DIR] | image ls [--data-dir DIR]\n"
    "                 the real-mode node's local images (OCI image layout tarballs; nothing is pulled)\n"
    "  version        print the version\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
    std::cout << kHelp;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "run") return ktwin::cli::run_command(args);
  if (command == "sweep") return ktwin::cli::sweep_command(args);
  if (command == "test") return ktwin::cli::test_command(args);
  if (command == "image") return ktwin::cli::image_command(args);
  if (command == "import") return ktwin::cli::import_command(args);
  if (command == "server") return ktwin::cli::server_command(args);
  if (command == "agent") return ktwin::cli::agent_command(args);
  if (command == "sweep-merge") return ktwin::cli::sweep_merge_command(args);
  if (command == "version") {
    std::cout << "ktwin 0.1.0\n";
    return 0;
  }
  std::cerr << "ktwin: unknown command \"" << command << "\"\n" << kHelp;
  return 2;
}
