// Normalisation layers: batchnorm (inference), layernorm, groupnorm, instancenorm, rmsnorm.
//
// batchnorm at inference uses its running statistics, folded into one scale and one shift per channel:
// 2 element-wise ops per element and no activation ops. The others compute statistics over "rows" of S
// elements (E elements in all, R = E / S rows):
//   mean         S - 1 adds + 1 divide per row            = E
//   variance     subtract the mean, square, S - 1 adds, 1 divide per row = 3E
//   + eps        1 per row                                = R
//   rsqrt        1 per row                                = R activation ops
//   normalise    multiply the centred values by the rsqrt = E
//   scale, shift 1 multiply and 1 add per element when the weight and bias exist
// so element-wise = 5E + R (+ E per affine weight, + E per affine bias), activation = R.
// rmsnorm has no mean: square, S - 1 adds, 1 divide (2E), + eps (R), multiply by the rsqrt (E), by the
// weight (E): element-wise = 3E + R (+ E), activation = R.
//
// Backward (training statistics; the mean and 1/std are kept, R or C of each). Common to every gradient:
// recompute x̂ (2E), sum dy (E) and dy·x̂ (2E) = 5E, which are also the weight and bias gradients;
// the input gradient dx = (γ/σ)·(dy - mean(dy) - x̂·mean(dy·x̂)) adds 4E. rmsnorm: common x̂ (E), dy·γ
// (E, affine), sum dŷ·x̂ (2E); input 3E; weight sum dy·x̂ 2E. No activation ops. All keep x.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

void require_eps(const OpArgs& args) {
  double eps = args.number("eps");
  if (!(eps >= 0)) throw OpError("eps must be non-negative, got " + std::to_string(eps), "eps");
}

Backward normalize_backward(const Expr& elements, const Expr& rows, DType dtype) {
  Backward b;
  b.common.elementwise = 5 * elements;
  b.input = {Cost{{}, 4 * elements, {}}};
  b.saves_input = {true};
  b.saved_bytes = 2 * rows * Expr::constant(dtype_bytes(dtype));
  return b;
}

Cost normalize_cost(const Expr& elements, const Expr& rows, bool scale, bool shift) {
  Cost cost;
  cost.elementwise = 5 * elements + rows;
  if (scale) cost.elementwise += elements;
  if (shift) cost.elementwise += elements;
  cost.activation = rows;
  return cost;
}

// The channel axis of [N, C, ...] layers.
const Expr& channels(const OpArgs& args, std::size_t min_rank, const std::string& op) {
  require_min_rank(args, "x", min_rank, op);
  return args.tensor("x").shape[1];
}

OpResult batchnorm(const OpArgs& args, OpContext&) {
  Expr c = channels(args, 2, "batchnorm");
  require_eps(args);
  const TensorType& x = args.tensor("x");
  OpResult result;
  result.outputs.push_back(x);
  // running_mean and running_var are buffers, not parameters.
  if (args.boolean("affine")) {
    result.weights.push_back(Weight{"weight", {c}});
    result.weights.push_back(Weight{"bias", {c}});
  }
  result.forward.elementwise = 2 * numel(x);
  result.backward = normalize_backward(numel(x), c, x.dtype);
  return result;
}

// normalized_shape names the trailing axes the statistics run over: an int (one axis) or a list; omitted
// means the last axis. Returns how many trailing axes that is, after checking they match x.
std::size_t normalized_rank(const OpArgs& args, OpContext& context, const std::string& op) {
  require_min_rank(args, "x", 1, op);
  const Shape& x = args.tensor("x").shape;
  if (!args.has("normalized_shape")) return 1;
  const std::vector<Expr>& dims = args.get("normalized_shape").ints;
  if (dims.empty() || dims.size() > x.size()) {
    throw OpError(
        op + ": normalized_shape has " + std::to_string(dims.size()) + " dimensions but x is " + shape_string(x),
        "normalized_shape");
  }
  std::size_t offset = x.size() - dims.size();
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (!context.same_size(dims[i], x[offset + i])) {
      throw OpError(op + ": normalized_shape " + shape_string(dims) + " does not match the trailing dimensions of x " +
                        shape_string(x) + ": axis " + std::to_string(offset + i) + " has " + x[offset + i].to_string() +
                        ", not " + dims[i].to_string(),
                    "normalized_shape");
    }
  }
  return dims.size();
}

