#include "realnet/runtime/oci_import.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "realnet/runtime/process_runtime.h"
#include "realnet/runtime/runtime_test_harness.h"
#include "realnet/runtime/subprocess.h"

using namespace ktwin;
using realnet::ImageStore;
using realnet::StoredImage;
using realnet::testing::Loop;
using realnet::testing::TempDir;
namespace fs = std::filesystem;

namespace {

fs::path make_test_image(const fs::path& dir, const std::string& ref = "") {
  fs::path out = dir / "image.tar";
  std::vector<std::string> args = {"bash", KTWIN_TEST_IMAGE_SCRIPT, out.string()};
  if (!ref.empty()) args.push_back(ref);
  auto r = realnet::run_process(args);
  REQUIRE(r.is_ok());
  return out;
}

}  // namespace

TEST_CASE("normalize_image_ref follows docker's reference rules", "[image_store]") {
  CHECK(realnet::normalize_image_ref("busybox") == "docker.io/library/busybox:latest");
  CHECK(realnet::normalize_image_ref("ktwin/busybox:1") == "docker.io/ktwin/busybox:1");
  CHECK(realnet::normalize_image_ref("localhost:5000/app") == "localhost:5000/app:latest");
  CHECK(realnet::normalize_image_ref("quay.io/a/b@sha256:00") == "quay.io/a/b@sha256:00");
}

