// render(): the layout of kubectl's tabwriter (k8s.io/cli-runtime/pkg/printers/tabwriter.go over Go's
// text/tabwriter with minwidth 6, padding 3, padchar ' ').
#include <algorithm>
#include <cctype>

#include "core/printers/table.h"

namespace ktwin::core::printers {
namespace {

constexpr size_t kMinWidth = 6;
constexpr size_t kPadding = 3;

// Go's tabwriter counts runes, not bytes.
size_t text_width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string render_table(const Table& table) {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header;
  for (const TableColumn& c : table.columns) header.push_back(upper(c.name));
  lines.push_back(std::move(header));
  lines.insert(lines.end(), table.rows.begin(), table.rows.end());

  // Every cell but a line's last is tab-terminated and so belongs to a column; the last is printed as is.
  size_t columns = table.columns.size();
  std::vector<size_t> width(columns, kMinWidth);
  for (const auto& line : lines)
    for (size_t j = 0; j + 1 < line.size() && j < columns; ++j)
      width[j] = std::max(width[j], text_width(line[j]) + kPadding);

  std::string out;
  for (const auto& line : lines) {
    for (size_t j = 0; j < line.size(); ++j) {
      out += line[j];
      if (j + 1 < line.size()) out.append(width[j] - text_width(line[j]), ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace

std::string render(const std::vector<Table>& tables) {
  std::string out;
  for (const Table& table : tables) {
    if (table.rows.empty()) continue;
    // kubectl's separator writer: a blank line only once something was printed before.
    if (!out.empty()) out += '\n';
    out += render_table(table);
  }
  return out;
}

}  // namespace ktwin::core::printers
