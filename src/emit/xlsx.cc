// The Excel workbook (--format xlsx; docs/xlsx.md): sheets `details` (one row per layer, the details CSV's columns,
// block header rows for the outline), `summary` (one row per total of report::totals()), `by_op_type` and `model`
// (what the figures are of: model, dtypes, bindings, hardware, optimizer). The
// workbook itself (parts, styles, ZIP) is emit/spreadsheet.h's; the sweep's workbook is in sweep.cc.
#include <algorithm>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "emit/format.h"
#include "emit/spreadsheet.h"
#include "report/columns.h"
#include "report/totals.h"

namespace nnscope::emit {
namespace {

using spreadsheet::IntegerFigure;
using spreadsheet::Sheet;
using spreadsheet::SheetColumn;
using spreadsheet::Style;

// How the details sheet shows one column of report::columns(): its integer figure's columns, or one cell.
struct DetailsColumn {
  const report::Column* column;
  IntegerFigure figure;  // for kInteger columns
};

// About how many bytes the block header rows of the details sheet hold at most (their paths and level cells).
constexpr std::size_t kMaxHeaderBytes = std::size_t{64} << 20;

Style decimal_style(std::string_view unit) { return unit == "s" ? Style::kSeconds : Style::kDecimal; }

// One row per layer at --depth, with the columns of the details CSV. Above a block's rows, a header row (bold,
// its path and levels only) at the block's depth; the rows under it carry deeper outline levels, so Excel's
// outline buttons fold `layer3` into its header row. The header rows hold no figures: a column's sum or data bar
// counts each op once.
Sheet details_sheet(const analysis::Analysis& analysis, const EmitOptions& options) {
  report::RowSource rows(analysis, options.depth);
  std::size_t levels = rows.levels();
  std::vector<DetailsColumn> shown;
  for (const report::Column& column : report::columns()) {
    if (report::shown(column, report::format::kCsv, analysis.training != nullptr, analysis.roofline != nullptr) &&
        column.kind != report::ValueKind::kWeights) {
      shown.push_back({&column, {std::string(column.key), false, column.unit == "bytes"}});
    }
  }
  // A first pass finds the integer columns that need their exact digits beside them.
  rows.for_each([&](const report::ReportRow& row) {
    for (DetailsColumn& d : shown) {
      if (d.column->kind != report::ValueKind::kInteger || d.figure.exact || (d.column->work && row.unknown_work()))
        continue;
      d.figure.exact = spreadsheet::past_exact_doubles(d.column->get(row).integer);
    }
  });
  std::vector<SheetColumn> columns;
  for (const DetailsColumn& d : shown) {
    switch (d.column->kind) {
      case report::ValueKind::kLevels:
        for (std::size_t k = 0; k < levels; ++k) columns.push_back({"level_" + std::to_string(k)});
        break;
      case report::ValueKind::kInteger:
        spreadsheet::add_columns(columns, d.figure);
        break;
      case report::ValueKind::kDecimal:
        columns.push_back({std::string(d.column->key), decimal_style(d.column->unit), true});
        break;
      default:
        columns.push_back({std::string(d.column->key)});
    }
  }
  Sheet sheet("details", std::move(columns));
  sheet.set_summary_above();

  // A block's header row: its path and levels; every other column empty.
  auto block_header = [&](const std::vector<std::string>& segments, std::size_t depth) {
    sheet.begin_row(static_cast<int>(depth), true);
    std::string path;
    for (std::size_t k = 0; k <= depth; ++k) path += (k ? "." : "") + segments[k];
    for (const DetailsColumn& d : shown) {
      if (d.column->kind == report::ValueKind::kLevels) {
        for (std::size_t k = 0; k < levels; ++k) k <= depth ? sheet.text(segments[k]) : sheet.empty();
      } else if (d.column->key == "path") {
        sheet.text(path);
      } else if (d.column->kind == report::ValueKind::kInteger) {
        spreadsheet::skip_cells(sheet, d.figure);
      } else {
        sheet.empty();
      }
    }
  };

  std::vector<std::string> open;  // the segments of the blocks whose header rows are open
  std::size_t left_out = 0;
  // Each header row repeats its block's path and levels, so what header rows hold is bounded too: a path of many
  // long parts would otherwise write its length times its depth.
  std::size_t header_bytes = 0;
  bool headers_full = false;
  rows.for_each([&](const report::ReportRow& row) {
    std::vector<std::string> segments = detail::split_path(std::string(row.group().path));
    std::size_t common = 0;
    while (common < open.size() && common + 1 < segments.size() && open[common] == segments[common]) ++common;
    std::size_t needed = 0, prefix = 0;
    for (std::size_t k = 0; k + 1 < segments.size(); ++k) {
      prefix += (k ? 1 : 0) + segments[k].size();
      if (k >= common) needed += std::min(prefix, spreadsheet::kMaxCellText) + 48 * std::min(k + 1, levels);
    }
    headers_full = headers_full || header_bytes + needed > kMaxHeaderBytes;
    // Room for this row, its new headers and the closing note.
    if (left_out > 0 || headers_full || sheet.rows_left() < segments.size() - common + 1) {
      ++left_out;
      return;
    }
    header_bytes += needed;
    open.resize(common);
    for (std::size_t k = common; k + 1 < segments.size(); ++k) {
      open.push_back(segments[k]);
      block_header(segments, k);
    }
    sheet.begin_row(static_cast<int>(segments.size() - 1));
    for (const DetailsColumn& d : shown) {
      const report::Column& column = *d.column;
      if (column.work && row.unknown_work()) {
        column.kind == report::ValueKind::kInteger ? spreadsheet::skip_cells(sheet, d.figure) : sheet.empty();
        continue;
      }
      report::Value value = column.get(row);
      if (value.missing) {  // groups of an op that has none: an empty cell, not 0
        column.kind == report::ValueKind::kInteger ? spreadsheet::skip_cells(sheet, d.figure) : sheet.empty();
        continue;
      }
      switch (value.kind) {
        case report::ValueKind::kInteger:
          spreadsheet::write_cells(sheet, d.figure, value.integer);
          break;
        case report::ValueKind::kDecimal:
          sheet.number(value.decimal, column.decimals);  // in the column's style: decimal_style(unit)
          break;
        case report::ValueKind::kBool:
          sheet.text(value.boolean ? "true" : "false");
          break;
        case report::ValueKind::kShapes:
          sheet.text(detail::join_shapes(*value.shapes));
          break;
        case report::ValueKind::kLevels:
          for (std::size_t k = 0; k < levels; ++k) k < segments.size() ? sheet.text(segments[k]) : sheet.empty();
          break;
        default:
          sheet.text(value.text);
      }
    }
  });
  if (left_out > 0) {
    sheet.begin_row();
    sheet.text(detail::thousands(static_cast<sym::Int>(left_out)) +
               (headers_full
                    ? " more rows left out: their blocks' paths are too long for one sheet; the CSV lists every op"
                    : " more rows left out: a sheet holds 1,048,576 rows; a smaller --depth shows the whole "
                      "model"));
  }
  return sheet;
}

// One row per total shown (the keys of the JSON "totals" object, in its order): name, value, unit, the exact
// digits when past 2^53, MiB and GiB for bytes, and the formula.
Sheet summary_sheet(const analysis::Analysis& analysis) {
  std::vector<const report::Total*> shown;
  bool exact = false;
  for (const report::Total& total : report::totals()) {
    if (!report::shown(total, analysis.training != nullptr, analysis.roofline != nullptr)) continue;
    shown.push_back(&total);
    report::Value value = total.get(analysis);
    exact = exact || (value.kind == report::ValueKind::kInteger && spreadsheet::past_exact_doubles(value.integer));
  }
  std::vector<SheetColumn> columns = {{"name"}, {"value", Style::kInteger}, {"unit"}};
  if (exact) columns.push_back({"value_exact"});
  columns.insert(columns.end(), {{"mib", Style::kDecimal}, {"gib", Style::kDecimal}, {"formula"}});
  Sheet sheet("summary", std::move(columns));
  for (const report::Total* total : shown) {
    report::Value value = total->get(analysis);
    sheet.begin_row();
    sheet.text(total->key);
    switch (total->kind) {
      case report::TotalKind::kCount:
      case report::TotalKind::kBytes:
        sheet.integer(value.integer);
        break;
      case report::TotalKind::kSeconds:
        sheet.number(value.decimal, total->decimals, Style::kSeconds);
        break;
      case report::TotalKind::kRatio:
        sheet.number(value.decimal, total->decimals, Style::kDecimal);
        break;
    }
    sheet.text(std::string(total->unit));
    if (exact) {
      bool integer = value.kind == report::ValueKind::kInteger;
      integer ? sheet.text(sym::to_string(value.integer)) : sheet.empty();
    }
    if (total->kind == report::TotalKind::kBytes) {
      sheet.number(static_cast<double>(value.integer) / 1048576.0, 6);
      sheet.number(static_cast<double>(value.integer) / 1073741824.0, 9);  // 1e-9 GiB: a byte
    } else {
      sheet.empty();
      sheet.empty();
    }
    const sym::Expr* formula = total->formula ? &(analysis.formulas.*(total->formula)) : nullptr;
    formula ? sheet.text(formula->to_string(sym::PrintStyle::kAscii)) : sheet.empty();
  }
  return sheet;
}

// One row per op kind (the JSON "by_op_type"): op, count and the summed figures.
Sheet by_op_type_sheet(const analysis::Analysis& analysis) {
  using F = analysis::LayerFigures;
  struct Field {
    IntegerFigure figure;
    sym::Int F::*member;
  };
  std::vector<Field> fields = {{{"params"}, &F::params},
                               {{"weight_bytes", false, true}, &F::weight_bytes},
                               {{"input_bytes", false, true}, &F::input_bytes},
                               {{"output_bytes", false, true}, &F::output_bytes},
                               {{"gemm_macs"}, &F::gemm_macs},
                               {{"elementwise_ops"}, &F::elementwise_ops},
                               {{"activation_ops"}, &F::activation_ops},
                               {{"flops"}, &F::flops}};
  for (Field& field : fields) {
    for (const analysis::OpTypeTotal& type : analysis.by_op_type) {
      field.figure.exact = field.figure.exact || spreadsheet::past_exact_doubles(type.figures.*field.member);
    }
  }
  std::vector<SheetColumn> columns = {{"op"}, {"count", Style::kInteger, true}};
  for (const Field& field : fields) spreadsheet::add_columns(columns, field.figure);
  Sheet sheet("by_op_type", std::move(columns));
  for (const analysis::OpTypeTotal& type : analysis.by_op_type) {
    sheet.begin_row();
    sheet.text(type.kind);
    sheet.integer(static_cast<sym::Int>(type.count));
    for (const Field& field : fields) spreadsheet::write_cells(sheet, field.figure, type.figures.*field.member);
  }
  return sheet;
}

// What the figures are of: the model, its dtypes and the values of its parameters (the JSON report's "model",
// "dtype", "weight_dtype" and "bindings"), and the hardware profile and optimizer when used.
Sheet model_sheet(const analysis::Analysis& analysis) {
  Sheet sheet("model", {{"section"}, {"name"}, {"value", Style::kInteger}});
  auto text_row = [&](std::string_view section, std::string_view name, std::string_view value) {
    sheet.begin_row();
    sheet.text(section);
    sheet.text(name);
    sheet.text(value);
  };
  const ir::Graph& graph = *analysis.graph;
  text_row("model", "name", graph.model_name);
  text_row("model", "dtype", dtype_name(graph.activation_dtype));
  text_row("model", "weight_dtype", dtype_name(graph.weight_dtype));
  for (const auto& [name, value] : analysis.bindings.values()) {
    sheet.begin_row();
    sheet.text("binding");
    sheet.text(name);
    sheet.integer(value);
  }
  if (const analysis::Roofline* roofline = analysis.roofline.get()) text_row("hardware", "name", roofline->hardware);
  if (const analysis::Training* training = analysis.training.get()) {
    text_row("training", "optimizer", training->totals.optimizer);
  }
  return sheet;
}

}  // namespace

void xlsx(std::ostream& out, const analysis::Analysis& analysis, const EmitOptions& options) {
  std::vector<Sheet> sheets;
  sheets.push_back(details_sheet(analysis, options));
  sheets.push_back(summary_sheet(analysis));
  sheets.push_back(by_op_type_sheet(analysis));
  sheets.push_back(model_sheet(analysis));
  spreadsheet::write_workbook(out, sheets);
}

}  // namespace nnscope::emit
