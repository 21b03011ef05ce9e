// The HTML around the reports: one self-contained page (inline CSS and SVG, no scripts, no fetches).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ktwin::analysis::report {

// Escapes text for HTML content and attribute values.
std::string html_escape(std::string_view text);

// <table> with a header row; cells are plain text (escaped here). `numeric` columns align right.
std::string html_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                       const std::vector<bool>& numeric = {});

// The whole document: doctype, UTF-8, title, the style sheet, `body_html` (already HTML).
std::string html_page(const std::string& title, const std::string& body_html);

}  // namespace ktwin::analysis::report