OpResult layernorm(const OpArgs& args, OpContext& context) {
  std::size_t k = normalized_rank(args, context, "layernorm");
  require_eps(args);
  const TensorType& x = args.tensor("x");
  std::size_t rank = x.shape.size();
  Shape normalized(x.shape.end() - static_cast<std::ptrdiff_t>(k), x.shape.end());
  bool affine = args.boolean("affine");
  bool bias = affine && args.boolean("bias");
  OpResult result;
  result.outputs.push_back(x);
  if (affine) result.weights.push_back(Weight{"weight", normalized});
  if (bias) result.weights.push_back(Weight{"bias", normalized});
  result.forward = normalize_cost(numel(x), product(x.shape, 0, rank - k), affine, bias);
  result.backward = normalize_backward(numel(x), product(x.shape, 0, rank - k), x.dtype);
  return result;
}

OpResult groupnorm(const OpArgs& args, OpContext& context) {
  Expr c = channels(args, 2, "groupnorm");
  require_eps(args);
  const TensorType& x = args.tensor("x");
  Expr groups = args.integer("num_groups");
  require_at_least({groups}, 1, context, "num_groups");
  if (context.value(Expr::mod(c, groups)) != 0) {
    throw OpError("channels (" + c.to_string() + ") of x " + shape_string(x.shape) +
                      " are not divisible by num_groups (" + groups.to_string() + ")",
                  "num_groups");
  }
  bool affine = args.boolean("affine");
  OpResult result;
  result.outputs.push_back(x);
  if (affine) {
    result.weights.push_back(Weight{"weight", {c}});
    result.weights.push_back(Weight{"bias", {c}});
  }
  result.forward = normalize_cost(numel(x), x.shape[0] * groups, affine, affine);
  result.backward = normalize_backward(numel(x), x.shape[0] * groups, x.dtype);
  return result;
}

OpResult instancenorm(const OpArgs& args, OpContext&) {
  Expr c = channels(args, 3, "instancenorm");
  require_eps(args);
  const TensorType& x = args.tensor("x");
  bool affine = args.boolean("affine");
  OpResult result;
  result.outputs.push_back(x);
  if (affine) {
    result.weights.push_back(Weight{"weight", {c}});
    result.weights.push_back(Weight{"bias", {c}});
  }
  result.forward = normalize_cost(numel(x), x.shape[0] * c, affine, affine);
  result.backward = normalize_backward(numel(x), x.shape[0] * c, x.dtype);
  return result;
}

OpResult rmsnorm(const OpArgs& args, OpContext& context) {
  std::size_t k = normalized_rank(args, context, "rmsnorm");
  require_eps(args);
  const TensorType& x = args.tensor("x");
  std::size_t rank = x.shape.size();
  bool affine = args.boolean("affine");
  OpResult result;
  result.outputs.push_back(x);
  if (affine) {
    result.weights.push_back(Weight{"weight", Shape(x.shape.end() - static_cast<std::ptrdiff_t>(k), x.shape.end())});
  }
  Expr elements = numel(x);
  Expr rows = product(x.shape, 0, rank - k);
  result.forward.elementwise = 3 * elements + rows;
  if (affine) result.forward.elementwise += elements;
  result.forward.activation = rows;
  result.backward.common.elementwise = affine ? 4 * elements : 3 * elements;
  if (affine) result.backward.weight.elementwise = 2 * elements;
  result.backward.input = {Cost{{}, 3 * elements, {}}};
  result.backward.saves_input = {true};
  result.backward.saved_bytes = rows * Expr::constant(dtype_bytes(x.dtype));
  return result;
}

ArgSpec eps_argument(double value) {
  return ArgSpec::number("eps", value).describe("Added to the variance; at least 0; does not change the counts.");
}

ArgSpec normalized_shape_argument() {
  return ArgSpec::optional_ints("normalized_shape")
      .describe(
          "The trailing axes normalised together: an integer (the last axis, of that size) or a list "
          "(that many trailing axes, equal to x's).")
      .defaults_to("last dim");
}

