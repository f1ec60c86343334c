#include "ops/common.h"

namespace nnscope::ops {

Backward per_input_backward(const OpArgs& args) {
  Backward b;
  b.input.assign(args.tensor_inputs(), Cost{});
  b.saves_input.assign(args.tensor_inputs(), false);
  return b;
}

Expr numel(const Shape& shape) { return product(shape, 0, shape.size()); }
Expr numel(const TensorType& tensor) { return numel(tensor.shape); }

Expr product(const Shape& shape, std::size_t begin, std::size_t end) {
  Expr result(1);
  for (std::size_t i = begin; i < end && i < shape.size(); ++i) result *= shape[i];
  return result;
}

std::string shape_string(const Shape& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ", ";
    out += shape[i].to_string();
  }
  return out + "]";
}

Shape broadcast(const Shape& a, const Shape& b, OpContext& context) {
  std::size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    // Align from the right, as NumPy does.
    const Expr* da = i + a.size() >= rank ? &a[i + a.size() - rank] : nullptr;
    const Expr* db = i + b.size() >= rank ? &b[i + b.size() - rank] : nullptr;
    if (!da) {
      result[i] = *db;
    } else if (!db) {
      result[i] = *da;
    } else if (*da == *db) {
      result[i] = *da;
    } else if (da->integer_value() == 1) {
      // A literal 1 broadcasts; checked before comparing values so that [1, 8] + [batch, 8] stays
      // [batch, 8] even when batch happens to be bound to 1.
      result[i] = *db;
    } else if (db->integer_value() == 1) {
      result[i] = *da;
    } else if (context.same_size(*da, *db)) {
      result[i] = *da;
    } else {
      throw OpError("cannot broadcast shapes " + shape_string(a) + " and " + shape_string(b) + ": axis " +
                    std::to_string(i) + " has " + da->to_string() + " and " + db->to_string());
    }
  }
  return result;
}

std::size_t normalize_axis(const Expr& axis, std::size_t rank, OpContext& context, const std::string& argument) {
  sym::Int value = context.value(axis);
  sym::Int r = static_cast<sym::Int>(rank);
  if (value < -r || value >= r) {
    throw OpError("axis " + sym::to_string(value) + " is out of range for a tensor of rank " + std::to_string(rank),
                  argument);
  }
  return static_cast<std::size_t>(value < 0 ? value + r : value);
}

void require_rank(const OpArgs& args, const std::string& name, std::size_t rank, const std::string& what) {
  const TensorType& t = args.tensor(name);
  if (t.shape.size() != rank) {
    throw OpError(what + " expects a tensor of rank " + std::to_string(rank) + ", got " + shape_string(t.shape) +
                      " (rank " + std::to_string(t.shape.size()) + ")",
                  name);
  }
}

void require_min_rank(const OpArgs& args, const std::string& name, std::size_t min_rank, const std::string& what) {
  const TensorType& t = args.tensor(name);
  if (t.shape.size() < min_rank) {
    throw OpError(
        what + " expects a tensor of rank at least " + std::to_string(min_rank) + ", got " + shape_string(t.shape),
        name);
  }
}

std::string size_string(const Expr& size, OpContext& context) {
  return size.is_constant() ? size.to_string() : size.to_string() + " = " + sym::to_string(context.value(size));
}

void require_at_least(const std::vector<Expr>& values, sym::Int minimum, OpContext& context,
                      const std::string& argument) {
  for (const Expr& v : values) {
    if (context.is_negative(v - minimum)) {
      throw OpError(
          "'" + argument + "' must be at least " + sym::to_string(minimum) + ", got " + size_string(v, context),
          argument);
    }
  }
}

Expr window_output(const Expr& in, const Expr& kernel, const Expr& stride, const Expr& pad_total, const Expr& dilation,
                   bool ceil_mode, OpContext& context, std::size_t axis, const Expr& pad_before) {
  Expr span = in + pad_total - dilation * (kernel - 1) - 1;
  if (context.is_negative(span)) {
    throw OpError("window of size " + (dilation * (kernel - 1) + 1).to_string() +
                  " does not fit the input along axis " + std::to_string(axis) + ": input size " + in.to_string() +
                  " = " + sym::to_string(context.value(in)) + " with padding " + pad_total.to_string());
  }
  if (!ceil_mode) return Expr::floordiv(span, stride) + 1;
  Expr out = Expr::ceildiv(span, stride) + 1;
  // PyTorch: the last window must start inside the input or the left padding.
  if (!context.is_negative((out - 1) * stride - in - pad_before)) out = out - 1;
  return out;
}

}  // namespace nnscope::ops
