// ktwin server: flags, then one io_context thread until a signal (realnet/README.md, Processes).
#include "cli/server_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>

#include "cli/flag_set.h"

namespace ktwin::cli {
namespace {

constexpr const char* kUsage =
    "usage: ktwin server [--data-dir DIR (/var/lib/ktwin)] [--https-listen-port PORT (6443)]\n"
    "                    [--bind-address ADDR (0.0.0.0)] [--write-kubeconfig FILE] [--token SECRET]\n"
    "                    [--disable-agent] [--node-name NAME] [--tls-san NAME_OR_IP]...\n"
    "                    [--datastore-endpoint http://HOST:2379] [--runtime containerd|process]\n"
    "                    [--pod-network bridge|host (bridge as root)]\n"
    "                    [--container-runtime-endpoint SOCKET (/run/containerd/containerd.sock)]\n"
    "                    [--ingress-port PORT (80; 0: none)] [--default-not-ready-toleration-seconds N (300)]\n"
    "                    [--default-unreachable-toleration-seconds N (300)]\n";

}  // namespace

core::Result<realnet::ServerOptions> parse_server_flags(const std::vector<std::string>& args) {
  realnet::ServerOptions o;
  FlagSet flags;
  flags.text("--data-dir", &o.data_dir);
  flags.port("--https-listen-port", &o.https_listen_port);
  flags.text("--bind-address", &o.bind_address);
  flags.text("--write-kubeconfig", &o.write_kubeconfig);
  flags.text("--token", &o.token);
  flags.flag("--disable-agent", &o.disable_agent);
  flags.text("--node-name", &o.node_name);
  flags.repeated("--tls-san", &o.tls_sans);
  flags.text("--datastore-endpoint", &o.datastore_endpoint);
  flags.text("--runtime", &o.runtime);
  flags.text("--container-runtime-endpoint", &o.containerd_address);
  flags.text("--pod-network", &o.pod_network);
  flags.number("--ingress-port", &o.ingress_port, 0, 65535);
  // kube-apiserver's DefaultTolerationSeconds admission flags (k3s passes them through).
  flags.number("--default-not-ready-toleration-seconds", &o.control_plane.defaultNotReadyTolerationSeconds, 0,
               int64_t{1} << 40);
  flags.number("--default-unreachable-toleration-seconds", &o.control_plane.defaultUnreachableTolerationSeconds, 0,
               int64_t{1} << 40);
  if (core::Status s = flags.parse(args); !s.is_ok()) return s;
  boost::system::error_code ec;
  boost::asio::ip::make_address(o.bind_address, ec);
  if (ec) return core::Status::invalid("--bind-address: \"" + o.bind_address + "\" is not an IP address");
  if (o.node_name.empty()) o.node_name = realnet::default_node_name();
  if (o.runtime != "containerd" && o.runtime != "process")
    return core::Status::invalid("--runtime: \"" + o.runtime + "\" is not containerd or process");
  if (!o.datastore_endpoint.empty() && o.datastore_endpoint.rfind("http://", 0) != 0)
    return core::Status::invalid("--datastore-endpoint: \"" + o.datastore_endpoint + "\" is not http://HOST:PORT");
  return o;
}

int server_command(const std::vector<std::string>& args) {
  auto options = parse_server_flags(args);
  if (!options.is_ok()) {
    std::cerr << "ktwin server: " << options.status().message() << "\n" << kUsage;
    return 2;
  }
  boost::asio::io_context io;
  realnet::Server server(io, options.value());
  if (auto s = server.start(); !s.is_ok()) {
    std::cerr << "ktwin server: " << s.message() << "\n";
    return 1;
  }
  const realnet::ServerOptions& o = options.value();
  std::cerr << "ktwin server: listening on https://" << o.bind_address << ":" << server.port() << "\n"
            << "ktwin server: kubeconfig " << server.pki().kubeconfig_path << ", node token " << o.data_dir
            << "/server/node-token\n";
  if (!o.disable_agent)
    std::cerr << "ktwin server: the server's own node " << o.node_name << " (runtime " << o.runtime << ") joins\n";

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    std::cerr << "ktwin server: " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
    server.stop();
    io.stop();
  });
  io.run();
  return 0;
}

}  // namespace ktwin::cli
