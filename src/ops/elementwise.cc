// Element-wise arithmetic: add, sub, mul, div, maximum, minimum with NumPy broadcasting; neg, abs, square;
// rotary position embedding. Everything here runs on the vector unit.
//
// Element-wise ops: binary arithmetic and the cheap unary ops cost 1 per output element; rotary costs 3 per
// rotated element (x·cos + rotate_half(x)·sin). No GEMM MACs, no activation ops, no weights.
// Special functions (exp, log, sqrt, ...) live in the activation family, since they use the SFU.
//
// Backward, per operand gradient (E = output elements, e = the operand's elements; a broadcast operand's
// gradient is summed back to its shape, E - e adds): add: E - e; sub: x E - e, y E (negate) + E - e; mul, maximum,
// minimum: E (multiply by the other operand / select) + E - e, keeps both; div: x E + E - e, y 3E + E - e
// (-dy·x/y²), keeps both. Times or over a number, mul and div keep nothing. neg 1, abs 1, square 2 per element (abs and
// square keep x). rotary: the inverse rotation, as forward. causal_mask: one select per element.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

// The result keeps the tensor's dtype; mixing an integer tensor with a floating one yields the floating one,
// as PyTorch's type promotion does (an index tensor times a float mask is a float tensor).
DType promote(DType a, DType b) { return !is_floating(a) && is_floating(b) ? b : a; }

enum class Binary { kAdd, kSub, kMul, kDiv, kSelect };

Backward binary_backward(Binary kind, const TensorType& x, const TensorType* y, const Shape& out) {
  Expr e = numel(out);
  Backward b;
  auto operand = [&](const TensorType& t, bool is_y) {
    Expr reduce = e - numel(t);
    switch (kind) {
      case Binary::kAdd:
        return Cost{{}, reduce, {}};
      case Binary::kSub:
        return Cost{{}, is_y ? e + reduce : reduce, {}};
      case Binary::kMul:
      case Binary::kSelect:
        return Cost{{}, e + reduce, {}};
      case Binary::kDiv:
        return Cost{{}, (is_y ? 3 * e : e) + reduce, {}};
    }
    return Cost{};
  };
  bool keeps = kind == Binary::kMul || kind == Binary::kDiv || kind == Binary::kSelect;
  b.input.push_back(operand(x, false));
  // Times or over a number (attention's 1/sqrt(d) scale), x's gradient needs only the number, and there is no
  // gradient of the number: x is not kept (PyTorch's MulBackward1 / DivBackward1 save the scalar alone). A
  // select (maximum, minimum) still needs x to know where it won.
  b.saves_input.push_back(kind == Binary::kSelect || (keeps && y != nullptr));
  if (y) {
    b.input.push_back(operand(*y, true));
    b.saves_input.push_back(keeps);
  }
  return b;
}

OpResult binary(const OpArgs& args, OpContext& context, Binary kind) {
  const TensorType& x = args.tensor("x");
  const ArgValue& y = args.get("y");
  TensorType out{x.shape, x.dtype};
  if (y.tensor) {
    out.shape = broadcast(x.shape, y.tensor->shape, context);
    out.dtype = promote(x.dtype, y.tensor->dtype);
  }
  OpResult result;
  result.forward.elementwise = numel(out.shape);
  result.backward = binary_backward(kind, x, y.tensor, out.shape);
  result.outputs.push_back(std::move(out));
  return result;
}

// ops_per_element: backward element-wise ops per element (neg 1, abs 1, square 2); abs and square keep x.
OpResult unary(const OpArgs& args, sym::Int ops_per_element, bool keeps_x) {
  const TensorType& x = args.tensor("x");
  OpResult result;
  result.outputs.push_back(x);
  result.forward.elementwise = numel(x);
  result.backward.input = {Cost{{}, ops_per_element * numel(x), {}}};
  result.backward.saves_input = {keeps_x};
  return result;
}

OpResult rotary(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 1, "rotary");
  const TensorType& x = args.tensor("x");
  const Expr& features = x.shape.back();
  Expr dim = args.has("dim") ? args.integer("dim") : features;
  require_at_least({dim}, 2, context, "dim");
  // rotate_half pairs feature i with feature i + dim/2, so the rotated part must split in two halves.
  if (context.value(Expr::mod(dim, 2)) != 0) {
    throw OpError("rotary 'dim' must be even, got " + dim.to_string(), "dim");
  }
  if (context.value(dim) > context.value(features)) {
    throw OpError("rotary 'dim' (" + dim.to_string() + ") exceeds the last dimension of " + shape_string(x.shape),
                  "dim");
  }
  OpResult result;
  result.outputs.push_back(x);
  // Per rotated element: x·cos, rotate_half(x)·sin, and their sum. The sign flip of rotate_half is folded
  // into the precomputed sin table, and the cos/sin tables are buffers, not parameters.
  result.forward.elementwise = 3 * product(x.shape, 0, x.shape.size() - 1) * dim;
  result.backward.input = {result.forward};
  result.backward.saves_input = {false};
  return result;
}

// Sets the scores above the diagonal of the last two axes to -inf before a softmax (causal attention):
// one select per element.
OpResult causal_mask(const OpArgs& args, OpContext&) {
  require_min_rank(args, "x", 2, "causal_mask");
  const TensorType& x = args.tensor("x");
  OpResult result;
  result.outputs.push_back(x);
  result.forward.elementwise = numel(x);
  result.backward.input = {result.forward};
  result.backward.saves_input = {false};
  return result;
}

