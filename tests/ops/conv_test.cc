// Convolutions: conv1d/2d/3d and their transposes. Output shapes, weights and MACs are closed forms written
// here (docs/cost-model.md §7.1); every shape and parameter count below was cross-checked once with PyTorch 1.13
// (tools/reference/conv_reference.py prints them).
#include "op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kHeight = Expr::symbol("height");
const Expr kWidth = Expr::symbol("width");

// Conv MACs: every output element is a dot product of (Cin/groups)·prod(kernel) inputs.
sym::Int conv_macs(sym::Int n, sym::Int cout, sym::Int out_spatial, sym::Int cin_per_group, sym::Int kernel) {
  return n * cout * out_spatial * cin_per_group * kernel;
}

// Transposed-conv MACs: every input element is scattered into (Cout/groups)·prod(kernel) outputs.
sym::Int transposed_macs(sym::Int n, sym::Int cin, sym::Int in_spatial, sym::Int cout_per_group, sym::Int kernel) {
  return n * cin * in_spatial * cout_per_group * kernel;
}

// One convolution as PyTorch builds it (tools/reference/conv_reference.py has the same modules).
struct Case {
  const char* pytorch;
  const char* op;
  Shape x;
  sym::Int out_channels;
  std::vector<sym::Int> kernel;
  std::vector<sym::Int> stride = {1};
  std::vector<sym::Int> padding = {0};
  std::vector<sym::Int> dilation = {1};
  sym::Int groups = 1;
  bool bias = true;
  std::vector<sym::Int> output_padding = {};  // transposed only
  // Expected: PyTorch's output shape and parameter count, and the MACs as a closed form.
  Shape output = {};
  sym::Int params = 0;
  sym::Int macs = 0;
};

// One value for every axis, or one per axis, as a model writes it.
void set_ints(Call& call, const std::string& name, const std::vector<sym::Int>& values) {
  if (values.size() == 1) {
    call.integer(name, values[0]);
  } else {
    call.ints(name, std::vector<Expr>(values.begin(), values.end()));
  }
}

OpResult run_case(const Case& c) {
  Call call(c.op);
  call.tensor("x", c.x).integer("out_channels", c.out_channels).integer("groups", c.groups).boolean("bias", c.bias);
  set_ints(call, "kernel", c.kernel);
  set_ints(call, "stride", c.stride);
  set_ints(call, "padding", c.padding);
  set_ints(call, "dilation", c.dilation);
  if (!c.output_padding.empty()) set_ints(call, "output_padding", c.output_padding);
  return call.run();
}

