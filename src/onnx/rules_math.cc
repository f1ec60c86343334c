// Element-wise rules: arithmetic (folded on shape values and scalar constants), comparisons and Where,
// Pow, Max/Min, Clip and the activations.
#include <algorithm>
#include <cmath>
#include <map>

#include "onnx/folding.h"
#include "onnx/printer.h"
#include "onnx/rules.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

// The expression of input i: a number for a scalar constant, else the tensor.
Maybe<std::string> operand(Translator& t, std::size_t i) {
  if (std::optional<double> s = t.scalar(i)) return number_text(*s);
  return t.tensor(i);
}

Outcome unary(Translator& t, const std::string& fn, const std::string& extra = "") {
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  return t.emit_tensor(fn + "(" + *x + extra + ")", t.rank_of(0));
}

Maybe<IntElem> compare_elems(const std::string& op, const IntElem& a, const IntElem& b) {
  if (a.v && b.v) {
    std::int64_t x = *a.v, y = *b.v;
    bool r = op == "Equal"            ? x == y
             : op == "Less"           ? x < y
             : op == "Greater"        ? x > y
             : op == "LessOrEqual"    ? x <= y
             : op == "GreaterOrEqual" ? x >= y
             : op == "And"            ? (x && y)
             : op == "Or"             ? (x || y)
                                      : (!x != !y);
    return lit(r ? 1 : 0);
  }
  if (op == "Equal") {
    if (a.expr == b.expr) return lit(1);
    if ((a.positive && b.v && *b.v <= 0) || (b.positive && a.v && *a.v <= 0)) return lit(0);
  }
  return Unsupported{op + " of symbolic sizes"};
}

