// Strategic merge patch, following k/k staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go
// (mergeMap, mergeSlice, mergePatchIntoOriginal, normalizeElementOrder) with MergeParallelList and
// IgnoreUnmatchedNulls set, as StrategicMergeMapPatch runs it in the apiserver.
#include "realnet/api/strategic_merge_patch.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "realnet/api/patch_meta.h"

namespace ktwin::realnet {
namespace {

using nlohmann::json;

constexpr std::string_view kDirective = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

// Thrown inside this file only; apply_strategic_merge_patch turns it into a Status.
struct PatchError {
  std::string message;
};
[[noreturn]] void fail(std::string message) { throw PatchError{std::move(message)}; }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Go's reflect.TypeOf after json.Unmarshal: every number is a float64.
enum class Category { kNull, kObject, kArray, kString, kNumber, kBool };
Category category(const json& v) {
  if (v.is_object()) return Category::kObject;
  if (v.is_array()) return Category::kArray;
  if (v.is_string()) return Category::kString;
  if (v.is_number()) return Category::kNumber;
  if (v.is_boolean()) return Category::kBool;
  return Category::kNull;
}

// A value the patch adds as it is, without directives or nulls (decoding into Go types drops both).
json clean(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    for (const auto& [k, x] : v.items())
      if (!starts_with(k, "$") && !x.is_null()) out[k] = clean(x);
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const json& x : v)
      if (!(x.is_object() && x.contains(kDirective))) out.push_back(clean(x));
    return out;
  }
  return v;
}

// sliceElementType: one element type across the lists, never a list.
Category element_category(const json& a, const json& b) {
  std::optional<Category> seen;
  for (const json* list : {&a, &b})
    for (const json& x : *list) {
      Category c = category(x);
      if (c == Category::kArray) fail("lists of lists are not supported");
      if (seen && *seen != c) fail("list element types are not identical: " + a.dump() + ", " + b.dump());
      seen = c;
    }
  return seen.value_or(Category::kNull);
}

const json& merge_key_value(const json& item, std::string_view key) {
  if (!item.is_object()) fail("a list element is not a map: " + item.dump());
  auto it = item.find(key);
  if (it == item.end()) fail("map: " + item.dump() + " does not contain declared merge key: " + std::string(key));
  return *it;
}

// index(): the position of `item` in `list`, compared by merge key for maps.
size_t index_in(const json& list, const json& item, std::string_view key, bool maps) {
  for (size_t i = 0; i < list.size(); ++i) {
    bool same = maps ? list[i].is_object() && list[i].contains(key) && item.contains(key) &&
                           list[i][std::string(key)] == item[std::string(key)]
                     : list[i] == item;
    if (same) return i;
  }
  return std::numeric_limits<size_t>::max();
}

// Splits `list` into the items present in `by` and the others, keeping their order.
std::pair<json, json> partition(const json& list, const json& by, std::string_view key, bool maps) {
  json present = json::array(), others = json::array();
  for (const json& item : list) {
    if (maps) merge_key_value(item, key);
    (index_in(by, item, key, maps) != std::numeric_limits<size_t>::max() ? present : others).push_back(item);
  }
  return {present, others};
}

json sort_by_order(json items, const json& order, std::string_view key, bool maps) {
  std::vector<json> v(items.begin(), items.end());
  std::stable_sort(v.begin(), v.end(), [&](const json& a, const json& b) {
    return index_in(order, a, key, maps) < index_in(order, b, key, maps);
  });
  return json(v);
}

// normalizeElementOrder + mergeSortedSlice: patch items in patch order, server-only items in server order,
// interleaved by their places in the live list; patch items win ties.
json normalize_order(const json& patch_items, const json& server_only, const json& patch_order,
                     const json& server_order, std::string_view key, bool maps) {
  json right = sort_by_order(patch_items, patch_order, key, maps);
  json left = sort_by_order(server_only, server_order, key, maps);
  json out = json::array();
  size_t i = 0, j = 0;
  constexpr size_t kMissing = std::numeric_limits<size_t>::max();
  while (i < left.size() || j < right.size()) {
    if (i >= left.size()) {
      out.push_back(right[j++]);
    } else if (j >= right.size()) {
      out.push_back(left[i++]);
    } else {
      size_t li = index_in(server_order, left[i], key, maps), ri = index_in(server_order, right[j], key, maps);
      if (li != kMissing && ri != kMissing && li < ri)
        out.push_back(left[i++]);
      else
        out.push_back(right[j++]);
    }
  }
  return out;
}