TEST(Conv, MatchesPyTorchShapesAndParameters) {
  const Case cases[] = {
      {.pytorch = "nn.Conv1d(3, 4, 3)",
       .op = "conv1d",
       .x = shape({2, 3, 10}),
       .out_channels = 4,
       .kernel = {3},
       .output = shape({2, 4, 8}),
       .params = 40,
       .macs = conv_macs(2, 4, 8, 3, 3)},
      {.pytorch = "nn.Conv2d(3, 4, 3, padding=1)",
       .op = "conv2d",
       .x = shape({2, 3, 8, 8}),
       .out_channels = 4,
       .kernel = {3},
       .padding = {1},
       .output = shape({2, 4, 8, 8}),
       .params = 112,
       .macs = conv_macs(2, 4, 64, 3, 9)},
      // torchvision resnet conv1; 118,013,952 MACs at 224, and 113 at an odd 225.
      {.pytorch = "nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)",
       .op = "conv2d",
       .x = shape({1, 3, 224, 224}),
       .out_channels = 64,
       .kernel = {7},
       .stride = {2},
       .padding = {3},
       .bias = false,
       .output = shape({1, 64, 112, 112}),
       .params = 9408,
       .macs = conv_macs(1, 64, 112 * 112, 3, 49)},
      {.pytorch = "nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)",
       .op = "conv2d",
       .x = shape({1, 3, 225, 225}),
       .out_channels = 64,
       .kernel = {7},
       .stride = {2},
       .padding = {3},
       .bias = false,
       .output = shape({1, 64, 113, 113}),
       .params = 9408,
       .macs = conv_macs(1, 64, 113 * 113, 3, 49)},
      {.pytorch = "nn.Conv3d(2, 4, 3)",
       .op = "conv3d",
       .x = shape({1, 2, 5, 6, 7}),
       .out_channels = 4,
       .kernel = {3},
       .output = shape({1, 4, 3, 4, 5}),
       .params = 4 * 2 * 27 + 4,
       .macs = conv_macs(1, 4, 3 * 4 * 5, 2, 27)},
      {.pytorch = "nn.Conv3d(2, 4, (1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1))",
       .op = "conv3d",
       .x = shape({1, 2, 4, 9, 9}),
       .out_channels = 4,
       .kernel = {1, 3, 3},
       .stride = {1, 2, 2},
       .padding = {0, 1, 1},
       .output = shape({1, 4, 4, 5, 5}),
       .params = 76,
       .macs = conv_macs(1, 4, 4 * 5 * 5, 2, 9)},
      // Depthwise (MobileNet): one 3x3 filter per channel.
      {.pytorch = "nn.Conv2d(32, 32, 3, padding=1, groups=32)",
       .op = "conv2d",
       .x = shape({1, 32, 14, 14}),
       .out_channels = 32,
       .kernel = {3},
       .padding = {1},
       .groups = 32,
       .output = shape({1, 32, 14, 14}),
       .params = 32 * 9 + 32,
       .macs = conv_macs(1, 32, 196, 1, 9)},
      // ResNeXt-50 32x4d's grouped 3x3.
      {.pytorch = "nn.Conv2d(128, 128, 3, padding=1, groups=32, bias=False)",
       .op = "conv2d",
       .x = shape({1, 128, 56, 56}),
       .out_channels = 128,
       .kernel = {3},
       .padding = {1},
       .groups = 32,
       .bias = false,
       .output = shape({1, 128, 56, 56}),
       .params = 4608,
       .macs = conv_macs(1, 128, 56 * 56, 4, 9)},
      // Dilation spreads the window (it spans 5) without more work per output.
      {.pytorch = "nn.Conv2d(1, 1, 3, dilation=2)",
       .op = "conv2d",
       .x = shape({1, 1, 10, 10}),
       .out_channels = 1,
       .kernel = {3},
       .dilation = {2},
       .output = shape({1, 1, 6, 6}),
       .params = 10,
       .macs = conv_macs(1, 1, 36, 1, 9)},
      // Transposed: every input element scattered into (Cout/groups)·prod(kernel) outputs; weight [Cin, ...].
      {.pytorch = "nn.ConvTranspose2d(8, 4, 2, stride=2)",
       .op = "conv_transpose2d",
       .x = shape({2, 8, 3, 3}),
       .out_channels = 4,
       .kernel = {2},
       .stride = {2},
       .output = shape({2, 4, 6, 6}),
       .params = 132,
       .macs = transposed_macs(2, 8, 9, 4, 4)},
      // (5 - 1)·2 - 2 + 2 + 1 + 1 = 10.
      {.pytorch = "nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)",
       .op = "conv_transpose2d",
       .x = shape({1, 16, 5, 5}),
       .out_channels = 8,
       .kernel = {3},
       .stride = {2},
       .padding = {1},
       .output_padding = {1},
       .output = shape({1, 8, 10, 10}),
       .params = 1160,
       .macs = transposed_macs(1, 16, 25, 8, 9)},
      {.pytorch = "nn.ConvTranspose2d(8, 4, 3, groups=2)",
       .op = "conv_transpose2d",
       .x = shape({1, 8, 4, 4}),
       .out_channels = 4,
       .kernel = {3},
       .groups = 2,
       .output = shape({1, 4, 6, 6}),
       .params = 148,
       .macs = transposed_macs(1, 8, 16, 2, 9)},
      // (5 - 1)·2 + 2·(3 - 1) + 1 = 13.
      {.pytorch = "nn.ConvTranspose1d(2, 3, 3, stride=2, dilation=2)",
       .op = "conv_transpose1d",
       .x = shape({1, 2, 5}),
       .out_channels = 3,
       .kernel = {3},
       .stride = {2},
       .dilation = {2},
       .output = shape({1, 3, 13}),
       .params = 21,
       .macs = transposed_macs(1, 2, 5, 3, 3)},
      {.pytorch = "nn.ConvTranspose3d(4, 2, 2, stride=2)",
       .op = "conv_transpose3d",
       .x = shape({1, 4, 2, 3, 4}),
       .out_channels = 2,
       .kernel = {2},
       .stride = {2},
       .output = shape({1, 2, 4, 6, 8}),
       .params = 66,
       .macs = transposed_macs(1, 4, 24, 2, 8)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.pytorch) + " on " + shape_string(c.x));
    OpResult r = run_case(c);
    ASSERT_EQ(r.outputs.size(), 1u);
    EXPECT_EQ(r.outputs[0].shape, c.output);
    EXPECT_EQ(params(r), c.params);
    EXPECT_EQ(eval(r.forward.gemm_macs), c.macs);
    // Bias is never GEMM work: one add per output element.
    EXPECT_EQ(eval(r.forward.elementwise), c.bias ? eval(numel(c.output)) : 0);
    EXPECT_TRUE(r.forward.activation.is_zero());
  }
}

