#include "realnet/runtime/containerd_client.h"

#include <grpcpp/grpcpp.h>
#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <random>

#include "github.com/containerd/containerd/api/events/task.pb.h"
#include "github.com/containerd/containerd/api/services/containers/v1/containers.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/content/v1/content.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/diff/v1/diff.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/events/v1/events.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/images/v1/images.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/leases/v1/leases.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/snapshots/v1/snapshots.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/tasks/v1/tasks.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/version/v1/version.grpc.pb.h"

namespace ktwin::realnet {

namespace cd = ::containerd;
using core::Result;
using core::Status;

namespace {

constexpr const char* kSpecTypeUrl = "types.containerd.io/opencontainers/runtime-spec/1/Spec";
constexpr const char* kRuncV2 = "io.containerd.runc.v2";

Status to_status(const grpc::Status& s, const std::string& what) {
  std::string msg = what + ": " + s.error_message();
  switch (s.error_code()) {
    case grpc::StatusCode::OK: return Status::ok();
    case grpc::StatusCode::NOT_FOUND: return Status::not_found(msg);
    case grpc::StatusCode::ALREADY_EXISTS: return Status::already_exists(msg);
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED: return Status::unavailable(msg);
    case grpc::StatusCode::FAILED_PRECONDITION: return Status::conflict(msg);
    default: return Status::invalid(msg);
  }
}

core::Time to_time(const google::protobuf::Timestamp& t) {
  return core::Time(std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos()));
}

std::string random_hex(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string out;
  while (out.size() < n) out += kHex[rng() & 15];
  return out;
}

std::string sha256_text(const std::string& text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

void set_descriptor(cd::types::Descriptor* d, const OciDescriptor& from) {
  d->set_media_type(from.mediaType);
  d->set_digest(from.digest);
  d->set_size(from.size);
}

}  // namespace

ContainerdClient::ContainerdClient(std::string address, std::string ns, std::string snapshotter)
    : ns_(std::move(ns)), snapshotter_(std::move(snapshotter)) {
  if (address.rfind("unix:", 0) != 0) address = "unix://" + address;
  channel_ = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

ContainerdClient::~ContainerdClient() = default;

std::unique_ptr<grpc::ClientContext> ContainerdClient::context(int timeout_seconds, const std::string& lease) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("containerd-namespace", ns_);
  if (!lease.empty()) ctx->AddMetadata("containerd-lease", lease);
  if (timeout_seconds > 0) ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_seconds));
  return ctx;
}

Result<std::string> ContainerdClient::version() {
  auto stub = cd::services::version::v1::Version::NewStub(channel_);
  auto ctx = context(10);
  google::protobuf::Empty req;
  cd::services::version::v1::VersionResponse resp;
  grpc::Status s = stub->Version(ctx.get(), req, &resp);
  if (!s.ok()) return to_status(s, "containerd version");
  return resp.version();
}

std::string ContainerdClient::chain_id(const std::vector<std::string>& diff_ids) {
  // image-spec config.md: ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).
  std::string chain;
  for (const auto& d : diff_ids) chain = chain.empty() ? d : sha256_text(chain + " " + d);
  return chain;
}

