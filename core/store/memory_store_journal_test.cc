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
  Result<uint64_t> record(const JournalEntry& e) override {
    if (fail) return Status::unavailable("disk full");
    entries.push_back({e.op, e.kind, e.namespace_, e.name, e.object.metadata.resourceVersion, e.revision});
    return e.revision;
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

namespace {

// A datastore that numbers writes itself, as etcd does: each write gets the next revision after a
// gap of `skip` (other keys written meanwhile), and a write whose guard does not hold is refused.
class NumberingJournal : public StoreJournal {
 public:
  Result<uint64_t> record(const JournalEntry& e) override {
    if (refuse) return *refuse;
    previous.push_back(e.previous_revision);
    next += 1 + skip;
    return next;
  }
  uint64_t next = 100, skip = 9;
  std::vector<uint64_t> previous;
  std::optional<Status> refuse;
};

}  // namespace

TEST_CASE("a journal that assigns revisions sets every resourceVersion", "[store][journal]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  NumberingJournal journal;
  store.set_journal(&journal);
  std::vector<uint64_t> seen;
  store.watch(Kind::kPod, [&](const WatchEvent& e) { seen.push_back(e.object->metadata.resourceVersion); });
  auto created = store.create(make_pod("web", "n1")).value();
  CHECK(created->metadata.resourceVersion == 110);
  CHECK(store.resource_version() == 110);
  auto copy = mutable_copy(*as<Pod>(created));
  copy->status.phase = "Running";
  auto updated = store.update(copy).value();
  CHECK(updated->metadata.resourceVersion == 120);
  CHECK(store.remove(Kind::kPod, "default", "web").is_ok());  // graceful: an update at 130
  DeleteOptions now;
  now.gracePeriodSeconds = 0;
  CHECK(store.remove(Kind::kPod, "default", "web", now).is_ok());
  CHECK(journal.previous == std::vector<uint64_t>{0, 110, 120, 130});  // what each write replaces
  CHECK(store.resource_version() == 140);
  loop.run_until(Time{});
  CHECK(seen == std::vector<uint64_t>{110, 120, 130, 140});

  SECTION("the datastore's own Conflict and AlreadyExists reach the caller unchanged") {
    auto again = store.create(make_pod("again")).value();
    journal.refuse = Status::conflict("etcd: modified meanwhile");
    auto stale = mutable_copy(*as<Pod>(again));
    CHECK(store.update(stale).status().is_conflict());
    journal.refuse = Status::already_exists("etcd: exists");
    CHECK(store.create(make_pod("other")).status().is_already_exists());
    journal.refuse = Status::invalid("etcd: bad");
    CHECK(store.create(make_pod("other")).status().code() == Status::Code::kUnavailable);
    CHECK(store.find(Kind::kPod, "default", "again") == again);
  }
  SECTION("a revision that does not increase is refused") {
    journal.next = 10;
    journal.skip = 0;
    CHECK(store.create(make_pod("late")).status().code() == Status::Code::kUnavailable);
    CHECK_FALSE(store.find(Kind::kPod, "default", "late"));
    CHECK(store.resource_version() == 140);
  }
}

TEST_CASE("changes from another writer are applied with their revision and watched", "[store][journal]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  std::vector<std::string> seen;
  store.watch(Kind::kPod, [&](const WatchEvent& e) {
    seen.push_back(std::string(watch_event_name(e.type)) + " " + e.object->metadata.name + " " +
                   std::to_string(e.object->metadata.resourceVersion));
  });
  auto outside = make_pod("outside", "n1");
  outside->metadata.namespace_ = "default";
  outside->metadata.resourceVersion = 7;
  store.apply(Kind::kPod, "default", "outside", outside, 7);
  CHECK(store.resource_version() == 7);
  CHECK(store.list_pods_on_node("n1").size() == 1);
  auto moved = mutable_copy(*outside);
  moved->spec.nodeName = "n2";
  moved->metadata.resourceVersion = 9;
  store.apply(Kind::kPod, "default", "outside", moved, 9);
  CHECK(store.list_pods_on_node("n1").empty());
  CHECK(store.list_pods_on_node("n2").size() == 1);
  store.apply(Kind::kPod, "default", "never-held", nullptr, 10);  // only the revision moves
  store.apply(Kind::kPod, "default", "outside", nullptr, 12);
  CHECK_FALSE(store.find(Kind::kPod, "default", "outside"));
  CHECK(store.resource_version() == 12);
  // The store's own next write continues above them.
  CHECK(store.create(make_pod("mine")).value()->metadata.resourceVersion == 13);
  loop.run_until(Time{});
  CHECK(seen == std::vector<std::string>{"ADDED outside 7", "MODIFIED outside 9", "DELETED outside 12",
                                         "ADDED mine 13"});
}

TEST_CASE("replace makes the store hold a re-list, with events in resourceVersion order", "[store][journal]") {
  EventLoop loop(Time{});
  MemoryStore store(loop, Rng(1, "store"));
  auto kept = store.create(make_pod("kept", "n1")).value();       // 1
  auto changed = store.create(make_pod("changed", "n1")).value();  // 2
  store.create(make_pod("gone", "n1"));                            // 3
  loop.run_until(Time{});
  std::vector<std::string> seen;
  store.watch(Kind::kPod, [&](const WatchEvent& e) {
    seen.push_back(std::string(watch_event_name(e.type)) + " " + e.object->metadata.name + " " +
                   std::to_string(e.object->metadata.resourceVersion));
  });
  auto newer = mutable_copy(*as<Pod>(changed));
  newer->spec.nodeName = "n2";
  newer->metadata.resourceVersion = 9;
  auto added = make_pod("added", "n2");
  added->metadata.namespace_ = "default";
  added->metadata.resourceVersion = 6;
  store.replace(PersistedState{{added, kept, newer}, 11});
  CHECK(store.find(Kind::kPod, "default", "kept") == kept);  // untouched, the same object
  CHECK(store.find(Kind::kPod, "default", "changed") == newer);
  CHECK_FALSE(store.find(Kind::kPod, "default", "gone"));
  CHECK(store.list_pods_on_node("n2").size() == 2);
  CHECK(store.resource_version() == 11);
  loop.run_until(Time{});
  CHECK(seen == std::vector<std::string>{"ADDED added 6", "MODIFIED changed 9", "DELETED gone 11"});
}
