// WatchCache and WatchStream on their own: buffering before start, cancel from inside send, the
// server-side timeout, a cache that goes first.
#include "realnet/api/watch_stream.h"

#include <catch2/catch.hpp>

#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin;
using namespace ktwin::realnet;

namespace {

struct Fixture {
  sim::EventLoop loop{core::Time{}};
  core::MemoryStore store{loop, core::Rng(3, "store")};
  std::shared_ptr<WatchCache> cache = std::make_shared<WatchCache>(store, 100);

  uint64_t add_pod(const std::string& name) {
    auto pod = std::make_shared<core::Pod>();
    pod->metadata.name = name;
    return store.create(pod).value()->metadata.resourceVersion;
  }
  WatchOptions options(uint64_t after, core::Duration timeout = {}) {
    WatchOptions w;
    w.kind = core::Kind::kPod;
    w.after_resource_version = after;
    w.timeout = timeout;
    w.encode = [](const core::ObjectPtr& obj) { return nlohmann::json(obj->metadata.name); };
    return w;
  }
};

std::string line(const std::string& type, const std::string& name) {
  return watch_event_line(type, nlohmann::json(name));
}

}  // namespace

TEST_CASE("events before start() are kept and sent first, in order", "[realnet][api][watch]") {
  Fixture f;
  uint64_t a = f.add_pod("a");
  f.add_pod("b");
  f.loop.run_until(f.loop.now());
  WatchStream stream(f.cache, f.loop, f.options(a));
  f.add_pod("c");
  f.loop.run_until(f.loop.now());
  std::vector<std::string> got;
  stream.start([&](std::string s) { got.push_back(std::move(s)); }, [] {});
  CHECK(got == std::vector<std::string>{line("ADDED", "b"), line("ADDED", "c")});
  f.add_pod("d");
  f.loop.run_until(f.loop.now());
  CHECK(got.size() == 3);
}

TEST_CASE("cancel() from inside send stops the stream", "[realnet][api][watch]") {
  Fixture f;
  WatchStream stream(f.cache, f.loop, f.options(f.store.resource_version()));
  int sent = 0;
  stream.start([&](std::string) {
    ++sent;
    stream.cancel();
  }, [] { FAIL("close after cancel"); });
  f.add_pod("a");
  f.add_pod("b");
  f.loop.run_until(f.loop.now());
  CHECK(sent == 1);
}

TEST_CASE("the server's timeout closes the stream, also when it fires before start()", "[realnet][api][watch]") {
  Fixture f;
  WatchStream stream(f.cache, f.loop, f.options(0, std::chrono::seconds(5)));
  f.add_pod("a");
  f.loop.run_until(f.loop.now() + std::chrono::seconds(6));
  std::vector<std::string> got;
  bool closed = false;
  stream.start([&](std::string s) { got.push_back(std::move(s)); }, [&] { closed = true; });
  CHECK(got == std::vector<std::string>{line("ADDED", "a")});
  CHECK(closed);
}

TEST_CASE("a stream outliving its cache goes quiet", "[realnet][api][watch]") {
  Fixture f;
  auto stream = std::make_unique<WatchStream>(f.cache, f.loop, f.options(0));
  int sent = 0;
  stream->start([&](std::string) { ++sent; }, [] {});
  f.cache.reset();
  f.add_pod("a");
  f.loop.run_until(f.loop.now());
  CHECK(sent == 0);
  stream.reset();
}

TEST_CASE("the cache keeps `capacity` events per kind and refuses versions before them", "[realnet][api][watch]") {
  sim::EventLoop loop{core::Time{}};
  core::MemoryStore store{loop, core::Rng(3, "store")};
  auto before = std::make_shared<core::Pod>();
  before->metadata.name = "before";
  uint64_t start = store.create(before).value()->metadata.resourceVersion;
  WatchCache cache(store, 2);
  CHECK(cache.oldest_resource_version(core::Kind::kPod) == start);
  std::vector<uint64_t> rvs;
  for (const char* name : {"a", "b", "c"}) {
    auto pod = std::make_shared<core::Pod>();
    pod->metadata.name = name;
    rvs.push_back(store.create(pod).value()->metadata.resourceVersion);
  }
  loop.run_until(loop.now());
  CHECK(cache.latest_resource_version() == rvs.back());
  CHECK(!cache.events_since(core::Kind::kPod, start));
  CHECK(cache.oldest_resource_version(core::Kind::kPod) == rvs[0]);
  auto since = cache.events_since(core::Kind::kPod, rvs[0]);
  REQUIRE(since);
  REQUIRE(since->size() == 2);
  CHECK((*since)[0].object->metadata.name == "b");
  CHECK(cache.events_since(core::Kind::kNode, start));  // other kinds keep their own history
}
