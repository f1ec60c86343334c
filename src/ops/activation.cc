// Activation functions, softmax / log_softmax, dice (DIN) and the special-function unary ops.
//
// Every activation function costs 1 activation (special-function unit) op per output element, relu
// included, however many instructions a particular kernel spends on it: that is the contract NNparser
// established and docs/cost-model.md keeps. exp, log, sqrt, rsqrt and erf count the same way.
// softmax over rows of S elements (E elements, R = E / S rows): max-reduce S - 1, subtract E, exp E
// (activation), sum S - 1, divide E: element-wise 4E - 2R, activation E. log_softmax replaces the divide
// by one log per row (activation) and a subtraction per element: element-wise 4E - 2R, activation E + R.
//
// Backward (per element of x): every activation function evaluates its derivative (1 activation op, relu
// included, as forward) and multiplies it into the output gradient (1 element-wise op). relu, relu6,
// sigmoid, tanh, exp, sqrt and rsqrt keep their output (the derivative is a function of it); the others
// keep x. prelu's slope gradient: x·dy and its sum, 2 element-wise ops per element. softmax:
// dx = y·(dy - sum(dy·y)): element-wise 4E - R, keeps y. log_softmax: dx = dy - exp(y)·sum(dy):
// element-wise 3E - R, activation E, keeps y. dice: twice its forward element-wise work, no activation ops
// (p is kept), alpha's gradient 2 per element; keeps x.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

OpResult unary(const OpArgs& args, bool saves_output = false) {
  const TensorType& x = args.tensor("x");
  OpResult result;
  result.outputs.push_back(x);
  result.forward.activation = numel(x);
  result.backward.input = {Cost{{}, numel(x), numel(x)}};
  result.backward.saves_output = saves_output;
  result.backward.saves_input = {!saves_output};
  return result;
}

OpResult plain(const OpArgs& args, OpContext&) { return unary(args); }
OpResult plain_saving_output(const OpArgs& args, OpContext&) { return unary(args, true); }

OpResult prelu(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  Expr n = args.integer("num_parameters");
  require_at_least({n}, 1, context, "num_parameters");
  // PyTorch: one shared slope, or one per channel where the channel axis is 1 (rank >= 2).
  if (context.value(n) != 1) {
    if (x.shape.size() < 2 || !context.same_size(n, x.shape[1])) {
      throw OpError("prelu num_parameters must be 1 or the number of channels (axis 1) of x " + shape_string(x.shape) +
                        ", got " + n.to_string(),
                    "num_parameters");
    }
  }
  OpResult result = unary(args);
  result.weights.push_back(Weight{"weight", {n}});
  result.backward.weight.elementwise = 2 * numel(x);
  return result;
}

OpResult gelu(const OpArgs& args, OpContext&) {
  const std::string& approximate = args.string("approximate");
  if (approximate != "none" && approximate != "tanh") {
    throw OpError("gelu approximate must be \"none\" or \"tanh\", got \"" + approximate + "\"", "approximate");
  }
  return unary(args);
}

OpResult softplus(const OpArgs& args, OpContext&) {
  if (args.number("beta") == 0) throw OpError("softplus beta must not be 0", "beta");
  return unary(args);
}

// Shape of the softmax reduction: rows R and the total E.
struct Rows {
  Expr elements, rows;
};

Rows softmax_rows(const OpArgs& args, OpContext& context, const std::string& op) {
  require_min_rank(args, "x", 1, op);
  const TensorType& x = args.tensor("x");
  std::size_t axis = normalize_axis(args.integer("axis"), x.shape.size(), context, "axis");
  Shape others = x.shape;
  others.erase(others.begin() + static_cast<std::ptrdiff_t>(axis));
  return {numel(x), numel(others)};
}

OpResult softmax(const OpArgs& args, OpContext& context) {
  Rows r = softmax_rows(args, context, "softmax");
  OpResult result;
  result.outputs.push_back(args.tensor("x"));
  result.forward.elementwise = 4 * r.elements - 2 * r.rows;
  result.forward.activation = r.elements;
  result.backward.input = {Cost{{}, 4 * r.elements - r.rows, {}}};
  result.backward.saves_input = {false};
  result.backward.saves_output = true;
  return result;
}

