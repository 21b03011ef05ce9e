// Pure conversions between Beast's parsed messages and the handler seam (http_message.h), and the
// bytes of responses and chunks: the connection (http_session.cc) only moves these bytes.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "realnet/api/http_message.h"

namespace ktwin::realnet {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Header names lower-cased; repeated headers joined with ", " (RFC 9110 5.3). `user` is left empty.
HttpRequest to_http_request(const BeastRequest& request);

// The whole response (status line, headers, Content-Length, body) as bytes. `keep_alive` false adds
// Connection: close.
std::string serialize_response(const HttpResponse& response, unsigned http_version, bool keep_alive);

// The head of a streamed response (Transfer-Encoding: chunked, no Content-Length).
std::string serialize_stream_head(const HttpResponse& head, unsigned http_version);

// One chunk of a chunked body ("<hex size>\r\n<data>\r\n"); an empty `data` is no chunk (""), since
// a zero-size chunk would end the body.
std::string chunk(const std::string& data);
// The last chunk, which ends a chunked body.
inline constexpr const char* kLastChunk = "0\r\n\r\n";

// A plain error answer from the transport itself (400 for a malformed request, 413 for a large one):
// a Kubernetes Status object (k/k apimachinery/pkg/apis/meta/v1 types.go Status).
HttpResponse transport_error(int code, const std::string& reason, const std::string& message);

}  // namespace ktwin::realnet