TEST_CASE("image import round trip of the busybox test image", "[oci_import]") {
  TempDir dir;
  fs::path tar = make_test_image(dir.path);
  ImageStore store(dir.path / "images");
  auto imported = realnet::import_oci_archive(tar, store);
  REQUIRE(imported.is_ok());
  REQUIRE(imported.value().size() == 1);
  const StoredImage& image = imported.value()[0];
  CHECK(image.name == "docker.io/library/busybox:latest");
  CHECK(image.imageConfig.cmd == std::vector<std::string>{"sh"});
  REQUIRE(image.layers.size() == 1);
  CHECK(image.layers[0].mediaType == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(image.size() == image.config.size + image.layers[0].size);
  fs::path rootfs = store.rootfs_path(image);
  CHECK(fs::is_regular_file(rootfs / "bin/busybox"));
  CHECK(fs::read_symlink(rootfs / "bin/sh") == "/bin/busybox");
  CHECK_FALSE(fs::exists(store.dir() / "tmp" / "import"));

  // Every spelling finds it; importing again keeps one image of that name.
  CHECK(store.get("busybox").is_ok());
  CHECK(store.get("busybox:latest")->manifest.digest == image.manifest.digest);
  REQUIRE(realnet::import_oci_archive(tar, store).is_ok());
  CHECK(store.list().size() == 1);
  CHECK(store.get("nginx").status().is_not_found());

  // The runtime lists it as the node's image (node.status.images).
  Loop loop;
  realnet::ProcessRuntime runtime(loop.executor, {dir.path / "state", dir.path / "images"});
  auto images = loop.await<std::vector<core::ImageInfo>>([&](auto done) { runtime.list_images(done); });
  REQUIRE(images.is_ok());
  REQUIRE(images.value().size() == 1);
  CHECK(images.value()[0].repoTags == std::vector<std::string>{"docker.io/library/busybox:latest"});
  CHECK(images.value()[0].size == image.size());
}

TEST_CASE("image import names the image after NAME:TAG and rejects bad archives", "[oci_import]") {
  TempDir dir;
  ImageStore store(dir.path / "images");
  fs::path tar = make_test_image(dir.path, "ktwin/busybox:test");
  auto imported = realnet::import_oci_archive(tar, store);
  REQUIRE(imported.is_ok());
  CHECK(imported.value()[0].name == "docker.io/ktwin/busybox:test");

  auto missing = realnet::import_oci_archive(dir.path / "nope.tar", store);
  CHECK(missing.status().is_not_found());

  fs::path junk = dir.path / "junk.tar";
  std::ofstream(junk) << "not a tarball";
  auto bad = realnet::import_oci_archive(junk, store);
  CHECK_FALSE(bad.is_ok());
  CHECK(bad.status().message().find("not a tar archive") != std::string::npos);

  // A blob whose bytes do not match its digest is refused and names the digest.
  fs::path unpacked = dir.path / "unpacked";
  fs::create_directories(unpacked);
  REQUIRE(realnet::run_process({"tar", "-xf", tar.string(), "-C", unpacked.string()}).is_ok());
  std::string config_digest = imported.value()[0].config.digest;
  fs::path config_blob = unpacked / "blobs/sha256" / config_digest.substr(7);
  std::ofstream(config_blob, std::ios::app) << " ";
  fs::path tampered = dir.path / "tampered.tar";
  REQUIRE(realnet::run_process({"tar", "-cf", tampered.string(), "-C", unpacked.string(), "oci-layout", "index.json", "blobs"})
              .is_ok());
  ImageStore fresh(dir.path / "fresh");
  auto refused = realnet::import_oci_archive(tampered, fresh);
  REQUIRE_FALSE(refused.is_ok());
  CHECK(refused.status().message().find(config_digest) != std::string::npos);
  CHECK(fresh.list().empty());
}

TEST_CASE("ProcessRuntime runs the image's Cmd, chrooted into its rootfs as root", "[oci_import][process_runtime]") {
  TempDir dir;
  ImageStore store(dir.path / "images");
  REQUIRE(realnet::import_oci_archive(make_test_image(dir.path), store).is_ok());
  Loop loop;
  realnet::ProcessRuntime runtime(loop.executor, {dir.path / "state", dir.path / "images"});
  std::vector<core::ContainerEvent> died;
  runtime.set_event_handler([&](const core::ContainerEvent& e) {
    if (e.type == core::ContainerEvent::Type::kDied) died.push_back(e);
  });
  auto sb = loop.await<std::string>([&](auto done) { runtime.run_pod_sandbox({"u1", "bb", "default", 0, ""}, done); });
  REQUIRE(sb.is_ok());
  auto run = [&](const std::string& name, std::vector<std::string> command) {
    core::ContainerConfig config;
    config.name = name;
    config.image = "busybox";
    config.command = std::move(command);
    auto id = loop.await<std::string>([&](auto done) { runtime.create_container(sb.value(), config, done); });
    REQUIRE(id.is_ok());
    REQUIRE(loop.await_status([&](auto done) { runtime.start_container(id.value(), done); }).is_ok());
    size_t before = died.size();
    REQUIRE(loop.run_until([&] { return died.size() > before; }));
    CHECK(died.back().container.imageRef.rfind("sha256:", 0) == 0);
    return died.back().container.exitCode;
  };
  // The image's Cmd ["sh"] with stdin at /dev/null: reads EOF and exits 0.
  CHECK(run("default-cmd", {}) == 0);
  if (geteuid() == 0) {
    // Inside the rootfs only busybox's tree exists: this test's own directory does not.
    std::string probe = "test -x /bin/busybox && test ! -e " + dir.path.string() + " && exit 5";
    CHECK(run("chrooted", {"sh", "-c", probe}) == 5);
  } else {
    WARN("not root: the chroot into the image's rootfs is not tested");
  }
}

TEST_CASE("unpack_layers applies whiteouts and opaque directories of upper layers", "[oci_import]") {
  TempDir dir;
  ImageStore store(dir.path / "images");
  auto layer = [&](const std::string& name, const std::vector<std::string>& files) {
    fs::path root = dir.path / name;
    for (const auto& f : files) {
      fs::create_directories((root / f).parent_path());
      std::ofstream(root / f) << name;
    }
    fs::path tar = dir.path / (name + ".tar.gz");
    REQUIRE(realnet::run_process({"tar", "-czf", tar.string(), "-C", root.string(), "."}).is_ok());
    auto digest = realnet::sha256_file(tar);
    REQUIRE(store.add_blob(tar, digest.value()).is_ok());
    return realnet::OciDescriptor{"application/vnd.oci.image.layer.v1.tar+gzip", digest.value(), 0};
  };
  StoredImage image;
  image.layers.push_back(layer("lower", {"a/x", "a/y", "b", "c/keep"}));
  image.layers.push_back(layer("upper", {"a/.wh..wh..opq", "a/z", ".wh.b", "c/.wh.gone"}));
  fs::path out = dir.path / "rootfs";
  REQUIRE(realnet::unpack_layers(store, image, out).is_ok());
  CHECK(fs::exists(out / "a/z"));
  CHECK_FALSE(fs::exists(out / "a/x"));
  CHECK_FALSE(fs::exists(out / "a/y"));
  CHECK_FALSE(fs::exists(out / "a/.wh..wh..opq"));
  CHECK_FALSE(fs::exists(out / "b"));
  CHECK_FALSE(fs::exists(out / ".wh.b"));
  CHECK(fs::exists(out / "c/keep"));
  CHECK_FALSE(fs::exists(out / "c/.wh.gone"));
}
