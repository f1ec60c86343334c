// The JSON report; docs/json.md documents every key. Integers are exact JSON numbers even beyond 2^53
// (GPT-3-scale counts): a reader that needs them exact parses numbers as big integers, as Python does.
#include <sstream>
#include <unordered_map>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "emit/format.h"

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

// Each weight's evaluated shape, per cost record. Ops share their records (ir::CostTable), so a 1M-op model
// has a handful of distinct weight lists: evaluating each once, not once per op, saves most of the work of
// a layer's "weights". Keyed by the record's address, which stays valid while the graph (and so this
// report) lives.
class WeightShapes {
 public:
  explicit WeightShapes(const GraphView& view) : view_(view) {}
  const std::vector<std::vector<sym::Int>>& of(const ir::OpCosts& costs) {
    static const std::vector<std::vector<sym::Int>> kNone;
    if (costs.weights.empty()) return kNone;  // weightless ops (activations, adds): no look-up
    auto [it, inserted] = shapes_.try_emplace(&costs);
    if (inserted) {
      for (const ir::Weight& w : costs.weights) it->second.push_back(view_.weight_shape(w));
    }
    return it->second;
  }

 private:
  const GraphView& view_;
  std::unordered_map<const ir::OpCosts*, std::vector<std::vector<sym::Int>>> shapes_;
};

void write_formulas(JsonWriter& json, const analysis::TotalFormulas& f, sym::PrintStyle style) {
  json.begin_object();
  json.key("params").string(f.params.to_string(style));
  json.key("gemm_macs").string(f.gemm_macs.to_string(style));
  json.key("elementwise_ops").string(f.elementwise_ops.to_string(style));
  json.key("activation_ops").string(f.activation_ops.to_string(style));
  json.key("flops").string(f.flops.to_string(style));
  json.key("weight_bytes").string(f.weight_bytes.to_string(style));
  json.key("activation_bytes").string(f.activation_bytes.to_string(style));
  json.end_object();
}

void write_layer(JsonWriter& json, const GraphView& view, WeightShapes& weight_shapes, const Row& row) {
  const analysis::Analysis& analysis = view.analysis();
  const ir::Graph& graph = view.graph();
  const analysis::GroupRow& g = row.group;
  json.begin_object();
  json.key("path").string(g.path);
  json.key("op").string(g.kind);
  json.key("depth").integer(static_cast<sym::Int>(g.depth));
  json.key("op_count").integer(static_cast<sym::Int>(g.op_count));
  json.key("costed").boolean(row.fully_costed);
  const ir::Op* op = row.collapsed ? nullptr : &graph.ops[analysis.layers[row.layers.front()].op];
  if (op) {
    const analysis::Layer& layer = analysis.layers[row.layers.front()];
    json.key("inputs");
    write_shapes(json, layer.input_shapes);
    json.key("outputs");
    write_shapes(json, layer.output_shapes);
    static const ir::DisplayHints kNone;
    const ir::DisplayHints& d = op->display ? *op->display : kNone;
    for (auto [name, value] :
         {std::pair{"kernel", &d.kernel}, std::pair{"stride", &d.stride}, std::pair{"padding", &d.padding},
          std::pair{"dilation", &d.dilation}, std::pair{"groups", &d.groups}}) {
      if (!value->empty()) json.key(name).string(*value);
    }
  } else {
    GraphView::Boundary b = view.boundary(row.layers);
    json.key("inputs");
    write_shapes(json, view.shapes(b.inputs));
    json.key("outputs");
    write_shapes(json, view.shapes(b.outputs));
  }
  const analysis::LayerFigures& f = g.figures;
  json.key("params").integer(f.params);
  json.key("input_bytes").integer(f.input_bytes);
  json.key("weight_bytes").integer(f.weight_bytes);
  json.key("output_bytes").integer(f.output_bytes);
  json.key("gathered_bytes").integer(f.gathered_bytes);
  // A single op without a cost rule has unknown work, which is not zero work.
  bool unknown = op && !op->costs().costed;
  auto work = [&](const auto& name, sym::Int value) {  // `name`: a string literal, for JsonWriter's key()
    json.key(name);
    unknown ? json.null() : json.integer(value);
  };
  work("gemm_macs", f.gemm_macs);
  work("elementwise_ops", f.elementwise_ops);
  work("activation_ops", f.activation_ops);
  work("flops", f.flops);
  json.key("intensity");
  unknown ? json.null() : json.number(f.intensity());
  if (analysis.training) {
    const analysis::TrainLayerFigures t = analysis::sum_layers(*analysis.training, row.layers);
    json.key("backward_dgrad_macs").integer(t.dgrad_macs);
    json.key("backward_wgrad_macs").integer(t.wgrad_macs);
    json.key("backward_gemm_macs").integer(t.gemm_macs());
    json.key("backward_elementwise_ops").integer(t.elementwise_ops);
    json.key("backward_activation_ops").integer(t.activation_ops);
    json.key("backward_flops").integer(t.flops);
    json.key("saved_bytes").integer(t.saved_bytes);
  }
  if (analysis.roofline) {
    double time = 0;
    double unit_time[4] = {0, 0, 0, 0};
    for (std::size_t i : row.layers) {
      const analysis::RooflineLayer& l = analysis.roofline->layers[i];
      time += l.time_s;
      unit_time[static_cast<int>(l.bound)] += l.time_s;
    }
    int bound = 0;
    for (int u = 1; u < 4; ++u) {
      if (unit_time[u] > unit_time[bound]) bound = u;
    }
    json.key("est_time_s").number(time, 12);
    json.key("bound").string(analysis::unit_name(static_cast<analysis::Unit>(bound)));
  }
  if (op && !op->costs().tied_to.empty()) json.key("tied_to").string(op->costs().tied_to);
  json.key("weights").begin_array();
  std::string prefixed;
  for (std::size_t i : row.layers) {
    const ir::Op& member = graph.ops[analysis.layers[i].op];
    const ir::OpCosts& costs = member.costs();
    const std::vector<std::vector<sym::Int>>& shapes = weight_shapes.of(costs);
    for (std::size_t k = 0; k < costs.weights.size(); ++k) {
      const ir::Weight& w = costs.weights[k];
      json.begin_object(true);
      if (row.collapsed) {
        // Inside a collapsed block a weight is named by its op's path relative to the block.
        prefixed.assign(member.path, g.path.size() + 1);
        prefixed += '.';
        prefixed += w.name;
        json.key("name").string(prefixed);
      } else {
        json.key("name").string(w.name);
      }
      json.key("shape");
      write_shape(json, shapes[k]);
      json.end_object();
    }
  }
  json.end_array();
  json.end_object();
}

}  // namespace

