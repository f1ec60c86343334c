#include "op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kHeight = Expr::symbol("height");
const Expr kWidth = Expr::symbol("width");

TEST(Pooling, ResNetStemMaxpool) {
  // torchvision resnet: MaxPool2d(kernel_size=3, stride=2, padding=1) on the 112x112 stem output.
  OpResult r = Call("maxpool2d")
                   .tensor("x", shape({1, 64, 112, 112}))
                   .integer("kernel", 3)
                   .integer("stride", 2)
                   .integer("padding", 1)
                   .run();
  EXPECT_EQ(r.outputs[0].shape, shape({1, 64, 56, 56}));
  // 3x3 window: 8 comparisons per output.
  EXPECT_EQ(eval(r.forward.elementwise), 64 * 56 * 56 * 8);
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_TRUE(r.weights.empty());
  EXPECT_EQ(r.display.kernel.formula(), "3x3");
  EXPECT_EQ(r.display.stride.formula(), "2x2");
  EXPECT_EQ(r.display.padding.formula(), "1x1");
}

TEST(Pooling, SymbolicChainFoldsFloors) {
  FakeContext context;
  context.bindings.set("height", 224);
  context.bindings.set("width", 224);
  // After conv 7x7/2 pad 3 the height is floor((height + 1)/2); the 3x3/2 pad 1 pool halves it again.
  Expr conv_out = Expr::floordiv(kHeight + 1, 2);
  OpResult r = Call("maxpool2d")
                   .tensor("x", shape({kBatch, 64, conv_out, conv_out}))
                   .integer("kernel", 3)
                   .integer("stride", 2)
                   .integer("padding", 1)
                   .run(context);
  Expr expected = Expr::floordiv(kHeight + 3, 4);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 64, expected, expected}));
  EXPECT_EQ(r.forward.elementwise, kBatch * 64 * expected * expected * 8);
  context.bindings.set("batch", 1);
  EXPECT_EQ(eval(r.forward.elementwise, context.bindings), 64 * 56 * 56 * 8);
}

TEST(Pooling, StrideDefaultsToKernel) {
  OpResult r = Call("avgpool2d").tensor("x", shape({1, 3, 8, 8})).integer("kernel", 2).run();
  EXPECT_EQ(r.outputs[0].shape, shape({1, 3, 4, 4}));
  EXPECT_EQ(r.display.stride.formula(), "2x2");
  // Average: 3 adds + 1 divide = 4 per output.
  EXPECT_EQ(eval(r.forward.elementwise), 3 * 4 * 4 * 4);
}

TEST(Pooling, GoogLeNetCeilMode) {
  // GoogLeNet: MaxPool2d(3, stride=2, ceil_mode=True). PyTorch: out = ceil((in - 3)/2) + 1, minus one if the
  // last window would start at or past the input end.
  auto pool = [](sym::Int in) {
    return Call("maxpool2d")
        .tensor("x", shape({1, 64, in, in}))
        .integer("kernel", 3)
        .integer("stride", 2)
        .boolean("ceil_mode", true)
        .run();
  };
  EXPECT_EQ(pool(112).outputs[0].shape, shape({1, 64, 56, 56}));  // ceil(109/2) + 1 = 56
  EXPECT_EQ(pool(28).outputs[0].shape, shape({1, 64, 14, 14}));   // ceil(25/2) + 1 = 14
  EXPECT_EQ(pool(14).outputs[0].shape, shape({1, 64, 7, 7}));     // ceil(11/2) + 1 = 7
  // 56: ceil mode gives ceil(53/2) + 1 = 28 where floor mode gives 27.
  EXPECT_EQ(pool(56).outputs[0].shape, shape({1, 64, 28, 28}));
  EXPECT_EQ(eval(pool(56).forward.elementwise), 64 * 28 * 28 * 8);
}

TEST(Pooling, CeilModeDropsWindowStartingInPadding) {
  // L = 5, k = 2, s = 2, p = 1: ceil(5/2) + 1 = 4, but the 4th window would start at 6 >= L + p = 6.
  OpResult r = Call("maxpool1d")
                   .tensor("x", shape({1, 1, 5}))
                   .integer("kernel", 2)
                   .integer("stride", 2)
                   .integer("padding", 1)
                   .boolean("ceil_mode", true)
                   .run();
  EXPECT_EQ(r.outputs[0].shape, shape({1, 1, 3}));
}

