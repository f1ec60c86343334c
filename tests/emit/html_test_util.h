#pragma once
// Readers of the HTML report (and of a browser's serialized DOM of it) for tests/emit/html*_test.cc: they find
// charts, count bars and read the totals by the attributes docs/html.md promises, and read the JSON report's
// totals and layer count to compare with.
#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <string>

namespace nnscope::emit::testing {

inline std::size_t count_occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// The value of attribute `name` on the element that starts at or before `at` (the first one after `at` when
// `at` is inside no tag), or "" when absent.
inline std::string attribute_after(const std::string& page, std::size_t at, const std::string& name) {
  std::size_t end = page.find('>', at);
  std::size_t pos = page.find(" " + name + "=\"", at);
  if (pos == std::string::npos || pos > end) return "";
  pos += name.size() + 3;
  return page.substr(pos, page.find('"', pos) - pos);
}

// How many bars the chart with data-chart="key" draws: the elements directly inside its <g class="bars">
// (a <rect> per row, or a <g> of stacked segments per row). -1 when the chart is missing.
inline long count_bars(const std::string& page, const std::string& key) {
  std::size_t chart = page.find("data-chart=\"" + key + "\"");
  if (chart == std::string::npos) return -1;
  std::size_t start = page.find("<g class=\"bars\">", chart);
  std::size_t chart_end = page.find("</svg>", chart);
  if (start == std::string::npos || start > chart_end) return -1;
  long bars = 0;
  int nesting = 1;
  for (std::size_t i = start + 16; i < page.size() && nesting > 0; ++i) {
    if (page[i] != '<') continue;
    if (page.compare(i, 4, "</g>") == 0) {
      --nesting;
    } else if (page.compare(i, 3, "<g ") == 0 || page.compare(i, 3, "<g>") == 0) {
      if (nesting == 1) ++bars;
      ++nesting;
    } else if (page.compare(i, 5, "<rect") == 0 && nesting == 1) {
      ++bars;
    }
  }
  return bars;
}

// The declared data-bars of a chart ("" when missing).
inline std::string declared_bars(const std::string& page, const std::string& key) {
  std::size_t chart = page.find("data-chart=\"" + key + "\"");
  return chart == std::string::npos ? "" : attribute_after(page, chart, "data-bars");
}

// Every data-total="key" data-value="value" pair on the page, in order (a sweep has one per point).
inline std::multimap<std::string, std::string> page_totals(const std::string& page) {
  std::multimap<std::string, std::string> totals;
  for (std::size_t pos = page.find("data-total=\""); pos != std::string::npos;
       pos = page.find("data-total=\"", pos + 1)) {
    std::size_t key_start = pos + 12;
    std::string key = page.substr(key_start, page.find('"', key_start) - key_start);
    totals.emplace(key, attribute_after(page, pos, "data-value"));
  }
  return totals;
}

// The "totals" objects of a JSON report (or of each sweep point) as key -> number text, in order. The emitter
// writes one member per line: `"key": value,`.
inline std::multimap<std::string, std::string> json_totals(const std::string& json) {
  std::multimap<std::string, std::string> totals;
  for (std::size_t pos = json.find("\"totals\": {"); pos != std::string::npos;
       pos = json.find("\"totals\": {", pos + 1)) {
    std::size_t end = json.find('}', pos);
    std::size_t line = json.find('\n', pos);
    while (line != std::string::npos && line < end) {
      std::size_t key_start = json.find('"', line);
      if (key_start == std::string::npos || key_start > end) break;
      std::size_t key_end = json.find('"', key_start + 1);
      std::size_t value_start = key_end + 3;
      std::size_t value_end = json.find_first_of(",\n", value_start);
      totals.emplace(json.substr(key_start + 1, key_end - key_start - 1),
                     json.substr(value_start, value_end - value_start));
      line = json.find('\n', key_start);
    }
  }
  return totals;
}

// The number of rows in a JSON report's "layers" array.
inline std::size_t json_layer_count(const std::string& json) {
  std::size_t begin = json.find("\"layers\": [");
  std::size_t end = json.find("\"by_op_type\": [", begin);
  return count_occurrences(json.substr(begin, end - begin), "\"path\": ");
}

// Every "http://" or "https://" on the page is an SVG namespace name, never a resource to load.
inline void expect_no_remote_urls(const std::string& page) {
  std::size_t urls = count_occurrences(page, "http://") + count_occurrences(page, "https://");
  EXPECT_EQ(urls, count_occurrences(page, "xmlns=\"http://www.w3.org/2000/svg\""));
  for (const char* load : {"src=\"http", "href=\"http", "url(http", "@import", "src='http", "href='http"}) {
    EXPECT_EQ(page.find(load), std::string::npos) << load;
  }
  EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
}

}  // namespace nnscope::emit::testing
