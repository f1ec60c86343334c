// Dense layers and matrix products: linear, matmul (the language's `a @ b`) and bmm.
//
// GEMM MACs: linear = prod(leading dims)·in·out; matmul = prod(broadcast batch dims)·M·N·K.
// A bias adds one element-wise op per output element (bias is never GEMM work). No activation ops.
// Backward: linear's input gradient (dgrad) and weight gradient (wgrad) each take the forward MACs, the bias
// gradient one add per output element; keeps x. matmul / bmm: the gradient of each operand takes the forward
// MACs (dA = dC·Bᵀ, dB = Aᵀ·dC); keeps both operands.
// Sliding-window attention (window_scores, window_context): the score and context products over at most `window`
// keys per query, as a banded kernel computes them; the scores are held as the band [..., s, min(window, t)].
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
  result.backward.weight_only_saves = {true};  // dgrad = dy·W needs the weights, not x
  return result;
}

// A product of two activations (matmul, bmm, the window products): one output, `macs` on the matrix unit, and a
// backward in which each operand's gradient is one product of the same size as the forward one.
OpResult matrix_product(Shape out, DType dtype, const Expr& macs) {
  OpResult result;
  result.outputs.push_back(TensorType{std::move(out), dtype});
  result.forward.gemm_macs = macs;
  result.backward.input = {Cost{macs, {}, {}}, Cost{macs, {}, {}}};
  result.backward.saves_input = {true, true};
  return result;
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
  return matrix_product(std::move(out_shape), ta.dtype, numel(batch) * m * n * k);
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
  return matrix_product({a[0], a[1], b[2]}, ta.dtype, a[0] * a[1] * b[2] * a[2]);
}

// The batch axes of two operands of rank >= 2 broadcast as in matmul; names both operands when they do not.
Shape batch_of(const Shape& a, const Shape& b, OpContext& context) {
  try {
    return broadcast(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2), context);
  } catch (const OpError& e) {
    throw OpError("batch dimensions of " + shape_string(a) + " and " + shape_string(b) + " do not broadcast (" +
                  e.what() + ")");
  }
}

// Scores of sliding-window attention: q [..., s, d] @ k [..., d, t] computed only for the last min(window, t)
// keys each query sees (Mistral's sliding window, Longformer's band), held as the band [..., s, min(window, t)].
OpResult window_scores(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "q", 2, "window_scores");
  require_min_rank(args, "k", 2, "window_scores");
  const TensorType& tq = args.tensor("q");
  const Shape& q = tq.shape;
  const Shape& k = args.tensor("k").shape;
  require_same_inner(q, q.size() - 1, k, k.size() - 2, context);
  Expr window = args.integer("window");
  require_at_least({window}, 1, context, "window");
  Shape batch = batch_of(q, k, context);
  Expr s = q[q.size() - 2], d = q.back(), band = Expr::min(window, k.back());
  Shape out = batch;
  out.push_back(s);
  out.push_back(band);
  return matrix_product(std::move(out), tq.dtype, numel(batch) * s * band * d);
}

// Context of sliding-window attention: the band of probabilities [..., s, min(window, t)] times the values
// [..., t, d] they select -> [..., s, d].
OpResult window_context(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "probs", 2, "window_context");
  require_min_rank(args, "v", 2, "window_context");
  const TensorType& tp = args.tensor("probs");
  const Shape& p = tp.shape;
  const Shape& v = args.tensor("v").shape;
  Expr window = args.integer("window");
  require_at_least({window}, 1, context, "window");
  Expr band = Expr::min(window, v[v.size() - 2]);
  if (!context.same_size(p.back(), band)) {
    throw OpError("probs " + shape_string(p) + " hold " + p.back().to_string() + " keys per query but window " +
                      window.to_string() + " over the " + v[v.size() - 2].to_string() + " values of v " +
                      shape_string(v) + " selects " + band.to_string(),
                  "probs");
  }
  Shape batch = batch_of(p, v, context);
  Expr s = p[p.size() - 2], d = v.back();
  Shape out = batch;
  out.push_back(s);
  out.push_back(d);
  return matrix_product(std::move(out), tp.dtype, numel(batch) * s * band * d);
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
  registry.add(
      {.name = "window_scores",
       .summary = "sliding-window attention scores: q [..., s, d] @ k [..., d, t] over the last min(window, t) "
                  "keys per query -> [..., s, min(window, t)]",
       .args = {ArgSpec::tensor("q").describe("Queries [..., s, d]."),
                ArgSpec::tensor("k").describe("Keys, transposed: [..., d, t]; batch dims broadcast with q's."),
                ArgSpec::integer("window").describe("Keys each query sees (Mistral's sliding_window), at least 1.")},
       .apply = window_scores,
       .doc = {"[broadcast batch dims, s, min(window, t)]; dtype of q", "",
               "GEMM MACs prod(batch dims)·s·min(window, t)·d; element-wise 0; activation 0",
               "each operand's gradient takes the forward MACs as dgrad. Keeps both operands."}});
  registry.add(
      {.name = "window_context",
       .summary = "sliding-window attention context: probs [..., s, min(window, t)] over values v [..., t, d] "
                  "-> [..., s, d]",
       .args = {ArgSpec::tensor("probs").describe("The band of attention probabilities [..., s, min(window, t)]."),
                ArgSpec::tensor("v").describe("Values [..., t, d]; batch dims broadcast with probs'."),
                ArgSpec::integer("window").describe("The same window as window_scores, at least 1.")},
       .apply = window_context,
       .doc = {"[broadcast batch dims, s, d]; dtype of probs", "",
               "GEMM MACs prod(batch dims)·s·min(window, t)·d; element-wise 0; activation 0",
               "each operand's gradient takes the forward MACs as dgrad. Keeps both operands."}});
}

}  // namespace nnscope::ops
