// Details and summary CSV. Both are meant to be diffed and loaded by any CSV reader: RFC 4180 quoting,
// '\n' line ends, every row as wide as the header, integers exact (never scientific notation).
#include <algorithm>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "emit/format.h"
#include "report/columns.h"
#include "report/totals.h"

namespace nnscope::emit {
namespace {

using detail::GraphView;
using detail::Row;
using sym::Int;

void write_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
}

std::string number(Int value) { return sym::to_string(value); }

}  // namespace

// The columns of report::columns() that CSV shows (docs/csv.md): path, level_0 .. level_{D-1}, op, shapes,
// kernel .. groups, the figures, and the backward and roofline columns with --mode train / --hw. A collapsed block
// has op "block", the tensors crossing its boundary as shapes, and the sums of its ops' figures. An op with no cost
// rule leaves its work columns empty: a 0 there would claim the op is free, which is the silent error the tool
// exists to avoid.
std::string details_csv(const analysis::Analysis& analysis, const EmitOptions& options) {
  report::RowSource rows(analysis, options.depth);
  std::size_t levels = rows.levels();
  bool training = analysis.training != nullptr, roofline = analysis.roofline != nullptr;
  std::vector<const report::Column*> shown;
  for (const report::Column& column : report::columns()) {
    if (report::shown(column, report::format::kCsv, training, roofline)) shown.push_back(&column);
  }
  std::vector<std::string> fields;
  for (const report::Column* column : shown) {
    if (column->kind == report::ValueKind::kLevels) {
      for (std::size_t k = 0; k < levels; ++k) fields.push_back("level_" + std::to_string(k));
    } else {
      fields.emplace_back(column->key);
    }
  }
  std::string out;
  write_row(out, fields);
  rows.for_each([&](const report::ReportRow& row) {
    fields.clear();
    for (const report::Column* column : shown) {
      if (column->work && row.unknown_work()) {
        fields.emplace_back();
        continue;
      }
      report::Value value = column->get(row);
      if (value.missing) {
        fields.emplace_back();
        continue;
      }
      switch (value.kind) {
        case report::ValueKind::kText:
          fields.emplace_back(value.text);
          break;
        case report::ValueKind::kInteger:
          fields.push_back(number(value.integer));
          break;
        case report::ValueKind::kDecimal:
          fields.push_back(detail::decimal(value.decimal, column->decimals));
          break;
        case report::ValueKind::kBool:
          fields.emplace_back(value.boolean ? "true" : "false");
          break;
        case report::ValueKind::kShapes:
          fields.push_back(detail::join_shapes(*value.shapes));
          break;
        case report::ValueKind::kLevels: {
          std::vector<std::string> segments = detail::split_path(std::string(value.text));
          for (std::size_t k = 0; k < levels; ++k) fields.push_back(k < segments.size() ? segments[k] : "");
          break;
        }
        case report::ValueKind::kWeights:
          break;  // not a CSV column
      }
    }
    write_row(out, fields);
  });
  return out;
}

namespace {

// A total's value as CSV text: an exact integer, or a decimal with the total's places.
std::string total_text(const report::Total& total, const analysis::Analysis& analysis) {
  report::Value v = total.get(analysis);
  return v.kind == report::ValueKind::kInteger ? number(v.integer) : detail::decimal(v.decimal, total.decimals);
}

std::vector<const report::Total*> shown_totals(const analysis::Analysis& analysis) {
  std::vector<const report::Total*> shown;
  for (const report::Total& total : report::totals()) {
    if (report::shown(total, analysis.training != nullptr, analysis.roofline != nullptr)) shown.push_back(&total);
  }
  return shown;
}

}  // namespace

// Wide format, for spreadsheets and data frames: one header row and one row of values (docs/csv.md). The text
// columns come first (model, dtype, weight_dtype; optimizer with --mode train; hardware with --hw), then the model
// parameters at their bound values, then every total of report::totals() the mode shows, then <total>_formula
// (ASCII style) for each total that has a formula. Every column but the text and formula ones is a number.
std::string summary_csv(const analysis::Analysis& analysis) {
  const ir::Graph& graph = *analysis.graph;
  std::vector<std::string> header = {"model", "dtype", "weight_dtype"};
  std::vector<std::string> values = {graph.model_name, std::string(dtype_name(graph.activation_dtype)),
                                     std::string(dtype_name(graph.weight_dtype))};
  if (const analysis::Training* training = analysis.training.get()) {
    header.emplace_back("optimizer");
    values.push_back(training->totals.optimizer);
  }
  if (const analysis::Roofline* roofline = analysis.roofline.get()) {
    header.emplace_back("hardware");
    values.push_back(roofline->hardware);
  }
  for (const ir::ModelParameter& p : graph.parameters) {
    header.push_back(p.name);
    values.push_back(number(detail::parameter_value(analysis, p)));
  }
  std::vector<const report::Total*> shown = shown_totals(analysis);
  for (const report::Total* total : shown) {
    header.emplace_back(total->key);
    values.push_back(total_text(*total, analysis));
  }
  for (const report::Total* total : shown) {
    if (!total->formula) continue;
    header.push_back(std::string(total->key) + "_formula");
    values.push_back((analysis.formulas.*(total->formula)).to_string(sym::PrintStyle::kAscii));
  }
  std::string out;
  write_row(out, header);
  write_row(out, values);
  return out;
}