TEST(Conv, WeightShapes) {
  // PyTorch's layouts: [Cout, Cin/groups, *kernel] and, transposed, [Cin, Cout/groups, *kernel].
  OpResult grouped = run_case(
      {.pytorch = "", .op = "conv2d", .x = shape({1, 8, 6, 6}), .out_channels = 4, .kernel = {3}, .groups = 2});
  ASSERT_EQ(grouped.weights.size(), 2u);
  EXPECT_EQ(grouped.weights[0].shape, shape({4, 4, 3, 3}));
  EXPECT_EQ(grouped.weights[1].shape, shape({4}));
  OpResult transposed = run_case({.pytorch = "",
                                  .op = "conv_transpose2d",
                                  .x = shape({1, 8, 6, 6}),
                                  .out_channels = 4,
                                  .kernel = {3},
                                  .groups = 2});
  EXPECT_EQ(transposed.weights[0].shape, shape({8, 2, 3, 3}));
  EXPECT_EQ(
      run_case({.pytorch = "", .op = "conv1d", .x = shape({1, 8, 6}), .out_channels = 4, .kernel = {3}, .bias = false})
          .weights.size(),
      1u);
}

TEST(Conv, Display) {
  OpResult r = run_case({.pytorch = "",
                         .op = "conv2d",
                         .x = shape({1, 32, 14, 14}),
                         .out_channels = 32,
                         .kernel = {3},
                         .stride = {2},
                         .padding = {1},
                         .dilation = {2},
                         .groups = 32});
  EXPECT_EQ(r.display.kernel.formula(), "3x3");
  EXPECT_EQ(r.display.stride.formula(), "2x2");
  EXPECT_EQ(r.display.padding.formula(), "1x1");
  EXPECT_EQ(r.display.dilation.formula(), "2x2");
  EXPECT_EQ(r.display.groups.formula(), "32");
}

TEST(Conv, SymbolicResNetStem) {
  // floor((height + 6 - 6 - 1)/2) + 1 = ceil(height/2); the fit of the window is checked at bound values.
  FakeContext context;
  context.bindings.set("height", 224);
  context.bindings.set("width", 200);
  OpResult r = Call("conv2d")
                   .tensor("x", shape({1, 3, kHeight, kWidth}))
                   .integer("out_channels", 64)
                   .integer("kernel", 7)
                   .integer("stride", 2)
                   .integer("padding", 3)
                   .boolean("bias", false)
                   .run(context);
  Expr h = Expr::ceildiv(kHeight, 2), w = Expr::ceildiv(kWidth, 2);
  EXPECT_EQ(r.outputs[0].shape, shape({1, 64, h, w}));
  EXPECT_EQ(r.forward.gemm_macs, 64 * h * w * 3 * 49);
}

TEST(Conv, PaddingSameAndValid) {
  auto conv = [](Shape x, const std::string& padding, sym::Int stride, sym::Int dilation) {
    return Call("conv2d")
        .tensor("x", std::move(x))
        .integer("out_channels", 8)
        .integer("kernel", 3)
        .integer("stride", stride)
        .integer("dilation", dilation)
        .string("padding", padding)
        .run();
  };
  // nn.Conv2d(3, 8, 3, padding="same") keeps 7x7, also dilated; "valid" is no padding: 5x5.
  OpResult same = conv(shape({1, 3, 7, 7}), "same", 1, 1);
  EXPECT_EQ(same.outputs[0].shape, shape({1, 8, 7, 7}));
  EXPECT_EQ(params(same), 224);
  EXPECT_EQ(eval(same.forward.gemm_macs), conv_macs(1, 8, 49, 3, 9));
  EXPECT_EQ(conv(shape({1, 3, 7, 7}), "same", 1, 2).outputs[0].shape, shape({1, 8, 7, 7}));
  OpResult valid = conv(shape({1, 3, 7, 7}), "valid", 1, 1);
  EXPECT_EQ(valid.outputs[0].shape, shape({1, 8, 5, 5}));
  EXPECT_EQ(eval(valid.forward.gemm_macs), conv_macs(1, 8, 25, 3, 9));
  // With a stride PyTorch refuses "same"; nnscope takes TensorFlow's rule, ceil(in / stride): 7 -> 4.
  EXPECT_EQ(conv(shape({1, 3, 7, 7}), "same", 2, 1).outputs[0].shape, shape({1, 8, 4, 4}));
  // Symbolic: ceil(height / 32) (docs/language.md §10).
  OpResult symbolic = conv(shape({kBatch, 3, kHeight, kWidth}), "same", 32, 1);
  EXPECT_EQ(symbolic.outputs[0].shape, shape({kBatch, 8, Expr::ceildiv(kHeight, 32), Expr::ceildiv(kWidth, 32)}));
  EXPECT_EQ(symbolic.forward.gemm_macs, kBatch * 8 * Expr::ceildiv(kHeight, 32) * Expr::ceildiv(kWidth, 32) * 27);
}

