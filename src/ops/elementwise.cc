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
// (-dy·x/y²), keeps both. neg 1, abs 1, square 2 per element (abs and square keep x). rotary: the inverse
// rotation, as forward. causal_mask: one select per element.
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
  b.saves_input.push_back(keeps);
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
  return result;
}

std::vector<ArgSpec> binary_signature() { return {ArgSpec::tensor("x"), ArgSpec::tensor_or_number("y")}; }
std::vector<ArgSpec> unary_signature() { return {ArgSpec::tensor("x")}; }

}  // namespace

void register_elementwise_ops(Registry& registry) {
  registry.add({"add", "elementwise", "x + y with broadcasting", binary_signature(),
                [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kAdd); }});
  registry.add({"sub", "elementwise", "x - y with broadcasting", binary_signature(),
                [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kSub); }});
  registry.add({"mul", "elementwise", "x * y with broadcasting", binary_signature(),
                [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kMul); }});
  registry.add({"div", "elementwise", "x / y with broadcasting", binary_signature(),
                [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kDiv); }});
  registry.add({"maximum", "elementwise", "element-wise max(x, y) with broadcasting", binary_signature(),
                [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kSelect); }});
  registry.add({"minimum", "elementwise", "element-wise min(x, y) with broadcasting", binary_signature(),
                [](const OpArgs& a, OpContext& c) { return binary(a, c, Binary::kSelect); }});
  registry.add({"causal_mask", "elementwise", "mask the scores above the diagonal (causal attention)",
                unary_signature(), causal_mask});
  registry.add(
      {"neg", "elementwise", "-x", unary_signature(), [](const OpArgs& a, OpContext&) { return unary(a, 1, false); }});
  registry.add(
      {"abs", "elementwise", "|x|", unary_signature(), [](const OpArgs& a, OpContext&) { return unary(a, 1, true); }});
  registry.add({"square", "elementwise", "x * x", unary_signature(),
                [](const OpArgs& a, OpContext&) { return unary(a, 2, true); }});
  registry.add({"rotary",
                "elementwise",
                "rotary position embedding on the last `dim` features",
                {ArgSpec::tensor("x"), ArgSpec::optional_integer("dim")},
                rotary});
}

}  // namespace nnscope::ops
