// Reductions: reduce_sum, reduce_mean, reduce_max, reduce_min over one or several axes, and the top-k selection
// (topk) of a mixture of experts' router.
//
// Element-wise ops: each output combines the n reduced elements with n - 1 adds (sum, mean) or comparisons
// (max, min), so the total is input elements - output elements; mean adds one divide per output, which
// makes it exactly the input element count. No GEMM MACs, no activation ops, no weights.
// topk is special-function work (activation ops): k selection passes over each row of n, the j-th comparing the
// n - j candidates left, k·(2n - k - 1)/2 compare-selects a row.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

enum class Reduction { kSum, kMean, kMax, kMin };

std::string reduction_name(Reduction kind) {
  switch (kind) {
    case Reduction::kSum:
      return "reduce_sum";
    case Reduction::kMean:
      return "reduce_mean";
    case Reduction::kMax:
      return "reduce_max";
    case Reduction::kMin:
      return "reduce_min";
  }
  return "reduce";
}

OpResult reduce(const OpArgs& args, OpContext& context, Reduction kind) {
  const TensorType& x = args.tensor("x");
  std::size_t rank = x.shape.size();
  std::vector<bool> reduced(rank, false);
  if (args.has("axis")) {
    for (const Expr& axis : args.get("axis").ints) {
      std::size_t a = normalize_axis(axis, rank, context, "axis");
      if (reduced[a]) {
        throw OpError(reduction_name(kind) + " reduces axis " + std::to_string(a) + " of " + shape_string(x.shape) +
                          " more than once",
                      "axis");
      }
      reduced[a] = true;
    }
  } else {
    // Without an axis every dimension is reduced, as torch.sum(x) does.
    reduced.assign(rank, true);
  }
  bool keepdim = args.boolean("keepdim");
  Shape out_shape;
  for (std::size_t i = 0; i < rank; ++i) {
    if (!reduced[i]) {
      out_shape.push_back(x.shape[i]);
    } else if (keepdim) {
      out_shape.push_back(1);
    }
  }
  OpResult result;
  Expr in_elements = numel(x);
  result.forward.elementwise = kind == Reduction::kMean ? in_elements : in_elements - numel(out_shape);
  // Backward broadcasts the gradient back over x: a copy for sum, one divide per element for mean, one
  // select per element for max / min (which keep x to find the winners).
  bool selects = kind != Reduction::kSum && kind != Reduction::kMean;
  result.backward.input = {Cost{{}, kind == Reduction::kSum ? Expr(0) : in_elements, {}}};
  result.backward.saves_input = {selects};
  result.outputs.push_back(TensorType{std::move(out_shape), x.dtype});
  return result;
}

std::vector<ArgSpec> reduce_signature() {
  return {ArgSpec::tensor("x").describe("The input, any shape."),
          ArgSpec::optional_ints("axis")
              .describe("The axes reduced: an integer or a list, each once; omitted, every axis (as torch.sum(x)).")
              .defaults_to("all axes"),
          ArgSpec::boolean("keepdim", false).describe("Keep the reduced axes with size 1.")};
}

constexpr const char* kReduceOutput =
    "x's shape without the reduced axes (size 1 with keepdim); reducing every axis without keepdim gives []";

void add_reduction(Registry& registry, const std::string& name, const std::string& summary,
                   OpResult (*apply)(const OpArgs&, OpContext&), const std::string& forward,
                   const std::string& backward) {
  registry.add({.name = name,
                .summary = summary,
                .args = reduce_signature(),
                .apply = apply,
                .doc = {kReduceOutput, "", forward + "; GEMM MACs and activation 0", backward}});
}

// topk(x, k, axis): the k largest elements along an axis and their indices (torch.topk), the router of a
// mixture of experts choosing a token's experts.
OpResult topk(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 1, "topk");
  const TensorType& x = args.tensor("x");
  std::size_t axis = normalize_axis(args.integer("axis"), x.shape.size(), context, "axis");
  Expr k = args.integer("k");
  Expr n = x.shape[axis];
  require_at_least({k}, 1, context, "k");
  if (context.is_negative(n - k)) {
    throw OpError("k (" + k.to_string() + ") is larger than axis " + std::to_string(axis) + " of " +
                      shape_string(x.shape) + " (" + n.to_string() + ")",
                  "k");
  }
  Shape out = x.shape;
  out[axis] = k;
  Expr rows = Expr::divide(numel(x), n);
  OpResult result;
  result.outputs.push_back(TensorType{out, x.dtype});
  result.outputs.push_back(TensorType{out, DType::kI64});
  // Selection pass j (0-based) compares the n - j candidates left: n - j - 1 compare-selects.
  result.forward.activation = Expr::divide(rows * k * (2 * n - k - 1), 2);
  // Backward scatters the k values' gradients back to their places; it keeps the indices.
  result.backward.input = {Cost{{}, rows * k, {}}};
  result.backward.saves_input = {false};
  result.backward.saved_bytes = numel(out) * Expr::constant(dtype_bytes(DType::kI64));
  return result;
}

}  // namespace

void register_reduce_ops(Registry& registry) {
  registry.add(
      {.name = "topk",
       .summary = "the k largest elements along an axis and their int64 indices (a router's expert choice)",
       .args = {ArgSpec::tensor("x").describe("The scores, rank at least 1."),
                ArgSpec::integer("k").describe("How many to keep, 1 to the size of the axis."),
                ArgSpec::integer("axis", -1).describe("The axis selected along; negative counts from the end.")},
       .apply = topk,
       .doc = {"two outputs: the values (x's shape with k at axis; dtype of x) and their indices (same shape, "
               "int64)",
               "",
               "activation rows·k·(2n − k − 1)/2 compare-selects (n the size of the axis, rows = E/n: "
               "selection pass j compares the n − j candidates left); GEMM MACs and element-wise 0",
               "element-wise rows·k (the k gradients scattered back). Keeps the indices."}});
  add_reduction(
      registry, "reduce_sum", "sum over axes",
      [](const OpArgs& a, OpContext& c) { return reduce(a, c, Reduction::kSum); },
      "element-wise E − O (n − 1 adds per output, n the product of the reduced axes)",
      "0 (the gradient is broadcast back, a copy). Keeps nothing.");
  add_reduction(
      registry, "reduce_mean", "mean over axes",
      [](const OpArgs& a, OpContext& c) { return reduce(a, c, Reduction::kMean); },
      "element-wise E (n − 1 adds + 1 divide per output)", "element-wise E (one divide per element). Keeps nothing.");
  add_reduction(
      registry, "reduce_max", "maximum over axes",
      [](const OpArgs& a, OpContext& c) { return reduce(a, c, Reduction::kMax); }, "element-wise E − O comparisons",
      "element-wise E (one select per element). Keeps x.");
  add_reduction(
      registry, "reduce_min", "minimum over axes",
      [](const OpArgs& a, OpContext& c) { return reduce(a, c, Reduction::kMin); }, "element-wise E − O comparisons",
      "element-wise E (one select per element). Keeps x.");
}

}  // namespace nnscope::ops