OpResult log_softmax(const OpArgs& args, OpContext& context) {
  Rows r = softmax_rows(args, context, "log_softmax");
  OpResult result;
  result.outputs.push_back(args.tensor("x"));
  result.forward.elementwise = 4 * r.elements - 2 * r.rows;
  result.forward.activation = r.elements + r.rows;
  result.backward.input = {Cost{{}, 3 * r.elements - r.rows, r.elements}};
  result.backward.saves_input = {false};
  result.backward.saves_output = true;
  return result;
}

// Dice (Zhou et al., DIN, 2018): f(s) = p(s)·s + (1 - p(s))·alpha·s, p(s) = sigmoid((s - E[s]) / sqrt(Var[s] +
// eps)), with the statistics taken over the batch, i.e. over every axis except `axis`, as the reference
// implementation does, and one learnable alpha per feature along `axis`.
OpResult dice(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 2, "dice");
  const TensorType& x = args.tensor("x");
  std::size_t axis = normalize_axis(args.integer("axis"), x.shape.size(), context, "axis");
  if (!(args.number("eps") >= 0)) throw OpError("eps must be non-negative", "eps");
  Expr features = x.shape[axis];
  Expr e = numel(x);
  OpResult result;
  result.outputs.push_back(x);
  result.weights.push_back(Weight{"alpha", {features}});
  // mean E, centre E, variance 2E (square; adds and divide), + eps F, normalise E, then p·s, 1 - p,
  // ·alpha, ·s and the add: 5E.
  result.forward.elementwise = 10 * e + features;
  // one rsqrt per feature, one sigmoid per element
  result.forward.activation = e + features;
  result.backward.input = {Cost{{}, 2 * result.forward.elementwise, {}}};
  result.backward.weight.elementwise = 2 * e;
  result.backward.saves_input = {true};
  return result;
}

ArgSpec x_argument() { return ArgSpec::tensor("x").describe("The input, any shape."); }

// Every activation function: one special-function op per element, forward and (its derivative) backward.
OpDoc activation_doc(bool saves_output) {
  return {"the shape and dtype of x", "", "activation E (one special-function op per element); element-wise 0",
          std::string("the derivative, activation E, multiplied into the output gradient, element-wise E") +
              (saves_output ? ". Keeps the output y." : ". Keeps x.")};
}

void add_unary(Registry& registry, const std::string& name, const std::string& summary, bool saves_output = false) {
  registry.add({.name = name,
                .summary = summary,
                .args = {x_argument()},
                .apply = saves_output ? plain_saving_output : plain,
                .doc = activation_doc(saves_output)});
}

const char* kSoftmaxForward =
    "over rows of S = x.shape[axis] elements, R = E/S rows: max-reduce R·(S − 1), subtract E, exp E "
    "(activation), sum R·(S − 1)";

}  // namespace

