// ktwin server: flags, then one io_context thread until a signal (realnet/README.md, Processes).
#include "cli/server_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>

namespace ktwin::cli {
namespace {

constexpr const char* kUsage =
    "usage: ktwin server [--data-dir DIR (/var/lib/ktwin)] [--https-listen-port PORT (6443)]\n"
    "                    [--bind-address ADDR (0.0.0.0)] [--write-kubeconfig FILE] [--token SECRET]\n"
    "                    [--disable-agent] [--node-name NAME] [--tls-san NAME_OR_IP]...\n"
    "                    [--datastore-endpoint http://HOST:2379] [--runtime containerd|process]\n"
    "                    [--pod-network bridge|host (bridge as root)]\n"
    "                    [--ingress-port PORT (80; 0: none)] [--default-not-ready-toleration-seconds N (300)]\n"
    "                    [--default-unreachable-toleration-seconds N (300)]\n";

// A whole number in [low, high], or nullopt.
std::optional<int64_t> parse_int(const std::string& text, int64_t low, int64_t high) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < low || v > high) return std::nullopt;
  return v;
}

}  // namespace

core::Result<realnet::ServerOptions> parse_server_flags(const std::vector<std::string>& args) {
  realnet::ServerOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> std::optional<std::string> {
      if (inline_value) return inline_value;
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (flag == "--disable-agent") {
      if (inline_value) return core::Status::invalid("--disable-agent takes no value");
      o.disable_agent = true;
      continue;
    }
    std::string* target = nullptr;
    if (flag == "--data-dir") target = &o.data_dir;
    else if (flag == "--bind-address") target = &o.bind_address;
    else if (flag == "--write-kubeconfig") target = &o.write_kubeconfig;
    else if (flag == "--token") target = &o.token;
    else if (flag == "--node-name") target = &o.node_name;
    else if (flag == "--datastore-endpoint") target = &o.datastore_endpoint;
    else if (flag == "--runtime") target = &o.runtime;
    else if (flag == "--pod-network") target = &o.pod_network;
    // kube-apiserver's DefaultTolerationSeconds admission flags (k3s passes them through).
    int64_t* number = nullptr;
    int64_t low = 0, high = 65535;
    if (flag == "--ingress-port") number = &o.ingress_port;
    if (flag == "--default-not-ready-toleration-seconds") number = &o.control_plane.defaultNotReadyTolerationSeconds;
    if (flag == "--default-unreachable-toleration-seconds") number = &o.control_plane.defaultUnreachableTolerationSeconds;
    if (number) {
      if (flag != "--ingress-port") high = int64_t{1} << 40;
      std::optional<std::string> v = value();
      std::optional<int64_t> n = v ? parse_int(*v, low, high) : std::nullopt;
      if (!n) return core::Status::invalid(flag + " needs a whole number from " + std::to_string(low) + " to " + std::to_string(high));
      *number = *n;
      continue;
    }
    if (flag == "--tls-san") {
      std::optional<std::string> v = value();
      if (!v || v->empty()) return core::Status::invalid("--tls-san needs a value");
      o.tls_sans.push_back(*v);
      continue;
    }
    if (!target && flag != "--https-listen-port") return core::Status::invalid("unknown flag " + args[i]);
    std::optional<std::string> v = value();
    if (!v || v->empty()) return core::Status::invalid(flag + " needs a value");
    if (target) {
      *target = *v;
      continue;
    }
    char* end = nullptr;
    long port = std::strtol(v->c_str(), &end, 10);
    if (*end != '\0' || port < 1 || port > 65535)
      return core::Status::invalid("--https-listen-port: \"" + *v + "\" is not a port (1-65535)");
    o.https_listen_port = static_cast<uint16_t>(port);
  }
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