std::vector<ArgSpec> binary_signature() {
  return {ArgSpec::tensor("x").describe("A tensor (with a number on the left, `2 * x`, the tensor is passed as x)."),
          ArgSpec::tensor_or_number("y").describe("A tensor broadcast with x (NumPy rules), or a number.")};
}
std::vector<ArgSpec> unary_signature() { return {ArgSpec::tensor("x").describe("The input, any shape.")}; }

constexpr const char* kBroadcastOutput =
    "broadcast(shape(x), shape(y)) (NumPy rules); shape(x) when y is a number; dtype of x (a floating y with an "
    "integer x gives y's dtype)";
constexpr const char* kBinaryForward = "element-wise O (one instruction per output element); activation 0";
// The gradient of a broadcast operand is summed back to its shape: O − e adds (e = the operand's elements).
constexpr const char* kReduceBack = "O − e (summing back over broadcast axes, e = the operand's elements)";

OpDoc binary_doc(const std::string& backward) { return {kBroadcastOutput, "", kBinaryForward, backward}; }

void add_binary(Registry& registry, const std::string& name, const std::string& summary, Binary kind,
                const std::string& backward) {
  OpResult (*apply)(const OpArgs&, OpContext&) = nullptr;
  switch (kind) {
    case Binary::kAdd:
      apply = [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kAdd); };
      break;
    case Binary::kSub:
      apply = [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kSub); };
      break;
    case Binary::kMul:
      apply = [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kMul); };
      break;
    case Binary::kDiv:
      apply = [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kDiv); };
      break;
    case Binary::kSelect:
      apply = [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kSelect); };
      break;
  }
  registry.add(
      {.name = name, .summary = summary, .args = binary_signature(), .apply = apply, .doc = binary_doc(backward)});
}

OpDoc unary_doc(const std::string& backward) {
  return {"the shape and dtype of x", "", "element-wise E; activation 0", backward};
}

}  // namespace

void register_elementwise_ops(Registry& registry) {
  const std::string reduce = kReduceBack;
  add_binary(registry, "add", "x + y with broadcasting", Binary::kAdd,
             "per operand element-wise " + reduce + ". Keeps nothing.");
  add_binary(registry, "sub", "x - y with broadcasting", Binary::kSub,
             "x: element-wise " + reduce + "; y: O (negate) + " + reduce + ". Keeps nothing.");
  add_binary(registry, "mul", "x * y with broadcasting", Binary::kMul,
             "per operand element-wise O (multiply by the other operand) + " + reduce +
                 ". Keeps both operands; times a number, nothing.");
  add_binary(registry, "div", "x / y with broadcasting", Binary::kDiv,
             "x: element-wise O + " + reduce + "; y: 3·O (−dy·x/y²) + " + reduce +
                 ". Keeps both operands; over a number, nothing.");
  add_binary(registry, "maximum", "element-wise max(x, y) with broadcasting", Binary::kSelect,
             "per operand element-wise O (select) + " + reduce + ". Keeps both operands.");
  add_binary(registry, "minimum", "element-wise min(x, y) with broadcasting", Binary::kSelect,
             "per operand element-wise O (select) + " + reduce + ". Keeps both operands.");
  registry.add({.name = "causal_mask",
                .summary = "mask the scores above the diagonal (causal attention)",
                .args = {ArgSpec::tensor("x").describe("Scores, rank at least 2; the last two axes are masked.")},
                .apply = causal_mask,
                .doc = unary_doc("element-wise E (one select per element). Keeps nothing.")});
  registry.add({.name = "neg",
                .summary = "-x",
                .args = unary_signature(),
                .apply = [](const OpArgs& a, OpContext&) { return unary(a, 1, false); },
                .doc = unary_doc("element-wise E. Keeps nothing.")});
  registry.add({.name = "abs",
                .summary = "|x|",
                .args = unary_signature(),
                .apply = [](const OpArgs& a, OpContext&) { return unary(a, 1, true); },
                .doc = unary_doc("element-wise E (multiply by the sign). Keeps x.")});
  registry.add({.name = "square",
                .summary = "x * x",
                .args = unary_signature(),
                .apply = [](const OpArgs& a, OpContext&) { return unary(a, 2, true); },
                .doc = unary_doc("element-wise 2E (dy·2·x). Keeps x.")});
  registry.add(
      {.name = "rotary",
       .summary = "rotary position embedding on the last `dim` features",
       .args = {ArgSpec::tensor("x").describe("[..., head_dim], rank at least 1, e.g. [batch, heads, seq, head_dim]."),
                ArgSpec::optional_integer("dim")
                    .describe("Rotated features from the start of the last axis: even, at least 2; less than the "
                              "last dimension is partial rotation (GPT-J, GPT-NeoX).")
                    .defaults_to("last dimension")},
       .apply = rotary,
       .doc = {"the shape and dtype of x", "",
               "element-wise 3·prod(leading dims)·dim (x·cos, rotate_half(x)·sin, their sum; the cos/sin tables are "
               "buffers, not parameters); activation 0",
               "the inverse rotation, as forward. Keeps nothing."}});
}

}  // namespace nnscope::ops
