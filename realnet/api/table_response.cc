// Table JSON over core::printers::make_table (k/k staging/src/k8s.io/apiserver/pkg/registry/rest/table.go
// and pkg/printers/tablegenerator.go: columns, cells, PartialObjectMetadata rows).
#include "realnet/api/table_response.h"

#include <charconv>

#include "core/api/codec.h"
#include "core/printers/table.h"

namespace ktwin::realnet {
namespace {

using nlohmann::json;

// metav1.ObjectMeta's swagger docs, which printers.go uses for the Name and Age columns.
constexpr const char* kNameDescription =
    "Name must be unique within a namespace. Is required when creating resources, although some resources "
    "may allow a client to request the generation of an appropriate name automatically. Name is primarily "
    "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
    "http://kubernetes.io/docs/user-guide/identifiers#names";
constexpr const char* kAgeDescription =
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this "
    "value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for "
    "lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#metadata";

json column_json(const core::printers::TableColumn& column) {
  std::string description = column.name == "Name" ? kNameDescription : column.name == "Age" ? kAgeDescription : "";
  return {{"name", column.name},
          {"type", column.type},
          {"format", column.name == "Name" ? "name" : ""},
          {"description", description},
          {"priority", column.priority}};
}

// An integer column's cell is a JSON number; a cell that does not parse stays a string.
json cell_json(const std::string& cell, const std::string& type) {
  if (type == "integer") {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), n);
    if (ec == std::errc() && end == cell.data() + cell.size()) return n;
  }
  return cell;
}

json row_object(const core::Object& obj, IncludeObject include) {
  json doc = core::encode(obj);
  if (include == IncludeObject::kObject) return doc;
  return {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", doc["metadata"]}};
}

}  // namespace

json make_table(core::Kind kind, const std::vector<core::ObjectPtr>& objects, core::Time now,
                const TableOptions& options, const std::string& list_resource_version) {
  core::printers::PrintOptions print;
  print.wide = true;  // the server sends every column; kubectl hides priority 1 without -o wide
  print.kubectl_version = options.server_version;
  core::printers::Table table = core::printers::make_table(kind, objects, now, print);

  json out = {{"kind", "Table"},
              {"apiVersion", "meta.k8s.io/v1"},
              {"metadata", {{"resourceVersion", list_resource_version}}}};
  if (options.include_columns) {
    json columns = json::array();
    for (size_t i = 0; i < table.columns.size(); ++i) columns.push_back(column_json(table.columns[i]));
    out["columnDefinitions"] = std::move(columns);
  }
  json rows = json::array();
  for (size_t r = 0; r < table.rows.size(); ++r) {
    json cells = json::array();
    for (size_t c = 0; c < table.rows[r].size(); ++c) cells.push_back(cell_json(table.rows[r][c], table.columns[c].type));
    json row = {{"cells", std::move(cells)}};
    if (options.include_object != IncludeObject::kNone) row["object"] = row_object(*objects[r], options.include_object);
    rows.push_back(std::move(row));
  }
  out["rows"] = std::move(rows);
  return out;
}

json make_table(core::Kind kind, const std::vector<core::ObjectPtr>& objects, core::Time now,
                bool include_object_metadata, const std::string& list_resource_version) {
  TableOptions options;
  options.include_object = include_object_metadata ? IncludeObject::kMetadata : IncludeObject::kNone;
  return make_table(kind, objects, now, options, list_resource_version);
}

std::optional<IncludeObject> parse_include_object(std::string_view value) {
  if (value.empty() || value == "Metadata") return IncludeObject::kMetadata;
  if (value == "None") return IncludeObject::kNone;
  if (value == "Object") return IncludeObject::kObject;
  return std::nullopt;
}

}  // namespace ktwin::realnet
