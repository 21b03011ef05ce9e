// What a request's Accept and Content-Type headers ask for: a Table, aggregated discovery or plain JSON;
// which patch format a PATCH body is in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktwin::realnet {

// One media range of an Accept header: "application/json;as=Table;v=v1;g=meta.k8s.io".
struct MediaRange {
  std::string type, subtype;  // lower-cased; "*" for wildcards
  std::string as, version, group;  // the as=, v= and g= parameters, empty when absent
  double quality = 1.0;            // q=
};
// Splits on commas (none appear inside the parameters kubectl sends); a range without '/' is skipped.
std::vector<MediaRange> parse_accept(std::string_view accept);

enum class ResponseFormat {
  kJson,                  // the object or list itself
  kTable,                 // meta.k8s.io Table (make_table)
  kAggregatedDiscovery,   // apidiscovery.k8s.io APIGroupDiscoveryList (aggregated_discovery)
  kNotAcceptable,         // nothing acceptable: 406 NotAcceptable
};

struct Negotiated {
  ResponseFormat format = ResponseFormat::kJson;
  std::string version;       // Table: "v1" or "v1beta1"; aggregated discovery: "v2" or "v2beta1"
  std::string content_type;  // the response's Content-Type
};

// What the endpoint kind allows: resource reads (GET of a list or an item, watches) may answer Tables;
// GET /api and /apis may answer aggregated discovery; everything else answers JSON. The first acceptable
// range in header order wins, ranges with q=0 are never acceptable (kube-apiserver's negotiation; the
// order is how kubectl states its preference). JSON is acceptable as application/json, application/*,
// */*, an empty header, and application/vnd.kubernetes.protobuf or application/yaml (answered in JSON,
// which clients accept: kubectl-wire §0).
enum class Endpoint { kResource, kDiscoveryRoot, kOther };
Negotiated negotiate(std::string_view accept, Endpoint endpoint);

enum class PatchType {
  kJsonPatch,            // application/json-patch+json (RFC 6902)
  kMergePatch,           // application/merge-patch+json (RFC 7386)
  kStrategicMergePatch,  // application/strategic-merge-patch+json
  kApplyPatch,           // application/apply-patch+yaml (server-side apply; not served)
};
// The patch type of a PATCH's Content-Type (parameters such as charset ignored); nullopt: 415
// UnsupportedMediaType.
std::optional<PatchType> parse_patch_type(std::string_view content_type);

// Whether a request body's Content-Type is JSON: application/json, or none at all (kubectl's PUT on /scale
// sends none, kubectl-wire §0).
bool is_json_body(std::string_view content_type);

}  // namespace ktwin::realnet
