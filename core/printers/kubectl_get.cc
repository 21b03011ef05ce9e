// kubectl get (k/k staging/src/k8s.io/kubectl/pkg/cmd/get/get.go): which objects, which printer, which error.
#include "core/printers/kubectl_get.h"

#include <optional>
#include <vector>

namespace ktwin::core::printers {
namespace {

constexpr const char* kDefaultNamespace = "default";

// Splits like a shell: whitespace separates, single and double quotes group ("-l 'app in (a,b)'").
std::vector<std::string> split_args(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_token = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_token = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_token) out.push_back(std::move(cur));
      cur.clear();
      in_token = false;
    } else {
      cur += c;
      in_token = true;
    }
  }
  if (in_token) out.push_back(std::move(cur));
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string::npos ? std::string::npos : pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

struct Request {
  std::vector<Kind> kinds;  // in the order named, without repeats
  // (kind, name) lookups; empty means list every requested kind.
  std::vector<std::pair<Kind, std::string>> named;
  std::string namespace_ = kDefaultNamespace;
  bool all_namespaces = false;
  std::optional<LabelSelector> selector;
  std::string output;  // "", "wide" or "name"
};

Status unknown_type(const std::string& type) {
  return Status::invalid("error: the server doesn't have a resource type \"" + type + "\"");
}

// kubectl's "all" category, as far as ktwin models its kinds.
std::vector<Kind> kinds_of(const std::string& type) {
  if (type == "all") return {Kind::kPod, Kind::kService, Kind::kDeployment, Kind::kReplicaSet};
  if (auto kind = parse_kind(type)) return {*kind};
  return {};
}

void add_kind(Request& req, Kind kind) {
  for (Kind k : req.kinds)
    if (k == kind) return;
  req.kinds.push_back(kind);
}

