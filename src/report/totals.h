#pragma once
// The one list of report totals that the JSON "totals" object and every sweep format (table, CSV, JSON) read, in
// this order: name, what it measures, when it is shown, whether a sweep shows it, and how to get it. Adding a
// total is one entry here.
#include <string_view>
#include <vector>

#include "analysis/analysis.h"
#include "report/columns.h"

namespace nnscope::report {

enum class TotalKind {
  kCount,    // an exact integer count (params, MACs, ops, FLOPs)
  kBytes,    // an exact integer of bytes
  kRatio,    // a decimal (arithmetic intensity, samples per second)
  kSeconds,  // a decimal time in seconds
};

struct Total {
  std::string_view key;    // JSON key and sweep CSV header
  std::string_view title;  // sweep table header; empty: not in sweeps
  TotalKind kind;
  Mode mode = Mode::kAlways;
  int decimals = 6;  // decimals for kRatio / kSeconds in JSON and CSV
  Value (*get)(const analysis::Analysis& analysis) = nullptr;
  std::string_view unit;  // "params", "MACs", "ops", "FLOPs", "bytes", "s", ...
  // The total as a formula in the model's parameters, where the analysis has one (JSON "formulas", the summary's
  // <key>_formula columns).
  sym::Expr analysis::TotalFormulas::*formula = nullptr;

  bool in_sweep() const { return !title.empty(); }
};

const std::vector<Total>& totals();
bool shown(const Total& total, bool training, bool roofline);

}  // namespace nnscope::report