json merge_map(json original, json patch, std::string_view type);

// mergeSlice for a list tagged merge.
json merge_list(json original, json patch, const FieldMeta& meta) {
  if (original.empty() && patch.empty()) return original;
  const bool maps = element_category(original, patch) == Category::kObject;
  const std::string key(meta.merge_key);
  json merged;
  if (!maps) {
    merged = original;  // union, first occurrence kept
    for (const json& x : patch)
      if (std::find(merged.begin(), merged.end(), x) == merged.end()) merged.push_back(x);
  } else {
    if (key.empty()) fail("cannot merge lists without merge key");
    // mergeSliceWithSpecialElements: deletions and replace first.
    json plain = json::array();
    bool replace = false;
    for (const json& item : patch) {
      auto d = item.find(kDirective);
      if (d == item.end()) {
        plain.push_back(item);
      } else if (*d == "delete") {
        const json& value = merge_key_value(item, key);
        json kept = json::array();
        for (const json& o : original)
          if (!(o.is_object() && o.contains(key) && o[key] == value)) kept.push_back(o);
        original = std::move(kept);
      } else if (*d == "replace") {
        replace = true;
      } else if (*d == "merge") {
        fail("merging lists cannot yet be specified in the patch");
      } else {
        fail("unknown patch type: " + d->dump() + " in map: " + item.dump());
      }
    }
    if (replace) {
      original = clean(plain);
      plain = json::array();
    }
    patch = std::move(plain);
    // mergeSliceWithoutSpecialElements: merge by key, append the new ones.
    merged = original;
    for (const json& item : patch) {
      const json& value = merge_key_value(item, key);
      auto found = std::find_if(merged.begin(), merged.end(), [&](const json& o) {
        return o.is_object() && o.contains(key) && o[key] == value;
      });
      if (found != merged.end())
        *found = merge_map(*found, item, meta.type);
      else
        merged.push_back(clean(item));
    }
  }
  auto [in_patch, server_only] = partition(merged, patch, key, maps);
  return normalize_order(in_patch, server_only, patch, original, key, maps);
}

// validatePatchWithSetOrderList: the patch's items (deletions aside) appear in $setElementOrder's order.
void check_set_order(const json& patch_list, const json& order, std::string_view key, bool maps) {
  std::vector<json> items;
  for (const json& x : patch_list)
    if (!(maps && x.is_object() && x.value(std::string(kDirective), "") == "delete")) items.push_back(x);
  size_t p = 0, s = 0;
  while (p < items.size() && s < order.size()) {
    if (items[p].is_object() && items[p].contains(kDirective)) {
      ++p;
      continue;
    }
    bool equal = maps ? merge_key_value(items[p], key) == merge_key_value(order[s], key) : items[p] == order[s];
    if (equal) ++p;
    ++s;
  }
  if (p < items.size())
    fail("the order in patch list: " + patch_list.dump() + " doesn't match $setElementOrder list: " + order.dump());
}

// mergePatchIntoOriginal: each $setElementOrder/FIELD merges FIELD now and fixes its order.
void merge_ordered_lists(json& original, json& patch, std::string_view type) {
  std::vector<std::string> directives;
  for (const auto& [k, v] : patch.items())
    if (starts_with(k, kSetElementOrder)) directives.push_back(k);
  for (const std::string& directive : directives) {
    json order = patch[directive];
    patch.erase(directive);
    if (!order.is_array()) fail("invalid patch: " + directive + " must be a list");
    std::string field = directive.substr(kSetElementOrder.size());
    if (field.empty()) fail("invalid patch: " + directive + " names no field");
    auto o = original.find(field);
    auto p = patch.find(field);
    const bool has_original = o != original.end() && !o->is_null();
    const bool has_patch = p != patch.end();
    if (has_original && !o->is_array()) fail(field + ": expected a list in the original");
    if (has_patch && !p->is_null() && !p->is_array()) fail(field + ": expected a list in the patch");
    if (has_patch && p->is_null()) continue;  // deleted below
    json original_list = has_original ? *o : json::array();
    json patch_list = has_patch ? *p : json::array();
    FieldMeta meta = field_meta(type, field);
    const bool maps = element_category(original_list, patch_list) == Category::kObject ||
                      (original_list.empty() && patch_list.empty() && !order.empty() && order[0].is_object());
    std::string key = maps ? std::string(meta.merge_key) : "";
    if (maps && key.empty()) fail(field + ": $setElementOrder on a list without a merge key");
    check_set_order(patch_list, order, key, maps);
    if (!has_original && !has_patch) continue;
    json merged = !has_patch ? original_list
                  : meta.merge ? merge_list(original_list, patch_list, meta)
                               : clean(patch_list);
    auto [in_order, server_only] = partition(merged, order, key, maps);
    original[field] = normalize_order(in_order, server_only, order, original_list, key, maps);
    if (has_patch) patch.erase(field);
  }
}

