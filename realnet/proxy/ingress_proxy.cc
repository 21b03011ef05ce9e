#include "realnet/proxy/ingress_proxy.h"

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "realnet/proxy/ingress_routes.h"
#include "realnet/proxy/tcp_splice.h"

namespace ktwin::realnet {
namespace {

constexpr size_t kMaxHead = 64 * 1024;

std::string plain_response(int code, const std::string& reason, const std::string& text) {
  return "HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: " +
         std::to_string(text.size()) + "\r\nConnection: close\r\n\r\n" + text;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct RequestHead {
  std::string host, path;
};

// The request line's path (without query) and the Host header of an HTTP/1.x head.
std::optional<RequestHead> parse_head(const std::string& head) {
  size_t line_end = head.find("\r\n");
  if (line_end == std::string::npos) return std::nullopt;
  std::string line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  if (sp2 == std::string::npos) return std::nullopt;
  RequestHead out;
  out.path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (auto q = out.path.find('?'); q != std::string::npos) out.path.resize(q);
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;
    std::string header = head.substr(pos, end - pos);
    size_t colon = header.find(':');
    if (colon != std::string::npos && lower(header.substr(0, colon)) == "host") {
      std::string value = header.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      value.erase(value.find_last_not_of(" \t") + 1);
      out.host = lower(value);
    }
    pos = end + 2;
  }
  return out;
}

}  // namespace

class IngressProxy::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket client, const core::Store& store, size_t& next, std::shared_ptr<bool> alive)
      : client_(std::move(client)), store_(store), next_(next), alive_(std::move(alive)), buffer_(kMaxHead) {}

  void start() {
    auto self = shared_from_this();
    boost::asio::async_read_until(client_, buffer_, "\r\n\r\n", [self](boost::system::error_code ec, size_t) {
      if (!*self->alive_) return;
      if (ec) return self->reply(plain_response(400, "Bad Request", "bad request\n"));
      self->route();
    });
  }

 private:
  void route() {
    std::string buffered(boost::asio::buffers_begin(buffer_.data()), boost::asio::buffers_end(buffer_.data()));
    auto head = parse_head(buffered);
    if (!head) return reply(plain_response(400, "Bad Request", "bad request\n"));
    auto target = match_ingress(core::list<core::Ingress>(store_), head->host, head->path);
    if (!target) return reply(plain_response(404, "Not Found", "404 page not found\n"));
    std::vector<Backend> backends = ingress_backends(store_, *target);
    if (backends.empty()) return reply(plain_response(503, "Service Unavailable", "no endpoints available for service \"" + target->service + "\"\n"));
    connect(std::move(buffered), std::move(backends), 0);
  }

  void connect(std::string buffered, std::vector<Backend> backends, size_t tried) {
    if (tried == backends.size()) return reply(plain_response(502, "Bad Gateway", "no endpoint answered\n"));
    const Backend backend = backends[next_++ % backends.size()];
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(backend.ip, ec);
    if (ec) return connect(std::move(buffered), std::move(backends), tried + 1);
    auto upstream = std::make_shared<tcp::socket>(client_.get_executor());
    auto self = shared_from_this();
    upstream->async_connect(tcp::endpoint(address, static_cast<uint16_t>(backend.port)),
                            [self, upstream, buffered = std::move(buffered), backends = std::move(backends),
                             tried](boost::system::error_code ec) mutable {
                              if (!*self->alive_) return;
                              if (ec) return self->connect(std::move(buffered), std::move(backends), tried + 1);
                              TcpSplice::start(std::move(self->client_), std::move(*upstream), std::move(buffered));
                            });
  }

  void reply(std::string response) {
    auto self = shared_from_this();
    response_ = std::move(response);
    boost::asio::async_write(client_, boost::asio::buffer(response_), [self](boost::system::error_code, size_t) {
      boost::system::error_code ignored;
      self->client_.shutdown(tcp::socket::shutdown_both, ignored);
      self->client_.close(ignored);
    });
  }

  tcp::socket client_;
  const core::Store& store_;
  size_t& next_;
  std::shared_ptr<bool> alive_;
  boost::asio::streambuf buffer_;
  std::string response_;
};

core::Result<std::unique_ptr<IngressProxy>> IngressProxy::open(boost::asio::io_context& io, const core::Store& store,
                                                               const std::string& ip, uint16_t port) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(ip, ec);
  if (ec) return core::Status::invalid("bad ingress listen address " + ip);
  tcp::acceptor acceptor(io);
  tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return core::Status::unavailable("ingress: listen on " + ip + ":" + std::to_string(port) + ": " + ec.message());
  auto proxy = std::make_unique<IngressProxy>(std::move(acceptor), store);
  proxy->accept();
  return proxy;
}

IngressProxy::~IngressProxy() {
  *alive_ = false;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void IngressProxy::accept() {
  acceptor_.async_accept([this, alive = alive_](boost::system::error_code ec, tcp::socket socket) {
    if (!*alive || ec == boost::asio::error::operation_aborted) return;
    if (!ec) std::make_shared<Connection>(std::move(socket), store_, next_, alive_)->start();
    accept();
  });
}

}  // namespace ktwin::realnet
