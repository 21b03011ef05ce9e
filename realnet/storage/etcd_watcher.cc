// EtcdWatcher: one streaming request at a time on a private io_context, run by the watcher's thread.
#include "realnet/storage/etcd_watcher.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <limits>

#include "core/util/base64.h"

namespace ktwin::realnet {

using core::Result;
using core::Status;
using nlohmann::json;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr core::Duration kMinBackoff = std::chrono::milliseconds(200);
constexpr core::Duration kMaxBackoff = std::chrono::seconds(5);

std::chrono::steady_clock::duration steady(core::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
}

// An idle watch never times out by itself; TCP keepalive notices a peer that is gone without a FIN
// (a crashed machine, a cut link) after about 10 + 3 x 5 s.
void keep_alive(tcp::socket& socket) {
  int fd = socket.native_handle(), on = 1, idle = 10, interval = 5, count = 3;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

}  // namespace

struct EtcdWatcher::Stream {
  boost::asio::io_context ioc;
  std::optional<beast::tcp_stream> socket;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  std::optional<http::response_parser<http::string_body>> parser;
  boost::asio::steady_timer timer{ioc};
  bool pushed = false;           // items were queued while handling this read
  std::string restart;           // why this stream must be replaced ("" to keep reading)
  bool restart_at_once = false;  // a re-list: reconnect without backing off
  bool relist_first = false;     // a compaction whose re-list failed: re-list on the next connect

  void close() {
    if (socket) {
      beast::error_code ignored;
      socket->socket().shutdown(tcp::socket::shutdown_both, ignored);
      socket->close();
      socket.reset();
    }
    buffer.clear();
    parser.reset();
  }
};

Result<std::unique_ptr<EtcdWatcher>> EtcdWatcher::start(const std::string& endpoint, std::string prefix,
                                                         uint64_t from, Notify notify, Log log,
                                                         core::Duration timeout) {
  auto lister = EtcdClient::create(endpoint, timeout);
  if (!lister.is_ok()) return lister.status();
  std::string host = lister.value()->host(), port = lister.value()->port();
  std::unique_ptr<EtcdWatcher> watcher(new EtcdWatcher(std::move(lister).value(), std::move(host), std::move(port),
                                                       std::move(prefix), from, std::move(notify), std::move(log),
                                                       timeout));
  watcher->thread_ = std::thread([w = watcher.get()] { w->run(); });
  return watcher;
}

EtcdWatcher::EtcdWatcher(std::unique_ptr<EtcdClient> lister, std::string host, std::string port,
                         std::string prefix, uint64_t from, Notify notify, Log log, core::Duration timeout)
    : lister_(std::move(lister)),
      host_(std::move(host)),
      port_(std::move(port)),
      prefix_(std::move(prefix)),
      next_(from),
      notify_(std::move(notify)),
      log_(std::move(log)),
      timeout_(timeout),
      backoff_(kMinBackoff),
      stream_(std::make_unique<Stream>()) {}

EtcdWatcher::~EtcdWatcher() { stop(); }

void EtcdWatcher::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  stream_->ioc.stop();  // run() returns after the handler in progress (a re-list: within the timeout)
  thread_.join();
  stream_->close();
  queued_.notify_all();
}

void EtcdWatcher::run() {
  connect();
  stream_->ioc.run();
}

void EtcdWatcher::connect() {
  Stream& s = *stream_;
  if (stopping_) return;
  if (s.relist_first) {
    relist();
    if (s.relist_first) return reconnect_later("the re-list failed");
    s.pushed = false;
    notify_();
  }
  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  auto addresses = resolver.resolve(host_, port_, ec);
  if (ec) return reconnect_later("cannot resolve " + host_ + ": " + ec.message());
  s.socket.emplace(s.ioc);
  s.socket->expires_after(steady(timeout_));
  s.socket->async_connect(addresses, [this](beast::error_code ec, const tcp::endpoint&) {
    Stream& s = *stream_;
    if (ec) return reconnect_later("cannot connect: " + ec.message());
    keep_alive(s.socket->socket());
    json create = {{"create_request",
                    {{"key", core::base64_encode(prefix_)},
                     {"range_end", core::base64_encode(EtcdClient::prefix_end(prefix_))},
                     {"start_revision", std::to_string(next_)}}}};
    s.request = {http::verb::post, "/v3/watch", 11};
    s.request.set(http::field::host, host_ + ":" + port_);
    s.request.set(http::field::content_type, "application/json");
    s.request.body() = create.dump();
    s.request.prepare_payload();
    http::async_write(*s.socket, s.request, [this](beast::error_code ec, size_t) {
      Stream& s = *stream_;
      if (ec) return reconnect_later("cannot send the watch: " + ec.message());
      s.parser.emplace();
      s.parser->body_limit(std::numeric_limits<std::uint64_t>::max());  // a stream has no end
      http::async_read_header(*s.socket, s.buffer, *s.parser, [this](beast::error_code ec, size_t) {
        Stream& s = *stream_;
        if (ec) return reconnect_later("no answer to the watch: " + ec.message());
        if (s.parser->get().result() != http::status::ok)
          return reconnect_later("the watch got HTTP " + std::to_string(s.parser->get().result_int()));
        s.socket->expires_never();  // an idle watch is a healthy one
        ++streams_;
        read();
      });
    });
  });
}