Status ContainerdClient::write_blob(const ImageStore& store, const OciDescriptor& blob,
                                    const std::map<std::string, std::string>& labels, const std::string& lease) {
  auto stub = cd::services::content::v1::Content::NewStub(channel_);
  {
    auto ctx = context(30, lease);
    cd::services::content::v1::InfoRequest req;
    req.set_digest(blob.digest);
    cd::services::content::v1::InfoResponse resp;
    grpc::Status s = stub->Info(ctx.get(), req, &resp);
    if (s.ok()) {  // already there: make sure it carries our gc references
      if (labels.empty()) return Status::ok();
      auto uctx = context(30, lease);
      cd::services::content::v1::UpdateRequest ureq;
      ureq.mutable_info()->set_digest(blob.digest);
      for (const auto& [k, v] : labels) {
        (*ureq.mutable_info()->mutable_labels())[k] = v;
        ureq.mutable_update_mask()->add_paths("labels." + k);
      }
      cd::services::content::v1::UpdateResponse uresp;
      return to_status(stub->Update(uctx.get(), ureq, &uresp), "content update " + blob.digest);
    }
    if (s.error_code() != grpc::StatusCode::NOT_FOUND) return to_status(s, "content info " + blob.digest);
  }
  std::ifstream in(store.blob_path(blob.digest), std::ios::binary);
  if (!in) return Status::not_found("blob " + blob.digest + " is not in the local image store");
  auto ctx = context(300, lease);
  auto stream = stub->Write(ctx.get());
  std::string ref = "ktwin-import-" + blob.digest.substr(7);
  std::vector<char> buf(1 << 20);
  int64_t offset = 0;
  cd::services::content::v1::WriteContentResponse resp;
  while (true) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::streamsize n = in.gcount();
    bool last = !in || offset + n >= blob.size;
    cd::services::content::v1::WriteContentRequest req;
    req.set_action(last ? cd::services::content::v1::COMMIT : cd::services::content::v1::WRITE);
    req.set_ref(ref);
    req.set_total(blob.size);
    req.set_expected(blob.digest);
    req.set_offset(offset);
    req.set_data(buf.data(), static_cast<size_t>(n));
    if (last)
      for (const auto& [k, v] : labels) (*req.mutable_labels())[k] = v;
    if (!stream->Write(req) || !stream->Read(&resp)) break;
    offset += n;
    if (last) break;
  }
  stream->WritesDone();
  // containerd's server sends the commit's reply twice (contentserver.go: a deferred Send); gRPC's
  // Finish waits until every message has been read.
  while (stream->Read(&resp)) {
  }
  grpc::Status s = stream->Finish();
  if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) return Status::ok();
  if (!s.ok()) return to_status(s, "content write " + blob.digest);
  if (offset != blob.size) return Status::invalid("content write " + blob.digest + ": wrote " + std::to_string(offset) +
                                                  " of " + std::to_string(blob.size) + " bytes");
  return Status::ok();
}

Status ContainerdClient::unpack(const StoredImage& image, const std::string& lease) {
  auto snapshots = cd::services::snapshots::v1::Snapshots::NewStub(channel_);
  auto diff = cd::services::diff::v1::Diff::NewStub(channel_);
  std::vector<std::string> chain;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    chain.push_back(image.diffIds[i]);
    std::string name = chain_id(chain);
    std::string parent = i == 0 ? "" : chain_id(std::vector<std::string>(chain.begin(), chain.end() - 1));
    {
      auto ctx = context(30, lease);
      cd::services::snapshots::v1::StatSnapshotRequest req;
      req.set_snapshotter(snapshotter_);
      req.set_key(name);
      cd::services::snapshots::v1::StatSnapshotResponse resp;
      grpc::Status s = snapshots->Stat(ctx.get(), req, &resp);
      if (s.ok()) continue;
      if (s.error_code() != grpc::StatusCode::NOT_FOUND) return to_status(s, "snapshot stat " + name);
    }
    std::string key = "extract-" + random_hex(12) + " " + name;  // containerd's unpacker names them so
    cd::services::snapshots::v1::PrepareSnapshotResponse prepared;
    {
      auto ctx = context(60, lease);
      cd::services::snapshots::v1::PrepareSnapshotRequest req;
      req.set_snapshotter(snapshotter_);
      req.set_key(key);
      req.set_parent(parent);
      grpc::Status s = snapshots->Prepare(ctx.get(), req, &prepared);
      if (!s.ok()) return to_status(s, "snapshot prepare " + key);
    }
    {
      auto ctx = context(300, lease);
      cd::services::diff::v1::ApplyRequest req;
      set_descriptor(req.mutable_diff(), image.layers[i]);
      *req.mutable_mounts() = prepared.mounts();
      cd::services::diff::v1::ApplyResponse resp;
      grpc::Status s = diff->Apply(ctx.get(), req, &resp);
      if (!s.ok()) return to_status(s, "diff apply " + image.layers[i].digest);
      if (resp.applied().digest() != image.diffIds[i])
        return Status::invalid("layer " + image.layers[i].digest + " applied as " + resp.applied().digest() +
                               ", the config says " + image.diffIds[i]);
    }
    {
      auto ctx = context(60, lease);
      cd::services::snapshots::v1::CommitSnapshotRequest req;
      req.set_snapshotter(snapshotter_);
      req.set_name(name);
      req.set_key(key);
      google::protobuf::Empty resp;
      grpc::Status s = snapshots->Commit(ctx.get(), req, &resp);
      if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {  // unpacked meanwhile by someone else
        auto rctx = context(30, lease);
        cd::services::snapshots::v1::RemoveSnapshotRequest rreq;
        rreq.set_snapshotter(snapshotter_);
        rreq.set_key(key);
        snapshots->Remove(rctx.get(), rreq, &resp);
      } else if (!s.ok()) {
        return to_status(s, "snapshot commit " + name);
      }
    }
  }
  return Status::ok();
}

