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

std::string EtcdClient::prefix_end(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

std::optional<uint64_t> EtcdClient::number(const nlohmann::json& doc, const char* field) {
  auto it = doc.find(field);
  if (it == doc.end()) return 0;
  if (it->is_number_unsigned()) return it->get<uint64_t>();
  if (!it->is_string()) return std::nullopt;
  const std::string& text = it->get_ref<const std::string&>();
  char* end = nullptr;
  uint64_t value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end) return std::nullopt;
  return value;
}

uint64_t EtcdClient::header_revision(const nlohmann::json& answer) {
  auto header = answer.find("header");
  if (header == answer.end() || !header->is_object()) return 0;
  return number(*header, "revision").value_or(0);
}

std::optional<EtcdClient::KeyValue> EtcdClient::decode_kv(const nlohmann::json& kv) {
  auto key = core::base64_decode(kv.value("key", "")), value = core::base64_decode(kv.value("value", ""));
  auto mod = number(kv, "mod_revision");
  if (!key || !value || !mod) return std::nullopt;
  return KeyValue{std::move(*key), std::move(*value), *mod};
}

Result<EtcdClient::Range> EtcdClient::range_prefix(const std::string& prefix, int page) {
  std::string end = prefix_end(prefix);
  Range out;
  std::string from = prefix;
  for (;;) {
    nlohmann::json request = {{"key", core::base64_encode(from)},
                              {"range_end", core::base64_encode(end)},
                              {"limit", std::to_string(page)}};
    if (out.revision) request["revision"] = std::to_string(out.revision);
    auto answer = call("/v3/kv/range", request);
    if (!answer.is_ok()) return answer.status();
    if (!out.revision) out.revision = header_revision(answer.value());
    for (const nlohmann::json& kv : answer.value().value("kvs", nlohmann::json::array())) {
      auto decoded = decode_kv(kv);
      if (!decoded) return Status::unavailable("etcd " + endpoint_ + ": a key or value is not base64");
      out.kvs.push_back(std::move(*decoded));
    }
    if (!answer.value().value("more", false) || out.kvs.empty()) return out;
    from = out.kvs.back().key + '\0';  // the next key after the last one seen
  }
}

}  // namespace ktwin::realnet
