// Operators that ONNX graphs need and the hand-written language rarely does: a constant tensor, the
// element-wise select, clip, power and comparison of ONNX, and a pass-through placeholder for operators
// without a cost rule. docs/cost-model.md §7.13 documents them; docs/onnx.md the importer that emits them.
#include <cmath>

#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

OpResult one(TensorType out) {
  OpResult result;
  result.outputs.push_back(std::move(out));
  return result;
}

// A tensor whose values are fixed by the graph (an ONNX Constant or ConstantOfShape): no parameters, no work.
OpResult constant(const OpArgs& args, OpContext& context) {
  Shape shape = args.get("shape").ints;
  require_at_least(shape, 0, context, "shape");
  return one(TensorType{std::move(shape), context.activation_dtype()});
}

// An operator without a cost rule: listed as not costed. The output has the given shape, else the shape of
// the first input.
OpResult unsupported(const OpArgs& args, OpContext& context) {
  const std::vector<const TensorType*>& inputs = args.tensors("inputs");
  TensorType out;
  out.dtype = context.activation_dtype();
  if (args.has("shape")) {
    out.shape = args.get("shape").ints;
    require_at_least(out.shape, 0, context, "shape");
  } else if (!inputs.empty()) {
    out = *inputs.front();
  } else {
    throw OpError("unsupported() needs a 'shape' when it has no inputs", "shape");
  }
  OpResult result = one(std::move(out));
  result.costed = false;
  result.backward = per_input_backward(args);
  return result;
}

// where(condition, x, y): one select per output element (broadcast of the three).
OpResult where(const OpArgs& args, OpContext& context) {
  const TensorType& c = args.tensor("condition");
  const TensorType& x = args.tensor("x");
  Shape shape = broadcast(c.shape, x.shape, context);
  TensorType out{shape, x.dtype};
  if (args.get("y").tensor) out.shape = broadcast(shape, args.get("y").tensor->shape, context);
  OpResult result;
  result.forward.elementwise = numel(out.shape);
  // Backward: the condition gets no gradient; x and y each get a select of the output gradient.
  result.backward = per_input_backward(args);
  for (std::size_t k = 1; k < result.backward.input.size(); ++k)
    result.backward.input[k].elementwise = numel(out.shape);
  result.backward.saves_input[0] = true;
  result.outputs.push_back(std::move(out));
  return result;
}

// clip(x, min, max): a max and a min per element.
OpResult clip(const OpArgs& args, OpContext&) {
  const TensorType& x = args.tensor("x");
  OpResult result = one(x);
  result.forward.elementwise = numel(x) * 2;
  // Backward: the gradient masked where x was clipped (a compare and a multiply per element).
  result.backward.input = {Cost{{}, numel(x) * 2, {}}};
  result.backward.saves_input = {true};
  return result;
}

// pow(x, exponent): x^e, an exp and a log per element on the special-function unit (a multiply for e = 2
// is `square`).
OpResult power(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  const ArgValue& e = args.get("exponent");
  TensorType out = x;
  if (e.tensor) out.shape = broadcast(x.shape, e.tensor->shape, context);
  OpResult result;
  result.forward.activation = numel(out);
  // Backward: g·e·x^(e-1): one power on the special-function unit and two multiplies per element.
  result.backward = per_input_backward(args);  // a tensor exponent gets no gradient
  result.backward.input[0] = Cost{{}, numel(out) * 2, numel(out)};
  result.backward.saves_input[0] = true;
  result.outputs.push_back(std::move(out));
  return result;
}

// compare(x, y, op): an element-wise comparison or logical operator (Equal, Less, Greater, And, Or, ...):
// one operation per output element; the result is boolean.
OpResult compare(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  const ArgValue& y = args.get("y");
  Shape shape = y.tensor ? broadcast(x.shape, y.tensor->shape, context) : x.shape;
  OpResult result;
  result.forward.elementwise = numel(shape);
  result.backward = per_input_backward(args);  // a comparison passes no gradient
  result.outputs.push_back(TensorType{std::move(shape), DType::kBool});
  return result;
}

}  // namespace

void register_onnx_compat_ops(Registry& registry) {
  registry.add({.name = "constant",
                .summary = "a tensor of fixed values (ONNX Constant, ConstantOfShape): no parameters, no work",
                .args = {ArgSpec::ints("shape").describe("Its shape, each dimension at least 0.")},
                .apply = constant,
                .doc = {"shape, in the run's activation dtype", "", "none", "none (no gradient)."}});
  registry.add(
      {.name = "unsupported",
       .summary = "an operator without a cost rule (listed as not costed); output shape given, or the first input's",
       .args = {ArgSpec::tensors("inputs").describe("The tensors the operator reads."),
                ArgSpec::string("op_type", "unknown").describe("The ONNX operator's name, for the report."),
                ArgSpec::optional_ints("shape").describe("The output's shape; omitted, the first input's.")},
       .apply = unsupported,
       .doc = {"shape, else the first input's shape; in the run's activation dtype", "",
               "not costed: listed under the report's not-costed ops", "none (no gradient)."}});
  registry.add({.name = "where",
                .summary = "element-wise select: condition ? x : y with broadcasting",
                .args = {ArgSpec::tensor("condition").describe("Where to take x."),
                         ArgSpec::tensor("x").describe("Taken where condition is true."),
                         ArgSpec::tensor_or_number("y").describe("Taken elsewhere: a tensor or a number.")},
                .apply = where,
                .doc = {"broadcast of the three; dtype of x", "", "element-wise O (one select per element)",
                        "x and y each a select of the output gradient, element-wise O; the condition none. Keeps the "
                        "condition."}});
  registry.add(
      {.name = "clip",
       .summary = "min(max(x, min), max) element-wise",
       .args = {ArgSpec::tensor("x").describe("The input."), ArgSpec::number("min", -INFINITY).describe("Lower bound."),
                ArgSpec::number("max", INFINITY).describe("Upper bound.")},
       .apply = clip,
       .doc = {"the shape and dtype of x", "", "element-wise 2E (a max and a min per element)",
               "the gradient masked where x was clipped, element-wise 2E. Keeps x."}});
  registry.add({.name = "pow",
                .summary = "x raised to a constant power, element-wise (square(x) for 2, sqrt(x) for 0.5)",
                .args = {ArgSpec::tensor("x").describe("The base."),
                         ArgSpec::tensor_or_number("exponent").describe("A number, or a tensor broadcast with x.")},
                .apply = power,
                .doc = {"shape(x), broadcast with a tensor exponent; dtype of x", "",
                        "activation O (one special-function op per element)",
                        "g·e·x^(e−1) for x: activation O, element-wise 2·O; none for the exponent. Keeps x."}});
  registry.add(
      {.name = "compare",
       .summary = "element-wise comparison or logical op (ONNX Equal, Less, Greater, And, Or, Not, ...) -> bool",
       .args =
           {ArgSpec::tensor("x").describe("The left operand."),
            ArgSpec::tensor_or_number("y").describe("The right operand: a tensor broadcast with x, or a number."),
            ArgSpec::string("op", "Equal").describe("The ONNX operator (Equal, Less, Greater, And, Or, Not, ...).")},
       .apply = compare,
       .doc = {"broadcast of x and y, dtype bool", "", "element-wise O", "none (no gradient)."}});
}

}  // namespace nnscope::ops
