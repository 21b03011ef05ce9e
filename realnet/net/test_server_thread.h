// Tests only: an HttpServer on its own io_context thread, as in the server process, and a PKI for it.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "realnet/net/http_server.h"
#include "realnet/net/pki.h"

namespace ktwin::realnet::testing {

struct TestPki {
  CertificateAndKey ca, serving, admin;
};

// One CA with a serving certificate for 127.0.0.1/localhost and an admin client certificate.
inline const TestPki& test_pki() {
  static const TestPki pki = [] {
    TestPki p;
    p.ca = create_ca("test-ca").value();
    CertificateRequest serving;
    serving.common_name = "kube-apiserver";
    serving.ip_addresses = {"127.0.0.1"};
    serving.dns_names = {"localhost"};
    serving.server = true;
    p.serving = issue_certificate(p.ca, serving).value();
    CertificateRequest admin;
    admin.common_name = "system:admin";
    admin.organizations = {"system:masters"};
    admin.client = true;
    p.admin = issue_certificate(p.ca, admin).value();
    return p;
  }();
  return pki;
}

inline HttpServerOptions test_server_options() {
  HttpServerOptions o;
  o.bind_address = "127.0.0.1";
  o.port = 0;
  o.serving = test_pki().serving;
  o.client_ca_pem = test_pki().ca.cert_pem;
  return o;
}

class ServerThread {
 public:
  ServerThread(HttpHandler& handler, HttpServerOptions options)
      : guard_(io_.get_executor()), server_(io_, handler, std::move(options)) {
    status_ = server_.start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServerThread() {
    run([this] { server_.stop(); });
    guard_.reset();
    thread_.join();
  }
  const core::Status& status() const { return status_; }
  uint16_t port() const { return server_.port(); }
  boost::asio::io_context& io() { return io_; }
  HttpServer& server() { return server_; }

  // Runs `f` on the server thread and waits for its result.
  template <class F>
  auto run(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  HttpServer server_;
  core::Status status_;
  std::thread thread_;
};

}  // namespace ktwin::realnet::testing
