#pragma once
// Constant and shape folding: the arithmetic the importer does at import time on small constants and on
// shape-computing subgraphs (Shape -> Gather -> Mul -> Concat -> Reshape), so `Reshape`'s target becomes a
// list of .nn integer expressions such as [dim(x, 0), 12, 64]. Every operation is checked: integer overflow
// leaves the result symbolic (the .nn side computes it in 128 bits), a float that has no integer value is
// refused, and expressions are bounded in length.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onnx/value.h"

namespace nnscope::onnx {

// Elements a folded constant may have; larger constants keep only their shape.
inline constexpr std::size_t kMaxConstElements = 4096;
// Axes of a tensor the importer translates (PyTorch allows 25); more make the node unsupported, so no rule
// builds nested text (unsqueeze(unsqueeze(...))) without bound.
inline constexpr int kMaxRank = 64;
// Characters of one folded shape expression; longer ones make the node unsupported.
inline constexpr std::size_t kMaxExprChars = 400;

IntElem lit(std::int64_t v);

// A symbolic element (an expression of the model's sizes), refused past kMaxExprChars.
Maybe<IntElem> symbolic(std::string expr, bool positive = false);

// `op` (Add, Sub, Mul, Div, Mod) on two elements: folded when both are known and the result fits 64 bits.
Maybe<IntElem> int_binary(const std::string& op, const IntElem& a, const IntElem& b);

// The integer a float converts to (ONNX Cast truncates toward zero), or nothing for NaN, infinities and
// values outside int64.
std::optional<std::int64_t> float_to_int(double f);

// The int64 view of a float element of a constant: truncated, NaN as 0, out-of-range values saturated.
// Only for display and lookups; Cast checks with float_to_int.
std::int64_t saturated_int(double f);

// The product of `dims`, or nothing when a dimension is negative or the product passes `limit`.
std::optional<std::int64_t> element_count(const std::vector<std::int64_t>& dims, std::int64_t limit = INT64_MAX);

// `axis` of a tensor of `rank` in 0..rank (negative counts from the end; `rank` itself for Unsqueeze).
Maybe<std::int64_t> normalized_axis(std::int64_t axis, int rank);

// Every axis of `axes` normalised as above, sorted.
Maybe<std::vector<std::int64_t>> normalized_axes(std::vector<std::int64_t> axes, int rank);

// A folded constant of the given shape with the given elements (ints, and floats when known).
Value folded(std::vector<std::int64_t> dims, std::vector<IntElem> ints, std::vector<double> floats, bool is_float);

// Element-wise on two folded constants, broadcasting a one-element operand.
template <typename F>
Maybe<Value> const_binary(const Value& a, const Value& b, F&& f) {
  std::size_t n = std::max(a.ints.size(), b.ints.size());
  if ((a.ints.size() != n && a.ints.size() != 1) || (b.ints.size() != n && b.ints.size() != 1)) {
    return Unsupported{"constant shapes do not broadcast"};
  }
  Value out;
  out.kind = Kind::kConst;
  out.cdims = a.cdims.size() >= b.cdims.size() ? a.cdims : b.cdims;
  for (std::size_t k = 0; k < n; ++k) {
    Maybe<IntElem> e = f(a.ints[a.ints.size() == 1 ? 0 : k], b.ints[b.ints.size() == 1 ? 0 : k]);
    if (!e) return e.why();
    out.ints.push_back(std::move(*e));
  }
  return out;
}

}  // namespace nnscope::onnx
