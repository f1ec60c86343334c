#include "emit/text_grid.h"

#include <algorithm>

#include "emit/format.h"

namespace nnscope::emit::detail {
namespace {

constexpr std::string_view kGap = "  ";
constexpr std::string_view kDivider = "  │ ";

// The first kept column at or after the divider, when a kept column precedes it (else the divider is not drawn).
std::size_t divider_column(const GridLayout& layout) {
  bool before = false;
  for (std::size_t c = 0; c < layout.kept.size(); ++c) {
    if (!layout.kept[c]) continue;
    if (c >= layout.divider) return before ? c : layout.kept.size();
    before = true;
  }
  return layout.kept.size();
}

std::size_t line_width(const GridLayout& layout) {
  std::size_t sum = 0, shown = 0;
  for (std::size_t c = 0; c < layout.kept.size(); ++c) {
    if (layout.kept[c]) sum += layout.width[c], ++shown;
  }
  sum += kGap.size() * (shown ? shown - 1 : 0);
  if (divider_column(layout) < layout.kept.size()) sum += display_width(kDivider) - kGap.size();
  return sum;
}

}  // namespace

GridLayout fit_grid(const std::vector<GridColumn>& columns, const GridCells& cells, std::size_t width,
                    std::size_t divider) {
  std::size_t n = columns.size();
  std::vector<std::size_t> natural(n);
  for (std::size_t c = 0; c < n; ++c) natural[c] = display_width(columns[c].title);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < n && c < row.size(); ++c) natural[c] = std::max(natural[c], display_width(row[c]));
  }
  GridLayout layout;
  layout.kept.assign(n, true);
  layout.divider = divider;
  for (;;) {
    layout.width = natural;
    // Cut text columns from the last to the first (the layer names give way last).
    for (std::size_t c = n; c-- > 0 && line_width(layout) > width;) {
      if (!layout.kept[c] || columns[c].shrink == 0 || layout.width[c] <= columns[c].shrink) continue;
      layout.width[c] -= std::min(layout.width[c] - columns[c].shrink, line_width(layout) - width);
    }
    layout.total = line_width(layout);
    if (layout.total <= width) break;
    std::size_t drop = n, shown = 0;
    for (std::size_t c = 0; c < n; ++c) {
      if (!layout.kept[c]) continue;
      ++shown;
      if (columns[c].keep < kAlwaysKept && (drop == n || columns[c].keep < columns[drop].keep)) drop = c;
    }
    if (drop == n) {
      if (shown == 1) {  // one column alone (the layer names): cut it to the width
        std::size_t only =
            static_cast<std::size_t>(std::find(layout.kept.begin(), layout.kept.end(), true) - layout.kept.begin());
        layout.width[only] = std::max<std::size_t>(8, width);
        layout.total = layout.width[only];
      }
      break;
    }
    layout.kept[drop] = false;
    layout.dropped.push_back(columns[drop].title);
  }
  return layout;
}

std::string grid_line(const std::vector<GridColumn>& columns, const std::vector<std::string>& cells,
                      const GridLayout& layout) {
  std::size_t divided = divider_column(layout);
  std::string text;
  bool first = true;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (!layout.kept[c]) continue;
    if (!first) text += c == divided ? kDivider : kGap;
    first = false;
    std::string cell = truncate(c < cells.size() ? cells[c] : std::string(), layout.width[c]);
    text += columns[c].left ? pad_right(cell, layout.width[c]) : pad_left(cell, layout.width[c]);
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::string repeated(const std::string& text, std::size_t count) {
  std::string out;
  out.reserve(text.size() * count);
  for (std::size_t i = 0; i < count; ++i) out += text;
  return out;
}

std::string dropped_note(const GridLayout& layout, std::size_t width, const std::string& how_to_show) {
  if (layout.dropped.empty()) return "";
  std::string names;
  for (std::size_t i = 0; i < layout.dropped.size(); ++i) names += (i ? ", " : "") + layout.dropped[i];
  return "Left out to fit " + std::to_string(width) + " columns: " + names + " (" + how_to_show + " shows them).\n";
}

}  // namespace nnscope::emit::detail
