// Recurrent layers: lstm, gru, rnn with PyTorch's signature, weights and outputs.
//
// Per layer l and direction, with G gates (LSTM 4, GRU 3, RNN 1), T steps, N sequences, H hidden units and
// I_l inputs (I_0 = I, then D·H):
//   GEMM MACs   = T·N·G·H·(I_l + H)                    (the input and hidden projections, every step)
//   element-wise = T·N·H·(2·G [bias] + G + cell)        cell: LSTM 4, GRU 5, RNN 0
//   activation  = T·N·H·act                             act:  LSTM 5, GRU 3, RNN 1
// docs/cost-model.md derives the per-cell counts. Sequence length and direction both multiply the work,
// which the seed tool forgot.
// Backward through time (BPTT): the weight gradients (wgrad) take the forward MACs; the gradient of x takes
// layer 0's input projection, T·N·D·G·H·I; the gradient through the hidden state and into the inner layers'
// inputs (the rest of the forward MACs) runs whenever any gradient flows. Element-wise: 2·G + 2·cell per
// unit and step (the gate gradients), + 2·G for the bias gradients; activation: the derivative of each gate
// activation, as forward. Keeps x and, per unit and step, the G gates, c and h.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

enum class Cell { kLstm, kGru, kRnn };

struct CellCounts {
  sym::Int gates;        // G: rows of the weight matrices are G·H
  sym::Int cell_ops;     // element-wise ops per hidden unit and step beyond the bias and projection adds
  sym::Int activations;  // special-function ops per hidden unit and step
};

CellCounts counts(Cell cell) {
  switch (cell) {
    case Cell::kLstm:
      // c' = f·c + i·g (2 mul, 1 add), h' = o·tanh(c') (1 mul); sigmoid for i, f, o; tanh for g and c'.
      return {4, 4, 5};
    case Cell::kGru:
      // r·(W_hn h + b_hn) (1 mul), h' = (1 - z)·n + z·h (1 sub, 2 mul, 1 add); sigmoid r, z; tanh n.
      return {3, 5, 3};
    case Cell::kRnn:
      // h' = act(W_ih x + b_ih + W_hh h + b_hh): only the adds, all counted with the projections.
      return {1, 0, 1};
  }
  return {1, 0, 1};
}

OpResult recurrent(const OpArgs& args, OpContext& context, Cell cell, const std::string& op) {
  const TensorType& x = args.tensor("x");
  // PyTorch also accepts an unbatched sequence [T, I]; its outputs then lack the batch axis too.
  if (x.shape.size() != 3 && x.shape.size() != 2) {
    throw OpError(op + " expects x of shape [T, N, I] ([N, T, I] with batch_first) or unbatched [T, I], got " +
                      shape_string(x.shape) + " (rank " + std::to_string(x.shape.size()) + ")",
                  "x");
  }
  bool batched = x.shape.size() == 3;
  bool batch_first = batched && args.boolean("batch_first");
  Expr steps = batched ? x.shape[batch_first ? 1 : 0] : x.shape[0];
  Expr batch = batched ? x.shape[batch_first ? 0 : 1] : Expr(1);
  Expr input_size = x.shape.back();

  Expr hidden = args.integer("hidden_size");
  require_at_least({hidden}, 1, context, "hidden_size");
  require_at_least({args.integer("num_layers")}, 1, context, "num_layers");
  // Weight names are per layer, so the layer count must be concrete; its bound value is used.
  sym::Int layers = context.value(args.integer("num_layers"));
  // One weight per layer: a hostile layer count must not build millions of weights.
  constexpr sym::Int kMaxLayers = 10000;
  if (layers > kMaxLayers) {
    throw OpError("num_layers is " + sym::to_string(layers) + ", more than the limit of " + sym::to_string(kMaxLayers),
                  "num_layers");
  }
  bool bidirectional = args.boolean("bidirectional");
  sym::Int directions = bidirectional ? 2 : 1;
  bool bias = args.boolean("bias");
  if (cell == Cell::kRnn) {
    const std::string& nonlinearity = args.string("nonlinearity");
    if (nonlinearity != "tanh" && nonlinearity != "relu") {
      throw OpError("rnn nonlinearity must be \"tanh\" or \"relu\", got \"" + nonlinearity + "\"", "nonlinearity");
    }
  }
  CellCounts cc = counts(cell);
  Expr gate_rows = cc.gates * hidden;

  OpResult result;
  for (sym::Int l = 0; l < layers; ++l) {
    Expr layer_input = l == 0 ? input_size : directions * hidden;
    for (sym::Int d = 0; d < directions; ++d) {
      std::string suffix = "_l" + sym::to_string(l) + (d == 1 ? "_reverse" : "");
      result.weights.push_back(Weight{"weight_ih" + suffix, {gate_rows, layer_input}});
      result.weights.push_back(Weight{"weight_hh" + suffix, {gate_rows, hidden}});
      if (bias) {
        result.weights.push_back(Weight{"bias_ih" + suffix, {gate_rows}});
        result.weights.push_back(Weight{"bias_hh" + suffix, {gate_rows}});
      }
      result.forward.gemm_macs += steps * batch * gate_rows * (layer_input + hidden);
    }
  }

  // The element-wise and activation work of one step does not depend on the layer's input width.
  Expr cells = Expr(layers * directions) * steps * batch * hidden;
  sym::Int per_unit = (bias ? 2 * cc.gates : 0) + cc.gates + cc.cell_ops;
  result.forward.elementwise = cells * per_unit;
  result.forward.activation = cells * cc.activations;
  Expr x_macs = Expr(directions) * steps * batch * gate_rows * input_size;
  result.backward.weight.gemm_macs = result.forward.gemm_macs;
  if (bias) result.backward.weight.elementwise = cells * (2 * cc.gates);
  result.backward.input = {Cost{x_macs, {}, {}}};
  result.backward.common.gemm_macs = result.forward.gemm_macs - x_macs;
  result.backward.common.elementwise = cells * (2 * cc.gates + 2 * cc.cell_ops);
  result.backward.common.activation = cells * cc.activations;
  result.backward.saves_input = {true};
  result.backward.saved_bytes = cells * (cc.gates + 2) * Expr::constant(dtype_bytes(x.dtype));

  Expr out_features = directions * hidden;
  Shape output = batched ? (batch_first ? Shape{batch, steps, out_features} : Shape{steps, batch, out_features})
                         : Shape{steps, out_features};
  Shape state = batched ? Shape{Expr(layers * directions), batch, hidden} : Shape{Expr(layers * directions), hidden};
  result.outputs.push_back(TensorType{output, x.dtype});
  result.outputs.push_back(TensorType{state, x.dtype});
  if (cell == Cell::kLstm) result.outputs.push_back(TensorType{state, x.dtype});
  return result;
}

