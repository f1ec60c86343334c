// Convolutions: conv1d/2d/3d and their transposes (PyTorch semantics, NC* layout).
//
// GEMM MACs: conv = N·Cout·prod(out spatial)·(Cin/groups)·prod(kernel);
//            transposed conv = N·Cin·prod(in spatial)·(Cout/groups)·prod(kernel).
// Bias adds one element-wise op per output element. No activation ops.
// Backward: the input gradient (dgrad) and the weight gradient (wgrad) each take the forward GEMM MACs;
// the bias gradient sums the output gradient (one add per output element). Keeps x.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

void require_divisible(const Expr& value, const Expr& groups, const std::string& what, OpContext& context) {
  if (context.value(Expr::mod(value, groups)) != 0) {
    throw OpError(what + " (" + value.to_string() + ") is not divisible by groups (" + groups.to_string() + ")",
                  "groups");
  }
}

// Everything a convolution and its transpose share: validated arguments and the spatial rank.
struct ConvArgs {
  const TensorType* x;
  Expr batch, in_channels, out_channels, groups;
  std::vector<Expr> kernel, stride, dilation;
  bool bias;
};

ConvArgs conv_args(const OpArgs& args, OpContext& context, std::size_t rank, const std::string& op_name) {
  require_rank(args, "x", rank + 2, op_name);
  ConvArgs c;
  c.x = &args.tensor("x");
  c.batch = c.x->shape[0];
  c.in_channels = c.x->shape[1];
  c.out_channels = args.integer("out_channels");
  c.groups = args.integer("groups");
  c.kernel = args.ints("kernel", rank);
  c.stride = args.ints("stride", rank);
  c.dilation = args.ints("dilation", rank);
  c.bias = args.boolean("bias");
  require_at_least({c.out_channels}, 1, context, "out_channels");
  require_at_least({c.groups}, 1, context, "groups");
  require_at_least(c.kernel, 1, context, "kernel");
  require_at_least(c.stride, 1, context, "stride");
  require_at_least(c.dilation, 1, context, "dilation");
  require_divisible(c.in_channels, c.groups, "input channels", context);
  require_divisible(c.out_channels, c.groups, "output channels", context);
  return c;
}

Backward conv_backward(const Expr& macs, const Expr& out_elements, bool bias) {
  Backward b;
  b.input = {Cost{macs, {}, {}}};
  b.weight.gemm_macs = macs;
  if (bias) b.weight.elementwise = out_elements;
  b.saves_input = {true};
  b.weight_only_saves = {true};  // the input gradient needs the weights, not x
  return b;
}

Display conv_display(const ConvArgs& c, ir::DisplayDims padding) {
  Display d;
  d.kernel.dims = c.kernel;
  d.stride.dims = c.stride;
  d.padding = std::move(padding);
  d.dilation.dims = c.dilation;
  d.groups.dims = {c.groups};
  return d;
}

OpResult conv(const OpArgs& args, OpContext& context, std::size_t rank) {
  const std::string op_name = "conv" + std::to_string(rank) + "d";
  ConvArgs c = conv_args(args, context, rank, op_name);
  Shape out_shape = {c.batch, c.out_channels};
  ir::DisplayDims padding_shown;
  if (args.is_string("padding")) {
    const std::string& mode = args.string("padding");
    if (mode != "same" && mode != "valid") {
      throw OpError("padding must be an integer, a list of integers, \"same\" or \"valid\"; got \"" + mode + "\"",
                    "padding");
    }
    padding_shown.word = mode;
    for (std::size_t i = 0; i < rank; ++i) {
      const Expr& in = c.x->shape[2 + i];
      if (mode == "same") {
        // TensorFlow's rule, which equals PyTorch's for stride 1: the output covers ceil(in / stride).
        out_shape.push_back(Expr::ceildiv(in, c.stride[i]));
      } else {
        out_shape.push_back(window_output(in, c.kernel[i], c.stride[i], 0, c.dilation[i], false, context, 2 + i, 0));
      }
    }
  } else {
    std::vector<Expr> padding = args.ints("padding", rank);
    require_at_least(padding, 0, context, "padding");
    padding_shown.dims = padding;
    for (std::size_t i = 0; i < rank; ++i) {
      out_shape.push_back(window_output(c.x->shape[2 + i], c.kernel[i], c.stride[i], 2 * padding[i], c.dilation[i],
                                        false, context, 2 + i, padding[i]));
    }
  }

  OpResult result;
  result.outputs.push_back(TensorType{out_shape, c.x->dtype});
  Shape weight_shape = {c.out_channels, Expr::divide(c.in_channels, c.groups)};
  weight_shape.insert(weight_shape.end(), c.kernel.begin(), c.kernel.end());
  result.weights.push_back(Weight{"weight", weight_shape});
  if (c.bias) result.weights.push_back(Weight{"bias", {c.out_channels}});

  Expr out_elements = numel(out_shape);
  result.forward.gemm_macs = out_elements * Expr::divide(c.in_channels, c.groups) * product(c.kernel, 0, rank);
  if (c.bias) result.forward.elementwise = out_elements;
  result.backward = conv_backward(result.forward.gemm_macs, out_elements, c.bias);
  result.display = conv_display(c, std::move(padding_shown));
  return result;
}

