// Server-side printing: the meta.k8s.io/v1 Table kubectl asks for with `Accept: ...;as=Table;...`, built
// from core/printers' column definitions and cells (one definition for the simulator and the server).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/api/meta.h"
#include "core/util/time.h"

namespace ktwin::realnet {

// ?includeObject= : None, Metadata (the default) or Object (sent by `kubectl get --sort-by`).
enum class IncludeObject { kNone, kMetadata, kObject };

struct TableOptions {
  IncludeObject include_object = IncludeObject::kMetadata;
  // A watch sends the column definitions with its first event only (k/k apiserver watch handler).
  bool include_columns = true;
  // The printers' generation, the server's minor version: "1.20" declares Restarts an integer.
  std::string server_version = "1.20";
};

// The Table for `objects` (all of `kind`, in the order given), AGE measured at `now`: columnDefinitions
// {name, type, format, description, priority} with every priority-1 (-o wide) column, the first one Name
// with format "name"; rows {cells, object} where cells of integer columns are JSON numbers and `object` is
// a PartialObjectMetadata (apiVersion meta.k8s.io/v1, the object's metadata) or the full object;
// metadata.resourceVersion = `list_resource_version` (kubectl watches from it). REQUIRES: every object
// is of `kind`.
nlohmann::json make_table(core::Kind kind, const std::vector<core::ObjectPtr>& objects, core::Time now,
                          const TableOptions& options, const std::string& list_resource_version);
// Shorthand: include_object_metadata chooses Metadata (true) or None (false).
nlohmann::json make_table(core::Kind kind, const std::vector<core::ObjectPtr>& objects, core::Time now,
                          bool include_object_metadata, const std::string& list_resource_version);

// Parses ?includeObject=; nullopt for an unknown value (kube-apiserver answers 400).
std::optional<IncludeObject> parse_include_object(std::string_view value);

}  // namespace ktwin::realnet
