// Pooling: max/avg 1d/2d/3d (PyTorch semantics, ceil mode included), adaptive max/avg, global max/avg.
//
// Element-wise ops per output element: max = prod(kernel) - 1 comparisons; avg = prod(kernel) - 1 adds and
// one divide = prod(kernel). Adaptive pooling sums its actual (possibly overlapping) windows; global
// pooling reads every input element once. No GEMM MACs, no activation ops, no weights.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

// PyTorch accepts batched [N, C, *spatial] and unbatched [C, *spatial] inputs; the leading dims pass through.
std::size_t spatial_begin(const OpArgs& args, std::size_t rank, const std::string& op_name) {
  const TensorType& x = args.tensor("x");
  if (x.shape.size() != rank + 1 && x.shape.size() != rank + 2) {
    throw OpError(op_name + " expects a tensor of rank " + std::to_string(rank + 1) + " or " +
                      std::to_string(rank + 2) + ", got " + shape_string(x.shape) + " (rank " +
                      std::to_string(x.shape.size()) + ")",
                  "x");
  }
  return x.shape.size() - rank;
}

// Backward. Max pooling routes each output's gradient to the element that won its window, one add per output
// element (linear in the output size: the seed tool's quadratic max-pool backward was a fault), and keeps
// the winners' indices (int64). Average pooling spreads each output's gradient over its window: as many
// element-wise ops as forward. Neither keeps x (max keeps indices, average only shapes).
Backward pool_backward(const TensorType& x, const Expr& out_elements, const Expr& ops, bool is_max) {
  (void)x;
  Backward b;
  b.input = {Cost{{}, ops, {}}};
  if (is_max) b.saved_bytes = out_elements * 8;
  return b;
}

OpResult pool(const OpArgs& args, OpContext& context, std::size_t rank, bool is_max) {
  const std::string op_name = (is_max ? "maxpool" : "avgpool") + std::to_string(rank) + "d";
  std::size_t begin = spatial_begin(args, rank, op_name);
  const TensorType& x = args.tensor("x");
  std::vector<Expr> kernel = args.ints("kernel", rank);
  std::vector<Expr> stride = args.has("stride") ? args.ints("stride", rank) : kernel;
  std::vector<Expr> padding = args.ints("padding", rank);
  std::vector<Expr> dilation = is_max ? args.ints("dilation", rank) : std::vector<Expr>(rank, Expr(1));
  bool ceil_mode = args.boolean("ceil_mode");
  require_at_least(kernel, 1, context, "kernel");
  require_at_least(stride, 1, context, "stride");
  require_at_least(padding, 0, context, "padding");
  require_at_least(dilation, 1, context, "dilation");

  Shape out_shape(x.shape.begin(), x.shape.begin() + static_cast<std::ptrdiff_t>(begin));
  for (std::size_t i = 0; i < rank; ++i) {
    // PyTorch rejects padding wider than half the (dilated) window: a window could then see only padding.
    Expr window = dilation[i] * (kernel[i] - 1) + 1;
    if (context.value(2 * padding[i]) > context.value(window)) {
      throw OpError(
          "padding " + padding[i].to_string() + " must be at most half of the window size " + window.to_string(),
          "padding");
    }
    out_shape.push_back(window_output(x.shape[begin + i], kernel[i], stride[i], 2 * padding[i], dilation[i], ceil_mode,
                                      context, begin + i, padding[i]));
  }

  OpResult result;
  Expr out_elements = numel(out_shape);
  Expr window_elements = product(kernel, 0, rank);
  result.forward.elementwise = is_max ? out_elements * (window_elements - 1) : out_elements * window_elements;
  result.backward = pool_backward(x, out_elements, is_max ? out_elements : out_elements * window_elements, is_max);
  result.outputs.push_back(TensorType{std::move(out_shape), x.dtype});
  result.display.kernel = dims_string(kernel);
  result.display.stride = dims_string(stride);
  result.display.padding = dims_string(padding);
  if (is_max) result.display.dilation = dims_string(dilation);
  return result;
}

sym::Int gcd(sym::Int a, sym::Int b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    sym::Int r = a % b;
    a = b;
    b = r;
  }
  return a;
}

OpResult adaptive_pool(const OpArgs& args, OpContext& context, std::size_t rank, bool is_max) {
  const std::string op_name = (is_max ? "adaptive_maxpool" : "adaptive_avgpool") + std::to_string(rank) + "d";
  std::size_t begin = spatial_begin(args, rank, op_name);
  const TensorType& x = args.tensor("x");
  std::vector<Expr> output_size = args.ints("output_size", rank);
  require_at_least(output_size, 1, context, "output_size");
  std::vector<Expr> in(x.shape.begin() + static_cast<std::ptrdiff_t>(begin), x.shape.end());
  require_at_least(in, 1, context, "x");

  // Output j along an axis pools [floor(j·in/out), ceil((j+1)·in/out)); those windows sum to
  // in + out - gcd(in, out) elements (in exactly when out divides in). A window over several axes is the
  // product of its per-axis windows, so the total over all outputs is the product of the per-axis sums.
  Expr window_sum(1);
  std::vector<Expr> kernel;
  bool uniform = true;
  for (std::size_t i = 0; i < rank; ++i) {
    sym::Int g = gcd(context.value(in[i]), context.value(output_size[i]));
    if (context.value(output_size[i]) == g) {
      window_sum *= in[i];
      kernel.push_back(Expr::divide(in[i], output_size[i]));
    } else {
      window_sum *= in[i] + output_size[i] - g;
      uniform = false;
    }
  }

  Shape out_shape(x.shape.begin(), x.shape.begin() + static_cast<std::ptrdiff_t>(begin));
  out_shape.insert(out_shape.end(), output_size.begin(), output_size.end());
  Expr lead = product(x.shape, 0, begin);
  OpResult result;
  result.forward.elementwise = is_max ? lead * (window_sum - product(output_size, 0, rank)) : lead * window_sum;
  result.backward = pool_backward(x, lead * product(output_size, 0, rank),
                                  is_max ? lead * product(output_size, 0, rank) : lead * window_sum, is_max);
  result.outputs.push_back(TensorType{std::move(out_shape), x.dtype});
  result.display.kernel = uniform ? dims_string(kernel) : "adaptive";
  if (uniform) result.display.stride = dims_string(kernel);
  return result;
}

