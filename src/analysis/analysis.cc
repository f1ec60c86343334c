#include "analysis/analysis.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "ops/common.h"
#include "source/diagnostic.h"

namespace nnscope::analysis {
namespace {

Expr tensor_bytes(const ir::Tensor& t) { return ops::numel(t.shape) * Expr::constant(dtype_bytes(t.dtype)); }

// Bytes are stored whole: a tensor of int4 elements with an odd count still occupies the last byte.
Int whole_bytes(const Expr& bytes, const sym::Bindings& bindings) { return bytes.evaluate(bindings).ceil(); }

LayerFormulas layer_formulas(const ir::Graph& graph, const ir::Op& op) {
  LayerFormulas f;
  f.params = op.params;
  for (ir::TensorId t : op.inputs) f.input_bytes += tensor_bytes(graph.tensors[t]);
  for (ir::TensorId t : op.outputs) f.output_bytes += tensor_bytes(graph.tensors[t]);
  Expr weight_size = Expr::constant(dtype_bytes(graph.weight_dtype));
  // The bytes of the weights the op reads: tied weights are read like any others.
  Expr weight_elements;
  for (const ops::Weight& w : op.weights) weight_elements += ops::numel(w.shape);
  f.weight_bytes = weight_elements * weight_size;
  f.gathered_bytes = op.gathered_elements * weight_size;
  f.gemm_macs = op.forward.gemm_macs;
  f.elementwise_ops = op.forward.elementwise;
  f.activation_ops = op.forward.activation;
  f.flops = 2 * f.gemm_macs + f.elementwise_ops + f.activation_ops;
  return f;
}

LayerFigures evaluate(const LayerFormulas& f, const sym::Bindings& b) {
  LayerFigures n;
  n.params = f.params.evaluate_integer(b);
  n.input_bytes = whole_bytes(f.input_bytes, b);
  n.weight_bytes = whole_bytes(f.weight_bytes, b);
  n.output_bytes = whole_bytes(f.output_bytes, b);
  n.gathered_bytes = whole_bytes(f.gathered_bytes, b);
  n.gemm_macs = f.gemm_macs.evaluate_integer(b);
  n.elementwise_ops = f.elementwise_ops.evaluate_integer(b);
  n.activation_ops = f.activation_ops.evaluate_integer(b);
  n.flops = f.flops.evaluate_integer(b);
  return n;
}

void accumulate(LayerFigures& total, const LayerFigures& f) {
  total.params = sym::checked_add(total.params, f.params);
  total.input_bytes = sym::checked_add(total.input_bytes, f.input_bytes);
  total.weight_bytes = sym::checked_add(total.weight_bytes, f.weight_bytes);
  total.output_bytes = sym::checked_add(total.output_bytes, f.output_bytes);
  total.gathered_bytes = sym::checked_add(total.gathered_bytes, f.gathered_bytes);
  total.gemm_macs = sym::checked_add(total.gemm_macs, f.gemm_macs);
  total.elementwise_ops = sym::checked_add(total.elementwise_ops, f.elementwise_ops);
  total.activation_ops = sym::checked_add(total.activation_ops, f.activation_ops);
  total.flops = sym::checked_add(total.flops, f.flops);
}

std::vector<Int> evaluate_shape(const ops::Shape& shape, const sym::Bindings& b) {
  std::vector<Int> out;
  out.reserve(shape.size());
  for (const Expr& d : shape) out.push_back(d.evaluate_integer(b));
  return out;
}

// Walks the ops in order, allocating each op's outputs and freeing every storage after its last reader.
// Views (reshape, flatten, dropout) share their input's storage. Model inputs are live from the start;
// model outputs until the end.
void peak_memory(const ir::Graph& graph, const sym::Bindings& b, Totals& totals) {
  std::size_t n = graph.tensors.size();
  std::vector<std::size_t> storage(n);
  for (std::size_t t = 0; t < n; ++t) {
    const ir::Tensor& tensor = graph.tensors[t];
    storage[t] = t;
    if (tensor.view && tensor.producer != ir::kNoOp && !graph.ops[tensor.producer].inputs.empty()) {
      storage[t] = storage[graph.ops[tensor.producer].inputs.front()];
    }
  }
  constexpr std::size_t kNever = ~std::size_t{0};
  constexpr std::size_t kEnd = kNever - 1;
  std::vector<std::size_t> last_use(n, kNever);
  for (std::size_t i = 0; i < graph.ops.size(); ++i) {
    for (ir::TensorId t : graph.ops[i].inputs) last_use[storage[t]] = i;
    for (ir::TensorId t : graph.ops[i].outputs) {
      if (last_use[storage[t]] == kNever || last_use[storage[t]] < i) last_use[storage[t]] = i;
    }
  }
  for (const ir::Output& o : graph.outputs) last_use[storage[o.tensor]] = kEnd;
  for (ir::TensorId t : graph.inputs) {
    if (last_use[t] == kNever) last_use[t] = 0;
  }

  std::vector<Int> bytes(n, 0);
  Int live = 0;
  for (ir::TensorId t : graph.inputs) {
    bytes[t] = whole_bytes(tensor_bytes(graph.tensors[t]), b);
    live = sym::checked_add(live, bytes[t]);
  }
  totals.peak_activation_bytes = live;
  std::vector<std::vector<std::size_t>> frees(graph.ops.size());
  for (std::size_t s = 0; s < n; ++s) {
    if (storage[s] == s && last_use[s] < graph.ops.size()) frees[last_use[s]].push_back(s);
  }
  for (std::size_t i = 0; i < graph.ops.size(); ++i) {
    for (ir::TensorId t : graph.ops[i].outputs) {
      if (storage[t] != t) continue;
      bytes[t] = whole_bytes(tensor_bytes(graph.tensors[t]), b);
      live = sym::checked_add(live, bytes[t]);
    }
    if (live > totals.peak_activation_bytes) {
      totals.peak_activation_bytes = live;
      totals.peak_after = graph.ops[i].path;
    }
    for (std::size_t s : frees[i]) live -= bytes[s];
  }
}

}  // namespace

double LayerFigures::intensity() const {
  Int moved = input_bytes + weight_bytes + output_bytes;
  return moved == 0 ? 0.0 : static_cast<double>(flops) / static_cast<double>(moved);
}

Analysis analyze(const ir::Graph& graph) { return analyze_at(graph, graph.bindings); }

Analysis analyze_at(const ir::Graph& graph, const sym::Bindings& bindings) {
  Analysis a;
  a.graph = &graph;
  a.bindings = bindings;
  a.layers.reserve(graph.ops.size());
  std::map<std::string, OpTypeTotal> by_type;
  for (std::size_t i = 0; i < graph.ops.size(); ++i) {
    const ir::Op& op = graph.ops[i];
    Layer layer;
    layer.op = i;
    for (ir::TensorId t : op.inputs) layer.input_shapes.push_back(evaluate_shape(graph.tensors[t].shape, bindings));
    for (ir::TensorId t : op.outputs) layer.output_shapes.push_back(evaluate_shape(graph.tensors[t].shape, bindings));
    layer.formulas = layer_formulas(graph, op);
    try {
      layer.figures = evaluate(layer.formulas, bindings);
    } catch (const sym::OverflowError& error) {
      // Point at the op whose figures do not fit, not just at "the model".
      throw DiagnosticError(op.location, "arithmetic overflow in the figures of '" + op.path + "': " + error.what());
    }
    accumulate(a.totals.figures, layer.figures);
    a.totals.activation_bytes = sym::checked_add(a.totals.activation_bytes, layer.figures.output_bytes);
    OpTypeTotal& type = by_type[op.kind];
    type.kind = op.kind;
    ++type.count;
    accumulate(type.figures, layer.figures);
    a.formulas.params += layer.formulas.params;

    a.formulas.activation_bytes += layer.formulas.output_bytes;
    a.formulas.gemm_macs += layer.formulas.gemm_macs;
    a.formulas.elementwise_ops += layer.formulas.elementwise_ops;
    a.formulas.activation_ops += layer.formulas.activation_ops;
    if (!op.costed) a.not_costed.push_back({op.path, op.kind});
    a.layers.push_back(std::move(layer));
  }
  a.formulas.flops = 2 * a.formulas.gemm_macs + a.formulas.elementwise_ops + a.formulas.activation_ops;
  // The model's weight bytes are its parameters' storage, so tied weights count once.
  a.formulas.weight_bytes = a.formulas.params * Expr::constant(dtype_bytes(graph.weight_dtype));
  a.totals.figures.weight_bytes = whole_bytes(a.formulas.weight_bytes, bindings);
  for (ir::TensorId t : graph.inputs) {
    a.totals.model_input_bytes =
        sym::checked_add(a.totals.model_input_bytes, whole_bytes(tensor_bytes(graph.tensors[t]), bindings));
  }
  for (auto& [kind, total] : by_type) a.by_op_type.push_back(std::move(total));
  for (const ir::Output& o : graph.outputs)
    a.output_shapes.push_back(evaluate_shape(graph.tensors[o.tensor].shape, bindings));
  peak_memory(graph, bindings, a.totals);
  return a;
}

bool assumptions_hold(const ir::Graph& graph, const sym::Bindings& bindings) {
  for (const ir::Assumption& assumption : graph.assumptions) {
    try {
      if (!assumption.satisfied_by(assumption.expr.evaluate_integer(bindings))) return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return true;
}

std::vector<GroupRow> group_layers(const Analysis& analysis, std::size_t depth) {
  std::vector<GroupRow> rows;
  std::unordered_map<std::string, std::size_t> index;
  const ir::Graph& graph = *analysis.graph;
  for (std::size_t i = 0; i < analysis.layers.size(); ++i) {
    const ir::Op& op = graph.ops[analysis.layers[i].op];
    std::string key = op.path;
    bool collapsed = false;
    if (op.depth() > depth) {
      std::size_t pos = 0;
      for (std::size_t segment = 0; segment <= depth; ++segment) pos = op.path.find('.', pos) + 1;
      key = op.path.substr(0, pos - 1);
      collapsed = true;
    }
    auto [it, inserted] = index.emplace(key, rows.size());
    if (inserted) {
      GroupRow row;
      row.path = key;
      row.kind = collapsed ? "block" : op.kind;
      row.depth = collapsed ? depth : op.depth();
      row.first_layer = i;
      rows.push_back(std::move(row));
    }
    GroupRow& row = rows[it->second];
    row.last_layer = i;
    ++row.op_count;
    accumulate(row.figures, analysis.layers[i].figures);
  }
  return rows;
}

}  // namespace nnscope::analysis
