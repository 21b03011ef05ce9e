// The node's local image store: an OCI image layout (oci-layout, index.json naming each image with
// org.opencontainers.image.ref.name, blobs/sha256/) plus each image's layers unpacked into
// rootfs/<manifest hex>/, which the process runtime chroots into. Images cannot be pulled in real
// mode; `ktwin image import` fills this (realnet/README.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/util/status.h"

namespace ktwin::realnet {

struct OciDescriptor {  // application/vnd.oci.descriptor.v1+json, the parts used here
  std::string mediaType, digest;
  int64_t size = 0;
};

struct ImageConfig {  // the image config's "config" object (image-spec config.md)
  std::vector<std::string> entrypoint, cmd, env;
  std::string workingDir, user;
};

struct StoredImage {
  std::string name;  // normalized: "docker.io/library/busybox:latest"
  OciDescriptor manifest, config;
  std::vector<OciDescriptor> layers;
  std::vector<std::string> diffIds;  // the config's rootfs.diff_ids, one per layer
  ImageConfig imageConfig;
  int64_t size() const;  // config plus compressed layers, as `crictl images` counts
};

// The process a container runs (k/k pkg/kubelet/kuberuntime via the runtime, as docker does): command
// replaces the image's Entrypoint and drops its Cmd; args alone replace Cmd. `image` may be null.
std::vector<std::string> container_argv(const std::vector<std::string>& command, const std::vector<std::string>& args,
                                        const ImageConfig* image);

// "busybox" -> "docker.io/library/busybox:latest", as docker's reference rules normalize names
// (distribution/reference normalize.go): a first component with '.' or ':' or "localhost" is a registry.
std::string normalize_image_ref(const std::string& ref);

class ImageStore {
 public:
  explicit ImageStore(std::filesystem::path dir);

  const std::filesystem::path& dir() const { return dir_; }
  // Every image index.json names, in its order. Unreadable entries are skipped.
  std::vector<StoredImage> list() const;
  // By any spelling of the name ("busybox", "busybox:latest", "docker.io/library/busybox:latest").
  core::Result<StoredImage> get(const std::string& ref) const;

  std::filesystem::path blob_path(const std::string& digest) const;
  // Where the image's layers are unpacked; the directory exists only once unpacked.
  std::filesystem::path rootfs_path(const StoredImage& image) const;

  // Copies `file` in as the blob `digest`, after checking its sha256. Creates the layout if needed.
  core::Status add_blob(const std::filesystem::path& file, const std::string& digest);
  // Points `name` (normalized here) at `manifest` in index.json, replacing an older image of that name.
  core::Status tag(const std::string& name, const OciDescriptor& manifest);

 private:
  core::Result<StoredImage> load(const std::string& name, const OciDescriptor& manifest) const;
  core::Status ensure_layout() const;

  std::filesystem::path dir_;
};

// "sha256:<hex>" of a file's bytes, or of its gunzipped bytes (a layer's diffID).
core::Result<std::string> sha256_file(const std::filesystem::path& file);
core::Result<std::string> sha256_gunzip_file(const std::filesystem::path& file);

}  // namespace ktwin::realnet
