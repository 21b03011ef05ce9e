// Message conversions; Beast's serializer is used through operator<< on the message.
#include "realnet/net/http_wire.h"

#include <algorithm>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ktwin::realnet {
namespace {

namespace http = boost::beast::http;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

template <class Body>
void copy_head(const HttpResponse& from, http::response<Body>& to) {
  to.result(static_cast<unsigned>(from.status));
  to.set(http::field::server, "ktwin");
  for (const auto& [name, value] : from.headers) to.insert(name, value);
}

}  // namespace

HttpRequest to_http_request(const BeastRequest& request) {
  HttpRequest out;
  out.method = std::string(request.method_string());
  out.target = std::string(request.target());
  for (const auto& field : request) {
    std::string name = lower(std::string(field.name_string()));
    std::string value(field.value());
    auto [it, inserted] = out.headers.emplace(name, value);
    if (!inserted) it->second += ", " + value;
  }
  out.body = request.body();
  return out;
}

std::string serialize_response(const HttpResponse& response, unsigned http_version, bool keep_alive) {
  http::response<http::string_body> res;
  res.version(http_version);
  copy_head(response, res);
  res.body() = response.body;
  res.keep_alive(keep_alive);
  res.prepare_payload();
  std::ostringstream out;
  out << res;
  return out.str();
}

std::string serialize_stream_head(const HttpResponse& head, unsigned http_version) {
  http::response<http::empty_body> res;
  res.version(http_version);
  copy_head(head, res);
  res.chunked(true);
  std::ostringstream out;
  out << res.base();
  return out.str();
}

std::string chunk(const std::string& data) {
  if (data.empty()) return "";
  std::ostringstream out;
  out << std::hex << data.size() << "\r\n" << data << "\r\n";
  return out.str();
}

HttpResponse transport_error(int code, const std::string& reason, const std::string& message) {
  nlohmann::json status = {{"kind", "Status"},      {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                           {"status", "Failure"},   {"message", message}, {"reason", reason},
                           {"code", code}};
  return HttpResponse{code, {{"Content-Type", "application/json"}}, status.dump()};
}

}  // namespace ktwin::realnet
