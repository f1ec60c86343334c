#include "analysis/analysis.h"

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include "ops/common.h"
#include "source/diagnostic.h"

namespace nnscope::analysis {
namespace {

Expr tensor_bytes(const ir::Tensor& t) { return ops::numel(t.shape) * Expr::constant(dtype_bytes(t.dtype)); }

// Bytes are stored whole: a tensor of int4 elements with an odd count still occupies the last byte.
Int whole_bytes(const Expr& bytes, sym::Evaluator& at) { return at.evaluate(bytes).ceil(); }

// `bytes` holds every tensor's bytes formula (LifetimePlan::bytes), built once per tensor rather than once per
// reader.
LayerFormulas layer_formulas(const ir::Graph& graph, const ir::Op& op, const std::vector<Expr>& bytes) {
  LayerFormulas f;
  const ir::OpCosts& costs = op.costs();
  f.params = costs.params;
  for (ir::TensorId t : op.inputs) f.input_bytes += bytes[t];
  for (ir::TensorId t : op.outputs) f.output_bytes += bytes[t];
  Expr weight_size = Expr::constant(dtype_bytes(graph.weight_dtype));
  // The bytes of the weights the op reads: tied weights are read like any others.
  Expr weight_elements;
  for (const ir::Weight& w : costs.weights) weight_elements += ops::numel(w.shape);
  f.weight_bytes = weight_elements * weight_size;
  // An embedding gathers rows of its weights; a graph op gathers rows of activations, in their own dtype.
  f.gathered_bytes = costs.gathered_elements *
                     (costs.gathered_dtype ? Expr::constant(dtype_bytes(*costs.gathered_dtype)) : weight_size);
  f.gemm_macs = costs.forward.gemm_macs;
  f.elementwise_ops = costs.forward.elementwise;
  f.activation_ops = costs.forward.activation;
  f.flops = 2 * f.gemm_macs + f.elementwise_ops + f.activation_ops;
  return f;
}

std::vector<Int> evaluate_shape(const ir::Shape& shape, sym::Evaluator& b) {
  std::vector<Int> out;
  out.reserve(shape.size());
  for (const Expr& d : shape) out.push_back(b.evaluate_integer(d));
  return out;
}

// When each storage is allocated and freed does not depend on the sizes, so a sweep plans it once.
// Views (analysis/traffic.h) share their input's storage, an in-place append its cache's; a tensor a fused kernel
// keeps on chip takes no memory. Model inputs are live from the start; model outputs until the end.
struct LifetimePlan {
  TrafficPlan traffic;               // views, appends, what stays on chip, each op's activation traffic
  std::vector<std::size_t> storage;  // by tensor: the tensor whose storage it uses
  // Op i frees the storages free_list[free_begin[i] .. free_begin[i + 1]): those whose last use it is.
  std::vector<std::size_t> free_begin, free_list;
  std::vector<Expr> bytes;  // by tensor: its bytes as a formula
};

LifetimePlan plan_lifetimes(const ir::Graph& graph, Kernels kernels) {
  LifetimePlan plan;
  std::size_t n = graph.tensors.size();
  plan.bytes.reserve(n);
  for (std::size_t t = 0; t < n; ++t) {
    // A tensor usually has the shape and dtype of the one before it (a chain of layers): its formula is shared,
    // not rebuilt as a product.
    const ir::Tensor& tensor = graph.tensors[t];
    if (t > 0 && tensor.dtype == graph.tensors[t - 1].dtype && tensor.shape == graph.tensors[t - 1].shape) {
      plan.bytes.push_back(plan.bytes.back());
    } else {
      plan.bytes.push_back(tensor_bytes(tensor));
    }
  }
  plan.traffic = plan_traffic(graph, kernels, plan.bytes);
  plan.storage = std::move(plan.traffic.storage);  // kept once: a 1M-tensor graph saves 8 MB
  const std::vector<std::size_t>& storage = plan.storage;
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
  plan.free_begin.assign(graph.ops.size() + 1, 0);
  for (std::size_t s = 0; s < n; ++s) {
    if (storage[s] == s && last_use[s] < graph.ops.size()) ++plan.free_begin[last_use[s] + 1];
  }
  for (std::size_t i = 0; i < graph.ops.size(); ++i) plan.free_begin[i + 1] += plan.free_begin[i];
  plan.free_list.resize(plan.free_begin.back());
  std::vector<std::size_t> filled(plan.free_begin.begin(), plan.free_begin.end() - 1);
  for (std::size_t s = 0; s < n; ++s) {
    if (storage[s] == s && last_use[s] < graph.ops.size()) plan.free_list[filled[last_use[s]]++] = s;
  }
  return plan;
}

// Walks the ops in order, allocating each op's outputs and freeing every storage after its last reader.
void peak_memory(const ir::Graph& graph, const LifetimePlan& plan, sym::Evaluator& b, Totals& totals) {
  std::vector<Int> bytes(graph.tensors.size(), 0);
  Int live = 0;
  for (ir::TensorId t : graph.inputs) {
    bytes[t] = whole_bytes(plan.bytes[t], b);
    live = sym::checked_add(live, bytes[t]);
  }
  totals.peak_activation_bytes = live;
  for (std::size_t i = 0; i < graph.ops.size(); ++i) {
    for (ir::TensorId t : graph.ops[i].outputs) {
      if (plan.storage[t] != t || plan.traffic.on_chip[t]) continue;
      bytes[t] = whole_bytes(plan.bytes[t], b);
      live = sym::checked_add(live, bytes[t]);
    }
    if (live > totals.peak_activation_bytes) {
      totals.peak_activation_bytes = live;
      totals.peak_after = graph.ops[i].path;
    }
    for (std::size_t k = plan.free_begin[i]; k < plan.free_begin[i + 1]; ++k) live -= bytes[plan.free_list[k]];
  }
}

}  // namespace

LayerFigures& LayerFigures::operator+=(const LayerFigures& f) {
  params = sym::checked_add(params, f.params);
  input_bytes = sym::checked_add(input_bytes, f.input_bytes);
  weight_bytes = sym::checked_add(weight_bytes, f.weight_bytes);
  output_bytes = sym::checked_add(output_bytes, f.output_bytes);
  gathered_bytes = sym::checked_add(gathered_bytes, f.gathered_bytes);
  gemm_macs = sym::checked_add(gemm_macs, f.gemm_macs);
  elementwise_ops = sym::checked_add(elementwise_ops, f.elementwise_ops);
  activation_ops = sym::checked_add(activation_ops, f.activation_ops);
  flops = sym::checked_add(flops, f.flops);
  traffic_bytes = sym::checked_add(traffic_bytes, f.traffic_bytes);
  return *this;
}

double LayerFigures::intensity() const {
  return traffic_bytes == 0 ? 0.0 : static_cast<double>(flops) / static_cast<double>(traffic_bytes);
}

const std::vector<Int>& ShapeTable::operator[](ir::TensorId t) const {
  static const std::vector<Int> kUnknown;
  return shapes_[t] ? *shapes_[t] : kUnknown;
}

void ShapeTable::set(ir::TensorId t, const std::vector<Int>& shape) {
  auto it = distinct_.find(shape);
  if (it == distinct_.end()) it = distinct_.insert(shape).first;
  shapes_[t] = &*it;
}

void ShapeTable::evaluate(ir::TensorId t, const ir::Shape& shape, sym::Evaluator& at) {
  scratch_.clear();
  for (const Expr& d : shape) scratch_.push_back(at.evaluate_integer(d));
  set(t, scratch_);
}

std::size_t ShapeTable::Hash::operator()(const std::vector<Int>& shape) const {
  std::size_t h = shape.size();
  for (Int d : shape) {
    auto bits = static_cast<unsigned __int128>(d);
    h = (h ^ static_cast<std::size_t>(bits) ^ static_cast<std::size_t>(bits >> 64)) * 0x9e3779b97f4a7c15ull;
  }
  return h;
}

Analysis analyze(const ir::Graph& graph, Kernels kernels) { return analyze_at(graph, graph.bindings, kernels); }

Analysis analyze_at(const ir::Graph& graph, const sym::Bindings& bindings, Kernels kernels) {
  Analysis a;
  a.graph = &graph;
  a.bindings = bindings;
  a.kernels = kernels;
  sym::Evaluator at(a.bindings);
  LifetimePlan lifetimes = plan_lifetimes(graph, kernels);
  auto tensor_shapes = std::make_shared<ShapeTable>(graph.tensors.size());
  auto evaluate_tensors = [&](const ir::TensorIds& tensors) {
    for (ir::TensorId t : tensors) {
      if (!tensor_shapes->has(t)) tensor_shapes->evaluate(t, graph.tensors[t].shape, at);
    }
    return std::span<const ir::TensorId>(tensors);
  };
  std::unordered_map<std::string_view, OpTypeTotal> by_type;
  sym::Sum activation_bytes;
  // Ops that share a cost record (ir::OpCosts) share every figure but their input and output bytes: those
  // formulas are built once per record and each evaluated once, on first use and in the same order as for a
  // single op, so an overflow is still reported at the first op it occurs in.
  struct Shared {
    LayerFormulas formulas;  // input_bytes and output_bytes unused
    std::optional<Int> params, weight_bytes, gathered_bytes, gemm_macs, elementwise_ops, activation_ops, flops;
    Int ops = 0;
  };
  std::unordered_map<const ir::OpCosts*, Shared> shared;
  std::vector<const ir::OpCosts*> record_order;  // first use, so the totals are built the same way every run
  for (std::size_t i = 0; i < graph.ops.size(); ++i) {
    const ir::Op& op = graph.ops[i];
    Layer layer;
    layer.op = i;
    layer.input_shapes = ShapeList(tensor_shapes.get(), evaluate_tensors(op.inputs));
    layer.output_shapes = ShapeList(tensor_shapes.get(), evaluate_tensors(op.outputs));
    auto [it, first] = shared.try_emplace(&op.costs());
    Shared& s = it->second;
    if (first) {
      s.formulas = layer_formulas(graph, op, lifetimes.bytes);
      record_order.push_back(&op.costs());
    }
    ++s.ops;
    Expr input_bytes, output_bytes;
    for (ir::TensorId t : op.inputs) input_bytes += lifetimes.bytes[t];
    for (ir::TensorId t : op.outputs) output_bytes += lifetimes.bytes[t];
    auto once = [&](std::optional<Int>& value, const Expr& formula) {
      if (!value) value = at.evaluate_integer(formula);
      return *value;
    };
    auto bytes_once = [&](std::optional<Int>& value, const Expr& formula) {
      if (!value) value = whole_bytes(formula, at);
      return *value;
    };
    try {
      LayerFigures& n = layer.figures;
      const LayerFormulas& f = s.formulas;
      n.params = once(s.params, f.params);
      n.input_bytes = whole_bytes(input_bytes, at);
      n.weight_bytes = bytes_once(s.weight_bytes, f.weight_bytes);
      n.output_bytes = whole_bytes(output_bytes, at);
      n.gathered_bytes = bytes_once(s.gathered_bytes, f.gathered_bytes);
      n.gemm_macs = once(s.gemm_macs, f.gemm_macs);
      n.elementwise_ops = once(s.elementwise_ops, f.elementwise_ops);
      n.activation_ops = once(s.activation_ops, f.activation_ops);
      n.flops = once(s.flops, f.flops);
      n.traffic_bytes = sym::checked_add(whole_bytes(lifetimes.traffic.op_bytes[i], at),
                                         n.gathered_bytes > 0 ? n.gathered_bytes : n.weight_bytes);
    } catch (const sym::OverflowError& error) {
      // Point at the op whose figures do not fit, not just at "the model".
      throw DiagnosticError(op.location, "arithmetic overflow in the figures of '" + op.path + "': " + error.what());
    }
    try {
      a.totals.figures += layer.figures;
      a.totals.activation_bytes = sym::checked_add(a.totals.activation_bytes, layer.figures.output_bytes);
    } catch (const sym::OverflowError& error) {
      throw DiagnosticError(op.location, "arithmetic overflow in the model's totals, adding the figures of '" +
                                             op.path + "': " + error.what());
    }
    OpTypeTotal& type = by_type[op.kind];
    type.kind = op.kind;
    ++type.count;
    type.figures += layer.figures;
    activation_bytes += output_bytes;
    if (!op.costs().costed) a.not_costed.push_back({op.path, std::string(op.kind)});
    a.layers.push_back(std::move(layer));
  }
  sym::Sum params, idle_params, gemm_macs, elementwise_ops, activation_ops;
  for (const ir::OpCosts* record : record_order) {
    const Shared& s = shared.at(record);
    params.add(s.formulas.params, s.ops);
    idle_params.add(record->idle_params, s.ops);
    gemm_macs.add(s.formulas.gemm_macs, s.ops);
    elementwise_ops.add(s.formulas.elementwise_ops, s.ops);
    activation_ops.add(s.formulas.activation_ops, s.ops);
  }
  a.formulas.params = params.total();
  a.formulas.active_params = a.formulas.params - idle_params.total();
  a.totals.active_params = at.evaluate_integer(a.formulas.active_params);
  a.formulas.activation_bytes = activation_bytes.total();
  a.formulas.gemm_macs = gemm_macs.total();
  a.formulas.elementwise_ops = elementwise_ops.total();
  a.formulas.activation_ops = activation_ops.total();
  a.formulas.flops = 2 * a.formulas.gemm_macs + a.formulas.elementwise_ops + a.formulas.activation_ops;
  // The model's weight bytes are its parameters' storage, so tied weights count once.
  a.formulas.weight_bytes = a.formulas.params * Expr::constant(dtype_bytes(graph.weight_dtype));
  a.totals.figures.weight_bytes = whole_bytes(a.formulas.weight_bytes, at);
  for (ir::TensorId t : graph.inputs) {
    a.totals.model_input_bytes =
        sym::checked_add(a.totals.model_input_bytes, whole_bytes(tensor_bytes(graph.tensors[t]), at));
  }
  for (auto& [kind, total] : by_type) a.by_op_type.push_back(std::move(total));
  std::sort(a.by_op_type.begin(), a.by_op_type.end(),
            [](const OpTypeTotal& x, const OpTypeTotal& y) { return x.kind < y.kind; });
  for (const ir::Output& o : graph.outputs)
    a.output_shapes.push_back(evaluate_shape(graph.tensors[o.tensor].shape, at));
  // A model input no op reads has a shape too.
  for (ir::TensorId t : graph.inputs) {
    if (tensor_shapes->has(t)) continue;
    try {
      tensor_shapes->evaluate(t, graph.tensors[t].shape, at);
    } catch (const sym::ArithmeticError&) {
      // Left empty; its bytes were evaluated above, so this does not happen in practice.
    }
  }
  a.tensor_shapes = std::move(tensor_shapes);
  peak_memory(graph, lifetimes, at, a.totals);
  return a;
}

struct TotalsEvaluator::Plan {
  LifetimePlan lifetimes;
  // Sums over the layers of the figures TotalFormulas lacks.
  Expr input_bytes, output_bytes, gathered_bytes, traffic_bytes;
  // Each layer's bytes are rounded up to whole bytes before they are summed; where every byte formula has
  // integer coefficients (any dtype but int4) rounding does nothing and the sum of the formulas gives the
  // same total as the sum of the rounded layers.
  bool exact = true;
};

TotalsEvaluator::TotalsEvaluator(const Analysis& base) : base_(base), plan_(std::make_unique<Plan>()) {
  const ir::Graph& graph = *base.graph;
  plan_->lifetimes = plan_lifetimes(graph, base.kernels);
  sym::Sum input_bytes, output_bytes, gathered_bytes, traffic_bytes;
  for (const Layer& layer : base.layers) {
    const LayerFormulas f = layer_formulas(graph, graph.ops[layer.op], plan_->lifetimes.bytes);
    input_bytes += f.input_bytes;
    output_bytes += f.output_bytes;
    gathered_bytes += f.gathered_bytes;
    const Expr& activations = plan_->lifetimes.traffic.op_bytes[layer.op];
    traffic_bytes += activations;
    // An embedding reads the rows it gathers, any other op its weights (as analyze_at).
    traffic_bytes += layer.figures.gathered_bytes > 0 ? f.gathered_bytes : f.weight_bytes;
    for (const Expr* e : {&f.input_bytes, &f.weight_bytes, &f.output_bytes, &f.gathered_bytes, &activations}) {
      plan_->exact = plan_->exact && e->is_integer_valued();
    }
  }
  plan_->input_bytes = input_bytes.total();
  plan_->output_bytes = output_bytes.total();
  plan_->gathered_bytes = gathered_bytes.total();
  plan_->traffic_bytes = traffic_bytes.total();
  for (const Expr& e : plan_->lifetimes.bytes) plan_->exact = plan_->exact && e.is_integer_valued();
}

TotalsEvaluator::~TotalsEvaluator() = default;

Analysis TotalsEvaluator::at(const sym::Bindings& bindings) const {
  const ir::Graph& graph = *base_.graph;
  if (plan_->exact) {
    try {
      Analysis a;
      a.graph = &graph;
      a.bindings = bindings;
      a.kernels = base_.kernels;
      a.formulas = base_.formulas;
      a.not_costed = base_.not_costed;
      sym::Evaluator at(a.bindings);
      const TotalFormulas& f = base_.formulas;
      LayerFigures& t = a.totals.figures;
      t.params = at.evaluate_integer(f.params);
      a.totals.active_params = at.evaluate_integer(f.active_params);
      t.input_bytes = at.evaluate_integer(plan_->input_bytes);
      t.weight_bytes = whole_bytes(f.weight_bytes, at);
      t.output_bytes = at.evaluate_integer(plan_->output_bytes);
      t.gathered_bytes = at.evaluate_integer(plan_->gathered_bytes);
      t.gemm_macs = at.evaluate_integer(f.gemm_macs);
      t.elementwise_ops = at.evaluate_integer(f.elementwise_ops);
      t.activation_ops = at.evaluate_integer(f.activation_ops);
      t.flops = at.evaluate_integer(f.flops);
      t.traffic_bytes = at.evaluate_integer(plan_->traffic_bytes);
      a.totals.activation_bytes = at.evaluate_integer(f.activation_bytes);
      for (ir::TensorId id : graph.inputs) {
        a.totals.model_input_bytes =
            sym::checked_add(a.totals.model_input_bytes, whole_bytes(plan_->lifetimes.bytes[id], at));
      }
      for (const ir::Output& o : graph.outputs)
        a.output_shapes.push_back(evaluate_shape(graph.tensors[o.tensor].shape, at));
      peak_memory(graph, plan_->lifetimes, at, a.totals);
      return a;
    } catch (const sym::ArithmeticError&) {
      // Overflow or a domain error: the layer-by-layer analysis reports it at the op it happens in.
    }
  }
  Analysis a = analyze_at(graph, bindings, base_.kernels);
  a.layers = {};
  a.by_op_type = {};
  return a;
}

bool assumptions_hold(const ir::Graph& graph, const sym::Bindings& bindings) {
  sym::Evaluator at(bindings);  // many assumptions test the same expression
  for (const ir::Assumption& assumption : graph.assumptions) {
    try {
      if (!assumption.satisfied_by(at.evaluate_integer(assumption.expr))) return false;
    } catch (const sym::ArithmeticError&) {  // cannot be evaluated there: elaborate again
      return false;
    }
  }
  return true;
}

std::vector<GroupRow> group_layers(const Analysis& analysis, std::size_t depth) {
  // Rows keep execution order: a group is a contiguous run of ops under one path. Ops of a block that resume
  // after other ops ran (two labels sharing a prefix, say) start a new row rather than joining an earlier one.
  std::vector<GroupRow> rows;
  const ir::Graph& graph = *analysis.graph;
  for (std::size_t i = 0; i < analysis.layers.size(); ++i) {
    const ir::Op& op = graph.ops[analysis.layers[i].op];
    std::string_view key = op.path;
    bool collapsed = false;
    if (op.depth() > depth) {
      std::size_t pos = 0;
      for (std::size_t segment = 0; segment <= depth; ++segment) pos = op.path.find('.', pos) + 1;
      key = key.substr(0, pos - 1);
      collapsed = true;
    }
    if (rows.empty() || !collapsed || rows.back().kind != "block" || rows.back().path != key) {
      GroupRow row;
      row.path = key;
      row.kind = collapsed ? "block" : op.kind;
      row.depth = collapsed ? depth : op.depth();
      row.first_layer = i;
      rows.push_back(std::move(row));
    }
    GroupRow& row = rows.back();
    row.last_layer = i;
    ++row.op_count;
    row.figures += analysis.layers[i].figures;
  }
  return rows;
}

}  // namespace nnscope::analysis
