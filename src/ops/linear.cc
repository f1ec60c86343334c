// Dense layers and matrix products: linear, matmul (the language's `a @ b`) and bmm.
//
// GEMM MACs: linear = prod(leading dims)·in·out; matmul = prod(broadcast batch dims)·M·N·K.
// A bias adds one element-wise op per output element (bias is never GEMM work). No activation ops.
// Backward: linear's input gradient (dgrad) and weight gradient (wgrad) each take the forward MACs, the bias
// gradient one add per output element; keeps x. matmul / bmm: the gradient of each operand takes the forward
// MACs (dA = dC·Bᵀ, dB = Aᵀ·dC); keeps both operands.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

OpResult linear(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 1, "linear");
  const TensorType& x = args.tensor("x");
  Expr in_features = x.shape.back();
  Expr out_features = args.integer("out_features");
  require_at_least({out_features}, 1, context, "out_features");
  bool bias = args.boolean("bias");

  Shape out_shape = x.shape;
  out_shape.back() = out_features;

  OpResult result;
  result.outputs.push_back(TensorType{out_shape, x.dtype});
  result.weights.push_back(Weight{"weight", {out_features, in_features}});
  if (bias) result.weights.push_back(Weight{"bias", {out_features}});
  // numel(x) = prod(leading dims)·in, so this is prod(leading dims)·in·out.
  result.forward.gemm_macs = numel(x) * out_features;
  if (bias) result.forward.elementwise = numel(out_shape);
  result.backward.input = {Cost{result.forward.gemm_macs, {}, {}}};
  result.backward.weight.gemm_macs = result.forward.gemm_macs;
  if (bias) result.backward.weight.elementwise = result.forward.elementwise;
  result.backward.saves_input = {true};
  return result;
}

// matmul / bmm backward: each operand's gradient is one product of the same size as the forward one.
Backward operand_backward(const Expr& macs) {
  Backward b;
  b.input = {Cost{macs, {}, {}}, Cost{macs, {}, {}}};
  b.saves_input = {true, true};
  return b;
}

void require_same_inner(const Shape& a, std::size_t a_axis, const Shape& b, std::size_t b_axis, OpContext& context) {
  if (!context.same_size(a[a_axis], b[b_axis])) {
    throw OpError("inner dimensions differ: a " + shape_string(a) + " has " + a[a_axis].to_string() + " at axis " +
                  std::to_string(a_axis) + " but b " + shape_string(b) + " has " + b[b_axis].to_string() + " at axis " +
                  std::to_string(b_axis));
  }
}

// torch.matmul: a 1-D operand is promoted to a matrix (a row for a, a column for b) and the promoted axis
// is removed from the result; the leading (batch) axes of higher-rank operands broadcast.
OpResult matmul(const OpArgs& args, OpContext& context) {
  const TensorType& ta = args.tensor("a");
  const TensorType& tb = args.tensor("b");
  const Shape& a = ta.shape;
  const Shape& b = tb.shape;
  if (a.empty() || b.empty()) {
    throw OpError("matmul needs operands of rank at least 1, got " + shape_string(a) + " @ " + shape_string(b),
                  a.empty() ? "a" : "b");
  }
  std::size_t ra = a.size();
  std::size_t rb = b.size();
  // Axis of K in each operand: a's last axis; b's first axis when 1-D, else its second-to-last.
  std::size_t a_k = ra - 1;
  std::size_t b_k = rb == 1 ? 0 : rb - 2;
  require_same_inner(a, a_k, b, b_k, context);
  Expr k = a[a_k];
  Expr m = ra == 1 ? Expr(1) : a[ra - 2];
  Expr n = rb == 1 ? Expr(1) : b[rb - 1];

  Shape batch_a = ra > 2 ? Shape(a.begin(), a.end() - 2) : Shape{};
  Shape batch_b = rb > 2 ? Shape(b.begin(), b.end() - 2) : Shape{};
  Shape batch;
  try {
    batch = broadcast(batch_a, batch_b, context);
  } catch (const OpError& e) {
    // broadcast() only sees the batch axes; name the operands the user wrote.
    throw OpError("batch dimensions of a " + shape_string(a) + " and b " + shape_string(b) + " do not broadcast (" +
                  e.what() + ")");
  }

  Shape out_shape = batch;
  if (ra > 1) out_shape.push_back(m);
  if (rb > 1) out_shape.push_back(n);

  OpResult result;
  result.outputs.push_back(TensorType{out_shape, ta.dtype});
  result.forward.gemm_macs = numel(batch) * m * n * k;
  result.backward = operand_backward(result.forward.gemm_macs);
  return result;
}