// Long format, one figure per row, so new metrics never change the columns:
//   section,name,metric,value,formula
//   model,<key>,,<value>,          key: name, dtype, weight_dtype, peak_after
//   total,<total>,,<value>,<formula>
//                                  the totals of report::totals() shown without --mode train / --hw, in its
//                                  order, with the formula (ASCII style) where the analysis has one
//   train,<figure>,,<integer>,     with --mode train
//   hardware,<figure>,<unit>,<value>,  with --hw
//   op_type,<kind>,<metric>,<integer>,
//                                  metric: count params weight_bytes gemm_macs elementwise_ops
//                                  activation_ops flops
//   binding,<parameter>,,<integer>,
//   not_costed,<path>,op,<kind>,
std::string summary_long_csv(const analysis::Analysis& analysis) {
  const ir::Graph& graph = *analysis.graph;
  std::string out;
  write_row(out, {"section", "name", "metric", "value", "formula"});
  write_row(out, {"model", "name", "", graph.model_name, ""});
  write_row(out, {"model", "dtype", "", std::string(dtype_name(graph.activation_dtype)), ""});
  write_row(out, {"model", "weight_dtype", "", std::string(dtype_name(graph.weight_dtype)), ""});
  write_row(out, {"model", "peak_after", "", analysis.peak_after(), ""});
  for (const report::Total& total : report::totals()) {
    if (total.mode != report::Mode::kAlways) continue;  // the train and hardware sections below show the others
    std::string formula =
        total.formula ? (analysis.formulas.*(total.formula)).to_string(sym::PrintStyle::kAscii) : std::string();
    write_row(out, {"total", std::string(total.key), "", total_text(total, analysis), formula});
  }
  if (const analysis::Training* training = analysis.training.get()) {
    const analysis::TrainTotals& tt = training->totals;
    write_row(out, {"train", "optimizer", "", tt.optimizer, ""});
    for (auto [name, value] :
         {std::pair{"backward_dgrad_macs", tt.backward_dgrad_macs},
          std::pair{"backward_wgrad_macs", tt.backward_wgrad_macs},
          std::pair{"backward_gemm_macs", tt.backward_gemm_macs},
          std::pair{"backward_elementwise_ops", tt.backward_elementwise_ops},
          std::pair{"backward_activation_ops", tt.backward_activation_ops},
          std::pair{"backward_flops", tt.backward_flops}, std::pair{"train_flops", tt.train_flops},
          std::pair{"weight_bytes", tt.weight_bytes}, std::pair{"master_weight_bytes", tt.master_weight_bytes},
          std::pair{"gradient_bytes", tt.gradient_bytes}, std::pair{"optimizer_bytes", tt.optimizer_bytes},
          std::pair{"saved_activation_bytes", tt.saved_activation_bytes},
          std::pair{"train_memory_bytes", tt.train_memory_bytes},
          std::pair{"peak_activation_bytes", tt.peak_activation_bytes}}) {
      write_row(out, {"train", name, "", number(value), ""});
    }
    write_row(out, {"train", "peak_at", tt.peak_phase, tt.peak_at, ""});
  }
  if (const analysis::Roofline* r = analysis.roofline.get()) {
    write_row(out, {"hardware", "name", "", r->hardware, ""});
    write_row(out, {"hardware", "matrix_dtype", "", r->matrix_dtype, ""});
    write_row(out, {"hardware", "matrix_peak", "", detail::decimal(r->matrix_peak, 0), ""});
    write_row(out, {"hardware", "ridge_point", "", detail::decimal(r->ridge_point), ""});
    write_row(out, {"hardware", "est_time_s", "", detail::decimal(r->time_s, 12), ""});
    write_row(out, {"hardware", "samples_per_s", "", detail::decimal(r->samples_per_s), ""});
    for (int u = 0; u < 4; ++u) {
      write_row(out, {"hardware", "bound_time_s", analysis::unit_name(static_cast<analysis::Unit>(u)),
                      detail::decimal(r->bound_time_s[u], 12), ""});
    }
  }

  for (const analysis::OpTypeTotal& type : analysis.by_op_type) {
    const analysis::LayerFigures& f = type.figures;
    write_row(out, {"op_type", type.kind, "count", std::to_string(type.count), ""});
    write_row(out, {"op_type", type.kind, "params", number(f.params), ""});
    write_row(out, {"op_type", type.kind, "weight_bytes", number(f.weight_bytes), ""});
    write_row(out, {"op_type", type.kind, "gemm_macs", number(f.gemm_macs), ""});
    write_row(out, {"op_type", type.kind, "elementwise_ops", number(f.elementwise_ops), ""});
    write_row(out, {"op_type", type.kind, "activation_ops", number(f.activation_ops), ""});
    write_row(out, {"op_type", type.kind, "flops", number(f.flops), ""});
  }
  for (const ir::ModelParameter& p : graph.parameters) {
    write_row(out, {"binding", p.name, "", number(detail::parameter_value(analysis, p)), ""});
  }
  for (const analysis::NotCosted& n : analysis.not_costed) write_row(out, {"not_costed", n.path, "op", n.kind, ""});
  return out;
}

}  // namespace nnscope::emit
