// The JSON report; docs/json.md documents every key. Integers are exact JSON numbers even beyond 2^53
// (GPT-3-scale counts): a reader that needs them exact parses numbers as big integers, as Python does.
#include <sstream>
#include <unordered_map>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "emit/format.h"
#include "emit/parallel.h"
#include "report/columns.h"
#include "report/totals.h"

namespace nnscope::emit {
namespace {

using detail::GraphView;
using detail::JsonWriter;
using detail::Row;

void write_shape(JsonWriter& json, const std::vector<sym::Int>& shape) {
  json.begin_array(true);
  for (sym::Int d : shape) json.integer(d);
  json.end_array();
}

template <typename Shapes>  // std::vector<std::vector<Int>> or analysis::ShapeList
void write_shapes(JsonWriter& json, const Shapes& shapes) {
  json.begin_array(true);
  for (const auto& shape : shapes) write_shape(json, shape);
  json.end_array();
}

// The totals of report::totals() that have a formula, in its order.
void write_formulas(JsonWriter& json, const analysis::TotalFormulas& f, sym::PrintStyle style) {
  json.begin_object();
  for (const report::Total& total : report::totals()) {
    if (total.formula) json.plain_key(total.key).string((f.*total.formula).to_string(style));
  }
  json.end_object();
}

// [{"path": ..., "op": ...}, ...]: the not-costed ops, or those without a backward rule.
void write_ops(JsonWriter& json, const std::vector<analysis::NotCosted>& ops) {
  json.begin_array();
  for (const analysis::NotCosted& n : ops) {
    json.begin_object(true);
    json.key("path").string(n.path);
    json.key("op").string(n.kind);
    json.end_object();
  }
  json.end_array();
}

// The columns of report::columns() that JSON shows, in their order (docs/json.md).
struct ShownColumn {
  const report::Column* column;
  JsonWriter::PreparedKey key;
};

void write_layer(JsonWriter& json, const std::vector<ShownColumn>& shown, const report::ReportRow& row) {
  json.begin_object();
  std::string prefixed;
  for (const auto& [column, key] : shown) {
    if (column->work && row.unknown_work()) {
      json.key(key).null();
      continue;
    }
    report::Value value = column->get(row);
    if (column->omit_empty && (value.missing || (value.kind == report::ValueKind::kText && value.text.empty()))) {
      continue;
    }
    if (value.kind == report::ValueKind::kInteger) {
      json.integer_member(key, value.integer);
      continue;
    }
    json.key(key);
    switch (value.kind) {
      case report::ValueKind::kText:
      case report::ValueKind::kLevels:
        json.string(value.text);
        break;
      case report::ValueKind::kInteger:  // written above
        break;
      case report::ValueKind::kDecimal:
        json.number(value.decimal, column->decimals);
        break;
      case report::ValueKind::kBool:
        json.boolean(value.boolean);
        break;
      case report::ValueKind::kShapes:
        json.begin_array(true);
        for (const std::vector<sym::Int>* shape : *value.shapes) write_shape(json, *shape);
        json.end_array();
        break;
      case report::ValueKind::kWeights:
        json.begin_array();
        for (const report::RowWeight& w : row.weights) {
          json.begin_object(true);
          if (w.relative_path.empty()) {
            json.key("name").string(w.name);
          } else {
            prefixed.assign(w.relative_path);
            prefixed += '.';
            prefixed += w.name;
            json.key("name").string(prefixed);
          }
          json.key("shape");
          write_shape(json, *w.shape);
          json.end_object();
        }
        json.end_array();
        break;
    }
  }
  json.end_object();
}

}  // namespace

namespace detail {

void write_totals(JsonWriter& json, const analysis::Analysis& analysis) {
  json.begin_object();
  for (const report::Total& total : report::totals()) {
    if (!report::shown(total, analysis.training != nullptr, analysis.roofline != nullptr)) continue;
    report::Value value = total.get(analysis);
    json.plain_key(total.key);
    if (value.kind == report::ValueKind::kInteger) {
      json.integer(value.integer);
    } else {
      json.number(value.decimal, total.decimals);
    }
  }
  json.end_object();
}

}  // namespace detail

std::string json(const analysis::Analysis& analysis, const EmitOptions& options) {
  std::ostringstream out;
  json(out, analysis, options);
  return out.str();
}

void json(std::ostream& out, const analysis::Analysis& analysis, const EmitOptions& options) {
  report::RowSource rows(analysis, options.depth);
  const GraphView& view = rows.view();
  const ir::Graph& graph = *analysis.graph;
  JsonWriter json(out);
  json.begin_object();
  json.key("schema_version").integer(1);
  json.key("model").string(graph.model_name);
  json.key("dtype").string(dtype_name(graph.activation_dtype));
  json.key("weight_dtype").string(dtype_name(graph.weight_dtype));
  json.key("kernels").string(analysis::kernels_name(analysis.kernels));

  json.key("bindings").begin_object();
  for (const auto& [name, value] : analysis.bindings.values()) json.key(name).integer(value);
  json.end_object();
  json.key("parameters").begin_array();
  for (const ir::ModelParameter& p : graph.parameters) {
    json.begin_object(true);
    json.key("name").string(p.name);
    json.key("value").integer(detail::parameter_value(analysis, p));
    json.key("symbolic").boolean(!p.is_const);
    json.end_object();
  }
  json.end_array();

  json.key("collapse_depth");
  if (options.depth == ~std::size_t{0}) {
    json.null();
  } else {
    json.integer(static_cast<sym::Int>(options.depth));
  }

  json.key("totals");
  detail::write_totals(json, analysis);
  json.key("peak_after").string(analysis.peak_after());
  if (const analysis::Training* training = analysis.training.get()) {
    const analysis::TrainTotals& tt = training->totals;
    json.key("training").begin_object();
    json.key("optimizer").string(tt.optimizer);
    json.key("weight_bytes").integer(tt.weight_bytes);
    json.key("master_weight_bytes").integer(tt.master_weight_bytes);
    json.key("gradient_bytes").integer(tt.gradient_bytes);
    json.key("optimizer_bytes").integer(tt.optimizer_bytes);
    json.key("saved_activation_bytes").integer(tt.saved_activation_bytes);
    json.key("train_memory_bytes").integer(tt.train_memory_bytes);
    json.key("peak_activation_bytes").integer(tt.peak_activation_bytes);
    json.key("peak_at").string(tt.peak_at);
    json.key("peak_phase").string(tt.peak_phase);
    json.key("no_backward_rule");
    write_ops(json, training->no_backward_rule);
    json.end_object();
  }
  if (const analysis::Roofline* roofline = analysis.roofline.get()) {
    json.key("hardware").begin_object();
    json.key("name").string(roofline->hardware);
    json.key("matrix_dtype").string(roofline->matrix_dtype);
    if (!roofline->note.empty()) json.key("note").string(roofline->note);
    if (!roofline->derating.empty()) json.key("derating").string(roofline->derating);
    json.key("matrix_peak").number(roofline->matrix_peak);
    json.key("ridge_point").number(roofline->ridge_point);
    json.key("training").boolean(roofline->training);
    json.key("est_time_s").number(roofline->time_s, 12);
    json.key("samples_per_s").number(roofline->samples_per_s);
    json.key("bound_time_s").begin_object(true);
    for (int u = 0; u < 4; ++u) {
      json.key(analysis::unit_name(static_cast<analysis::Unit>(u))).number(roofline->bound_time_s[u], 12);
    }
    json.end_object();
    json.end_object();
  }
  if (analysis.parallel) {
    json.key("parallel");
    detail::write_parallel(json, *analysis.parallel);
  }
  json.key("formulas");
  write_formulas(json, analysis.formulas, sym::PrintStyle::kUnicode);
  json.key("formulas_ascii");
  write_formulas(json, analysis.formulas, sym::PrintStyle::kAscii);

  json.key("outputs").begin_array();
  for (std::size_t i = 0; i < graph.outputs.size(); ++i) {
    json.begin_object(true);
    json.key("name").string(graph.outputs[i].name);
    json.key("shape");
    write_shape(json,
                i < analysis.output_shapes.size() ? analysis.output_shapes[i] : view.shape(graph.outputs[i].tensor));
    json.end_object();
  }
  json.end_array();
  json.key("inputs").begin_array();
  for (ir::TensorId t : graph.inputs) {
    json.begin_object(true);
    json.key("name").string(graph.tensors[t].name);
    json.key("shape");
    write_shape(json, view.shape(t));
    json.key("dtype").string(dtype_name(graph.tensors[t].dtype));
    json.end_object();
  }
  json.end_array();

  json.key("layers").begin_array();
  {
    std::vector<ShownColumn> shown;
    for (const report::Column& column : report::columns()) {
      if (report::shown(column, report::format::kJson, analysis.training != nullptr, analysis.roofline != nullptr)) {
        shown.push_back({&column, JsonWriter::PreparedKey(column.json_name())});
      }
    }
    rows.for_each([&](const report::ReportRow& row) { write_layer(json, shown, row); });
  }
  json.end_array();

  json.key("by_op_type").begin_array();
  for (const analysis::OpTypeTotal& type : analysis.by_op_type) {
    const analysis::LayerFigures& f = type.figures;
    json.begin_object(true);
    json.key("op").string(type.kind);
    json.key("count").integer(static_cast<sym::Int>(type.count));
    json.key("params").integer(f.params);
    json.key("weight_bytes").integer(f.weight_bytes);
    json.key("input_bytes").integer(f.input_bytes);
    json.key("output_bytes").integer(f.output_bytes);
    json.key("gemm_macs").integer(f.gemm_macs);
    json.key("elementwise_ops").integer(f.elementwise_ops);
    json.key("activation_ops").integer(f.activation_ops);
    json.key("flops").integer(f.flops);
    json.end_object();
  }
  json.end_array();

  json.key("not_costed");
  write_ops(json, analysis.not_costed);
  json.end_object();
  json.take();
}

}  // namespace nnscope::emit
