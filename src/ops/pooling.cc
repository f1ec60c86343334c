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
Backward pool_backward(const Expr& out_elements, const Expr& ops, bool is_max) {
  Backward b;
  b.input = {Cost{{}, ops, {}}};
  b.saves_input = {false};
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
  result.backward = pool_backward(out_elements, is_max ? out_elements : out_elements * window_elements, is_max);
  result.outputs.push_back(TensorType{std::move(out_shape), x.dtype});
  result.display.kernel.dims = kernel;
  result.display.stride.dims = stride;
  result.display.padding.dims = padding;
  if (is_max) result.display.dilation.dims = dilation;
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
  result.backward = pool_backward(lead * product(output_size, 0, rank),
                                  is_max ? lead * product(output_size, 0, rank) : lead * window_sum, is_max);
  result.outputs.push_back(TensorType{std::move(out_shape), x.dtype});
  if (uniform) {
    result.display.kernel.dims = kernel;
    result.display.stride.dims = kernel;
  } else {
    result.display.kernel.word = "adaptive";
  }
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
  result.backward = pool_backward(numel(out_shape), is_max ? numel(out_shape) : numel(x), is_max);
  result.display.kernel.dims.assign(x.shape.begin() + 2, x.shape.end());
  result.outputs.push_back(TensorType{std::move(out_shape), x.dtype});
  return result;
}

ArgSpec pool_input(std::size_t rank) {
  const char* axes = rank == 1 ? "L" : rank == 2 ? "H, W" : "D, H, W";
  return ArgSpec::tensor("x").describe("[N, C, " + std::string(axes) + "] or unbatched [C, " + axes +
                                       "]; the leading axes pass through.");
}

// The window arguments every max and average pooling takes.
std::vector<ArgSpec> window_signature(std::size_t rank) {
  return {pool_input(rank),
          ArgSpec::ints("kernel").describe("Window size: one integer for every spatial axis, or one per axis."),
          ArgSpec::optional_ints("stride")
              .describe("Step of the window: one integer, or one per axis; omitted, the kernel (as PyTorch).")
              .defaults_to("kernel"),
          ArgSpec::ints("padding", 0).describe("Padding on both sides, at most half of the (dilated) window.")};
}

std::vector<ArgSpec> maxpool_signature(std::size_t rank) {
  std::vector<ArgSpec> specs = window_signature(rank);
  specs.push_back(ArgSpec::ints("dilation", 1).describe("Spacing of the window's taps; the count is unchanged."));
  specs.push_back(ArgSpec::boolean("ceil_mode", false).describe("Round the output size up (PyTorch's rule)."));
  return specs;
}

std::vector<ArgSpec> avgpool_signature(std::size_t rank) {
  std::vector<ArgSpec> specs = window_signature(rank);
  specs.push_back(ArgSpec::boolean("ceil_mode", false).describe("Round the output size up (PyTorch's rule)."));
  specs.push_back(ArgSpec::boolean("count_include_pad", true)
                      .describe("Whether padding counts in the divisor; the op count is the same."));
  return specs;
}

std::vector<ArgSpec> adaptive_signature(std::size_t rank) {
  return {
      pool_input(rank),
      ArgSpec::ints("output_size").describe("The output's spatial size: one integer for every axis, or one per axis.")};
}

constexpr const char* kWindowOutput =
    "leading axes, then per spatial axis ⌊(in + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1 (ceil with "
    "ceil_mode, minus one when the last window would start in the padding)";
constexpr const char* kMaxBackward =
    "element-wise O (route each output's gradient to the window's winner). Keeps the winners' indices (int64).";
constexpr const char* kAvgBackward =
    "element-wise as forward (spread each output's gradient over its window). Keeps nothing.";

OpDoc maxpool_doc() {
  return {kWindowOutput, "", "element-wise O·(prod(kernel) − 1) comparisons; GEMM MACs and activation 0", kMaxBackward};
}
OpDoc avgpool_doc() {
  return {kWindowOutput, "",
          "element-wise O·prod(kernel) (prod(kernel) − 1 adds + 1 divide per output; padding positions count); "
          "GEMM MACs and activation 0",
          kAvgBackward};
}
constexpr const char* kAdaptiveOutput =
    "leading axes, then output_size; output j pools [⌊j·in/out⌋, ⌈(j+1)·in/out⌉), windows that sum to S_i = in + "
    "out − gcd(in, out) elements along axis i";
