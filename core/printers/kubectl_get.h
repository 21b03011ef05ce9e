// `kubectl get` over a Store: argument parsing, the list or lookups, and kubectl's text or error words.
#pragma once

#include <string>
#include <string_view>

#include "core/printers/table.h"
#include "core/store/store.h"
#include "core/util/status.h"

namespace ktwin::core::printers {

// Interprets a `get` command line ("get deploy,rs,po -o wide", "kubectl get pods -A", "get pod/x",
// "get deployment letschat", "get po -n kube-system -l name=mongo"), as kubectl against `store` at `now`.
// Flags: -o/--output wide|name, -n/--namespace, -A/--all-namespaces, -l/--selector.
// `defaults` supplies kubectl_version (and wide, if -o is absent); the kind prefix and NAMESPACE column
// follow the command, as in kubectl. Rows come in store list order; named objects in the order named.
// Returns the text kubectl prints, every line ending in '\n'. "No resources found in default namespace."
// (kubectl's stderr) is returned as text. Errors carry kubectl's words as their message:
//   Invalid:  error: the server doesn't have a resource type "x"
//   NotFound: Error from server (NotFound): pods "x" not found
// When some named objects exist and others do not, the text holds the table then the error lines.
Result<std::string> kubectl_get(const Store& store, std::string_view args, Time now,
                                const PrintOptions& defaults);

}  // namespace ktwin::core::printers
