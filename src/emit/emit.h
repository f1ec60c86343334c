#pragma once
// Emitters: format an Analysis as the terminal table, details CSV, summary CSV, JSON and Graphviz DOT,
// and a sweep as a table, CSV or JSON. They compute nothing the analysis does not already hold.
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/analysis.h"

namespace nnscope::emit {

struct EmitOptions {
  std::size_t depth = ~std::size_t{0};  // --depth: collapse blocks below this depth (0 = top level)
  // The terminal table only (docs/table.md):
  bool auto_depth = false;                // pick the deepest depth whose tree has at most kTableRows lines (no --depth)
  std::size_t width = 100;                // columns to fit: --width, COLUMNS, the terminal's width, or 100
  std::vector<std::string> columns = {};  // --columns: figure columns by name (table_column_names()); empty: default
  std::size_t top = 0;                    // --top N: the N heaviest layers instead of the tree
};

constexpr std::size_t kTableRows = 60;
// "params, macs, ...": the names --columns takes, for messages; is_table_column checks one.
std::string table_column_names();
bool is_table_column(const std::string& name);

std::string table(const analysis::Analysis& analysis, const EmitOptions& options);
std::string details_csv(const analysis::Analysis& analysis, const EmitOptions& options);
std::string summary_csv(const analysis::Analysis& analysis);       // wide: one header row, one row of values
std::string summary_long_csv(const analysis::Analysis& analysis);  // long: section,name,metric,value,formula
std::string json(const analysis::Analysis& analysis, const EmitOptions& options);
// The same, written to `out` as it is produced (a large model's report is never held whole in memory).
void json(std::ostream& out, const analysis::Analysis& analysis, const EmitOptions& options);
std::string dot(const analysis::Analysis& analysis, const EmitOptions& options);
// An Excel workbook (docs/xlsx.md): binary, a ZIP container, so written to a stream.
void xlsx(std::ostream& out, const analysis::Analysis& analysis, const EmitOptions& options);
// One self-contained HTML page with inline SVG charts (docs/html.md).
void html(std::ostream& out, const analysis::Analysis& analysis, const EmitOptions& options);

// One point of a --sweep: the swept parameters' values and the analysis there.
struct SweepPoint {
  std::vector<std::pair<std::string, sym::Int>> values;
  analysis::Analysis analysis;
};
// Fits `width` columns as the per-layer table does: totals that do not fit are left out, named in a footer line.
std::string sweep_table(const std::vector<SweepPoint>& points, std::size_t width);
std::string sweep_csv(const std::vector<SweepPoint>& points);
std::string sweep_json(const std::vector<SweepPoint>& points);
void sweep_xlsx(std::ostream& out, const std::vector<SweepPoint>& points);
std::string sweep_html(const std::vector<SweepPoint>& points);

// Helpers shared by the emitters (and tested on their own).
std::string csv_field(const std::string& text);                    // RFC 4180 quoting when needed
std::string json_string(const std::string& text);                  // quoted and escaped
std::string shape_text(const std::vector<sym::Int>& shape);        // "2x64x56x56"
std::string human_count(sym::Int value, const std::string& unit);  // "25.56 M params", "4.09 G MACs"
std::string human_bytes(sym::Int bytes);                           // "97.49 MiB"

}  // namespace nnscope::emit
