// MemoryStore's durability seam: what each write records, a refused record changes nothing, restore.
#include <catch2/catch.hpp>

#include "core/api/pod.h"
#include "core/store/memory_store.h"
#include "sim/event_loop.h"

using namespace ktwin::core;
using ktwin::sim::EventLoop;

namespace {

struct Recorded {
  JournalOp op;
  Kind kind;
  std::string ns, name;
  uint64_t object_rv, revision;
};

// Keeps what it is told; refuses every record while `fail` is set.
class FakeJournal : public StoreJournal {
 public:
  Status record(const JournalEntry& e) override {
    if (fail) return Status::unavailable("disk full");
    entries.push_back({e.op, e.kind, e.namespace_, e.name, e.object.metadata.resourceVersion, e.revision});
    return Status::ok();
  }
  bool fail = false;
  std::vector<Recorded> entries;
};

std::shared_ptr<Pod> make_pod(std::string name, std::string node = "") {
  auto p = std::make_shared<Pod>();
  p->metadata.name = std::move(name);
  p->spec.nodeName = std::move(node);
  return p;
}

}  // namespace

TEST_CASE("every write is recorded with its resourceVersion and the revision", "[store][journal]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  FakeJournal journal;
  store.set_journal(&journal);
  auto created = store.create(make_pod("bound", "n1"));
  REQUIRE(created.is_ok());
  auto copy = mutable_copy(*as<Pod>(created.value()));
  copy->status.phase = "Running";
  REQUIRE(store.update(copy).is_ok());
  REQUIRE(store.remove(Kind::kPod, "default", "bound").is_ok());  // graceful: an update
  DeleteOptions now;
  now.gracePeriodSeconds = 0;
  REQUIRE(store.remove(Kind::kPod, "default", "bound", now).is_ok());
  REQUIRE(journal.entries.size() == 4);
  std::vector<JournalOp> ops;
  for (size_t i = 0; i < journal.entries.size(); ++i) {
    const Recorded& r = journal.entries[i];
    ops.push_back(r.op);
    CHECK(r.kind == Kind::kPod);
    CHECK(r.ns == "default");
    CHECK(r.name == "bound");
    CHECK(r.object_rv == i + 1);
    CHECK(r.revision == i + 1);
  }
  CHECK(ops == std::vector<JournalOp>{JournalOp::kCreate, JournalOp::kUpdate, JournalOp::kUpdate,
                                      JournalOp::kDelete});
  CHECK(store.resource_version() == 4);
  // A write that fails before the journal (a duplicate) records nothing.
  REQUIRE(store.create(make_pod("x")).is_ok());
  CHECK(store.create(make_pod("x")).status().is_already_exists());
  CHECK(journal.entries.size() == 5);
}

TEST_CASE("a refused journal record fails the write and leaves the store unchanged", "[store][journal]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  FakeJournal journal;
  store.set_journal(&journal);
  auto kept = store.create(make_pod("kept", "n1")).value();
  uint64_t stamp = store.pods_on_node_stamp("n1");
  std::vector<std::string> seen;
  store.watch(Kind::kPod, [&](const WatchEvent& e) {
    seen.push_back(std::string(watch_event_name(e.type)) + " " + e.object->metadata.name);
  });
  loop.run_until(Time{});
  REQUIRE(seen == std::vector<std::string>{"ADDED kept"});
  seen.clear();
  journal.fail = true;

  auto created = store.create(make_pod("new", "n1"));
  CHECK(created.status().code() == Status::Code::kUnavailable);
  CHECK(created.status().message().find("disk full") != std::string::npos);
  CHECK_FALSE(store.find(Kind::kPod, "default", "new"));

  auto copy = mutable_copy(*as<Pod>(kept));
  copy->status.phase = "Running";
  CHECK(store.update(copy).status().code() == Status::Code::kUnavailable);
  CHECK(store.remove(Kind::kPod, "default", "kept").code() == Status::Code::kUnavailable);  // graceful
  DeleteOptions now;
  now.gracePeriodSeconds = 0;
  CHECK(store.remove(Kind::kPod, "default", "kept", now).code() == Status::Code::kUnavailable);

  CHECK(store.find(Kind::kPod, "default", "kept") == kept);  // the same object, untouched
  CHECK_FALSE(kept->metadata.deletionTimestamp);
  CHECK(store.list(Kind::kPod).size() == 1);
  CHECK(store.list_pods_on_node("n1").size() == 1);
  CHECK(store.pods_on_node_stamp("n1") == stamp);
  CHECK(store.resource_version() == 1);
  loop.run_until(Time{});
  CHECK(seen.empty());  // no event for a write that did not happen

  journal.fail = false;  // the revision continues without a gap
  CHECK(store.create(make_pod("later")).value()->metadata.resourceVersion == 2);
}

TEST_CASE("restore keeps identities and continues the revision", "[store][journal]") {
  EventLoop loop(Time{});
  MemoryStore first(loop, Rng(1, "store"));
  first.create(make_pod("a", "n1"));
  first.create(make_pod("b", "n2"));
  first.create(make_pod("gone"));
  REQUIRE(first.remove(Kind::kPod, "default", "gone").is_ok());  // revision 4, above every object's
  PersistedState state{first.list(Kind::kPod), first.resource_version()};

  EventLoop later(Time{} + std::chrono::hours(1));
  MemoryStore second(later, Rng(2, "store"));
  FakeJournal journal;
  second.set_journal(&journal);
  std::vector<std::string> seen;
  second.watch(Kind::kPod, [&](const WatchEvent& e) { seen.push_back(e.object->metadata.name); });
  REQUIRE(second.restore(state).is_ok());
  CHECK(journal.entries.empty());  // restoring is not a write
  later.run_until(later.now());
  CHECK(seen.empty());

  auto a = find<Pod>(second, "default", "a");
  REQUIRE(a);
  auto original = find<Pod>(first, "default", "a");
  CHECK(a->metadata.uid == original->metadata.uid);
  CHECK(a->metadata.resourceVersion == 1);
  CHECK(a->metadata.creationTimestamp == Time{});
  CHECK(second.list_pods_on_node("n2").size() == 1);
  CHECK(second.resource_version() == 4);
  CHECK(second.create(make_pod("c")).value()->metadata.resourceVersion == 5);

  SECTION("a second restore, or one into a written store, is refused") {
    CHECK(second.restore(state).code() == Status::Code::kInvalid);
  }
  SECTION("a duplicate in the persisted state is refused") {
    MemoryStore third(later, Rng(3, "store"));
    PersistedState twice{{state.objects[0], state.objects[0]}, 4};
    CHECK(third.restore(twice).code() == Status::Code::kInvalid);
  }
}