TEST(Pooling, Maxpool1dDilation) {
  // Dilation 2 makes the 3-tap window span 5: floor((10 - 5)/1) + 1 = 6; still 2 comparisons per output.
  OpResult r = Call("maxpool1d")
                   .tensor("x", shape({2, 4, 10}))
                   .integer("kernel", 3)
                   .integer("stride", 1)
                   .integer("dilation", 2)
                   .run();
  EXPECT_EQ(r.outputs[0].shape, shape({2, 4, 6}));
  EXPECT_EQ(eval(r.forward.elementwise), 2 * 4 * 6 * 2);
  EXPECT_EQ(r.display.dilation.formula(), "2");
}

TEST(Pooling, Maxpool3dAnisotropic) {
  // I3D-style (1, 3, 3) / (1, 2, 2) pool with padding (0, 1, 1).
  OpResult r = Call("maxpool3d")
                   .tensor("x", shape({1, 64, 16, 56, 56}))
                   .ints("kernel", {1, 3, 3})
                   .ints("stride", {1, 2, 2})
                   .ints("padding", {0, 1, 1})
                   .run();
  EXPECT_EQ(r.outputs[0].shape, shape({1, 64, 16, 28, 28}));
  EXPECT_EQ(eval(r.forward.elementwise), 64 * 16 * 28 * 28 * 8);
  EXPECT_EQ(r.display.kernel.formula(), "1x3x3");
}

TEST(Pooling, Avgpool3dAndUnbatched) {
  OpResult r = Call("avgpool3d").tensor("x", shape({2, 8, 4, 4, 4})).integer("kernel", 2).run();
  EXPECT_EQ(r.outputs[0].shape, shape({2, 8, 2, 2, 2}));
  EXPECT_EQ(eval(r.forward.elementwise), 2 * 8 * 8 * 8);
  // PyTorch also accepts [C, H, W].
  OpResult u = Call("maxpool2d").tensor("x", shape({64, 112, 112})).integer("kernel", 2).run();
  EXPECT_EQ(u.outputs[0].shape, shape({64, 56, 56}));
  EXPECT_EQ(eval(u.forward.elementwise), 64 * 56 * 56 * 3);
}

TEST(Pooling, Errors) {
  FakeContext context;
  Call wide_pad = Call("maxpool2d");
  wide_pad.tensor("x", shape({1, 3, 8, 8})).integer("kernel", 3).integer("padding", 2);
  EXPECT_NE(error_of(wide_pad, context).find("half"), std::string::npos);

  Call rank = Call("maxpool2d");
  rank.tensor("x", shape({8, 8})).integer("kernel", 2);
  std::string message = error_of(rank, context);
  EXPECT_NE(message.find("rank"), std::string::npos) << message;

  Call too_big = Call("avgpool2d");
  too_big.tensor("x", shape({1, 3, 2, 2})).integer("kernel", 3);
  EXPECT_NE(error_of(too_big, context).find("does not fit"), std::string::npos);

  Call zero_stride = Call("avgpool1d");
  zero_stride.tensor("x", shape({1, 3, 8})).integer("kernel", 2).integer("stride", 0);
  EXPECT_NE(error_of(zero_stride, context).find("'stride'"), std::string::npos);
}

TEST(Pooling, AdaptiveDivisible) {
  // VGG's AdaptiveAvgPool2d((7, 7)) on 14x14: uniform 2x2 windows, every input read once.
  OpResult r = Call("adaptive_avgpool2d").tensor("x", shape({1, 512, 14, 14})).integer("output_size", 7).run();
  EXPECT_EQ(r.outputs[0].shape, shape({1, 512, 7, 7}));
  EXPECT_EQ(eval(r.forward.elementwise), 512 * 14 * 14);
  EXPECT_EQ(r.display.kernel.formula(), "2x2");

  OpResult m = Call("adaptive_maxpool2d").tensor("x", shape({1, 512, 14, 14})).integer("output_size", 7).run();
  EXPECT_EQ(eval(m.forward.elementwise), 512 * 49 * 3);
}