std::vector<ArgSpec> signature(Cell cell) {
  std::vector<ArgSpec> specs = {
      ArgSpec::tensor("x").describe("[T, N, I], [N, T, I] with batch_first, or unbatched [T, I]."),
      ArgSpec::integer("hidden_size").describe("Hidden units H, at least 1."),
      ArgSpec::integer("num_layers", 1).describe("Stacked layers L, 1 to 10,000 (its bound value is used)."),
      ArgSpec::boolean("bidirectional", false).describe("Run a reverse direction too (D = 2)."),
      ArgSpec::boolean("batch_first", false).describe("x and the output are [N, T, ...]; h_n never is."),
      ArgSpec::boolean("bias", true).describe("Whether each layer has bias_ih and bias_hh [G·H].")};
  if (cell == Cell::kRnn) {
    specs.push_back(ArgSpec::string("nonlinearity", "tanh").describe("The cell's activation: \"tanh\" or \"relu\"."));
  }
  return specs;
}

// The cost rule in words, with this cell's counts (docs/cost-model.md §7.9).
OpDoc recurrent_doc(Cell cell, const std::string& outputs) {
  CellCounts c = counts(cell);
  std::string g = sym::to_string(c.gates);
  std::string cell_ops = sym::to_string(c.cell_ops);
  return {outputs + "; output [T, N, D·H], h_n [D·L, N, H] (D = 2 when bidirectional, L = num_layers)",
          "per layer l and direction: weight_ih_l{l} [" + g + "·H, I_l] (I_0 = I, then D·H), weight_hh_l{l} [" + g +
              "·H, H], bias_ih_l{l} and bias_hh_l{l} [" + g + "·H] when bias (suffix _reverse for the reverse one)",
          "per layer and direction: GEMM MACs T·N·" + g + "·H·(I_l + H); element-wise T·N·H·(" + g + " + " + cell_ops +
              " + 2·" + g + " with bias); activation T·N·H·" + sym::to_string(c.activations),
          "wgrad MACs = forward MACs; dgrad MACs T·N·D·" + g +
              "·H·I for x, the rest of the forward MACs (through the hidden state and into the inner layers) "
              "whenever a gradient flows; element-wise 2·" +
              g + " + 2·" + cell_ops + " per unit and step, + 2·" + g +
              " with bias; activation as forward. Keeps x and, per unit and step, the " + g + " gates, c and h."};
}

}  // namespace

void register_recurrent_ops(Registry& registry) {
  registry.add({.name = "lstm",
                .summary = "LSTM over [T, N, I] -> (output [T, N, D·H], h_n, c_n [D·layers, N, H])",
                .args = signature(Cell::kLstm),
                .apply = [](const OpArgs& a, OpContext& c) { return recurrent(a, c, Cell::kLstm, "lstm"); },
                .doc = recurrent_doc(Cell::kLstm, "(output, h_n, c_n), c_n like h_n")});
  registry.add({.name = "gru",
                .summary = "GRU over [T, N, I] -> (output [T, N, D·H], h_n [D·layers, N, H])",
                .args = signature(Cell::kGru),
                .apply = [](const OpArgs& a, OpContext& c) { return recurrent(a, c, Cell::kGru, "gru"); },
                .doc = recurrent_doc(Cell::kGru, "(output, h_n)")});
  registry.add({.name = "rnn",
                .summary = "Elman RNN (tanh or relu) over [T, N, I] -> (output [T, N, D·H], h_n)",
                .args = signature(Cell::kRnn),
                .apply = [](const OpArgs& a, OpContext& c) { return recurrent(a, c, Cell::kRnn, "rnn"); },
                .doc = recurrent_doc(Cell::kRnn, "(output, h_n)")});
}

}  // namespace nnscope::ops