OpResult conv_transpose(const OpArgs& args, OpContext& context, std::size_t rank) {
  const std::string op_name = "conv_transpose" + std::to_string(rank) + "d";
  ConvArgs c = conv_args(args, context, rank, op_name);
  std::vector<Expr> padding = args.ints("padding", rank);
  std::vector<Expr> output_padding = args.ints("output_padding", rank);
  require_at_least(padding, 0, context, "padding");
  require_at_least(output_padding, 0, context, "output_padding");
  Shape out_shape = {c.batch, c.out_channels};
  for (std::size_t i = 0; i < rank; ++i) {
    const Expr& in = c.x->shape[2 + i];
    Expr out = (in - 1) * c.stride[i] - 2 * padding[i] + c.dilation[i] * (c.kernel[i] - 1) + output_padding[i] + 1;
    if (context.is_negative(out - 1)) {
      throw OpError("transposed convolution output along axis " + std::to_string(2 + i) + " would be " +
                    out.to_string() + " = " + sym::to_string(context.value(out)) + ", less than 1");
    }
    out_shape.push_back(out);
  }

  OpResult result;
  result.outputs.push_back(TensorType{out_shape, c.x->dtype});
  // PyTorch stores a transposed convolution's weight as [Cin, Cout/groups, *kernel].
  Shape weight_shape = {c.in_channels, Expr::divide(c.out_channels, c.groups)};
  weight_shape.insert(weight_shape.end(), c.kernel.begin(), c.kernel.end());
  result.weights.push_back(Weight{"weight", weight_shape});
  if (c.bias) result.weights.push_back(Weight{"bias", {c.out_channels}});

  Expr in_elements = numel(c.x->shape);
  result.forward.gemm_macs = in_elements * Expr::divide(c.out_channels, c.groups) * product(c.kernel, 0, rank);
  if (c.bias) result.forward.elementwise = numel(out_shape);
  result.backward = conv_backward(result.forward.gemm_macs, numel(out_shape), c.bias);
  result.display = conv_display(c, ir::DisplayDims{padding, {}});
  return result;
}

const char* spatial_axes(std::size_t rank) { return rank == 1 ? "L" : rank == 2 ? "H, W" : "D, H, W"; }

std::vector<ArgSpec> conv_signature(std::size_t rank) {
  return {ArgSpec::tensor("x").describe("The input [N, Cin, " + std::string(spatial_axes(rank)) + "]."),
          ArgSpec::integer("out_channels").describe("Output channels Cout, at least 1, divisible by groups."),
          ArgSpec::ints("kernel").describe("Window size: one integer for every spatial axis, or one per axis."),
          ArgSpec::ints("stride", 1).describe("Step of the window: one integer, or one per axis."),
          ArgSpec::ints_or_string("padding", 0)
              .describe("Zeros added on both sides of each spatial axis: one integer, one per axis, \"valid\" (0) or "
                        "\"same\" (output ⌈in/stride⌉, TensorFlow's rule; PyTorch's for stride 1)."),
          ArgSpec::ints("dilation", 1).describe("Spacing of the kernel's taps; the kernel keeps its element count."),
          ArgSpec::integer("groups", 1)
              .describe("Channel groups: Cin and Cout divisible by it; Cin = groups is depthwise."),
          ArgSpec::boolean("bias", true).describe("Whether the layer has a bias [Cout].")};
}