TEST(Pooling, AdaptiveSymbolicToOne) {
  FakeContext context;
  context.bindings.set("height", 7);
  context.bindings.set("width", 9);
  OpResult r = Call("adaptive_avgpool2d")
                   .tensor("x", shape({kBatch, 2048, kHeight, kWidth}))
                   .ints("output_size", {1, 1})
                   .run(context);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 2048, 1, 1}));
  EXPECT_EQ(r.forward.elementwise, kBatch * 2048 * kHeight * kWidth);
}

TEST(Pooling, AdaptiveOverlappingWindows) {
  // in 5 -> out 3: windows [0,2) [1,4) [3,5) of sizes 2, 3, 2 (sum 7) along each axis.
  OpResult avg = Call("adaptive_avgpool2d").tensor("x", shape({1, 2, 5, 5})).integer("output_size", 3).run();
  EXPECT_EQ(avg.outputs[0].shape, shape({1, 2, 3, 3}));
  EXPECT_EQ(eval(avg.forward.elementwise), 2 * 7 * 7);
  EXPECT_EQ(avg.display.kernel.formula(), "adaptive");
  OpResult max = Call("adaptive_maxpool2d").tensor("x", shape({1, 2, 5, 5})).integer("output_size", 3).run();
  EXPECT_EQ(eval(max.forward.elementwise), 2 * (7 * 7 - 9));

  // in 10 -> out 4: windows [0,3) [2,5) [5,8) [7,10), each of 3 (sum 12).
  OpResult one = Call("adaptive_avgpool1d").tensor("x", shape({2, 4, 10})).integer("output_size", 4).run();
  EXPECT_EQ(one.outputs[0].shape, shape({2, 4, 4}));
  EXPECT_EQ(eval(one.forward.elementwise), 8 * 12);
  OpResult one_max = Call("adaptive_maxpool1d").tensor("x", shape({2, 4, 10})).integer("output_size", 4).run();
  EXPECT_EQ(eval(one_max.forward.elementwise), 8 * (12 - 4));

  // Upsampling (out > in), in 2 -> out 3: windows [0,1) [0,2) [1,2), sum 4.
  OpResult up = Call("adaptive_avgpool3d").tensor("x", shape({1, 1, 2, 2, 2})).integer("output_size", 3).run();
  EXPECT_EQ(up.outputs[0].shape, shape({1, 1, 3, 3, 3}));
  EXPECT_EQ(eval(up.forward.elementwise), 4 * 4 * 4);
}

TEST(Pooling, AdaptiveSymbolicNonDivisible) {
  FakeContext context;
  context.bindings.set("height", 10);
  OpResult r = Call("adaptive_avgpool1d").tensor("x", shape({1, 1, kHeight})).integer("output_size", 4).run(context);
  // height + 4 - gcd(10, 4): exact at the bound value.
  EXPECT_EQ(r.forward.elementwise, kHeight + 2);
}

TEST(Pooling, Global) {
  OpResult avg = Call("global_avgpool").tensor("x", shape({kBatch, 2048, 7, 7})).run();
  EXPECT_EQ(avg.outputs[0].shape, shape({kBatch, 2048, 1, 1}));
  EXPECT_EQ(avg.forward.elementwise, kBatch * 2048 * 49);
  EXPECT_EQ(avg.display.kernel.formula(), "7x7");
  OpResult max = Call("global_maxpool").tensor("x", shape({kBatch, 2048, 7, 7})).run();
  EXPECT_EQ(max.forward.elementwise, kBatch * 2048 * 48);
  OpResult one_d = Call("global_avgpool").tensor("x", shape({2, 16, 100})).run();
  EXPECT_EQ(one_d.outputs[0].shape, shape({2, 16, 1}));
  OpResult three_d = Call("global_maxpool").tensor("x", shape({2, 16, 4, 5, 6})).run();
  EXPECT_EQ(three_d.outputs[0].shape, shape({2, 16, 1, 1, 1}));
  EXPECT_EQ(eval(three_d.forward.elementwise), 2 * 16 * 119);

  FakeContext context;
  Call flat = Call("global_avgpool");
  flat.tensor("x", shape({2, 16}));
  EXPECT_NE(error_of(flat, context).find("rank at least 3"), std::string::npos);
}

}  // namespace
}  // namespace nnscope::ops::testing
