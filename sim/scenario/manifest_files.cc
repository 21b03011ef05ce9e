// Manifest files named by a scenario: read, split into documents, and decoded once to catch errors early.
#include <fstream>
#include <sstream>

#include "core/api/codec.h"
#include "core/api/yaml.h"
#include "sim/scenario/scenario_parts.h"

namespace ktwin::sim {
namespace {

// Checks one document as kubectl apply would; nullopt when fine, else the message.
std::optional<std::string> check_document(const nlohmann::json& doc, LoadContext& ctx) {
  if (!doc.is_object()) return "a manifest document must be a mapping";
  for (const char* field : {"apiVersion", "kind"})
    if (!doc.contains(field) || !doc[field].is_string() || doc[field].get<std::string>().empty())
      return std::string("missing ") + field;
  if (!doc.contains("metadata") || !doc["metadata"].is_object() || !doc["metadata"].contains("name") ||
      !doc["metadata"]["name"].is_string() || doc["metadata"]["name"].get<std::string>().empty())
    return "missing metadata.name";
  auto decoded = core::decode(doc);
  if (!decoded.is_ok()) return decoded.status().message();
  const core::Object& obj = *decoded.value();
  // scale and expect look deployments up in "default", so only those count as known.
  if (obj.kind() == core::Kind::kDeployment &&
      (obj.metadata.namespace_.empty() || obj.metadata.namespace_ == "default"))
    ctx.deployments.insert(obj.metadata.name);
  return std::nullopt;
}

std::vector<ManifestDoc> read_manifest_file(const std::string& written, const YAML::Mark& mark, LoadContext& ctx) {
  std::vector<ManifestDoc> out;
  std::filesystem::path path = ctx.base_dir.empty() ? std::filesystem::path(written) : ctx.base_dir / written;
  std::string file = path.lexically_normal().string();
  std::ifstream in(path);
  if (written.empty() || !in || std::filesystem::is_directory(path)) {
    ctx.reader.error(mark, "cannot read manifest \"" + written + "\" (looked for " + file + ")");
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto docs = core::parse_yaml_documents(text.str(), file);
  if (!docs.is_ok()) {
    ctx.reader.diagnostics().preformatted(file, docs.status().message());
    return out;
  }
  for (core::YamlDocument& d : docs.value()) {
    SourceLocation where{file, d.line, d.column};
    if (auto problem = check_document(d.doc, ctx)) {
      ctx.reader.diagnostics().error(where, *problem);
      continue;
    }
    out.push_back({std::move(d.doc), where});
  }
  if (docs.value().empty()) ctx.reader.error(mark, "manifest \"" + written + "\" holds no documents");
  return out;
}

}  // namespace

std::vector<ManifestDoc> read_manifests(const Fields& f, const std::string& key, LoadContext& ctx) {
  std::vector<ManifestDoc> out;
  auto paths = ctx.reader.scalars(f, key, true);
  if (!paths) return out;
  for (const auto& [written, mark] : *paths)
    for (ManifestDoc& doc : read_manifest_file(written, mark, ctx)) out.push_back(std::move(doc));
  return out;
}

}  // namespace ktwin::sim
