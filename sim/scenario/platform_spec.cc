// The inline star platform's XML, a light scan of platform files' names, SimGrid's bandwidth units.
#include "sim/scenario/platform_spec.h"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

namespace ktwin::sim {
namespace {

std::string seconds_text(core::Duration d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9gs", core::to_seconds(d));
  return buf;
}

std::string bandwidth_text(double bytes_per_second) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17gBps", bytes_per_second);
  return buf;
}

std::string node_link(const std::string& node) { return node + "-link"; }

}  // namespace

std::vector<std::string> inline_platform_links(const std::vector<std::string>& nodes) {
  std::vector<std::string> links = {kUplink, std::string(kControlPlaneHost) + "-link"};
  for (const std::string& n : nodes) links.push_back(node_link(n));
  return links;
}

std::string inline_platform_xml(const PlatformSpec& spec, const std::vector<std::string>& nodes) {
  std::ostringstream x;
  std::string cp_link = std::string(kControlPlaneHost) + "-link";
  x << "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
    << "<platform version=\"4.1\">\n<zone id=\"ktwin\" routing=\"Full\">\n";
  // Host speeds do not matter: ktwin runs no computation on SimGrid hosts.
  for (const char* h : {kControlPlaneHost, kRegistryHost}) x << "  <host id=\"" << h << "\" speed=\"1Gf\"/>\n";
  for (const std::string& n : nodes) x << "  <host id=\"" << n << "\" speed=\"1Gf\"/>\n";
  x << "  <link id=\"" << kUplink << "\" bandwidth=\"" << bandwidth_text(spec.uplinkBandwidth) << "\" latency=\""
    << seconds_text(spec.uplinkLatency) << "\"/>\n";
  for (const std::string& l : std::vector<std::string>{cp_link}) {
    x << "  <link id=\"" << l << "\" bandwidth=\"" << bandwidth_text(spec.nodeBandwidth) << "\" latency=\""
      << seconds_text(spec.nodeLatency) << "\"/>\n";
  }
  for (const std::string& n : nodes)
    x << "  <link id=\"" << node_link(n) << "\" bandwidth=\"" << bandwidth_text(spec.nodeBandwidth)
      << "\" latency=\"" << seconds_text(spec.nodeLatency) << "\"/>\n";
  auto route = [&](const std::string& src, const std::string& dst, const std::vector<std::string>& links) {
    x << "  <route src=\"" << src << "\" dst=\"" << dst << "\">";
    for (const std::string& l : links) x << "<link_ctn id=\"" << l << "\"/>";
    x << "</route>\n";
  };
  route(kRegistryHost, kControlPlaneHost, {kUplink, cp_link});
  for (const std::string& n : nodes) {
    route(kRegistryHost, n, {kUplink, node_link(n)});
    route(kControlPlaneHost, n, {cp_link, node_link(n)});
  }
  x << "</zone>\n</platform>\n";
  return x.str();
}

core::Result<PlatformNames> scan_platform_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::Status::invalid("cannot read the platform file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  // Attributes may come in any order; ids are what SimGrid names hosts and links by.
  static const std::regex element(R"(<\s*(host|link|backbone)\b([^>]*)>)");
  static const std::regex id_attr(R"(\bid\s*=\s*["']([^"']*)["'])");
  PlatformNames names;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), element); it != std::sregex_iterator(); ++it) {
    std::smatch id;
    std::string attrs = (*it)[2];
    if (!std::regex_search(attrs, id, id_attr)) continue;
    ((*it)[1] == "host" ? names.hosts : names.links).push_back(id[1]);
  }
  return names;
}

std::optional<double> parse_bandwidth(const std::string& text) {
  static const std::regex form(R"(^([0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?)\s*([kMGT]?)(bps|Bps)$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) return std::nullopt;
  double value = std::stod(m[1]);
  static const std::map<std::string, double> prefixes = {{"", 1}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}};
  value *= prefixes.at(m[4]);
  if (m[5] == "bps") value /= 8;  // SimGrid: bits per second
  if (value <= 0) return std::nullopt;
  return value;
}

}  // namespace ktwin::sim
