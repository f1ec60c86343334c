#include "onnx/folding.h"

#include <algorithm>
#include <cmath>

namespace nnscope::onnx {

IntElem lit(std::int64_t v) { return {std::to_string(v), v, v > 0}; }

Maybe<IntElem> symbolic(std::string expr, bool positive) {
  if (expr.size() > kMaxExprChars) return Unsupported{"shape expression too long"};
  return IntElem{std::move(expr), std::nullopt, positive};
}

Maybe<IntElem> int_binary(const std::string& op, const IntElem& a, const IntElem& b) {
  if (a.v && b.v) {
    std::int64_t x = *a.v, y = *b.v, r = 0;
    bool ok = false;
    if (op == "Add") ok = !__builtin_add_overflow(x, y, &r);
    if (op == "Sub") ok = !__builtin_sub_overflow(x, y, &r);
    if (op == "Mul") ok = !__builtin_mul_overflow(x, y, &r);
    if (op == "Div" || op == "Mod") {
      ok = y != 0 && !(x == INT64_MIN && y == -1);
      // ONNX integer Div truncates like C; Mod (fmod = 0) takes the divisor's sign, like Python.
      if (ok) r = op == "Div" ? x / y : ((x % y) + y) % y;
    }
    if (ok) return lit(r);
  }
  if (op == "Mul" && a.v == 1) return b;
  if (op == "Mul" && b.v == 1) return a;
  if ((op == "Add" || op == "Sub") && b.v == 0) return a;
  if (op == "Add" && a.v == 0) return b;
  if (op == "Div" && b.v == 1) return a;
  bool positive = a.positive && b.positive && (op == "Mul" || op == "Add");
  if (op == "Add") return symbolic("(" + a.expr + " + " + b.expr + ")", positive);
  if (op == "Sub") return symbolic("(" + a.expr + " - " + b.expr + ")");
  if (op == "Mul") return symbolic("(" + a.expr + " * " + b.expr + ")", positive);
  if (op == "Div") return symbolic("(" + a.expr + " // " + b.expr + ")", a.positive && b.v && *b.v > 0);
  if (op == "Mod") return symbolic("(" + a.expr + " % " + b.expr + ")");
  return Unsupported{"integer " + op};
}

std::optional<std::int64_t> float_to_int(double f) {
  // 2^63 is exactly representable; every double below it in magnitude truncates into int64.
  if (!std::isfinite(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) return std::nullopt;
  return static_cast<std::int64_t>(f);
}

std::int64_t saturated_int(double f) {
  if (std::isnan(f)) return 0;
  if (auto v = float_to_int(f)) return *v;
  return f > 0 ? INT64_MAX : INT64_MIN;
}

std::optional<std::int64_t> element_count(const std::vector<std::int64_t>& dims, std::int64_t limit) {
  std::int64_t count = 1;
  for (std::int64_t d : dims) {
    if (d < 0 || __builtin_mul_overflow(count, d, &count) || count > limit) return std::nullopt;
  }
  return count;
}

Maybe<std::int64_t> normalized_axis(std::int64_t axis, int rank) {
  if (axis < 0) axis += rank;
  if (axis < 0 || (rank >= 0 && axis > rank)) return Unsupported{"axis out of range"};
  return axis;
}

Maybe<std::vector<std::int64_t>> normalized_axes(std::vector<std::int64_t> axes, int rank) {
  for (std::int64_t& a : axes) {
    Maybe<std::int64_t> n = normalized_axis(a, rank);
    if (!n) return n.why();
    a = *n;
  }
  std::sort(axes.begin(), axes.end());
  return axes;
}

Value folded(std::vector<std::int64_t> dims, std::vector<IntElem> ints, std::vector<double> floats, bool is_float) {
  Value v;
  v.kind = Kind::kConst;
  v.cdims = std::move(dims);
  v.ints = std::move(ints);
  v.floats = std::move(floats);
  v.is_float = is_float;
  return v;
}

}  // namespace nnscope::onnx