// applyRetainKeysDirective: keys of `original` missing from $retainKeys are cleared.
void apply_retain_keys(json& original, json& patch) {
  auto it = patch.find(kRetainKeys);
  if (it == patch.end()) return;
  json keep = *it;
  patch.erase(it);
  if (!keep.is_array()) fail("invalid patch: $retainKeys must be a list");
  auto kept = [&](const std::string& k) { return std::find(keep.begin(), keep.end(), json(k)) != keep.end(); };
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null() || starts_with(k, kDeleteFromPrimitiveList) || starts_with(k, kSetElementOrder)) continue;
    if (!kept(k)) fail("invalid patch: " + k + " is not in $retainKeys");
  }
  std::vector<std::string> drop;
  for (const auto& [k, v] : original.items())
    if (!kept(k)) drop.push_back(k);
  for (const std::string& k : drop) original.erase(k);
}

json merge_map(json original, json patch, std::string_view type) {
  if (auto d = patch.find(kDirective); d != patch.end()) {
    if (*d == "replace") {
      patch.erase(d);
      return clean(patch);
    }
    if (*d == "delete") return json::object();
    if (*d != "merge") fail("unknown patch type: " + d->dump() + " in map: " + patch.dump());
    patch.erase(d);
  }
  if (!original.is_object()) original = json::object();
  apply_retain_keys(original, patch);
  merge_ordered_lists(original, patch, type);
  // '$' sorts before letters, so deletions from primitive lists come before additions to them.
  for (const auto& [k, v] : patch.items()) {
    if (starts_with(k, kDeleteFromPrimitiveList)) {
      std::string field = k.substr(kDeleteFromPrimitiveList.size());
      if (!v.is_array()) fail("invalid patch: " + k + " must be a list");
      auto o = original.find(field);
      if (o == original.end() || o->is_null()) continue;
      if (!o->is_array()) fail(field + ": expected a list");
      json kept = json::array();
      for (const json& x : *o)
        if (std::find(v.begin(), v.end(), x) == v.end()) kept.push_back(x);
      *o = std::move(kept);
      continue;
    }
    if (starts_with(k, "$")) continue;  // unknown directives are dropped, as decoding drops unknown fields
    if (v.is_null()) {
      original.erase(k);
      continue;
    }
    auto o = original.find(k);
    if (o == original.end() || category(*o) != category(v)) {
      original[k] = clean(v);
      continue;
    }
    FieldMeta meta = field_meta(type, k);
    if (v.is_object())
      *o = merge_map(std::move(*o), v, meta.type);
    else if (v.is_array())
      *o = meta.merge ? merge_list(std::move(*o), v, meta) : clean(v);
    else
      *o = v;
  }
  return original;
}

}  // namespace

core::Result<nlohmann::json> apply_strategic_merge_patch(const nlohmann::json& original,
                                                         const nlohmann::json& patch, core::Kind kind) {
  if (!original.is_object()) return core::Status::invalid("strategic merge patch: the object is not a map");
  if (!patch.is_object()) return core::Status::invalid("strategic merge patch: the patch must be a JSON object");
  try {
    return merge_map(original, patch, root_type(kind));
  } catch (const PatchError& e) {
    return core::Status::invalid(e.message);
  }
}

}  // namespace ktwin::realnet
