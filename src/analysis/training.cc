#include "analysis/training.h"

#include <algorithm>

#include "ops/common.h"
#include "source/diagnostic.h"

namespace nnscope::analysis {

Int Analysis::peak_activation_bytes() const {
  return training ? training->totals.peak_activation_bytes : totals.peak_activation_bytes;
}
const std::string& Analysis::peak_after() const { return training ? training->totals.peak_at : totals.peak_after; }

namespace {

Int bytes_of(const ir::Tensor& t, const sym::Bindings& b) {
  return (ops::numel(t.shape) * Expr::constant(dtype_bytes(t.dtype))).evaluate(b).ceil();
}

Int eval(const Expr& e, const sym::Bindings& b) { return e.evaluate_integer(b); }

// An op whose weights are trained: it has weights and they are not frozen.
bool trains_weights(const ir::Op& op) { return !op.costs().weights.empty() && !op.costs().frozen; }

void add_cost(TrainLayerFigures& f, const ops::Cost& c, bool weight, const sym::Bindings& b) {
  Int macs = eval(c.gemm_macs, b);
  if (weight) {
    f.wgrad_macs = sym::checked_add(f.wgrad_macs, macs);
  } else {
    f.dgrad_macs = sym::checked_add(f.dgrad_macs, macs);
  }
  f.elementwise_ops = sym::checked_add(f.elementwise_ops, eval(c.elementwise, b));
  f.activation_ops = sym::checked_add(f.activation_ops, eval(c.activation, b));
}

// Storage: a view shares its producer's first input's storage (as in the inference peak).
std::vector<std::size_t> storage_of(const ir::Graph& graph) {
  std::vector<std::size_t> storage(graph.tensors.size());
  for (std::size_t t = 0; t < storage.size(); ++t) {
    const ir::Tensor& tensor = graph.tensors[t];
    storage[t] = t;
    if (tensor.view && tensor.producer != ir::kNoOp && !graph.ops[tensor.producer].inputs.empty()) {
      storage[t] = storage[graph.ops[tensor.producer].inputs.front()];
    }
  }
  return storage;
}

}  // namespace

std::vector<SavedPiece> saved_pieces(const Analysis& analysis, const std::vector<std::size_t>& ops) {
  const ir::Graph& graph = *analysis.graph;
  const sym::Bindings& b = analysis.bindings;
  std::vector<std::size_t> storage = storage_of(graph);
  std::vector<char> kept(graph.tensors.size(), 0);
  std::vector<SavedPiece> pieces;
  auto keep = [&](ir::TensorId t) {
    std::size_t s = storage[t];
    if (kept[s]) return;
    kept[s] = 1;
    pieces.push_back({graph.tensors[s].producer, s, bytes_of(graph.tensors[s], b)});
  };
  for (std::size_t i : ops) {
    if (analysis.training && !analysis.training->layers[i].active) continue;
    const ir::Op& op = graph.ops[i];
    const ops::Backward& bw = op.costs().backward;
    for (std::size_t k = 0; k < op.inputs.size() && k < bw.saves_input.size(); ++k) {
      if (bw.saves_input[k]) keep(op.inputs[k]);
    }
    if (bw.saves_output && !op.outputs.empty()) keep(op.outputs.front());
    Int extra = bw.saved_bytes.evaluate(b).ceil();
    if (extra != 0) pieces.push_back({i, SavedPiece::kExtra, extra});
  }
  return pieces;
}

std::optional<Optimizer> parse_optimizer(const std::string& name) {
  if (name == "sgd") return Optimizer::kSgd;
  if (name == "momentum") return Optimizer::kMomentum;
  if (name == "adam") return Optimizer::kAdam;
  if (name == "adamw") return Optimizer::kAdamW;
  return std::nullopt;
}

const char* optimizer_name(Optimizer optimizer) {
  switch (optimizer) {
    case Optimizer::kSgd:
      return "sgd";
    case Optimizer::kMomentum:
      return "momentum";
    case Optimizer::kAdam:
      return "adam";
    case Optimizer::kAdamW:
      return "adamw";
  }
  return "adam";
}

int optimizer_state_per_param(Optimizer optimizer) {
  switch (optimizer) {
    case Optimizer::kSgd:
      return 0;
    case Optimizer::kMomentum:
      return 1;
    case Optimizer::kAdam:
    case Optimizer::kAdamW:
      return 2;
  }
  return 2;
}

Training analyze_training(const Analysis& analysis, const TrainOptions& options) {
  const ir::Graph& graph = *analysis.graph;
  const sym::Bindings& b = analysis.bindings;
  const std::size_t n = graph.tensors.size();
  const std::size_t ops = graph.ops.size();
  Training training;
  training.layers.resize(ops);
  TrainTotals& totals = training.totals;

  std::vector<std::size_t> storage = storage_of(graph);

  // Which tensors need a gradient: outputs of ops with trained (not frozen) weights, or of ops with an input that
  // needs one. Graph inputs never do; integer tensors never do.
  std::vector<char> needs_grad(n, 0);
  std::vector<char> active(ops, 0);
  for (std::size_t i = 0; i < ops; ++i) {
    const ir::Op& op = graph.ops[i];
    bool a = trains_weights(op);
    for (ir::TensorId t : op.inputs) a = a || needs_grad[t];
    active[i] = a;
    for (ir::TensorId t : op.outputs) needs_grad[t] = a && is_floating(graph.tensors[t].dtype);
  }

  // Steps: forward of op i is step i; its backward is step 2·ops - 1 - i.
  const std::size_t steps = 2 * ops;
  auto backward_step = [&](std::size_t i) { return steps - 1 - i; };
  std::vector<Int> add_at(steps + 1, 0), sub_after(steps + 1, 0);
  std::vector<std::size_t> keep_until(n, 0);  // per storage: the last step it is needed at
  std::vector<char> saved(n, 0);
  std::vector<Int> bytes(n, 0);
  for (std::size_t t = 0; t < n; ++t) {
    if (storage[t] == t) bytes[t] = bytes_of(graph.tensors[t], b);
  }

  std::size_t current_op = 0;  // for an overflow: the op whose figures did not fit
  try {
    for (std::size_t i = 0; i < ops; ++i) {
      current_op = i;
      const ir::Op& op = graph.ops[i];
      const ops::Backward& bw = op.costs().backward;
      TrainLayerFigures& f = training.layers[i];
      f.active = active[i];
      if (!active[i]) continue;
      add_cost(f, bw.common, false, b);
      if (trains_weights(op)) add_cost(f, bw.weight, true, b);
      for (std::size_t k = 0; k < op.inputs.size() && k < bw.input.size(); ++k) {
        if (needs_grad[op.inputs[k]]) add_cost(f, bw.input[k], false, b);
      }
      f.flops = sym::checked_add(sym::checked_mul(2, f.gemm_macs()), f.elementwise_ops);
      f.flops = sym::checked_add(f.flops, f.activation_ops);
      // What backward keeps.
      auto keep = [&](ir::TensorId t) {
        std::size_t s = storage[t];
        f.saved_bytes = sym::checked_add(f.saved_bytes, bytes[s]);
        saved[s] = 1;
        keep_until[s] = std::max(keep_until[s], backward_step(i));
      };
      for (std::size_t k = 0; k < op.inputs.size() && k < bw.saves_input.size(); ++k) {
        // A frozen op computes no weight gradient, so it keeps nothing only that gradient would read.
        bool weight_only = k < bw.weight_only_saves.size() && bw.weight_only_saves[k];
        if (bw.saves_input[k] && !(weight_only && !trains_weights(op))) keep(op.inputs[k]);
      }
      if (bw.saves_output && !op.outputs.empty()) keep(op.outputs.front());
      Int extra = bw.saved_bytes.evaluate(b).ceil();
      f.saved_bytes = sym::checked_add(f.saved_bytes, extra);
      totals.saved_activation_bytes = sym::checked_add(totals.saved_activation_bytes, extra);
      add_at[i] = sym::checked_add(add_at[i], extra);
      sub_after[backward_step(i)] = sym::checked_add(sub_after[backward_step(i)], extra);

      totals.backward_dgrad_macs = sym::checked_add(totals.backward_dgrad_macs, f.dgrad_macs);
      totals.backward_wgrad_macs = sym::checked_add(totals.backward_wgrad_macs, f.wgrad_macs);
      totals.backward_elementwise_ops = sym::checked_add(totals.backward_elementwise_ops, f.elementwise_ops);
      totals.backward_activation_ops = sym::checked_add(totals.backward_activation_ops, f.activation_ops);
      totals.backward_flops = sym::checked_add(totals.backward_flops, f.flops);
    }
  } catch (const sym::OverflowError& error) {
    const ir::Op& op = graph.ops[current_op];
    throw DiagnosticError(op.location,
                          "arithmetic overflow in the training figures of '" + op.path + "': " + error.what());
  }
  totals.backward_gemm_macs = sym::checked_add(totals.backward_dgrad_macs, totals.backward_wgrad_macs);
  totals.train_flops = sym::checked_add(analysis.totals.figures.flops, totals.backward_flops);
  for (std::size_t s = 0; s < n; ++s) {
    if (saved[s]) totals.saved_activation_bytes = sym::checked_add(totals.saved_activation_bytes, bytes[s]);
  }

  // Lifetimes of the activations: allocated at their producer's step (model inputs at step 0), freed after
  // their last forward reader or the backward of the last op that keeps them, whichever is later. Model
  // outputs live to the end of the forward pass (the loss reads them).
  std::vector<std::size_t> alloc(n, 0), last_reader(n, 0);
  std::vector<char> read(n, 0);
  for (std::size_t t = 0; t < n; ++t) {
    if (storage[t] == t && graph.tensors[t].producer != ir::kNoOp) alloc[t] = graph.tensors[t].producer;
  }
  for (std::size_t i = 0; i < ops; ++i) {
    for (ir::TensorId t : graph.ops[i].inputs) {
      last_reader[storage[t]] = std::max(last_reader[storage[t]], i);
      read[storage[t]] = 1;
    }
  }
  std::vector<char> is_output(n, 0);
  for (const ir::Output& o : graph.outputs) is_output[storage[o.tensor]] = 1;
  for (std::size_t s = 0; s < n; ++s) {
    if (storage[s] != s) continue;
    std::size_t end = std::max(alloc[s], read[s] ? last_reader[s] : alloc[s]);
    if (is_output[s] && ops > 0) end = std::max(end, ops - 1);
    if (saved[s]) end = std::max(end, keep_until[s]);
    add_at[alloc[s]] = sym::checked_add(add_at[alloc[s]], bytes[s]);
    sub_after[end] = sym::checked_add(sub_after[end], bytes[s]);
  }
  // Gradients of activations: created at the backward of the last op that reads the storage with a gradient
  // flowing back (the first backward step for a model output), freed after the backward of its producer.
  std::vector<std::size_t> grad_from(n, 0);
  std::vector<char> has_grad(n, 0);
  for (std::size_t i = 0; i < ops; ++i) {
    if (!active[i]) continue;
    for (ir::TensorId t : graph.ops[i].inputs) {
      std::size_t s = storage[t];
      if (!needs_grad[t] || !needs_grad[s] || graph.tensors[s].producer == ir::kNoOp) continue;
      has_grad[s] = 1;
      grad_from[s] = std::max(grad_from[s], i);
    }
  }
  for (std::size_t s = 0; s < n; ++s) {
    if (storage[s] != s || !needs_grad[s] || graph.tensors[s].producer == ir::kNoOp) continue;
    if (is_output[s] && ops > 0) {
      has_grad[s] = 1;
      grad_from[s] = std::max(grad_from[s], ops - 1);
    }
    if (!has_grad[s]) continue;
    std::size_t from = backward_step(grad_from[s]);
    std::size_t to = backward_step(graph.tensors[s].producer);
    add_at[from] = sym::checked_add(add_at[from], bytes[s]);
    sub_after[to] = sym::checked_add(sub_after[to], bytes[s]);
  }
  Int live = 0;
  for (std::size_t step = 0; step < steps; ++step) {
    live = sym::checked_add(live, add_at[step]);
    if (live > totals.peak_activation_bytes) {
      totals.peak_activation_bytes = live;
      bool forward = step < ops;
      totals.peak_at = graph.ops[forward ? step : steps - 1 - step].path;
      totals.peak_phase = forward ? "forward" : "backward";
    }
    live -= sub_after[step];
  }

  // Memory of one step. Gradients, optimizer state and fp32 master copies exist for the trained parameters only;
  // frozen weights are stored once, in the weight dtype.
  for (const Layer& layer : analysis.layers) {
    if (!graph.ops[layer.op].costs().frozen) {
      totals.trainable_params = sym::checked_add(totals.trainable_params, layer.figures.params);
    }
  }
  Int trained = totals.trainable_params;
  totals.optimizer = optimizer_name(options.optimizer);
  totals.weight_bytes = analysis.totals.figures.weight_bytes;
  totals.gradient_bytes = (sym::Rational(trained) * dtype_bytes(graph.weight_dtype)).ceil();
  if (dtype_bytes(graph.weight_dtype) < sym::Rational(4)) totals.master_weight_bytes = sym::checked_mul(trained, 4);
  totals.optimizer_bytes = sym::checked_mul(trained, 4 * optimizer_state_per_param(options.optimizer));
  totals.train_memory_bytes = totals.weight_bytes;
  for (Int part :
       {totals.master_weight_bytes, totals.gradient_bytes, totals.optimizer_bytes, totals.saved_activation_bytes}) {
    totals.train_memory_bytes = sym::checked_add(totals.train_memory_bytes, part);
  }
  training.no_backward_rule = analysis.not_costed;
  return training;
}

TrainLayerFigures sum_layers(const Training& training, const std::vector<std::size_t>& layers) {
  TrainLayerFigures t;
  for (std::size_t i : layers) {
    const TrainLayerFigures& l = training.layers[i];
    t.dgrad_macs = sym::checked_add(t.dgrad_macs, l.dgrad_macs);
    t.wgrad_macs = sym::checked_add(t.wgrad_macs, l.wgrad_macs);
    t.elementwise_ops = sym::checked_add(t.elementwise_ops, l.elementwise_ops);
    t.activation_ops = sym::checked_add(t.activation_ops, l.activation_ops);
    t.flops = sym::checked_add(t.flops, l.flops);
    t.saved_bytes = sym::checked_add(t.saved_bytes, l.saved_bytes);
  }
  return t;
}

}  // namespace nnscope::analysis
