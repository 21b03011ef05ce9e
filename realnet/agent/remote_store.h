// The kubelet's view of the API server as a core::Store: reads from a list+watch cache per kind
// (client-go's reflector and informer), writes as REST requests, read-your-writes through the cache.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/env/executor.h"
#include "core/store/store.h"
#include "realnet/agent/field_selector.h"
#include "realnet/net/api_transport.h"

namespace ktwin::realnet {

// One cached kind: objects of `kind` in `ns` ("" for all) matching `field_selector`.
struct InformerSpec {
  core::Kind kind;
  std::string ns;
  std::string field_selector;
};

struct RemoteStoreOptions {
  std::vector<InformerSpec> informers;
  core::Duration request_timeout = std::chrono::seconds(10);
  // Relists after a failed list or a broken watch back off from initial, doubling up to max
  // (client-go reflector's backoff manager: 800 ms to 30 s).
  core::Duration relist_initial = std::chrono::milliseconds(800);
  core::Duration relist_max = std::chrono::seconds(30);
  // After a request got no answer (connect refused, deadline), requests fail at once for this long,
  // so the kubelet's back-to-back retries do not each wait out a timeout on a dead link.
  core::Duration fail_fast = std::chrono::seconds(1);
  // Where list and watch trouble is told (a broken watch, a failed list); unset: nowhere.
  std::function<void(const std::string&)> log;

  // What a kubelet reads: pods bound to it, its own Node and its Lease (k/k pkg/kubelet/config/
  // apiserver.go: fieldSelector spec.nodeName; kubelet.go: the node informer on metadata.name).
  static RemoteStoreOptions for_kubelet(const std::string& node_name);
};

// Reads of an informed kind answer from the cache; of any other kind, with a GET to the server.
// Writes wait for the server's answer (at most request_timeout) and put it in the cache, with a watch
// event, before they return. Pod and Node updates go to their /status subresource (the kubelet owns
// only status). Everything runs on the executor thread.
class RemoteStore : public core::Store {
 public:
  RemoteStore(core::Executor& executor, ApiTransport& transport, RemoteStoreOptions options);
  ~RemoteStore() override;
  RemoteStore(const RemoteStore&) = delete;
  RemoteStore& operator=(const RemoteStore&) = delete;

  // Lists every informed kind, then watches each.
  void start();
  // Runs `callback` through the executor once every informer's first list is in (now if it is).
  void on_synced(std::function<void()> callback);
  bool synced() const;

  core::Result<core::ObjectPtr> create(std::shared_ptr<core::Object> obj) override;
  core::Result<core::ObjectPtr> update(std::shared_ptr<core::Object> obj) override;
  core::Status remove(core::Kind kind, const std::string& ns, const std::string& name,
                      const core::DeleteOptions& options = {}) override;
  core::ObjectPtr find(core::Kind kind, const std::string& ns, const std::string& name) const override;
  std::vector<core::ObjectPtr> list(core::Kind kind, const std::string& ns = "") const override;
  core::WatchId watch(core::Kind kind, core::WatchHandler handler) override;
  void unwatch(core::WatchId id) override;

  // How often a kind was listed (the first list included), and watch events applied: for tests and logs.
  uint64_t lists(core::Kind kind) const;
  uint64_t watch_events() const { return watch_events_; }

 private:
  struct Informer {
    InformerSpec spec;
    FieldSelector selector;
    std::map<std::string, core::ObjectPtr> objects;  // by ns/name
    std::set<std::string> deleted_uids;  // removed by our own write; the watch's late events are stale
    uint64_t resource_version = 0;      // where the watch resumes
    bool synced = false;
    uint64_t lists = 0;
    uint64_t generation = 0;  // bumps per watch: callbacks of an older one are dropped
    std::unique_ptr<ApiStream> stream;
    std::string buffer;  // a partial line of the watch stream
    int head_status = 0;  // of the current watch
    int error_code = 0;   // non-200 head or ERROR event: the watch failed with this code
    std::string error_message;
    bool stream_got_event = false;
    core::Time stream_opened{};
    core::Duration backoff{};
    core::TimerId retry = 0;
  };
  struct Pending {
    core::WatchEvent event;
    core::WatchId max_watch;  // watchers registered later do not see it
  };

  Informer* informer_for(core::Kind kind);
  const Informer* informer_for(core::Kind kind) const;
  bool in_scope(const Informer& inf, const core::Object& obj) const;
  // Whether the cache answers a find of ns/name (else the server does).
  bool covers(const Informer& inf, const std::string& ns, const std::string& name) const;
  void log(const std::string& message) const;
  std::string watch_query(const Informer& inf) const;

  void relist(Informer& inf);
  void relist_later(Informer& inf);
  void open_watch(Informer& inf);
  void on_watch_line(Informer& inf, const std::string& line);
  void on_watch_closed(Informer& inf, core::Status why);
  void replace(Informer& inf, std::vector<core::ObjectPtr> objects);
  // Folds one change into the cache and, if it is news, emits it. `own`: the answer to our write.
  void apply(Informer& inf, core::WatchEventType type, core::ObjectPtr obj, bool own);
  void emit(core::WatchEventType type, core::ObjectPtr object, core::ObjectPtr old);
  void drain();
  void check_synced();

  core::Result<HttpResponse> send(const std::string& method, const std::string& target, std::string body);
  core::ObjectPtr refine(const core::Object& sent, core::ObjectPtr answer);
  core::Result<core::ObjectPtr> write_answer(core::Kind kind, const core::Result<HttpResponse>& response);

  core::Executor& executor_;
  ApiTransport& transport_;
  RemoteStoreOptions options_;
  std::vector<std::unique_ptr<Informer>> informers_;
  std::map<core::WatchId, std::pair<core::Kind, core::WatchHandler>> watchers_;
  core::WatchId next_watch_ = 1;
  std::deque<Pending> pending_;
  bool drain_posted_ = false;
  std::vector<std::function<void()>> synced_callbacks_;
  uint64_t watch_events_ = 0;
  core::Time fail_fast_until_{};
  core::Status last_failure_;
  bool started_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ktwin::realnet