std::vector<ArgSpec> conv_transpose_signature(std::size_t rank) {
  return {ArgSpec::tensor("x").describe("The input [N, Cin, " + std::string(spatial_axes(rank)) + "]."),
          ArgSpec::integer("out_channels").describe("Output channels Cout, at least 1, divisible by groups."),
          ArgSpec::ints("kernel").describe("Window size: one integer for every spatial axis, or one per axis."),
          ArgSpec::ints("stride", 1).describe("Upsampling step: one integer, or one per axis."),
          ArgSpec::ints("padding", 0).describe("Removed from both sides of each output axis (PyTorch's padding)."),
          ArgSpec::ints("output_padding", 0).describe("Added to one side of each output axis (PyTorch's)."),
          ArgSpec::ints("dilation", 1).describe("Spacing of the kernel's taps."),
          ArgSpec::integer("groups", 1).describe("Channel groups: Cin and Cout divisible by it."),
          ArgSpec::boolean("bias", true).describe("Whether the layer has a bias [Cout].")};
}

const char* kConvBackward =
    "dgrad MACs = forward MACs (the input gradient), wgrad MACs = forward MACs (the weight gradient); the bias "
    "gradient sums the output gradient, O element-wise. Keeps x.";

OpDoc conv_doc() {
  return {
      "[N, Cout, *out], out = ⌊(in + 2·padding − dilation·(kernel − 1) − 1)/stride⌋ + 1 per axis; "
      "padding = \"same\": ⌈in/stride⌉",
      "weight [Cout, Cin/groups, *kernel], bias [Cout] when bias",
      "GEMM MACs N·Cout·prod(out)·(Cin/groups)·prod(kernel); element-wise O when bias (the bias add), else 0; "
      "activation 0",
      kConvBackward};
}

OpDoc conv_transpose_doc() {
  return {"[N, Cout, *out], out = (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1 per axis",
          "weight [Cin, Cout/groups, *kernel], bias [Cout] when bias",
          "GEMM MACs N·Cin·prod(in)·(Cout/groups)·prod(kernel) (every input element scattered into "
          "(Cout/groups)·prod(kernel) outputs); element-wise O when bias, else 0; activation 0",
          kConvBackward};
}

}  // namespace

void register_conv_ops(Registry& registry) {
  registry.add({.name = "conv1d",
                .summary = "1-d convolution over [N, C, L]",
                .args = conv_signature(1),
                .apply = [](const OpArgs& a, OpContext& c) { return conv(a, c, 1); },
                .doc = conv_doc()});
  registry.add({.name = "conv2d",
                .summary = "2-d convolution over [N, C, H, W]",
                .args = conv_signature(2),
                .apply = [](const OpArgs& a, OpContext& c) { return conv(a, c, 2); },
                .doc = conv_doc()});
  registry.add({.name = "conv3d",
                .summary = "3-d convolution over [N, C, D, H, W]",
                .args = conv_signature(3),
                .apply = [](const OpArgs& a, OpContext& c) { return conv(a, c, 3); },
                .doc = conv_doc()});
  registry.add({.name = "conv_transpose1d",
                .summary = "1-d transposed convolution",
                .args = conv_transpose_signature(1),
                .apply = [](const OpArgs& a, OpContext& c) { return conv_transpose(a, c, 1); },
                .doc = conv_transpose_doc()});
  registry.add({.name = "conv_transpose2d",
                .summary = "2-d transposed convolution",
                .args = conv_transpose_signature(2),
                .apply = [](const OpArgs& a, OpContext& c) { return conv_transpose(a, c, 2); },
                .doc = conv_transpose_doc()});
  registry.add({.name = "conv_transpose3d",
                .summary = "3-d transposed convolution",
                .args = conv_transpose_signature(3),
                .apply = [](const OpArgs& a, OpContext& c) { return conv_transpose(a, c, 3); },
                .doc = conv_transpose_doc()});
}

}  // namespace nnscope::ops
