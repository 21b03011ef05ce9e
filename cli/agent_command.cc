// ktwin agent: flags, join, then one io_context thread until a signal (realnet/README.md, Processes).
#include "cli/agent_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include "cli/flag_set.h"
#include "realnet/net/api_client.h"
#include "realnet/server/server.h"

namespace ktwin::cli {
namespace {

constexpr const char* kUsage =
    "usage: ktwin agent --server https://HOST:6443 --token TOKEN [--node-name NAME (hostname)]\n"
    "                   [--runtime containerd|process] [--data-dir DIR (/var/lib/ktwin)]\n"
    "                   [--pod-network bridge|host (bridge as root)]\n"
    "                   [--container-runtime-endpoint SOCKET (/run/containerd/containerd.sock)]\n"
    "  TOKEN: the server's DATA_DIR/server/node-token (K10<CA hash>::server:<secret>)\n";

}  // namespace

core::Result<realnet::AgentOptions> parse_agent_flags(const std::vector<std::string>& args) {
  realnet::AgentOptions o;
  FlagSet flags;
  flags.text("--server", &o.server);
  flags.text("--token", &o.token);
  flags.text("--node-name", &o.node_name);
  flags.text("--runtime", &o.runtime);
  flags.text("--container-runtime-endpoint", &o.containerd_address);
  flags.text("--pod-network", &o.pod_network);
  flags.text("--data-dir", &o.data_dir);
  if (core::Status s = flags.parse(args); !s.is_ok()) return s;
  if (o.server.empty()) return core::Status::invalid("--server is required");
  if (o.token.empty()) return core::Status::invalid("--token is required");
  std::string host, port;
  if (auto s = realnet::parse_https_url(o.server, host, port); !s.is_ok()) return core::Status::invalid("--server: " + s.message());
  if (o.pod_network != "bridge" && o.pod_network != "host")
    return core::Status::invalid("--pod-network: \"" + o.pod_network + "\" is not bridge or host");
  if (o.runtime != "containerd" && o.runtime != "process")
    return core::Status::invalid("--runtime: \"" + o.runtime + "\" is not containerd or process");
  if (o.node_name.empty()) o.node_name = realnet::default_node_name();
  return o;
}

int agent_command(const std::vector<std::string>& args) {
  auto options = parse_agent_flags(args);
  if (!options.is_ok()) {
    std::cerr << "ktwin agent: " << options.status().message() << "\n" << kUsage;
    return 2;
  }
  boost::asio::io_context io;
  realnet::Agent agent(io, options.value(), [](const std::string& line) { std::cerr << "ktwin agent: " << line << "\n"; });
  if (auto s = agent.start(); !s.is_ok()) {
    std::cerr << "ktwin agent: " << s.message() << "\n";
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    std::cerr << "ktwin agent: " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
    agent.stop();
    io.stop();
  });
  io.run();
  if (!agent.fatal().is_ok()) {
    std::cerr << "ktwin agent: " << agent.fatal().message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace ktwin::cli
