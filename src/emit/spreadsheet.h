#pragma once
// Internal to the emitters: an Office Open XML workbook (ECMA-376 SpreadsheetML, the .xlsx format), written with
// no library. A Sheet is filled row by row, cell by cell in column order; write_workbook() packs the sheets with
// their styles into a ZIP container (emit/zip.h). Every sheet has a frozen, bold header row and an autofilter;
// columns are sized to their text; numeric columns marked `bar` get a data bar (conditional formatting) so the
// largest values stand out; rows may carry an outline level, so a block's rows fold under its header row.
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "emit/xml_text.h"
#include "symbolic/rational.h"

namespace nnscope::emit::spreadsheet {

// A cell's look: its font and number format. The values are the indices of styles.xml's cellXfs.
enum class Style {
  kText = 0,
  kHeader = 1,   // bold on grey: the header row
  kInteger = 2,  // #,##0
  kDecimal = 3,  // #,##0.00 (ratios; MiB and GiB)
  kSeconds = 4,  // 0.000E+00
  kBlock = 5,    // bold: a block's header row in the outline
};

struct SheetColumn {
  std::string header;
  Style style = Style::kText;  // the number format of its numeric cells, unless a cell names another
  bool bar = false;            // a data bar over the column's values
};

// Excel holds 1,048,576 rows and 32,767 characters a cell, and folds rows to 7 outline levels.
constexpr std::size_t kMaxRows = 1048576;
constexpr std::size_t kMaxCellText = 32767;
constexpr int kMaxOutlineLevel = 7;

class Sheet {
 public:
  Sheet(std::string name, std::vector<SheetColumn> columns);

  // Starts a row: its outline level (0: not folded; capped at kMaxOutlineLevel) and whether it is a block's
  // header row (bold). The cells then follow in column order; a column skipped with empty() has no cell.
  void begin_row(int outline_level = 0, bool block_header = false);
  void text(std::string_view text);
  // Numeric cells in the column's style (kInteger or kDecimal where the column is text), or in `style`.
  void integer(sym::Int value);  // exact up to 2^53, then the nearest double (see approximate)
  void integer(sym::Int value, Style style);
  void number(double value, int decimals);  // at most `decimals` places; NaN and infinities become 0
  void number(double value, int decimals, Style style);
  void approximate(double value, Style style);  // every significant digit (%.16e), with an exponent
  void empty();
  // Rows left before Excel's limit (the header row counts).
  std::size_t rows_left() const { return kMaxRows - rows_; }
  // Folded rows: the outline buttons sit on the header row above a block's rows, not below them.
  void set_summary_above() { summary_above_ = true; }

  const std::string& name() const { return name_; }
  // The worksheet part is head() + rows() + tail(), in three pieces so a large sheet is never copied whole.
  // finish() closes the last row; nothing may be added after it.
  void finish();
  std::string head() const;
  const std::string& rows() const { return rows_xml_; }
  std::string tail() const;
  std::string filter_range() const;  // "'name'!$A$1:$K$20", the autofilter's range for the workbook

 private:
  void cell(std::string_view value, Style style, bool is_text);
  Style column_style(Style if_text) const;
  std::string last_cell() const;  // "K20": the bottom-right cell

  std::string name_;
  std::vector<SheetColumn> columns_;
  std::vector<std::size_t> widths_;  // characters
  std::string rows_xml_;
  std::size_t rows_ = 0;    // rows written, the header included
  std::size_t column_ = 0;  // the next cell's column in the current row
  bool row_open_ = false;
  bool block_row_ = false;
  int max_outline_ = 0;
  bool summary_above_ = false;
};

// An integer figure's columns: its value (numeric, #,##0, with a data bar); beside it, when some value is past 2^53
// (where a spreadsheet's numbers, IEEE doubles, stop being exact), the exact digits as text in KEY_exact; and for
// bytes, the size in MiB in KEY_mib.
struct IntegerFigure {
  std::string key;
  bool exact = false;  // some value needs KEY_exact
  bool bytes = false;
};
bool past_exact_doubles(sym::Int value);  // |value| > 2^53
void add_columns(std::vector<SheetColumn>& columns, const IntegerFigure& figure);
void write_cells(Sheet& sheet, const IntegerFigure& figure, sym::Int value);
void skip_cells(Sheet& sheet, const IntegerFigure& figure);  // unknown: every column of the figure empty

using emit::append_xml_text;  // emit/xml_text.h
// "A", "Z", "AA": the letters of a 0-based column.
std::string column_letters(std::size_t column);

// The package: [Content_Types].xml, the relationships, the workbook, its styles and one part per sheet.
void write_workbook(std::ostream& out, std::vector<Sheet>& sheets);  // finishes the sheets

}  // namespace nnscope::emit::spreadsheet