Result<Request> parse(std::string_view text, const PrintOptions& defaults) {
  std::vector<std::string> args = split_args(text);
  size_t i = 0;
  if (i < args.size() && args[i] == "kubectl") ++i;
  if (i >= args.size() || args[i] != "get") return Status::invalid("error: only `kubectl get` is supported");
  ++i;
  Request req;
  req.output = defaults.wide ? "wide" : "";
  std::vector<std::string> positional;
  for (; i < args.size(); ++i) {
    std::string arg = args[i];
    // A flag's value: "--flag=value", "-fvalue" or the next argument.
    auto value_of = [&](std::string_view short_flag,
                        std::string_view long_flag) -> std::optional<std::string> {
      for (std::string_view flag : {short_flag, long_flag}) {
        if (flag.empty() || arg.rfind(flag, 0) != 0) continue;
        std::string rest = arg.substr(flag.size());
        if (rest.empty()) {
          if (i + 1 >= args.size()) return std::string("\x01");  // missing value
          return args[++i];
        }
        if (rest[0] == '=') return rest.substr(1);
        if (flag.size() == 2) return rest;  // -owide, -nkube-system
      }
      return std::nullopt;
    };
    if (arg == "-A" || arg == "--all-namespaces") {
      req.all_namespaces = true;
    } else if (auto v = value_of("-o", "--output")) {
      if (*v == "\x01") return Status::invalid("error: flag needs an argument: 'o' in -o");
      if (*v != "wide" && *v != "name")
        return Status::invalid("error: unable to match a printer suitable for the output format \"" + *v +
                               "\", allowed formats are: name,wide");
      req.output = *v;
    } else if (auto v = value_of("-n", "--namespace")) {
      if (*v == "\x01") return Status::invalid("error: flag needs an argument: 'n' in -n");
      req.namespace_ = *v;
    } else if (auto v = value_of("-l", "--selector")) {
      if (*v == "\x01") return Status::invalid("error: flag needs an argument: 'l' in -l");
      req.selector = LabelSelector::parse(*v);
      if (!req.selector) return Status::invalid("error: unable to parse requirement: \"" + *v + "\"");
    } else if (arg.size() > 1 && arg[0] == '-') {
      if (arg.rfind("--", 0) == 0)
        return Status::invalid("error: unknown flag: " + arg.substr(0, arg.find('=')));
      return Status::invalid(std::string("error: unknown shorthand flag: '") + arg[1] + "' in " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.empty())
    return Status::invalid(
        "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of "
        "supported resources.\n\nerror: Required resource not specified.");

  if (positional[0].find('/') != std::string::npos) {
    // TYPE/NAME form: every argument must have it.
    for (const std::string& p : positional) {
      size_t slash = p.find('/');
      if (slash == std::string::npos)
        return Status::invalid(
            "error: there is no need to specify a resource type as a separate argument when "
            "passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' "
            "instead of 'kubectl get resource resource/<resource_name>'");
      auto kind = parse_kind(p.substr(0, slash));
      if (!kind) return unknown_type(p.substr(0, slash));
      add_kind(req, *kind);
      req.named.emplace_back(*kind, p.substr(slash + 1));
    }
  } else {
    for (const std::string& type : split(positional[0], ',')) {
      std::vector<Kind> kinds = kinds_of(type);
      if (kinds.empty()) return unknown_type(type);
      for (Kind k : kinds) add_kind(req, k);
    }
    for (size_t p = 1; p < positional.size(); ++p)
      for (Kind k : req.kinds) req.named.emplace_back(k, positional[p]);
  }
  if (!req.named.empty() && req.selector)
    return Status::invalid("error: name cannot be provided when a selector is specified");
  if (!req.named.empty() && req.all_namespaces)
    return Status::invalid("error: a resource cannot be retrieved by name across all namespaces");
  return req;
}

}  // namespace

Result<std::string> kubectl_get(const Store& store, std::string_view args, Time now,
                                const PrintOptions& defaults) {
  Result<Request> parsed = parse(args, defaults);
  if (!parsed.is_ok()) return parsed.status();
  const Request& req = parsed.value();

  PrintOptions options = defaults;
  options.wide = req.output == "wide";
  options.with_namespace = req.all_namespaces;
  // get.go multipleGVKsRequested: a prefix as soon as the results span more than one kind.
  options.with_kind_prefix = req.kinds.size() > 1;

  std::vector<Table> tables;
  std::vector<std::string> errors;
  auto ns_of = [&](Kind kind) {
    return !is_namespaced(kind) || req.all_namespaces ? std::string() : req.namespace_;
  };
  for (Kind kind : req.kinds) {
    std::vector<ObjectPtr> objects;
    if (req.named.empty()) {
      for (const ObjectPtr& obj : store.list(kind, ns_of(kind)))
        if (!req.selector || req.selector->matches(obj->metadata.labels)) objects.push_back(obj);
    } else {
      for (const auto& [k, name] : req.named) {
        if (k != kind) continue;
        if (ObjectPtr obj = store.find(kind, ns_of(kind), name))
          objects.push_back(obj);
        else
          errors.push_back("Error from server (NotFound): " + resource_name(kind) + " \"" + name +
                           "\" not found");
      }
    }
    tables.push_back(make_table(kind, objects, now, options));
  }

  std::string text;
  if (req.output == "name") {
    // -o name always qualifies the name with its kind, never with the namespace.
    for (const Table& t : tables)
      for (const auto& row : t.rows) {
        const std::string& name = row[options.with_namespace && is_namespaced(t.kind) ? 1 : 0];
        text += options.with_kind_prefix ? name + "\n" : kind_prefix(t.kind) + "/" + name + "\n";
      }
  } else {
    text = render(tables);
  }

  // kubectl prints what it found, then the errors (stderr) after it.
  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors) message += (message.empty() ? "" : "\n") + e;
    if (text.empty()) return Status::not_found(message);
    return text + message + "\n";
  }
  if (text.empty()) {
    bool all_namespaced = !req.all_namespaces;
    for (Kind k : req.kinds) all_namespaced = all_namespaced && is_namespaced(k);
    return all_namespaced ? "No resources found in " + req.namespace_ + " namespace.\n"
                          : std::string("No resources found\n");
  }
  return text;
}

}  // namespace ktwin::core::printers