OpResult bmm(const OpArgs& args, OpContext& context) {
  require_rank(args, "a", 3, "bmm");
  require_rank(args, "b", 3, "bmm");
  const TensorType& ta = args.tensor("a");
  const Shape& a = ta.shape;
  const Shape& b = args.tensor("b").shape;
  if (!context.same_size(a[0], b[0])) {
    throw OpError("batch sizes differ: a " + shape_string(a) + " has " + a[0].to_string() + " at axis 0 but b " +
                  shape_string(b) + " has " + b[0].to_string() + " at axis 0");
  }
  require_same_inner(a, 2, b, 1, context);
  OpResult result;
  result.outputs.push_back(TensorType{{a[0], a[1], b[2]}, ta.dtype});
  result.forward.gemm_macs = a[0] * a[1] * b[2] * a[2];
  result.backward = operand_backward(result.forward.gemm_macs);
  return result;
}

}  // namespace

void register_linear_ops(Registry& registry) {
  registry.add({.name = "linear",
                .summary = "fully connected layer: [..., in] -> [..., out_features], weight [out, in]",
                .args = {ArgSpec::tensor("x").describe("The input [..., in], rank at least 1."),
                         ArgSpec::integer("out_features").describe("Output features, at least 1."),
                         ArgSpec::boolean("bias", true).describe("Whether the layer has a bias [out_features].")},
                .apply = linear,
                .doc = {"[..., out_features]", "weight [out_features, in], bias [out_features] when bias",
                        "GEMM MACs prod(leading dims)·in·out_features = E·out_features; element-wise O when bias "
                        "(the bias add), else 0; activation 0",
                        "dgrad MACs = forward MACs, wgrad MACs = forward MACs; the bias gradient O element-wise. "
                        "Keeps x."}});
  registry.add({.name = "matmul",
                .summary = "matrix product with torch.matmul semantics (1-D operands, broadcast batch dims); a @ b",
                .args = {ArgSpec::tensor("a").describe("[..., M, K], or [K] (a row, removed from the result)."),
                         ArgSpec::tensor("b").describe("[..., K, N], or [K] (a column, removed from the result).")},
                .apply = matmul,
                .doc = {"[broadcast(batch dims of a, b), M, N] (without M or N for a 1-D operand); dtype of a", "",
                        "GEMM MACs prod(broadcast batch dims)·M·N·K; element-wise 0; activation 0",
                        "each operand's gradient takes the forward MACs as dgrad (dA = dC·Bᵀ, dB = Aᵀ·dC). Keeps "
                        "both operands."}});
  registry.add({.name = "bmm",
                .summary = "batched matrix product [B, M, K] @ [B, K, N] -> [B, M, N]",
                .args = {ArgSpec::tensor("a").describe("[B, M, K]."),
                         ArgSpec::tensor("b").describe("[B, K, N], the same B (no broadcasting).")},
                .apply = bmm,
                .doc = {"[B, M, N]; dtype of a", "", "GEMM MACs B·M·N·K; element-wise 0; activation 0",
                        "each operand's gradient takes the forward MACs as dgrad. Keeps both operands."}});
}

}  // namespace nnscope::ops
