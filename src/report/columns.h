#pragma once
// The one list of per-row columns every format reads (details CSV, JSON layers, and the formats to come): name,
// unit, what kind of value it holds, which formats and modes show it, and how to get it from a ReportRow. Adding
// a per-layer metric is one entry here. The terminal table's figure columns are its own list (emit/table.cc,
// figure_columns()): its block header lines sum a subtree, which is not a ReportRow.
#include <cstdint>
#include <string_view>
#include <vector>

#include "report/rows.h"

namespace nnscope::report {

enum class ValueKind {
  kText,     // a string (path, op kind, evaluated kernel "7x7", bound unit)
  kInteger,  // an exact integer
  kDecimal,  // a finite decimal with Column::decimals places at most
  kBool,
  kShapes,   // several evaluated shapes (CSV "2x64;2x10", JSON [[2, 64], [2, 10]])
  kLevels,   // the path's segments as level_0 .. level_{N-1} columns (CSV)
  kWeights,  // the row's weights with their shapes (JSON)
};

struct Value {
  ValueKind kind = ValueKind::kText;
  std::string_view text;
  sym::Int integer = 0;
  double decimal = 0;
  bool boolean = false;
  const std::vector<const std::vector<Int>*>* shapes = nullptr;
  bool missing = false;  // the row has no such value (groups of a non-convolution): CSV empty, JSON left out
};

enum class Mode { kAlways, kTraining, kRoofline };  // when the column is shown: always, --mode train, --hw

namespace format {
constexpr std::uint32_t kCsv = 1, kJson = 2;
}

struct Column {
  std::string_view key;   // CSV header and JSON key
  std::string_view unit;  // "params", "bytes", "MACs", "ops", "FLOPs", "FLOP/byte", "s"; "" for text
  ValueKind kind;
  std::uint32_t formats;  // format::kCsv | format::kJson
  Mode mode = Mode::kAlways;
  bool work = false;        // unknown (empty, null) for an op without a cost rule
  bool omit_empty = false;  // JSON leaves the key out when its text is empty or its value missing
  int decimals = 6;
  Value (*get)(const ReportRow& row) = nullptr;
  std::string_view json_key = {};  // when JSON names it otherwise

  std::string_view json_name() const { return json_key.empty() ? key : json_key; }
};

const std::vector<Column>& columns();

// Whether a report with (or without) training and roofline figures shows `column` in `format`.
bool shown(const Column& column, std::uint32_t format, bool training, bool roofline);

}  // namespace nnscope::report