void register_activation_ops(Registry& registry) {
  add_unary(registry, "relu", "max(x, 0)", true);
  add_unary(registry, "relu6", "min(max(x, 0), 6)", true);
  registry.add({.name = "leaky_relu",
                .summary = "x for x >= 0, negative_slope·x otherwise",
                .args = {x_argument(), ArgSpec::number("negative_slope", 0.01).describe("Slope below 0.")},
                .apply = plain,
                .doc = activation_doc(false)});
  registry.add(
      {.name = "prelu",
       .summary = "leaky relu with a learned slope, shared or one per channel (axis 1)",
       .args = {x_argument(), ArgSpec::integer("num_parameters", 1)
                                  .describe("Learned slopes: 1 (shared) or the channel count x.shape[1].")},
       .apply = prelu,
       .doc = {"the shape and dtype of x", "weight [num_parameters]",
               "activation E (one special-function op per element); element-wise 0",
               "the derivative, activation E, multiplied into the output gradient, element-wise E; the slope's "
               "gradient x·dy and its sum, element-wise 2E. Keeps x."}});
  registry.add({.name = "elu",
                .summary = "x for x > 0, alpha·(exp(x) - 1) otherwise",
                .args = {x_argument(), ArgSpec::number("alpha", 1.0).describe("Scale of the negative part.")},
                .apply = plain,
                .doc = activation_doc(false)});
  registry.add(
      {.name = "gelu",
       .summary = "x·Phi(x), exact (erf) or with the tanh approximation",
       .args = {x_argument(),
                ArgSpec::string("approximate", "none").describe("\"none\" (erf) or \"tanh\"; the count is the same.")},
       .apply = gelu,
       .doc = activation_doc(false)});
  add_unary(registry, "silu", "x·sigmoid(x) (swish)");
  add_unary(registry, "sigmoid", "1 / (1 + exp(-x))", true);
  add_unary(registry, "tanh", "hyperbolic tangent", true);
  add_unary(registry, "hardswish", "x·relu6(x + 3) / 6");
  add_unary(registry, "hardsigmoid", "relu6(x + 3) / 6");
  registry.add({.name = "softplus",
                .summary = "log(1 + exp(beta·x)) / beta, linear above threshold",
                .args = {x_argument(), ArgSpec::number("beta", 1.0).describe("Sharpness; not 0."),
                         ArgSpec::number("threshold", 20.0).describe("Above beta·x > threshold the result is x.")},
                .apply = softplus,
                .doc = activation_doc(false)});
  add_unary(registry, "mish", "x·tanh(softplus(x))");
  registry.add(
      {.name = "dice",
       .summary = "data-adaptive activation of DIN with batch statistics and a learned alpha per feature",
       .args = {ArgSpec::tensor("x").describe("The input, rank at least 2."),
                ArgSpec::integer("axis", -1).describe("The feature axis; statistics are over every other axis."),
                ArgSpec::number("eps", 1e-8).describe("Added to the variance; at least 0.")},
       .apply = dice,
       .doc = {"the shape and dtype of x", "alpha [F], F = x.shape[axis]",
               "element-wise 10E + F (mean, centre, variance, + eps, normalise, then p·s, 1 − p, ·alpha, ·s and "
               "the add); activation E + F (one rsqrt per feature, one sigmoid per element)",
               "element-wise twice the forward element-wise work (p is recomputed), alpha's gradient 2E; no "
               "activation ops. Keeps x."}});
  registry.add({.name = "softmax",
                .summary = "exp(x - max) / sum(exp(x - max)) along axis",
                .args = {ArgSpec::tensor("x").describe("The input, rank at least 1."),
                         ArgSpec::integer("axis", -1).describe("The axis normalised; negative counts from the end.")},
                .apply = softmax,
                .doc = {"the shape and dtype of x", "",
                        std::string(kSoftmaxForward) + ", divide E: element-wise 4E − 2R, activation E",
                        "dx = y·(dy − sum(dy·y)): element-wise 4E − R. Keeps the output y."}});
  registry.add({.name = "log_softmax",
                .summary = "x - max - log(sum(exp(x - max))) along axis",
                .args = {ArgSpec::tensor("x").describe("The input, rank at least 1."),
                         ArgSpec::integer("axis", -1).describe("The axis normalised; negative counts from the end.")},
                .apply = log_softmax,
                .doc = {"the shape and dtype of x", "",
                        std::string(kSoftmaxForward) +
                            ", log of the sum R (activation), subtract E: element-wise 4E − 2R, activation E + R",
                        "dx = dy − exp(y)·sum(dy): element-wise 3E − R, activation E. Keeps the output y."}});
  add_unary(registry, "exp", "e^x", true);
  add_unary(registry, "log", "natural logarithm");
  add_unary(registry, "sqrt", "square root", true);
  add_unary(registry, "rsqrt", "1 / sqrt(x)", true);
  add_unary(registry, "erf", "error function");
}

}  // namespace nnscope::ops
