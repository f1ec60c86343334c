// Mixture of experts: moe_experts, the E expert MLPs of a sparse layer of which each token uses the k its router
// chose (Shazeer et al. 2017; Mixtral, DeepSeek-V3). The router itself is ordinary ops (a linear to E scores,
// softmax or sigmoid, topk), written in stdlib_models/std/moe.nn.
//
// With T tokens and k experts each, the experts run S = T·k token slots (dropless, as Hugging Face's
// implementations; tokens spread over the experts in any way cost the same). With a capacity factor C > 0 every
// expert runs a buffer of ceil(C·T·k/E) slots, padded or dropping the overflow (GShard, Switch Transformer), so
// S = E·ceil(C·T·k/E). Each slot is one expert MLP of m matrices (m = 3 gated: gate, up, down; 2 plain: up, down).
//
// Weights: all E experts, stacked as Hugging Face stores them (gate_up_proj [E, 2·i, h] and down_proj [E, h, i];
// up_proj [E, i, h] when not gated). Active (idle_params): a token uses k of the E experts.
// Forward: GEMM S·m·h·i; activation S·i; element-wise S·i for the gate product (gated) and T·h·(2k - 1) to weight
// the k expert outputs by their routing weights and sum them.
// Backward: only the routed slots: dgrad and wgrad each S·m·h·i; the routing weights' gradient T·k·(2h - 1) (a dot
// product per slot); always T·k·h to scale the output gradient per slot, S·i + S·i for the activation's derivative
// (element-wise and activation) and 2·S·i for the gate product. Keeps x, the routing, the gate/up activations and
// the expert outputs.
#include <cmath>

#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

// capacity_factor as an exact fraction (to six decimals), so slot counts stay integers.
sym::Rational exact_factor(double factor) {
  return sym::Rational(static_cast<sym::Int>(std::llround(factor * 1e6)), 1'000'000);
}

OpResult moe_experts(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 1, "moe_experts");
  const TensorType& x = args.tensor("x");
  const TensorType& weights = args.tensor("routing_weights");
  const TensorType& selected = args.tensor("selected_experts");
  Expr hidden = x.shape.back();
  Shape leading(x.shape.begin(), x.shape.end() - 1);
  for (const auto& [name, t] :
       {std::pair<const char*, const TensorType*>{"routing_weights", &weights}, {"selected_experts", &selected}}) {
    Shape expected = leading;
    expected.push_back(weights.shape.empty() ? Expr(1) : weights.shape.back());
    bool same = t->shape.size() == expected.size();
    for (std::size_t i = 0; same && i < expected.size(); ++i) same = context.same_size(t->shape[i], expected[i]);
    if (!same) {
      throw OpError(std::string(name) + " " + shape_string(t->shape) + " must be [tokens..., k] for x " +
                        shape_string(x.shape) + " (its leading axes, then the k experts of each token)",
                    name);
    }
  }
  if (is_floating(selected.dtype)) {
    throw OpError("selected_experts must hold integer expert indices, got a floating-point tensor", "selected_experts");
  }
  Expr experts = args.integer("num_experts");
  Expr inner = args.integer("intermediate_size");
  require_at_least({experts}, 1, context, "num_experts");
  require_at_least({inner}, 1, context, "intermediate_size");
  Expr k = weights.shape.back();
  if (context.is_negative(experts - k)) {
    throw OpError("each token is routed to " + k.to_string() + " experts but there are only " + experts.to_string(),
                  "routing_weights");
  }
  const std::string& activation = args.string("activation");
  if (activation != "silu" && activation != "gelu" && activation != "gelu_tanh" && activation != "relu") {
    throw OpError("activation must be \"silu\", \"gelu\", \"gelu_tanh\" or \"relu\", not \"" + activation + "\"",
                  "activation");
  }
  bool gated = args.boolean("gated");
  double factor = args.number("capacity_factor");
  if (!(factor >= 0) || factor > 1e6) {
    throw OpError("capacity_factor must be 0 (no limit) or a positive number up to 1e6", "capacity_factor");
  }

  Expr tokens = product(x.shape, 0, x.shape.size() - 1);
  Expr slots = tokens * k;
  if (factor > 0) {
    sym::Rational c = exact_factor(factor);
    if (c.num() == 0) throw OpError("capacity_factor is below 1e-6", "capacity_factor");
    slots = experts * Expr::ceildiv(tokens * k * c.num(), experts * c.den());
  }
  Expr matrices = gated ? 3 : 2;
  Expr per_slot = matrices * hidden * inner;

  OpResult result;
  result.outputs.push_back(TensorType{x.shape, x.dtype});
  if (gated) {
    result.weights.push_back(Weight{"gate_up_proj", {experts, 2 * inner, hidden}});
  } else {
    result.weights.push_back(Weight{"up_proj", {experts, inner, hidden}});
  }
  result.weights.push_back(Weight{"down_proj", {experts, hidden, inner}});
  result.idle_params = (experts - k) * per_slot;
  result.forward.gemm_macs = slots * per_slot;
  result.forward.activation = slots * inner;
  Expr combine = tokens * hidden * (2 * k - 1);
  result.forward.elementwise = (gated ? slots * inner : Expr(0)) + combine;

  Backward& b = result.backward;
  b.common.elementwise = tokens * k * hidden + slots * inner * (gated ? 3 : 1);
  b.common.activation = slots * inner;
  b.weight.gemm_macs = result.forward.gemm_macs;
  b.input = {Cost{result.forward.gemm_macs, {}, {}}, Cost{{}, tokens * k * (2 * hidden - 1), {}}, Cost{}};
  b.saves_input = {true, true, true};
  b.saved_bytes = (slots * inner * (gated ? 2 : 1) + slots * hidden) * Expr::constant(dtype_bytes(x.dtype));
  return result;
}

}  // namespace

