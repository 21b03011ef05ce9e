// A small blocking client for etcd's v3 JSON gateway (POST /v3/kv/range, /put, /deleterange, /txn) over
// plain HTTP with Boost.Beast. Keys and values travel base64-encoded, as the gateway's proto3 JSON wants.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"
#include "core/util/time.h"

namespace ktwin::realnet {


class EtcdClient {
 public:
  struct KeyValue {
    std::string key, value;
    uint64_t mod_revision = 0;  // the revision of the key's last write: the object's resourceVersion
  };
  // What a range answered: its keys, and etcd's revision when it read them (header.revision).
  struct Range {
    uint64_t revision = 0;
    std::vector<KeyValue> kvs;
  };

  // `endpoint` is "http://HOST:PORT" (--datastore-endpoint); Invalid for anything else (https is not
  // supported). Connects lazily: an unreachable etcd shows on the first call.
  static core::Result<std::unique_ptr<EtcdClient>> create(const std::string& endpoint,
                                                          core::Duration timeout);
  ~EtcdClient();

  // POSTs `body` to `path` ("/v3/kv/txn") and returns the answer. Unavailable, naming the endpoint, on
  // a transport error or timeout, an HTTP status other than 200, or an etcd error document.
  core::Result<nlohmann::json> call(const std::string& path, const nlohmann::json& body);
  core::Result<std::optional<std::string>> get(const std::string& key);
  // Every key in [prefix, prefix with its last byte incremented), by key, `page` keys per request,
  // all as of the first page's revision (later pages pin it, as etcd3/store.go GetList sets withRev).
  core::Result<Range> range_prefix(const std::string& prefix, int page = 500);
  // etcd's range_end for "every key with this prefix" (clientv3.GetPrefixRangeEnd).
  static std::string prefix_end(std::string prefix);
  // An int64 of the gateway's proto3 JSON (a string, or absent for 0); nullopt if malformed.
  static std::optional<uint64_t> number(const nlohmann::json& doc, const char* field);
  // header.revision of an answer; 0 if absent.
  static uint64_t header_revision(const nlohmann::json& answer);
  // Decodes one kv of a range or watch answer; nullopt if its key or value is not base64.
  static std::optional<KeyValue> decode_kv(const nlohmann::json& kv);
  const std::string& endpoint() const { return endpoint_; }
  const std::string& host() const { return host_; }
  const std::string& port() const { return port_; }

 private:
  struct Connection;
  EtcdClient(std::string endpoint, std::string host, std::string port, core::Duration timeout);
  core::Result<std::string> post(const std::string& path, const std::string& body, bool& reused);

  std::string endpoint_, host_, port_;
  core::Duration timeout_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace ktwin::realnet
