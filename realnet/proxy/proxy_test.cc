// The proxies on loopback: ClusterIP and nodePort listeners and the ingress, against echo backends.
#include <utility>  // before Boost 1.74's asio.hpp, whose awaitable.hpp uses std::exchange under C++20
#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "core/store/memory_store.h"
#include "realnet/net/asio_executor.h"
#include "realnet/proxy/ingress_proxy.h"
#include "realnet/proxy/proxy_test_objects.h"
#include "realnet/proxy/service_proxy.h"

using namespace ktwin;
using namespace ktwin::realnet;
using namespace ktwin::realnet::testing;
using boost::asio::ip::tcp;

namespace {

// Reads a connection to its end, then answers "ID:" and what it read, and closes.
class EchoBackend {
 public:
  EchoBackend(boost::asio::io_context& io, std::string id) : acceptor_(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)), id_(std::move(id)) {
    accept();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  struct Session {
    tcp::socket socket;
    std::string data;
    std::array<char, 4096> buffer;
  };
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) return;
      auto session = std::make_shared<Session>(Session{std::move(socket), id_ + ":", {}});
      read(session);
      accept();
    });
  }
  void read(std::shared_ptr<Session> s) {
    s->socket.async_read_some(boost::asio::buffer(s->buffer), [this, s](boost::system::error_code ec, size_t n) {
      if (!ec) {
        s->data.append(s->buffer.data(), n);
        return read(s);
      }
      boost::asio::async_write(s->socket, boost::asio::buffer(s->data), [s](boost::system::error_code, size_t) {
        boost::system::error_code ignored;
        s->socket.close(ignored);
      });
    });
  }
  tcp::acceptor acceptor_;
  std::string id_;
};

// A blocking client on the test thread: send everything, half-close, read to the end.
std::string exchange(const std::string& ip, uint16_t port, const std::string& request) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address(ip), port));
  boost::asio::write(socket, boost::asio::buffer(request));
  socket.shutdown(tcp::socket::shutdown_send);
  std::string response;
  boost::system::error_code ec;
  std::array<char, 4096> buffer;
  for (;;) {
    size_t n = socket.read_some(boost::asio::buffer(buffer), ec);
    if (ec) break;
    response.append(buffer.data(), n);
  }
  return response;
}

uint16_t free_port() {
  boost::asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(tcp::v4(), 0));
  return a.local_endpoint().port();
}

// Runs the io_context on its own thread; `on_io` runs a function there and waits for it.
struct IoThread {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread;
  void start() { thread = std::thread([this] { io.run(); }); }
  template <class F>
  auto on_io(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto future = task.get_future();
    boost::asio::post(io, [&task] { task(); });
    return future.get();
  }
  ~IoThread() {
    guard.reset();
    io.stop();
    if (thread.joinable()) thread.join();
  }
};

}  // namespace

TEST_CASE("ServiceProxy forwards ClusterIP and nodePort connections to ready endpoints and follows changes", "[proxy]") {
  IoThread t;
  AsioExecutor executor(t.io);
  core::MemoryStore store(executor, core::Rng(1, "store"));
  EchoBackend one(t.io, "one"), two(t.io, "two");
  std::vector<std::string> log;
  ServiceProxy proxy(t.io, executor, store, [&](const std::string& line) { log.push_back(line); });
  const uint16_t service_port = free_port(), node_port = free_port();
  REQUIRE(store.create(service("letschat", "NodePort", "127.0.0.77", service_port, node_port)).is_ok());
  REQUIRE(store.create(endpoints("letschat", {"127.0.0.1"}, one.port())).is_ok());
  proxy.start();
  t.start();

  CHECK(t.on_io([&] { return proxy.listener_count(); }) == 2);
  CHECK(exchange("127.0.0.77", service_port, "hello") == "one:hello");
  CHECK(exchange("127.0.0.1", node_port, "via node port") == "one:via node port");

  t.on_io([&] {
    auto eps = endpoints("letschat", {"127.0.0.1"}, two.port());
    eps->metadata.resourceVersion = 0;
    return store.update(eps).is_ok();
  });
  // The watch event reaches the proxy on the io thread; wait for it to repoint.
  for (int i = 0; i < 100 && exchange("127.0.0.77", service_port, "x") != "two:x"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(exchange("127.0.0.77", service_port, "after") == "two:after");

  t.on_io([&] { return store.remove(core::Kind::kService, "default", "letschat").is_ok(); });
  for (int i = 0; i < 100 && t.on_io([&] { return proxy.listener_count(); }) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(t.on_io([&] { return proxy.listener_count(); }) == 0);
  CHECK(log.empty());
}

TEST_CASE("ServiceProxy logs a ClusterIP it cannot bind once and keeps the others", "[proxy]") {
  IoThread t;
  AsioExecutor executor(t.io);
  core::MemoryStore store(executor, core::Rng(1, "store"));
  std::vector<std::string> log;
  ServiceProxy proxy(t.io, executor, store, [&](const std::string& line) { log.push_back(line); });
  // 192.0.2.1 (TEST-NET-1) is not a local address here.
  REQUIRE(store.create(service("remote", "ClusterIP", "192.0.2.1", 80)).is_ok());
  REQUIRE(store.create(service("local", "ClusterIP", "127.0.0.78", free_port())).is_ok());
  proxy.start();
  proxy.sync();
  CHECK(proxy.listener_count() == 1);
  REQUIRE(log.size() == 1);
  CHECK(log[0].find("default/remote:80") != std::string::npos);
}

TEST_CASE("IngressProxy routes by Host to the service's endpoint, 404 without a rule, 503 without endpoints", "[proxy]") {
  IoThread t;
  AsioExecutor executor(t.io);
  core::MemoryStore store(executor, core::Rng(1, "store"));
  EchoBackend pod(t.io, "pod");
  REQUIRE(store.create(service("letschat", "NodePort", "10.43.0.20", 8080, 30080)).is_ok());
  REQUIRE(store.create(endpoints("letschat", {"127.0.0.1"}, pod.port())).is_ok());
  REQUIRE(store.create(ingress("letschat", "www.letschat.com", {ingress_path("/", "Prefix", "letschat", 8080)})).is_ok());
  REQUIRE(store.create(service("empty", "ClusterIP", "10.43.0.21", 80)).is_ok());
  REQUIRE(store.create(ingress("empty", "empty.example", {ingress_path("/", "Prefix", "empty", 80)})).is_ok());
  auto proxy = IngressProxy::open(t.io, store, "127.0.0.1", 0);
  REQUIRE(proxy.is_ok());
  const uint16_t port = proxy.value()->local_port();
  t.start();

  std::string request = "GET /rooms HTTP/1.1\r\nHost: www.letschat.com\r\n\r\n";
  CHECK(exchange("127.0.0.1", port, request) == "pod:" + request);
  CHECK(exchange("127.0.0.1", port, "GET / HTTP/1.1\r\nHost: nobody.example\r\n\r\n").starts_with("HTTP/1.1 404 Not Found"));
  CHECK(exchange("127.0.0.1", port, "GET / HTTP/1.1\r\nHost: empty.example\r\n\r\n").starts_with("HTTP/1.1 503 Service Unavailable"));
  t.on_io([&] { proxy.value().reset(); return true; });
}