void register_moe_ops(Registry& registry) {
  registry.add(
      {.name = "moe_experts",
       .summary = "the E expert MLPs of a mixture of experts, each token through the k its router selected: x [..., h] "
                  "-> [..., h]",
       .args =
           {ArgSpec::tensor("x").describe("The tokens [..., h]."),
            ArgSpec::tensor("routing_weights").describe("Each token's weights for its k experts: [..., k]."),
            ArgSpec::tensor("selected_experts").describe("Each token's k expert indices: [..., k], an integer dtype."),
            ArgSpec::integer("num_experts").describe("E, the experts in the layer, at least k."),
            ArgSpec::integer("intermediate_size").describe("i, each expert's hidden width, at least 1."),
            ArgSpec::string("activation", "silu").describe("\"silu\", \"gelu\", \"gelu_tanh\" or \"relu\"."),
            ArgSpec::boolean("gated", true)
                .describe("Three matrices per expert, down(act(gate(x))·up(x)); false: two, down(act(up(x)))."),
            ArgSpec::number("capacity_factor", 0.0)
                .describe("0: dropless (T·k slots); C > 0: each expert runs ⌈C·T·k/E⌉ slots, padded or dropping.")},
       .apply = moe_experts,
       .doc = {"x's shape and dtype",
               "gate_up_proj [E, 2·i, h] (up_proj [E, i, h] when not gated), down_proj [E, h, i]; active parameters "
               "k·m·h·i of E·m·h·i (m = 3 gated, else 2)",
               "GEMM MACs S·m·h·i (S = T·k slots, T tokens; E·⌈C·T·k/E⌉ with a capacity factor); activation S·i; "
               "element-wise S·i for the gate product when gated, plus T·h·(2k − 1) to weight and sum the k outputs",
               "dgrad and wgrad MACs S·m·h·i each (only the routed experts); routing weights T·k·(2h − 1) "
               "element-wise; T·k·h + S·i·(gated ? 3 : 1) element-wise and S·i activation whenever a gradient "
               "flows. Keeps x, the routing, the gate/up activations and the expert outputs."}});
}

}  // namespace nnscope::ops