// The backward rule of the statistics normalisations (batchnorm in training, layernorm, groupnorm,
// instancenorm), whose rows are `rows`.
std::string statistics_backward(const std::string& rows) {
  return "always element-wise 5E (recompute x̂; sum dy and dy·x̂, which are the weight and bias gradients); the "
         "input gradient element-wise 4E; no activation ops. Keeps x and the mean and 1/std of each of the " +
         rows + ".";
}

}  // namespace

void register_norm_ops(Registry& registry) {
  registry.add(
      {.name = "batchnorm",
       .summary = "batch normalisation at inference over [N, C, ...] (running statistics), weight and bias [C]",
       .args = {ArgSpec::tensor("x").describe("[N, C, ...], rank at least 2 (BatchNorm1d/2d/3d)."), eps_argument(1e-5),
                ArgSpec::boolean("affine", true).describe("Whether the layer has a weight and a bias [C].")},
       .apply = batchnorm,
       .doc = {"the shape and dtype of x",
               "weight [C], bias [C] when affine (running_mean and running_var are buffers)",
               "element-wise 2E (the fixed statistics fold into one scale and one shift per element); activation 0",
               statistics_backward("C channels (training statistics)")}});
  registry.add(
      {.name = "layernorm",
       .summary = "layer normalisation over the trailing normalized_shape (default: the last axis)",
       .args = {ArgSpec::tensor("x").describe("The input, rank at least 1."), normalized_shape_argument(),
                eps_argument(1e-5), ArgSpec::boolean("affine", true).describe("Whether the layer has a weight."),
                ArgSpec::boolean("bias", true).describe("Whether an affine layer also has a bias.")},
       .apply = layernorm,
       .doc = {"the shape and dtype of x",
               "weight [normalized_shape] when affine, bias [normalized_shape] when affine and bias",
               "rows of S = prod(normalized_shape), R = E/S: element-wise 5E + R (mean E, variance 3E, + eps R, "
               "normalise E) + E for the weight + E for the bias; activation R (one rsqrt per row)",
               statistics_backward("R rows")}});
  registry.add(
      {.name = "groupnorm",
       .summary = "group normalisation over [N, C, ...] in num_groups groups of channels, weight and bias [C]",
       .args = {ArgSpec::tensor("x").describe("[N, C, ...], rank at least 2."),
                ArgSpec::integer("num_groups").describe("Groups of channels, at least 1, dividing C."),
                eps_argument(1e-5),
                ArgSpec::boolean("affine", true).describe("Whether the layer has a weight and a bias [C].")},
       .apply = groupnorm,
       .doc = {"the shape and dtype of x", "weight [C], bias [C] when affine",
               "R = N·num_groups rows: element-wise 5E + R, + 2E when affine (the per-channel scale and shift); "
               "activation R",
               statistics_backward("R rows")}});
  registry.add({.name = "instancenorm",
                .summary = "instance normalisation over [N, C, spatial...], per sample and channel",
                .args = {ArgSpec::tensor("x").describe("[N, C, spatial...], rank at least 3."), eps_argument(1e-5),
                         ArgSpec::boolean("affine", false).describe("Whether the layer has a weight and a bias [C].")},
                .apply = instancenorm,
                .doc = {"the shape and dtype of x", "weight [C], bias [C] when affine",
                        "R = N·C rows (instance statistics, also at inference): element-wise 5E + R, + 2E when affine; "
                        "activation R",
                        statistics_backward("R rows")}});
  registry.add(
      {.name = "rmsnorm",
       .summary = "root-mean-square normalisation over the trailing normalized_shape, weight only",
       .args = {ArgSpec::tensor("x").describe("The input, rank at least 1."), normalized_shape_argument(),
                eps_argument(1e-6), ArgSpec::boolean("affine", true).describe("Whether the layer has a weight.")},
       .apply = rmsnorm,
       .doc = {"the shape and dtype of x", "weight [normalized_shape] when affine",
               "R rows: element-wise 3E + R (square, sum and divide 2E, + eps R, multiply by the rsqrt E) "
               "+ E for the weight; activation R (one rsqrt per row)",
               "always element-wise 3E (+ E when affine: x̂, dy·γ, sum dŷ·x̂); the input gradient 3E; the "
               "weight gradient 2E; no activation ops. Keeps x and 1/rms of each row."}});
}

}  // namespace nnscope::ops
