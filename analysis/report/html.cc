// HTML helpers: escaping, tables and the page with its style sheet.
#include "analysis/report/html.h"

#include "analysis/report/svg.h"

namespace ktwin::analysis::report {

std::string html_escape(std::string_view text) { return xml_escape(text); }

std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       const std::vector<bool>& numeric) {
  auto cls = [&](size_t i) { return i < numeric.size() && numeric[i] ? " class=\"num\"" : ""; };
  std::string out = "<table>\n<tr>";
  for (size_t i = 0; i < header.size(); ++i) out += std::string("<th") + cls(i) + ">" + html_escape(header[i]) + "</th>";
  out += "</tr>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) out += std::string("<td") + cls(i) + ">" + html_escape(row[i]) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string html_page(const std::string& title, const std::string& body_html) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) +
         "</title>\n<style>\n"
         "body { font-family: sans-serif; margin: 16px 24px; color: #222; max-width: 1040px; }\n"
         "h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; border-bottom: 1px solid #ccc; }\n"
         "table { border-collapse: collapse; font-size: 12px; margin: 6px 0 12px; }\n"
         "th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }\n"
         "th { background: #f2f2f2; } td.num, th.num { text-align: right; }\n"
         "code { background: #f4f4f4; padding: 1px 4px; font-size: 12px; word-break: break-all; }\n"
         "p.note { font-size: 12px; color: #555; }\n"
         "svg { display: block; margin: 4px 0; }\n"
         "</style>\n</head>\n<body>\n" +
         body_html + "</body>\n</html>\n";
}

}  // namespace ktwin::analysis::report