Outcome comparison(Translator& t) {
  const std::string& op = t.node().op_type;
  if (t.is_shape_value(0) && (op == "Not" || t.is_shape_value(1))) {
    if (op == "Not") {
      Value out = t.in(0);
      for (IntElem& e : out.ints) {
        if (!e.v) return Unsupported{"Not of a symbolic value"};
        e = lit(*e.v ? 0 : 1);
      }
      return t.forward(0, out);
    }
    Maybe<Value> out =
        const_binary(t.in(0), t.in(1), [&](const IntElem& a, const IntElem& b) { return compare_elems(op, a, b); });
    if (!out) return out.why();
    return t.forward(0, *out);
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  Maybe<std::string> y = op == "Not" ? Maybe<std::string>(std::string("0")) : operand(t, 1);
  if (!y) return y.why();
  int r = std::max(t.rank_of(0), op == "Not" ? -1 : t.rank_of(1));
  return t.emit_tensor("compare(" + *x + ", " + *y + ", op = \"" + op + "\")", r);
}

Outcome where(Translator& t) {
  if (t.is_shape_value(0) && t.is_shape_value(1) && t.is_shape_value(2)) {
    const Value& c = t.in(0);
    const Value& a = t.in(1);
    const Value& b = t.in(2);
    std::size_t n = std::max({c.ints.size(), a.ints.size(), b.ints.size()});
    for (const Value* v : {&c, &a, &b}) {
      if (v->ints.size() != 1 && v->ints.size() != n) return Unsupported{"Where shapes"};
    }
    auto pick = [](const Value& v, std::size_t k) -> const IntElem& { return v.ints[v.ints.size() == 1 ? 0 : k]; };
    Value out = folded(c.ints.size() == n ? c.cdims : a.ints.size() == n ? a.cdims : b.cdims, {}, {}, false);
    for (std::size_t k = 0; k < n; ++k) {
      const IntElem& cond = pick(c, k);
      if (!cond.v) return Unsupported{"Where on a symbolic condition"};
      out.ints.push_back(*cond.v ? pick(a, k) : pick(b, k));
    }
    return t.forward(0, out);
  }
  Maybe<std::string> c = t.tensor(0);
  if (!c) return c.why();
  Maybe<std::string> x = t.tensor(1);
  if (!x) return x.why();
  Maybe<std::string> y = operand(t, 2);
  if (!y) return y.why();
  int r = std::max({t.rank_of(0), t.rank_of(1), t.rank_of(2)});
  return t.emit_tensor("where(" + *c + ", " + *x + ", " + *y + ")", r);
}

// Add/Sub/Mul/Div/Mod: shape arithmetic on constants, else tensor arithmetic.
Outcome arithmetic(Translator& t) {
  const std::string& op = t.node().op_type;
  const Value& a = t.in(0);
  const Value& b = t.in(1);
  if (t.is_shape_value(0) && t.is_shape_value(1)) {
    Maybe<Value> out = const_binary(a, b, [&](const IntElem& x, const IntElem& y) { return int_binary(op, x, y); });
    if (!out) return out.why();
    return t.forward(0, *out);
  }
  if (a.kind == Kind::kConst && b.kind == Kind::kConst) {
    // Floating-point constants (scales): computed when both are known.
    if (a.floats.size() != 1 || b.floats.size() != 1) return Unsupported{"arithmetic on constant tensors"};
    double x = a.floats[0], y = b.floats[0];
    double r = op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : op == "Div" ? x / y : std::fmod(x, y);
    return t.forward(0,
                     folded(a.cdims.size() >= b.cdims.size() ? a.cdims : b.cdims, {lit(saturated_int(r))}, {r}, true));
  }
  if (a.kind == Kind::kFilled && t.scalar(1)) {
    Value out = a;
    double s = *t.scalar(1);
    out.fill = op == "Add"   ? a.fill + s
               : op == "Sub" ? a.fill - s
               : op == "Mul" ? a.fill * s
                             : a.fill / (s != 0 ? s : 1);
    return t.forward(0, out);
  }
  if (op == "Mod") return Unsupported{"Mod of tensors"};
  std::string fn = lower(op);
  if (auto s = t.scalar(1); s && b.cdims.size() <= static_cast<std::size_t>(std::max(t.rank_of(0), 1))) {
    Maybe<std::string> x = t.tensor(0);
    if (!x) return x.why();
    return t.emit_tensor(fn + "(" + *x + ", " + number_text(*s) + ")", t.rank_of(0));
  }
  if (auto s = t.scalar(0); s && (op == "Add" || op == "Mul")) {
    Maybe<std::string> y = t.tensor(1);
    if (!y) return y.why();
    return t.emit_tensor(fn + "(" + *y + ", " + number_text(*s) + ")", t.rank_of(1));
  }
  int r = std::max(t.rank_of(0), t.rank_of(1));
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  Maybe<std::string> y = t.tensor(1);
  if (!y) return y.why();
  return t.emit_tensor(fn + "(" + *x + ", " + *y + ")", r);
}

Outcome power(Translator& t) {
  std::optional<double> e = t.scalar(1);
  int r = t.rank_of(0);
  if (e && *e == 1.0) {
    if (t.in(0).kind == Kind::kMissing) return Unsupported{"input is not available"};
    return t.forward(0, t.in(0));
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  if (e && *e == 2.0) return t.emit_tensor("square(" + *x + ")", r);
  if (e && *e == 0.5) return t.emit_tensor("sqrt(" + *x + ")", r);
  Maybe<std::string> y = operand(t, 1);
  if (!y) return y.why();
  return t.emit_tensor("pow(" + *x + ", " + *y + ")", std::max(r, e ? -1 : t.rank_of(1)));
}

Outcome min_max(Translator& t) {
  std::string fn = t.node().op_type == "Max" ? "maximum" : "minimum";
  // Each further input nests one more call; the parser takes 256 levels.
  if (t.node().inputs.size() > 64) return Unsupported{"more than 64 inputs"};
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::string rhs = *x;
  int r = t.rank_of(0);
  for (std::size_t i = 1; i < t.node().inputs.size(); ++i) {
    Maybe<std::string> y = operand(t, i);
    if (!y) return y.why();
    r = std::max(r, t.rank_of(i));
    rhs = fn + "(" + rhs + ", " + *y + ")";
  }
  return t.emit_tensor(rhs, r);
}

Outcome clip(Translator& t) {
  std::optional<double> lo, hi;
  const Node& node = t.node();
  if (node.attribute("min")) lo = node.float_attr("min", 0);
  if (node.attribute("max")) hi = node.float_attr("max", 0);
  if (t.has(1)) {
    lo = t.scalar(1);
    if (!lo) return Unsupported{"Clip bound is not constant"};
  }
  if (t.has(2)) {
    hi = t.scalar(2);
    if (!hi) return Unsupported{"Clip bound is not constant"};
  }
  if (lo == 0.0 && hi == 6.0) return unary(t, "relu6");
  if (lo == 0.0 && (!hi || std::isinf(*hi))) return unary(t, "relu");
  std::string bounds;
  if (lo && !std::isinf(*lo)) bounds += ", min = " + number_text(*lo);
  if (hi && !std::isinf(*hi)) bounds += ", max = " + number_text(*hi);
  return unary(t, "clip", bounds);
}

Outcome leaky_relu(Translator& t) {
  return unary(t, "leaky_relu", ", negative_slope = " + number_text(t.node().float_attr("alpha", 0.01)));
}

Outcome elu(Translator& t) { return unary(t, "elu", ", alpha = " + number_text(t.node().float_attr("alpha", 1.0))); }

Outcome gelu(Translator& t) {
  bool tanh = t.node().string_attr("approximate", "none") == "tanh";
  return unary(t, "gelu", tanh ? ", approximate = \"tanh\"" : "");
}

// PRelu's slope is learned: one per channel (or one in all), counted as parameters.
Outcome prelu(Translator& t) {
  const Value& slope = t.in(1);
  std::int64_t n = 1;
  if (slope.kind == Kind::kWeight) {
    std::vector<std::int64_t> dims;
    for (std::int64_t d : slope.dims) dims.push_back(std::max<std::int64_t>(d, 1));
    std::optional<std::int64_t> count = element_count(dims);
    if (!count) return Unsupported{"PRelu slope too large"};
    n = *count;
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  return t.emit_tensor("prelu(" + *x + ", num_parameters = " + std::to_string(n) + ")", t.rank_of(0),
                       slope.kind == Kind::kWeight ? &slope : nullptr);
}

Outcome reciprocal(Translator& t) { return unary(t, "pow", ", -1.0"); }

Outcome named_activation(Translator& t) {
  static const std::map<std::string, std::string> kNames = {{"Relu", "relu"},
                                                            {"Sigmoid", "sigmoid"},
                                                            {"Tanh", "tanh"},
                                                            {"Erf", "erf"},
                                                            {"Exp", "exp"},
                                                            {"Log", "log"},
                                                            {"Sqrt", "sqrt"},
                                                            {"Neg", "neg"},
                                                            {"Abs", "abs"},
                                                            {"HardSwish", "hardswish"},
                                                            {"HardSigmoid", "hardsigmoid"},
                                                            {"Softplus", "softplus"},
                                                            {"Mish", "mish"},
                                                            {"Selu", "elu"}};
  return unary(t, kNames.at(t.node().op_type));
}

}  // namespace

void add_math_rules(RuleTable& table) {
  for (const char* op : {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Not"})
    table[op] = comparison;
  table["Where"] = where;
  for (const char* op : {"Add", "Sub", "Mul", "Div", "Mod"}) table[op] = arithmetic;
  table["Pow"] = power;
  table["Max"] = min_max;
  table["Min"] = min_max;
  table["Clip"] = clip;
  table["LeakyRelu"] = leaky_relu;
  table["Elu"] = elu;
  table["Gelu"] = gelu;
  table["PRelu"] = prelu;
  table["Reciprocal"] = reciprocal;
  for (const char* op : {"Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "HardSwish",
                         "HardSigmoid", "Softplus", "Mish", "Selu"})
    table[op] = named_activation;
}

}  // namespace nnscope::onnx
