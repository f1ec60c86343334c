#pragma once
// Helpers shared by operator families: element counts, broadcasting, window arithmetic.
#include <string>
#include <vector>

#include "ops/op.h"

namespace nnscope::ops {

Expr numel(const Shape& shape);
Expr numel(const TensorType& tensor);
// Product of shape[begin, end).
Expr product(const Shape& shape, std::size_t begin, std::size_t end);
// "[batch, 3, 224, 224]"
std::string shape_string(const Shape& shape);
// "1024", or "seq - 1 = 4095" for a symbolic size (its value at the bound sizes, recorded as an assumption).
std::string size_string(const Expr& size, OpContext& context);

// A backward with one entry per tensor input of the call, each without work and keeping nothing (see
// Backward): a rule starts from it and fills in what its inputs need.
Backward per_input_backward(const OpArgs& args);

// NumPy broadcasting. A mismatch throws OpError naming both shapes and the axis.
Shape broadcast(const Shape& a, const Shape& b, OpContext& context);

// Resolves a possibly negative axis against `rank`; OpError (for `argument`) when out of range.
std::size_t normalize_axis(const Expr& axis, std::size_t rank, OpContext& context, const std::string& argument);

// Requires the tensor argument `name` to have rank `rank` (or at least `min_rank` when rank is 0).
void require_rank(const OpArgs& args, const std::string& name, std::size_t rank, const std::string& what);
void require_min_rank(const OpArgs& args, const std::string& name, std::size_t min_rank, const std::string& what);

// Requires every value to be at least `minimum` at the bound sizes.
void require_at_least(const std::vector<Expr>& values, sym::Int minimum, OpContext& context,
                      const std::string& argument);

// Output size of a sliding window (convolution, pooling) along one axis:
// floor((in + pad_total - dilation·(kernel - 1) - 1) / stride) + 1, or with ceil instead of floor in ceil
// mode (dropping a last window that would start in the right padding, as PyTorch does). OpError when the
// window does not fit the padded input.
Expr window_output(const Expr& in, const Expr& kernel, const Expr& stride, const Expr& pad_total, const Expr& dilation,
                   bool ceil_mode, OpContext& context, std::size_t axis, const Expr& pad_before);

}  // namespace nnscope::ops