Result<std::string> ContainerdClient::create_lease(const std::string& prefix) {
  auto leases = cd::services::leases::v1::Leases::NewStub(channel_);
  std::string lease = prefix + random_hex(16);
  auto ctx = context(30);
  cd::services::leases::v1::CreateRequest req;
  req.set_id(lease);
  auto expire = std::chrono::system_clock::now() + std::chrono::hours(1);
  (*req.mutable_labels())["containerd.io/gc.expire"] =
      core::format_rfc3339(std::chrono::time_point_cast<core::Duration>(expire));
  cd::services::leases::v1::CreateResponse resp;
  grpc::Status s = leases->Create(ctx.get(), req, &resp);
  if (!s.ok()) return to_status(s, "lease create");
  return lease;
}

void ContainerdClient::delete_lease(const std::string& lease) {
  auto leases = cd::services::leases::v1::Leases::NewStub(channel_);
  auto ctx = context(30);
  cd::services::leases::v1::DeleteRequest req;
  req.set_id(lease);
  google::protobuf::Empty resp;
  leases->Delete(ctx.get(), req, &resp);
}

Status ContainerdClient::import_image(const ImageStore& store, const StoredImage& image) {
  if (image.diffIds.size() != image.layers.size()) return Status::invalid(image.name + ": diff_ids do not match layers");
  // A lease protects what is written until the labels reference it (containerd's garbage collector).
  Result<std::string> leased = create_lease("ktwin-import-");
  if (!leased.is_ok()) return leased.status();
  std::string lease = leased.value();
  auto finish = [&](Status st) {
    delete_lease(lease);
    return st;
  };
  // containerd metadata/gc.go: content references children through gc.ref labels.
  std::string top = chain_id(image.diffIds);
  Status s;
  for (const auto& layer : image.layers)
    if (!(s = write_blob(store, layer, {}, lease)).is_ok()) return finish(s);
  if (!(s = write_blob(store, image.config, {{"containerd.io/gc.ref.snapshot." + snapshotter_, top}}, lease)).is_ok())
    return finish(s);
  std::map<std::string, std::string> manifest_labels = {{"containerd.io/gc.ref.content.config", image.config.digest}};
  for (size_t i = 0; i < image.layers.size(); ++i)
    manifest_labels["containerd.io/gc.ref.content.l." + std::to_string(i)] = image.layers[i].digest;
  if (!(s = write_blob(store, image.manifest, manifest_labels, lease)).is_ok()) return finish(s);
  if (!(s = unpack(image, lease)).is_ok()) return finish(s);

  auto images = cd::services::images::v1::Images::NewStub(channel_);
  auto ctx = context(30, lease);
  cd::services::images::v1::CreateImageRequest req;
  req.mutable_image()->set_name(image.name);
  set_descriptor(req.mutable_image()->mutable_target(), image.manifest);
  cd::services::images::v1::CreateImageResponse resp;
  grpc::Status gs = images->Create(ctx.get(), req, &resp);
  if (gs.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    auto uctx = context(30, lease);
    cd::services::images::v1::UpdateImageRequest ureq;
    *ureq.mutable_image() = req.image();
    cd::services::images::v1::UpdateImageResponse uresp;
    gs = images->Update(uctx.get(), ureq, &uresp);
  }
  return finish(to_status(gs, "image " + image.name));
}

