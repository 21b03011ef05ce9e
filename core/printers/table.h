// kubectl's tables: the server-side column definitions and row cells per kind, and their text layout.
// One definition serves the simulator's snapshots and, later, an API server's Table responses.
#pragma once

#include <string>
#include <vector>

#include "core/api/meta.h"
#include "core/api/node.h"
#include "core/util/time.h"

namespace ktwin::core::printers {

// metav1.TableColumnDefinition: names in Kubernetes spelling ("Up-to-date"); kubectl upper-cases them.
struct TableColumn {
  std::string name;
  std::string type = "string";  // "string" or "integer", as the apiserver declares
  int priority = 0;             // 1: shown only with -o wide
};

struct Table {
  Kind kind = Kind::kPod;
  std::vector<TableColumn> columns;
  std::vector<std::vector<std::string>> rows;  // one cell per column, in the order of the objects given
};

struct PrintOptions {
  bool wide = false;                     // -o wide: include priority-1 columns
  bool with_kind_prefix = false;         // NAME as "deployment.apps/mongo" (several kinds in one `get`)
  bool with_namespace = false;           // -A: a NAMESPACE column first, for namespaced kinds
  std::string kubectl_version = "1.20";  // or "1.32": RESTARTS "4 (2m ago)" and later STATUS rules
};

// Rows for `objects` (all of `kind`), AGE measured at `now`. For a Table response pass wide = true and
// no prefix, as the apiserver does. REQUIRES: every object is of `kind`.
Table make_table(Kind kind, const std::vector<ObjectPtr>& objects, Time now, const PrintOptions& options);

// kubectl's resource prefix: "deployment.apps", "pod", "ingress.networking.k8s.io".
std::string kind_prefix(Kind kind);
// The STATUS column of `kubectl get nodes`: Ready, NotReady (False or Unknown) or Unknown (no Ready
// condition), with ",SchedulingDisabled" when cordoned.
std::string node_status(const Node& node);
// The resource in API errors: "deployments.apps", "pods", "ingresses.networking.k8s.io".
std::string resource_name(Kind kind);

// kubectl's text: per table a header row and its rows laid out by the tabwriter (column width = longest
// cell + 3, at least 6; the last column unpadded), a blank line between tables. Tables without rows
// print nothing, as kubectl prints no header for them. Every line ends in '\n'.
std::string render(const std::vector<Table>& tables);

}  // namespace ktwin::core::printers
