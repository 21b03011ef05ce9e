#include "realnet/runtime/oci_import.h"

#include <unistd.h>

#include <fstream>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "realnet/runtime/subprocess.h"

namespace ktwin::realnet {

namespace fs = std::filesystem;
using core::Result;
using core::Status;
using nlohmann::json;

namespace {

constexpr const char* kRefName = "org.opencontainers.image.ref.name";
constexpr const char* kContainerdName = "io.containerd.image.name";

bool is_index(const std::string& media_type) {
  return media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
}
bool is_gzip_layer(const std::string& media_type) {
  return media_type == "application/vnd.oci.image.layer.v1.tar+gzip" ||
         media_type == "application/vnd.docker.image.rootfs.diff.tar.gzip";
}
bool is_tar_layer(const std::string& media_type) { return media_type == "application/vnd.oci.image.layer.v1.tar"; }

// A directory removed when it goes out of scope.
struct ScratchDir {
  fs::path path;
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

Result<json> read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return Status::invalid("missing " + file.filename().string());
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::invalid(file.filename().string() + ": not a JSON object");
  return j;
}

fs::path layout_blob(const fs::path& layout, const std::string& digest) {
  size_t colon = digest.find(':');
  if (colon == std::string::npos || digest.find('/') != std::string::npos || digest.find("..") != std::string::npos)
    return layout / "blobs" / "invalid-digest";
  return layout / "blobs" / digest.substr(0, colon) / digest.substr(colon + 1);
}

OciDescriptor descriptor(const json& j) {
  return OciDescriptor{j.value("mediaType", ""), j.value("digest", ""), j.value("size", int64_t{0})};
}

// The manifest an index.json entry means: itself, or an image index's linux/amd64 member.
Result<OciDescriptor> resolve_manifest(const fs::path& layout, OciDescriptor d, int depth = 0) {
  if (!is_index(d.mediaType)) return d;
  if (depth > 4) return Status::invalid("image indexes nested too deep");
  Result<json> index = read_json(layout_blob(layout, d.digest));
  if (!index.is_ok()) return Status::invalid("blob " + d.digest + " (an image index) is missing");
  std::optional<OciDescriptor> chosen;
  for (const auto& m : index.value().value("manifests", json::array())) {
    const json platform = m.value("platform", json::object());
    if (platform.value("os", "linux") == "linux" && platform.value("architecture", "amd64") == "amd64") {
      chosen = descriptor(m);
      break;
    }
  }
  if (!chosen) return Status::invalid("image index " + d.digest + " has no linux/amd64 manifest");
  return resolve_manifest(layout, *chosen, depth + 1);
}

Status import_manifest(const fs::path& layout, ImageStore& store, const std::string& name, const OciDescriptor& manifest,
                       std::vector<StoredImage>& out) {
  Status s = store.add_blob(layout_blob(layout, manifest.digest), manifest.digest);
  if (!s.is_ok()) return s;
  Result<json> m = read_json(layout_blob(layout, manifest.digest));
  if (!m.is_ok()) return m.status();
  if (!m.value().contains("config")) return Status::invalid("manifest " + manifest.digest + " has no config");
  OciDescriptor config = descriptor(m.value()["config"]);
  s = store.add_blob(layout_blob(layout, config.digest), config.digest);
  if (!s.is_ok()) return s;
  std::vector<OciDescriptor> layers;
  for (const auto& l : m.value().value("layers", json::array())) layers.push_back(descriptor(l));
  for (const auto& l : layers) {
    if (!is_gzip_layer(l.mediaType) && !is_tar_layer(l.mediaType))
      return Status::invalid("layer " + l.digest + ": unsupported media type \"" + l.mediaType + "\"");
    s = store.add_blob(layout_blob(layout, l.digest), l.digest);
    if (!s.is_ok()) return s;
  }
  // Checked and unpacked before it is named, so a bad archive leaves no broken image behind.
  Result<json> config_json = read_json(store.blob_path(config.digest));
  if (!config_json.is_ok()) return config_json.status();
  StoredImage image;
  image.manifest = manifest;
  image.config = config;
  image.layers = layers;
  for (const auto& d : config_json.value().value("rootfs", json::object()).value("diff_ids", json::array()))
    if (d.is_string()) image.diffIds.push_back(d.get<std::string>());
  if (image.diffIds.size() != layers.size())
    return Status::invalid(name + ": the config lists " + std::to_string(image.diffIds.size()) + " diff_ids for " +
                           std::to_string(layers.size()) + " layers");
  for (size_t i = 0; i < layers.size(); ++i) {
    Result<std::string> diff_id = is_gzip_layer(layers[i].mediaType) ? sha256_gunzip_file(store.blob_path(layers[i].digest))
                                                                       : sha256_file(store.blob_path(layers[i].digest));
    if (!diff_id.is_ok()) return diff_id.status();
    if (diff_id.value() != image.diffIds[i])
      return Status::invalid("layer " + layers[i].digest + " unpacks to " + diff_id.value() + ", the config says " +
                             image.diffIds[i]);
  }
  fs::path rootfs = store.rootfs_path(image);
  if (!fs::exists(rootfs)) {
    fs::path tmp = rootfs;
    tmp += ".tmp";
    std::error_code ec;
    fs::remove_all(tmp, ec);
    s = unpack_layers(store, image, tmp);
    if (s.is_ok()) fs::rename(tmp, rootfs, ec);
    if (!s.is_ok() || ec) {
      fs::remove_all(tmp, ec);
      return s.is_ok() ? Status::unavailable("cannot move the rootfs into place: " + ec.message()) : s;
    }
  }
  s = store.tag(name, manifest);
  if (!s.is_ok()) return s;
  Result<StoredImage> stored = store.get(name);
  if (!stored.is_ok()) return stored.status();
  out.push_back(std::move(stored).value());
  return Status::ok();
}

}  // namespace

Status unpack_layers(const ImageStore& store, const StoredImage& image, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::unavailable("cannot create " + dir.string() + ": " + ec.message());
  bool root = geteuid() == 0;
  for (const auto& layer : image.layers) {
    std::string blob = store.blob_path(layer.digest).string();
    std::string z = is_gzip_layer(layer.mediaType) ? "z" : "";
    // Whiteouts (image-spec layer.md) hide what lower layers put there: apply them first, so this
    // layer's own files in an opaque directory survive, then drop the markers.
    Result<std::string> members = run_process({"tar", "-t" + z + "f", blob});
    if (!members.is_ok()) return members.status();
    std::vector<fs::path> markers;
    std::istringstream lines(members.value());
    for (std::string member; std::getline(lines, member);) {
      fs::path p = fs::path(member).lexically_normal();
      std::string base = p.filename().string();
      if (base.rfind(".wh.", 0) != 0) continue;
      if (p.is_absolute() || *p.begin() == "..") return Status::invalid("layer " + layer.digest + ": bad path " + member);
      markers.push_back(dir / p);
      fs::path parent = dir / p.parent_path();
      if (base == ".wh..wh..opq") {
        for (const auto& entry : fs::directory_iterator(parent, ec)) fs::remove_all(entry.path(), ec);
      } else {
        fs::remove_all(parent / base.substr(4), ec);
      }
    }
    std::vector<std::string> args = {"tar", "-x" + z + "f", blob, "-C", dir.string()};
    if (!root) args.push_back("--no-same-owner");
    Result<std::string> extracted = run_process(args);
    if (!extracted.is_ok()) return extracted.status();
    for (const auto& m : markers) fs::remove(m, ec);
  }
  return Status::ok();
}

Result<std::vector<StoredImage>> import_oci_archive(const fs::path& archive, ImageStore& store) {
  if (!fs::is_regular_file(archive)) return Status::not_found(archive.string() + ": no such file");
  std::error_code ec;
  fs::create_directories(store.dir() / "tmp", ec);
  if (ec) return Status::unavailable("cannot create " + (store.dir() / "tmp").string() + ": " + ec.message());
  std::string tmpl = (store.dir() / "tmp" / "import-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return Status::unavailable("cannot create a directory under " + store.dir().string());
  ScratchDir layout{tmpl};
  Result<std::string> extracted = run_process({"tar", "-xf", archive.string(), "-C", layout.path.string(), "--no-same-owner"});
  if (!extracted.is_ok()) return Status::invalid(archive.string() + ": not a tar archive (" + extracted.status().message() + ")");
  auto fail = [&](const Status& s) { return Status::invalid(archive.string() + ": " + s.message()); };

  Result<json> oci_layout = read_json(layout.path / "oci-layout");
  if (!oci_layout.is_ok()) return fail(Status::invalid("not an OCI image layout (no oci-layout file)"));
  if (oci_layout.value().value("imageLayoutVersion", "") != "1.0.0")
    return fail(Status::invalid("unsupported imageLayoutVersion"));
  Result<json> index = read_json(layout.path / "index.json");
  if (!index.is_ok()) return fail(index.status());

  std::vector<StoredImage> out;
  for (const auto& entry : index.value().value("manifests", json::array())) {
    json annotations = entry.value("annotations", json::object());
    std::string name = annotations.value(kContainerdName, annotations.value(kRefName, ""));
    if (name.empty()) return fail(Status::invalid("an index.json entry has no " + std::string(kRefName) + " annotation"));
    Result<OciDescriptor> manifest = resolve_manifest(layout.path, descriptor(entry));
    if (!manifest.is_ok()) return fail(manifest.status());
    Status s = import_manifest(layout.path, store, name, manifest.value(), out);
    if (!s.is_ok()) return fail(s);
  }
  if (out.empty()) return fail(Status::invalid("index.json names no image"));
  return out;
}

}  // namespace ktwin::realnet