namespace detail {

void write_totals(JsonWriter& json, const analysis::Analysis& analysis) {
  const analysis::Totals& t = analysis.totals;
  json.begin_object();
  json.key("params").integer(t.figures.params);
  json.key("gemm_macs").integer(t.figures.gemm_macs);
  json.key("elementwise_ops").integer(t.figures.elementwise_ops);
  json.key("activation_ops").integer(t.figures.activation_ops);
  json.key("flops").integer(t.figures.flops);
  json.key("weight_bytes").integer(t.figures.weight_bytes);
  json.key("activation_bytes").integer(t.activation_bytes);
  json.key("peak_activation_bytes").integer(t.peak_activation_bytes);
  json.key("input_bytes").integer(t.model_input_bytes);
  json.key("intensity").number(t.figures.intensity());
  if (const analysis::Training* training = analysis.training.get()) {
    const analysis::TrainTotals& tt = training->totals;
    json.key("backward_dgrad_macs").integer(tt.backward_dgrad_macs);
    json.key("backward_wgrad_macs").integer(tt.backward_wgrad_macs);
    json.key("backward_gemm_macs").integer(tt.backward_gemm_macs);
    json.key("backward_elementwise_ops").integer(tt.backward_elementwise_ops);
    json.key("backward_activation_ops").integer(tt.backward_activation_ops);
    json.key("backward_flops").integer(tt.backward_flops);
    json.key("train_flops").integer(tt.train_flops);
    json.key("train_memory_bytes").integer(tt.train_memory_bytes);
  }
  if (const analysis::Roofline* roofline = analysis.roofline.get()) {
    json.key("est_time_s").number(roofline->time_s, 12);
    json.key("samples_per_s").number(roofline->samples_per_s);
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
  GraphView view(analysis);
  const ir::Graph& graph = *analysis.graph;
  JsonWriter json(out);
  json.begin_object();
  json.key("schema_version").integer(1);
  json.key("model").string(graph.model_name);
  json.key("dtype").string(dtype_name(graph.activation_dtype));
  json.key("weight_dtype").string(dtype_name(graph.weight_dtype));

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
  json.key("peak_after").string(analysis.totals.peak_after);
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
    json.end_object();
  }
  if (const analysis::Roofline* roofline = analysis.roofline.get()) {
    json.key("hardware").begin_object();
    json.key("name").string(roofline->hardware);
    json.key("matrix_dtype").string(roofline->matrix_dtype);
    if (!roofline->note.empty()) json.key("note").string(roofline->note);
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
  WeightShapes weight_shapes(view);
  view.for_each_row(options.depth, [&](const Row& row) { write_layer(json, view, weight_shapes, row); });
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

  json.key("not_costed").begin_array();
  for (const analysis::NotCosted& n : analysis.not_costed) {
    json.begin_object(true);
    json.key("path").string(n.path);
    json.key("op").string(n.kind);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  json.take();
}

}  // namespace nnscope::emit