Status ContainerdClient::create_container(const std::string& id, const StoredImage& image, const std::string& spec_json,
                                          const std::map<std::string, std::string>& labels) {
  // Under a lease, as containerd's own client: a garbage collection between Prepare and Create would
  // otherwise take the snapshot no container references yet.
  Result<std::string> leased = create_lease("ktwin-create-");
  if (!leased.is_ok()) return leased.status();
  Status s = create_container_leased(id, image, spec_json, labels, leased.value());
  delete_lease(leased.value());
  return s;
}

Status ContainerdClient::create_container_leased(const std::string& id, const StoredImage& image,
                                                 const std::string& spec_json,
                                                 const std::map<std::string, std::string>& labels,
                                                 const std::string& lease) {
  auto snapshots = cd::services::snapshots::v1::Snapshots::NewStub(channel_);
  {
    auto ctx = context(60, lease);
    cd::services::snapshots::v1::PrepareSnapshotRequest req;
    req.set_snapshotter(snapshotter_);
    req.set_key(id);
    req.set_parent(chain_id(image.diffIds));
    cd::services::snapshots::v1::PrepareSnapshotResponse resp;
    grpc::Status s = snapshots->Prepare(ctx.get(), req, &resp);
    if (!s.ok()) return to_status(s, "snapshot prepare " + id);
  }
  auto containers = cd::services::containers::v1::Containers::NewStub(channel_);
  auto ctx = context(30, lease);
  cd::services::containers::v1::CreateContainerRequest req;
  auto* c = req.mutable_container();
  c->set_id(id);
  c->set_image(image.name);
  for (const auto& [k, v] : labels) (*c->mutable_labels())[k] = v;
  c->mutable_runtime()->set_name(kRuncV2);
  c->mutable_spec()->set_type_url(kSpecTypeUrl);
  c->mutable_spec()->set_value(spec_json);
  c->set_snapshotter(snapshotter_);
  c->set_snapshot_key(id);
  cd::services::containers::v1::CreateContainerResponse resp;
  grpc::Status s = containers->Create(ctx.get(), req, &resp);
  if (!s.ok()) {
    auto rctx = context(30);
    cd::services::snapshots::v1::RemoveSnapshotRequest rreq;
    rreq.set_snapshotter(snapshotter_);
    rreq.set_key(id);
    google::protobuf::Empty empty;
    snapshots->Remove(rctx.get(), rreq, &empty);
    return to_status(s, "container create " + id);
  }
  return Status::ok();
}

