#pragma once
// Internal to the emitters: a grid of text cells laid out within a terminal width, shared by the per-layer table
// and the sweep table (docs/table.md, "Width"). Text columns give way first (cut with an ellipsis), then whole
// columns are left out by priority, and the caller names them in a footer line.
#include <cstddef>
#include <string>
#include <vector>

namespace nnscope::emit::detail {

// A column that is never left out: the layer names, a sweep's swept parameters.
constexpr int kAlwaysKept = 1000;

struct GridColumn {
  std::string title;
  bool left = false;       // left-aligned text (else right-aligned numbers)
  std::size_t shrink = 0;  // may be cut (with an ellipsis) down to this width; 0: never cut
  int keep = kAlwaysKept;  // order in which columns are left out when the width is short: lowest first
};

struct GridLayout {
  std::vector<bool> kept;
  std::vector<std::size_t> width;
  std::size_t total = 0;                  // columns a full line of the grid takes
  std::vector<std::string> dropped;       // titles of the columns left out, in the order they went
  std::size_t divider = ~std::size_t{0};  // the first column at or after this index has "  │ " before it
};

using GridCells = std::vector<std::vector<std::string>>;

// Natural widths, then text columns cut to their minimum (the last column first), then columns left out by
// priority until the grid fits `width`. When only always-kept columns remain and one of them is all there is, it
// is cut to the width; several that do not fit stay as they are (the caller wraps what is left).
// `divider`: the index of the first column after a "│" divider (a sweep's first total); none by default.
GridLayout fit_grid(const std::vector<GridColumn>& columns, const GridCells& cells, std::size_t width,
                    std::size_t divider = ~std::size_t{0});

// One line of the grid: the kept cells padded to their widths (cut with an ellipsis where narrower), two spaces
// apart, trailing spaces removed; no newline.
std::string grid_line(const std::vector<GridColumn>& columns, const std::vector<std::string>& cells,
                      const GridLayout& layout);

// `text` repeated `count` times ("═", "─").
std::string repeated(const std::string& text, std::size_t count);

// "Left out to fit 80 columns: bytes, op (HOW shows them).\n", or nothing when every column is shown.
std::string dropped_note(const GridLayout& layout, std::size_t width, const std::string& how_to_show);

}  // namespace nnscope::emit::detail