void EtcdWatcher::read() {
  Stream& s = *stream_;
  http::async_read_some(*s.socket, s.buffer, *s.parser, [this](beast::error_code ec, size_t) {
    Stream& s = *stream_;
    if (ec) return reconnect_later(ec == http::error::end_of_stream ? "etcd closed the stream" : ec.message());
    // grpc-gateway writes one JSON answer per line.
    std::string& body = s.parser->get().body();
    size_t start = 0;
    for (size_t end; s.restart.empty() && (end = body.find('\n', start)) != std::string::npos; start = end + 1)
      on_line(body.substr(start, end - start));
    body.erase(0, start);
    if (s.pushed) {
      s.pushed = false;
      notify_();
    }
    if (!s.restart.empty()) {
      std::string why = std::move(s.restart);
      s.restart.clear();
      if (s.restart_at_once) {
        s.restart_at_once = false;
        s.close();
        return connect();
      }
      return reconnect_later(why);
    }
    if (s.parser->is_done()) return reconnect_later("etcd ended the stream");
    read();
  });
}

void EtcdWatcher::on_line(const std::string& line) {
  Stream& s = *stream_;
  auto doc = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    s.restart = "an answer that is not JSON: " + line.substr(0, 200);
    return;
  }
  if (doc.contains("error")) {
    s.restart = "etcd: " + doc["error"].dump().substr(0, 200);
    return;
  }
  const json& result = doc.value("result", json::object());
  // etcd3/watcher.go: ErrCompacted ends the watch with 410, and the reflector re-lists.
  if (uint64_t compacted = EtcdClient::number(result, "compact_revision").value_or(0); compacted > 0) {
    log_("etcd compacted revision " + std::to_string(compacted) + ", after " + std::to_string(next_ - 1) +
         ", the last change seen: re-listing " + prefix_);
    relist();
    s.restart = s.relist_first ? "the re-list failed" : "re-listed";
    s.restart_at_once = !s.relist_first;
    return;
  }
  if (result.value("canceled", false)) {
    s.restart = "etcd canceled the watch: " + result.value("cancel_reason", std::string());
    return;
  }
  if (result.value("created", false)) backoff_ = kMinBackoff;
  for (const json& event : result.value("events", json::array())) {
    auto kv = EtcdClient::decode_kv(event.value("kv", json::object()));
    if (!kv || kv->mod_revision == 0) {
      log_("an event that does not decode: " + event.dump().substr(0, 200));
      continue;
    }
    Item item;
    item.revision = kv->mod_revision;
    item.deleted = event.value("type", std::string("PUT")) == "DELETE";
    item.kv = std::move(*kv);
    next_ = item.revision + 1;
    push(std::move(item));
  }
}

void EtcdWatcher::relist() {
  Stream& s = *stream_;
  auto range = lister_->range_prefix(prefix_);
  if (!range.is_ok()) {
    log_("the re-list failed: " + range.status().message());
    s.relist_first = true;
    return;
  }
  s.relist_first = false;
  Item item;
  item.revision = range.value().revision;
  item.listing = std::move(range).value();
  next_ = item.revision + 1;
  push(std::move(item));
}

void EtcdWatcher::reconnect_later(const std::string& why) {
  Stream& s = *stream_;
  s.close();
  if (stopping_) return;
  log_("from revision " + std::to_string(next_) + ": " + why + "; again in " +
       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(backoff_).count()) + " ms");
  s.timer.expires_after(steady(backoff_));
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
  s.timer.async_wait([this](beast::error_code ec) {
    if (!ec) connect();
  });
}

void EtcdWatcher::push(Item item) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    seen_ = std::max(seen_, item.revision);
    items_.push_back(std::move(item));
  }
  stream_->pushed = true;
  queued_.notify_all();
}

bool EtcdWatcher::wait_for(uint64_t revision, core::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return queued_.wait_for(lock, steady(timeout), [&] { return seen_ >= revision || stopping_; }) &&
         seen_ >= revision;
}

std::vector<EtcdWatcher::Item> EtcdWatcher::take(uint64_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Item> out;
  while (!items_.empty() && items_.front().revision < limit) {
    out.push_back(std::move(items_.front()));
    items_.pop_front();
  }
  return out;
}

}  // namespace ktwin::realnet