OpResult global_pool(const OpArgs& args, OpContext&, bool is_max) {
  require_min_rank(args, "x", 3, is_max ? "global_maxpool" : "global_avgpool");
  const TensorType& x = args.tensor("x");
  Shape out_shape = {x.shape[0], x.shape[1]};
  out_shape.resize(x.shape.size(), Expr(1));
  OpResult result;
  // Each output reduces its whole plane: n - 1 comparisons (max) or n - 1 adds plus one divide (avg).
  result.forward.elementwise = is_max ? numel(x) - numel(out_shape) : numel(x);
  result.backward = pool_backward(x, numel(out_shape), is_max ? numel(out_shape) : numel(x), is_max);
  result.display.kernel = dims_string(std::vector<Expr>(x.shape.begin() + 2, x.shape.end()));
  result.outputs.push_back(TensorType{std::move(out_shape), x.dtype});
  return result;
}

std::vector<ArgSpec> maxpool_signature() {
  return {ArgSpec::tensor("x"),        ArgSpec::ints("kernel"),      ArgSpec::optional_ints("stride"),
          ArgSpec::ints("padding", 0), ArgSpec::ints("dilation", 1), ArgSpec::boolean("ceil_mode", false)};
}

std::vector<ArgSpec> avgpool_signature() {
  return {ArgSpec::tensor("x"),
          ArgSpec::ints("kernel"),
          ArgSpec::optional_ints("stride"),
          ArgSpec::ints("padding", 0),
          ArgSpec::boolean("ceil_mode", false),
          ArgSpec::boolean("count_include_pad", true)};
}

std::vector<ArgSpec> adaptive_signature() { return {ArgSpec::tensor("x"), ArgSpec::ints("output_size")}; }

}  // namespace

void register_pooling_ops(Registry& registry) {
  registry.add({"maxpool1d", "pooling", "1-d max pooling over [N, C, L]", maxpool_signature(),
                [](const OpArgs& a, OpContext& c) { return pool(a, c, 1, true); }});
  registry.add({"maxpool2d", "pooling", "2-d max pooling over [N, C, H, W]", maxpool_signature(),
                [](const OpArgs& a, OpContext& c) { return pool(a, c, 2, true); }});
  registry.add({"maxpool3d", "pooling", "3-d max pooling over [N, C, D, H, W]", maxpool_signature(),
                [](const OpArgs& a, OpContext& c) { return pool(a, c, 3, true); }});
  registry.add({"avgpool1d", "pooling", "1-d average pooling over [N, C, L]", avgpool_signature(),
                [](const OpArgs& a, OpContext& c) { return pool(a, c, 1, false); }});
  registry.add({"avgpool2d", "pooling", "2-d average pooling over [N, C, H, W]", avgpool_signature(),
                [](const OpArgs& a, OpContext& c) { return pool(a, c, 2, false); }});
  registry.add({"avgpool3d", "pooling", "3-d average pooling over [N, C, D, H, W]", avgpool_signature(),
                [](const OpArgs& a, OpContext& c) { return pool(a, c, 3, false); }});
  registry.add({"adaptive_maxpool1d", "pooling", "1-d adaptive max pooling to output_size", adaptive_signature(),
                [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 1, true); }});
  registry.add({"adaptive_maxpool2d", "pooling", "2-d adaptive max pooling to output_size", adaptive_signature(),
                [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 2, true); }});
  registry.add({"adaptive_maxpool3d", "pooling", "3-d adaptive max pooling to output_size", adaptive_signature(),
                [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 3, true); }});
  registry.add({"adaptive_avgpool1d", "pooling", "1-d adaptive average pooling to output_size", adaptive_signature(),
                [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 1, false); }});
  registry.add({"adaptive_avgpool2d", "pooling", "2-d adaptive average pooling to output_size", adaptive_signature(),
                [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 2, false); }});
  registry.add({"adaptive_avgpool3d", "pooling", "3-d adaptive average pooling to output_size", adaptive_signature(),
                [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 3, false); }});
  registry.add({"global_maxpool",
                "pooling",
                "max over all spatial dims: [N, C, *] -> [N, C, 1, ...]",
                {ArgSpec::tensor("x")},
                [](const OpArgs& a, OpContext& c) { return global_pool(a, c, true); }});
  registry.add({"global_avgpool",
                "pooling",
                "mean over all spatial dims: [N, C, *] -> [N, C, 1, ...]",
                {ArgSpec::tensor("x")},
                [](const OpArgs& a, OpContext& c) { return global_pool(a, c, false); }});
}

}  // namespace nnscope::ops