OpDoc adaptive_maxpool_doc() {
  return {kAdaptiveOutput, "", "element-wise prod(leading)·(∏ S_i − ∏ out_i) comparisons; activation 0", kMaxBackward};
}
OpDoc adaptive_avgpool_doc() {
  return {kAdaptiveOutput, "", "element-wise prod(leading)·∏ S_i (adds and one divide per output); activation 0",
          kAvgBackward};
}

using PoolRule = OpResult (*)(const OpArgs&, OpContext&);

void add_pools(Registry& registry, const std::string& kind, const std::string& what, PoolRule rules[3],
               std::vector<ArgSpec> (*signature)(std::size_t), OpDoc (*doc)()) {
  const char* over[] = {"[N, C, L]", "[N, C, H, W]", "[N, C, D, H, W]"};
  for (std::size_t rank = 1; rank <= 3; ++rank) {
    std::string summary = std::to_string(rank) + "-d " + what;
    summary += kind.starts_with("adaptive") ? " to output_size" : std::string(" over ") + over[rank - 1];
    registry.add({.name = kind + std::to_string(rank) + "d",
                  .summary = summary,
                  .args = signature(rank),
                  .apply = rules[rank - 1],
                  .doc = doc()});
  }
}

}  // namespace

void register_pooling_ops(Registry& registry) {
  PoolRule maxpool[] = {[](const OpArgs& a, OpContext& c) { return pool(a, c, 1, true); },
                        [](const OpArgs& a, OpContext& c) { return pool(a, c, 2, true); },
                        [](const OpArgs& a, OpContext& c) { return pool(a, c, 3, true); }};
  PoolRule avgpool[] = {[](const OpArgs& a, OpContext& c) { return pool(a, c, 1, false); },
                        [](const OpArgs& a, OpContext& c) { return pool(a, c, 2, false); },
                        [](const OpArgs& a, OpContext& c) { return pool(a, c, 3, false); }};
  PoolRule adaptive_max[] = {[](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 1, true); },
                             [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 2, true); },
                             [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 3, true); }};
  PoolRule adaptive_avg[] = {[](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 1, false); },
                             [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 2, false); },
                             [](const OpArgs& a, OpContext& c) { return adaptive_pool(a, c, 3, false); }};
  add_pools(registry, "maxpool", "max pooling", maxpool, maxpool_signature, maxpool_doc);
  add_pools(registry, "avgpool", "average pooling", avgpool, avgpool_signature, avgpool_doc);
  add_pools(registry, "adaptive_maxpool", "adaptive max pooling", adaptive_max, adaptive_signature,
            adaptive_maxpool_doc);
  add_pools(registry, "adaptive_avgpool", "adaptive average pooling", adaptive_avg, adaptive_signature,
            adaptive_avgpool_doc);
  ArgSpec global_input = ArgSpec::tensor("x").describe("[N, C, *spatial], rank at least 3.");
  registry.add({.name = "global_maxpool",
                .summary = "max over all spatial dims: [N, C, *] -> [N, C, 1, ...]",
                .args = {global_input},
                .apply = [](const OpArgs& a, OpContext& c) { return global_pool(a, c, true); },
                .doc = {"[N, C, 1, ..., 1] (spatial axes kept)", "", "element-wise E − O comparisons; activation 0",
                        kMaxBackward}});
  registry.add(
      {.name = "global_avgpool",
       .summary = "mean over all spatial dims: [N, C, *] -> [N, C, 1, ...]",
       .args = {global_input},
       .apply = [](const OpArgs& a, OpContext& c) { return global_pool(a, c, false); },
       .doc = {"[N, C, 1, ..., 1] (spatial axes kept)", "",
               "element-wise E (n − 1 adds + 1 divide per output, n the spatial size); activation 0", kAvgBackward}});
}

}  // namespace nnscope::ops