TEST(Conv, BackwardTakesTheForwardMacsTwice) {
  OpResult r = Call("conv2d")
                   .tensor("x", shape({2, 3, 8, 8}))
                   .integer("out_channels", 4)
                   .integer("kernel", 3)
                   .integer("padding", 1)
                   .run();
  ASSERT_EQ(r.backward.input.size(), 1u);
  EXPECT_EQ(r.backward.input[0].gemm_macs, r.forward.gemm_macs);  // dgrad
  EXPECT_EQ(r.backward.weight.gemm_macs, r.forward.gemm_macs);    // wgrad
  EXPECT_EQ(eval(r.backward.weight.elementwise), 2 * 4 * 64);     // the bias gradient sums the output gradient
  EXPECT_EQ(r.backward.saves_input, std::vector<bool>{true});
}

TEST(ConvTranspose, SymbolicSizeDoubles) {
  // U-Net's up-convolution: kernel 2, stride 2 doubles a symbolic size exactly.
  FakeContext context;
  context.bindings.set("batch", 1);
  context.bindings.set("height", 28);
  context.bindings.set("width", 28);
  OpResult r = Call("conv_transpose2d")
                   .tensor("x", shape({kBatch, 64, kHeight, kWidth}))
                   .integer("out_channels", 32)
                   .integer("kernel", 2)
                   .integer("stride", 2)
                   .run(context);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 32, 2 * kHeight, 2 * kWidth}));
  EXPECT_EQ(r.forward.gemm_macs, kBatch * 64 * kHeight * kWidth * 32 * 4);
}

TEST(Conv, ErrorsNameTheArgument) {
  Call groups("conv2d");
  groups.tensor("x", shape({1, 3, 8, 8})).integer("out_channels", 8).integer("kernel", 3);
  groups.integer("groups", 2);
  EXPECT_EQ(error_of(groups), "input channels (3) is not divisible by groups (2)");
  EXPECT_EQ(failing_argument(groups), "groups");
  Call out_groups("conv2d");
  out_groups.tensor("x", shape({1, 4, 8, 8})).integer("out_channels", 6).integer("kernel", 3);
  out_groups.integer("groups", 4);
  EXPECT_EQ(error_of(out_groups), "output channels (6) is not divisible by groups (4)");

  Call rank("conv2d");
  rank.tensor("x", shape({1, 3, 8})).integer("out_channels", 8).integer("kernel", 3);
  EXPECT_NE(error_of(rank).find("rank 4"), std::string::npos) << error_of(rank);
  EXPECT_EQ(failing_argument(rank), "x");

  Call kernel("conv2d");
  kernel.tensor("x", shape({1, 3, 8, 8})).integer("out_channels", 8).ints("kernel", {3, 3, 3});
  EXPECT_EQ(error_of(kernel), "argument 'kernel' needs 2 values, got 3");

  Call padding("conv2d");
  padding.tensor("x", shape({1, 3, 8, 8})).integer("out_channels", 8).integer("kernel", 3);
  padding.string("padding", "full");
  EXPECT_NE(error_of(padding).find("\"same\" or \"valid\""), std::string::npos) << error_of(padding);
  EXPECT_EQ(failing_argument(padding), "padding");

  Call stride("conv1d");
  stride.tensor("x", shape({1, 3, 8})).integer("out_channels", 8).integer("kernel", 3);
  stride.integer("stride", 0);
  EXPECT_EQ(failing_argument(stride), "stride");

  Call too_big("conv2d");
  too_big.tensor("x", shape({1, 3, 8, 8})).integer("out_channels", 8).integer("kernel", 9);
  EXPECT_NE(error_of(too_big).find("does not fit"), std::string::npos) << error_of(too_big);

  // (1 - 1)·1 - 2·1 + 0 + 0 + 1 = -1: a transposed output smaller than 1.
  Call shrink("conv_transpose1d");
  shrink.tensor("x", shape({1, 2, 1})).integer("out_channels", 2).integer("kernel", 1);
  shrink.integer("padding", 1);
  EXPECT_NE(error_of(shrink).find("less than 1"), std::string::npos) << error_of(shrink);
}

}  // namespace
}  // namespace nnscope::ops::testing
