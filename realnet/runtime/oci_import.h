// Reads an OCI image layout tarball (image-spec image-layout.md: oci-layout, index.json, blobs/)
// into the local ImageStore: every blob checked against its digest, every layer's diffID against
// the config, the layers unpacked (whiteouts applied) into the image's rootfs. `ktwin image import`.
#pragma once

#include <filesystem>
#include <vector>

#include "core/util/status.h"
#include "realnet/runtime/image_store.h"

namespace ktwin::realnet {

// The images the archive names (index.json's org.opencontainers.image.ref.name), now in `store`.
// An index entry that is itself an image index resolves to its linux/amd64 manifest.
core::Result<std::vector<StoredImage>> import_oci_archive(const std::filesystem::path& archive, ImageStore& store);

// Unpacks the image's layers, in order, into `dir` (which must not exist yet).
core::Status unpack_layers(const ImageStore& store, const StoredImage& image, const std::filesystem::path& dir);

}  // namespace ktwin::realnet