Result<uint32_t> ContainerdClient::start_task(const std::string& id, const std::string& log_path) {
  cd::services::snapshots::v1::MountsResponse mounts;
  {
    auto snapshots = cd::services::snapshots::v1::Snapshots::NewStub(channel_);
    auto ctx = context(30);
    cd::services::snapshots::v1::MountsRequest req;
    req.set_snapshotter(snapshotter_);
    req.set_key(id);
    grpc::Status s = snapshots->Mounts(ctx.get(), req, &mounts);
    if (!s.ok()) return to_status(s, "snapshot mounts " + id);
  }
  auto tasks = cd::services::tasks::v1::Tasks::NewStub(channel_);
  {
    auto ctx = context(60);
    cd::services::tasks::v1::CreateTaskRequest req;
    req.set_container_id(id);
    *req.mutable_rootfs() = mounts.mounts();
    // containerd pkg/process/io.go: a file:// URI makes the shim append both streams to the file.
    req.set_stdout("file://" + log_path);
    req.set_stderr("file://" + log_path);
    cd::services::tasks::v1::CreateTaskResponse resp;
    grpc::Status s = tasks->Create(ctx.get(), req, &resp);
    if (!s.ok()) return to_status(s, "task create " + id);
  }
  auto ctx = context(60);
  cd::services::tasks::v1::StartRequest req;
  req.set_container_id(id);
  cd::services::tasks::v1::StartResponse resp;
  grpc::Status s = tasks->Start(ctx.get(), req, &resp);
  if (!s.ok()) return to_status(s, "task start " + id);
  return resp.pid();
}

Status ContainerdClient::kill(const std::string& id, int signal, bool all) {
  auto tasks = cd::services::tasks::v1::Tasks::NewStub(channel_);
  auto ctx = context(30);
  cd::services::tasks::v1::KillRequest req;
  req.set_container_id(id);
  req.set_signal(static_cast<uint32_t>(signal));
  req.set_all(all);
  google::protobuf::Empty resp;
  return to_status(tasks->Kill(ctx.get(), req, &resp), "task kill " + id);
}

Result<TaskExit> ContainerdClient::delete_task(const std::string& id) {
  auto tasks = cd::services::tasks::v1::Tasks::NewStub(channel_);
  auto ctx = context(60);
  cd::services::tasks::v1::DeleteTaskRequest req;
  req.set_container_id(id);
  cd::services::tasks::v1::DeleteResponse resp;
  grpc::Status s = tasks->Delete(ctx.get(), req, &resp);
  if (!s.ok()) return to_status(s, "task delete " + id);
  return TaskExit{id, resp.pid(), static_cast<int32_t>(resp.exit_status()), to_time(resp.exited_at())};
}

Status ContainerdClient::delete_container(const std::string& id) {
  auto containers = cd::services::containers::v1::Containers::NewStub(channel_);
  {
    auto ctx = context(30);
    cd::services::containers::v1::DeleteContainerRequest req;
    req.set_id(id);
    google::protobuf::Empty resp;
    grpc::Status s = containers->Delete(ctx.get(), req, &resp);
    if (!s.ok() && s.error_code() != grpc::StatusCode::NOT_FOUND) return to_status(s, "container delete " + id);
  }
  auto snapshots = cd::services::snapshots::v1::Snapshots::NewStub(channel_);
  auto ctx = context(60);
  cd::services::snapshots::v1::RemoveSnapshotRequest req;
  req.set_snapshotter(snapshotter_);
  req.set_key(id);
  google::protobuf::Empty resp;
  grpc::Status s = snapshots->Remove(ctx.get(), req, &resp);
  if (!s.ok() && s.error_code() != grpc::StatusCode::NOT_FOUND) return to_status(s, "snapshot remove " + id);
  return Status::ok();
}

Result<std::vector<TaskState>> ContainerdClient::list_tasks() {
  auto tasks = cd::services::tasks::v1::Tasks::NewStub(channel_);
  auto ctx = context(30);
  cd::services::tasks::v1::ListTasksRequest req;
  cd::services::tasks::v1::ListTasksResponse resp;
  grpc::Status s = tasks->List(ctx.get(), req, &resp);
  if (!s.ok()) return to_status(s, "task list");
  std::vector<TaskState> out;
  for (const auto& p : resp.tasks()) {
    TaskState t;
    t.containerId = p.container_id().empty() ? p.id() : p.container_id();  // List fills only id (services/tasks/local.go)
    t.pid = p.pid();
    switch (p.status()) {
      case cd::v1::types::CREATED: t.status = TaskState::Status::kCreated; break;
      case cd::v1::types::RUNNING: t.status = TaskState::Status::kRunning; break;
      case cd::v1::types::STOPPED: t.status = TaskState::Status::kStopped; break;
      case cd::v1::types::PAUSED:
      case cd::v1::types::PAUSING: t.status = TaskState::Status::kPaused; break;
      default: t.status = TaskState::Status::kUnknown;
    }
    t.exitStatus = static_cast<int32_t>(p.exit_status());
    t.exitedAt = to_time(p.exited_at());
    out.push_back(t);
  }
  return out;
}

