// EtcdClient: one keep-alive HTTP/1.1 connection, each request run to completion on a private
// io_context so that Beast's timeouts (which only apply to asynchronous operations) bound it.
#include "realnet/storage/etcd_client.h"

#include "core/util/base64.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace ktwin::realnet {

using core::Result;
using core::Status;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {


}  // namespace


struct EtcdClient::Connection {
  boost::asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void run() {
    ioc.restart();
    ioc.run();
  }
};

Result<std::unique_ptr<EtcdClient>> EtcdClient::create(const std::string& endpoint, core::Duration timeout) {
  constexpr std::string_view kScheme = "http://";
  auto bad = [&](const std::string& why) {
    return Status::invalid("--datastore-endpoint " + endpoint + ": " + why + " (expected http://HOST:PORT)");
  };
  if (endpoint.rfind("https://", 0) == 0) return bad("https is not supported");
  if (endpoint.rfind(kScheme, 0) != 0) return bad("not an http:// URL");
  std::string rest = endpoint.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || rest.find('/') != std::string::npos)
    return bad("no HOST:PORT");
  std::string host = rest.substr(0, colon), port = rest.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535)
    return bad("bad port \"" + port + "\"");
  return std::unique_ptr<EtcdClient>(new EtcdClient(endpoint, host, port, timeout));
}

EtcdClient::EtcdClient(std::string endpoint, std::string host, std::string port, core::Duration timeout)
    : endpoint_(std::move(endpoint)),
      host_(std::move(host)),
      port_(std::move(port)),
      timeout_(timeout),
      connection_(std::make_unique<Connection>()) {}

EtcdClient::~EtcdClient() = default;

Result<std::string> EtcdClient::post(const std::string& path, const std::string& body, bool& reused) {
  Connection& c = *connection_;
  auto timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout_);
  beast::error_code ec;
  reused = c.stream.has_value();
  if (!c.stream) {
    tcp::resolver resolver(c.ioc);
    auto addresses = resolver.resolve(host_, port_, ec);
    if (ec)
      return Status::unavailable("etcd " + endpoint_ + ": cannot resolve " + host_ + ": " + ec.message());
    c.stream.emplace(c.ioc);
    c.stream->expires_after(timeout);
    c.stream->async_connect(addresses, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    c.run();
    if (ec) {
      c.stream.reset();
      return Status::unavailable("etcd " + endpoint_ + ": cannot connect: " + ec.message());
    }
  }
  http::request<http::string_body> request{http::verb::post, path, 11};
  request.set(http::field::host, host_ + ":" + port_);
  request.set(http::field::content_type, "application/json");
  request.keep_alive(true);
  request.body() = body;
  request.prepare_payload();
  http::response<http::string_body> response;
  c.stream->expires_after(timeout);
  http::async_write(*c.stream, request, [&](beast::error_code e, size_t) { ec = e; });
  c.run();
  if (!ec) {
    http::async_read(*c.stream, c.buffer, response, [&](beast::error_code e, size_t) { ec = e; });
    c.run();
  }
  if (ec) {
    c.stream.reset();
    c.buffer.clear();
    bool timed_out = ec == beast::error::timeout;
    if (timed_out) reused = false;  // etcd may be working on it: no blind retry
    std::string what = timed_out ? "no answer within the timeout" : ec.message();
    return Status::unavailable("etcd " + endpoint_ + ": " + path + ": " + what);
  }
  reused = false;  // the answer came: nothing to retry
  if (!response.keep_alive()) c.stream.reset();
  if (response.result() != http::status::ok)
    return Status::unavailable("etcd " + endpoint_ + ": " + path + ": HTTP " +
                               std::to_string(response.result_int()) + ": " + response.body());
  return std::move(response.body());
}

Result<nlohmann::json> EtcdClient::call(const std::string& path, const nlohmann::json& body) {
  bool reused = false;
  std::string text = body.dump();
  auto answer = post(path, text, reused);
  // A kept-alive connection the server closed while idle fails before the request is read: once more.
  if (!answer.is_ok() && reused) answer = post(path, text, reused);
  if (!answer.is_ok()) return answer.status();
  auto doc = nlohmann::json::parse(answer.value(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Status::unavailable("etcd " + endpoint_ + ": " + path + ": not a JSON answer");
  if (doc.contains("error"))
    return Status::unavailable("etcd " + endpoint_ + ": " + path + ": " +
                               doc.value("message", doc["error"].dump()));
  return doc;
}

Result<std::optional<std::string>> EtcdClient::get(const std::string& key) {
  auto answer = call("/v3/kv/range", {{"key", core::base64_encode(key)}});
  if (!answer.is_ok()) return answer.status();
  const nlohmann::json& kvs = answer.value().value("kvs", nlohmann::json::array());
  if (kvs.empty()) return std::optional<std::string>();
  auto value = core::base64_decode(kvs[0].value("value", ""));
  if (!value) return Status::unavailable("etcd " + endpoint_ + ": " + key + ": the value is not base64");
  return std::optional<std::string>(std::move(*value));
}

Result<std::vector<EtcdClient::KeyValue>> EtcdClient::list_prefix(const std::string& prefix, int page) {
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);  // etcd's range_end for "every key with this prefix"
  std::vector<KeyValue> out;
  std::string from = prefix;
  for (;;) {
    auto answer = call(
        "/v3/kv/range",
        {{"key", core::base64_encode(from)}, {"range_end", core::base64_encode(end)}, {"limit", std::to_string(page)}});
    if (!answer.is_ok()) return answer.status();
    for (const nlohmann::json& kv : answer.value().value("kvs", nlohmann::json::array())) {
      auto key = core::base64_decode(kv.value("key", "")), value = core::base64_decode(kv.value("value", ""));
      if (!key || !value) return Status::unavailable("etcd " + endpoint_ + ": a key or value is not base64");
      out.push_back({std::move(*key), std::move(*value)});
    }
    if (!answer.value().value("more", false) || out.empty()) return out;
    from = out.back().key + '\0';  // the next key after the last one seen
  }
}

}  // namespace ktwin::realnet
