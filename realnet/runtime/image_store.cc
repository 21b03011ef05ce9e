#include "realnet/runtime/image_store.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ktwin::realnet {

namespace fs = std::filesystem;
using core::Result;
using core::Status;
using nlohmann::json;

namespace {

constexpr const char* kRefName = "org.opencontainers.image.ref.name";

Result<json> read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return Status::not_found("cannot read " + file.string());
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalid(file.string() + ": not valid JSON");
  return j;
}

Status write_json_atomically(const fs::path& file, const json& j) {
  fs::path tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return Status::unavailable("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) return Status::unavailable("cannot rename " + tmp.string() + ": " + ec.message());
  return Status::ok();
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.is_object() && j.contains(key) && j[key].is_array())
    for (const auto& s : j[key])
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

OciDescriptor descriptor(const json& j) {
  OciDescriptor d;
  d.mediaType = j.value("mediaType", "");
  d.digest = j.value("digest", "");
  d.size = j.value("size", int64_t{0});
  return d;
}

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(const void* data, size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string digest() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned int i = 0; i < len; ++i) {
      out += kHex[md[i] >> 4];
      out += kHex[md[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

}  // namespace

int64_t StoredImage::size() const {
  int64_t total = config.size;
  for (const auto& l : layers) total += l.size;
  return total;
}

std::vector<std::string> container_argv(const std::vector<std::string>& command, const std::vector<std::string>& args,
                                        const ImageConfig* image) {
  std::vector<std::string> argv;
  if (!command.empty()) {
    argv = command;
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  if (image) argv = image->entrypoint;
  const std::vector<std::string>& rest = !args.empty() || !image ? args : image->cmd;
  argv.insert(argv.end(), rest.begin(), rest.end());
  return argv;
}

std::string normalize_image_ref(const std::string& image) {
  std::string ref = image;
  size_t slash = ref.find('/');
  std::string first = slash == std::string::npos ? "" : ref.substr(0, slash);
  bool has_registry = first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost";
  if (!has_registry) ref = (slash == std::string::npos ? "docker.io/library/" : "docker.io/") + ref;
  size_t last_slash = ref.rfind('/');
  if (ref.find('@') == std::string::npos && ref.find(':', last_slash) == std::string::npos) ref += ":latest";
  return ref;
}

Result<std::string> sha256_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::not_found("cannot read " + file.string());
  Sha256 h;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  return h.digest();
}

Result<std::string> sha256_gunzip_file(const fs::path& file) {
  gzFile gz = gzopen(file.c_str(), "rb");
  if (!gz) return Status::not_found("cannot read " + file.string());
  Sha256 h;
  std::vector<char> buf(1 << 16);
  int n;
  while ((n = gzread(gz, buf.data(), static_cast<unsigned>(buf.size()))) > 0) h.update(buf.data(), static_cast<size_t>(n));
  int err = 0;
  std::string msg = n < 0 ? gzerror(gz, &err) : "";
  gzclose(gz);
  if (n < 0) return Status::invalid(file.string() + ": bad gzip data: " + msg);
  return h.digest();
}

ImageStore::ImageStore(fs::path dir) : dir_(std::move(dir)) {}

fs::path ImageStore::blob_path(const std::string& digest) const {
  size_t colon = digest.find(':');
  if (colon == std::string::npos) return dir_ / "blobs" / "invalid";
  return dir_ / "blobs" / digest.substr(0, colon) / digest.substr(colon + 1);
}

fs::path ImageStore::rootfs_path(const StoredImage& image) const {
  size_t colon = image.manifest.digest.find(':');
  return dir_ / "rootfs" / image.manifest.digest.substr(colon == std::string::npos ? 0 : colon + 1);
}

Status ImageStore::ensure_layout() const {
  std::error_code ec;
  fs::create_directories(dir_ / "blobs" / "sha256", ec);
  if (ec) return Status::unavailable("cannot create " + dir_.string() + ": " + ec.message());
  if (!fs::exists(dir_ / "oci-layout")) {
    Status s = write_json_atomically(dir_ / "oci-layout", json{{"imageLayoutVersion", "1.0.0"}});
    if (!s.is_ok()) return s;
  }
  if (!fs::exists(dir_ / "index.json"))
    return write_json_atomically(dir_ / "index.json", json{{"schemaVersion", 2}, {"manifests", json::array()}});
  return Status::ok();
}

Status ImageStore::add_blob(const fs::path& file, const std::string& digest) {
  if (digest.rfind("sha256:", 0) != 0 || digest.size() != 7 + 64)
    return Status::invalid("unsupported digest \"" + digest + "\" (only sha256)");
  Result<std::string> actual = sha256_file(file);
  if (!actual.is_ok()) return actual.status();
  if (actual.value() != digest) return Status::invalid("blob " + digest + " has digest " + actual.value());
  Status s = ensure_layout();
  if (!s.is_ok()) return s;
  fs::path dest = blob_path(digest);
  if (fs::exists(dest)) return Status::ok();  // content-addressed: same bytes
  fs::path tmp = dest;
  tmp += ".tmp";
  std::error_code ec;
  fs::copy_file(file, tmp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(tmp, dest, ec);
  if (ec) return Status::unavailable("cannot store blob " + digest + ": " + ec.message());
  return Status::ok();
}

Status ImageStore::tag(const std::string& name, const OciDescriptor& manifest) {
  Status s = ensure_layout();
  if (!s.is_ok()) return s;
  Result<json> index = read_json(dir_ / "index.json");
  if (!index.is_ok()) return index.status();
  json j = index.value();
  std::string normalized = normalize_image_ref(name);
  json kept = json::array();
  for (const auto& m : j.value("manifests", json::array()))
    if (!(m.contains("annotations") && m["annotations"].value(kRefName, "") == normalized)) kept.push_back(m);
  kept.push_back(json{{"mediaType", manifest.mediaType},
                      {"digest", manifest.digest},
                      {"size", manifest.size},
                      {"annotations", {{kRefName, normalized}}}});
  j["manifests"] = kept;
  return write_json_atomically(dir_ / "index.json", j);
}

Result<StoredImage> ImageStore::load(const std::string& name, const OciDescriptor& manifest) const {
  Result<json> m = read_json(blob_path(manifest.digest));
  if (!m.is_ok()) return m.status();
  StoredImage image;
  image.name = name;
  image.manifest = manifest;
  if (!m.value().contains("config")) return Status::invalid(manifest.digest + ": manifest without config");
  image.config = descriptor(m.value()["config"]);
  for (const auto& l : m.value().value("layers", json::array())) image.layers.push_back(descriptor(l));
  Result<json> c = read_json(blob_path(image.config.digest));
  if (!c.is_ok()) return c.status();
  const json& cfg = c.value();
  if (cfg.contains("rootfs")) image.diffIds = strings(cfg["rootfs"], "diff_ids");
  if (cfg.contains("config") && cfg["config"].is_object()) {
    const json& ic = cfg["config"];
    image.imageConfig.entrypoint = strings(ic, "Entrypoint");
    image.imageConfig.cmd = strings(ic, "Cmd");
    image.imageConfig.env = strings(ic, "Env");
    if (ic.contains("WorkingDir") && ic["WorkingDir"].is_string()) image.imageConfig.workingDir = ic["WorkingDir"];
    if (ic.contains("User") && ic["User"].is_string()) image.imageConfig.user = ic["User"];
  }
  return image;
}

std::vector<StoredImage> ImageStore::list() const {
  std::vector<StoredImage> out;
  Result<json> index = read_json(dir_ / "index.json");
  if (!index.is_ok()) return out;
  for (const auto& m : index.value().value("manifests", json::array())) {
    if (!m.contains("annotations")) continue;
    std::string name = m["annotations"].value(kRefName, "");
    if (name.empty()) continue;
    Result<StoredImage> image = load(name, descriptor(m));
    if (image.is_ok()) out.push_back(std::move(image).value());
  }
  return out;
}

Result<StoredImage> ImageStore::get(const std::string& ref) const {
  std::string wanted = normalize_image_ref(ref);
  for (auto& image : list())
    if (image.name == wanted) return image;
  return Status::not_found("image \"" + ref + "\" is not in " + dir_.string() + " (ktwin image import FILE.tar)");
}

}  // namespace ktwin::realnet