Result<std::vector<ContainerRecord>> ContainerdClient::list_containers() {
  auto containers = cd::services::containers::v1::Containers::NewStub(channel_);
  auto ctx = context(30);
  cd::services::containers::v1::ListContainersRequest req;
  cd::services::containers::v1::ListContainersResponse resp;
  grpc::Status s = containers->List(ctx.get(), req, &resp);
  if (!s.ok()) return to_status(s, "container list");
  std::vector<ContainerRecord> out;
  for (const auto& c : resp.containers()) {
    ContainerRecord r{c.id(), c.image(), c.snapshot_key(), {}};
    for (const auto& [k, v] : c.labels()) r.labels[k] = v;
    out.push_back(std::move(r));
  }
  return out;
}

constexpr const char* kProbeTopic = "/ktwin/probe";

Status ContainerdClient::publish_probe() {
  auto events = cd::services::events::v1::Events::NewStub(channel_);
  auto ctx = context(10);
  cd::services::events::v1::PublishRequest req;
  req.set_topic(kProbeTopic);
  req.mutable_event()->set_type_url("types.googleapis.com/google.protobuf.Empty");
  google::protobuf::Empty resp;
  return to_status(events->Publish(ctx.get(), req, &resp), "events publish");
}

Status ContainerdClient::watch_exits(const std::function<void(const TaskExit&)>& on_exit,
                                     const std::function<void()>& on_probe) {
  auto events = cd::services::events::v1::Events::NewStub(channel_);
  auto ctx = context(0);
  {
    std::lock_guard<std::mutex> lock(watch_mu_);
    if (watch_cancelled_) return Status::ok();
    watch_ = ctx.get();
  }
  cd::services::events::v1::SubscribeRequest req;
  req.add_filters("topic==\"/tasks/exit\",namespace==\"" + ns_ + "\"");  // filters are or'ed
  req.add_filters("topic==\"" + std::string(kProbeTopic) + "\",namespace==\"" + ns_ + "\"");
  auto reader = events->Subscribe(ctx.get(), req);
  cd::services::events::v1::Envelope envelope;
  while (reader->Read(&envelope)) {
    if (envelope.namespace_() != ns_) continue;
    if (envelope.topic() == kProbeTopic) {
      on_probe();
      continue;
    }
    if (envelope.topic() != "/tasks/exit") continue;
    cd::events::TaskExit e;
    // The Any's type URL is containerd's "containerd.events.TaskExit", which Any::UnpackTo rejects.
    if (!e.ParseFromString(envelope.event().value())) continue;
    if (e.id() != e.container_id()) continue;  // an exec'd process, not the container's init
    on_exit(TaskExit{e.container_id(), e.pid(), static_cast<int32_t>(e.exit_status()), to_time(e.exited_at())});
  }
  grpc::Status s = reader->Finish();
  std::lock_guard<std::mutex> lock(watch_mu_);
  watch_ = nullptr;
  if (watch_cancelled_) return Status::ok();
  return to_status(s, "events subscribe");
}

void ContainerdClient::cancel_exit_watch() {
  std::lock_guard<std::mutex> lock(watch_mu_);
  watch_cancelled_ = true;
  if (watch_) watch_->TryCancel();
}

}  // namespace ktwin::realnet
