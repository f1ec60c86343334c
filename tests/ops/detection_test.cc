#include "ops/op_test_util.h"

namespace nnscope::ops::testing {
namespace {

using sym::Int;

const Expr kBatch = Expr::symbol("batch");
const Expr kBoxes = Expr::symbol("proposals");

TEST(DetectionOps, L2NormSsd) {
  // SSD's conv4_3 normalisation: [1, 512, 38, 38], one learned scale per channel.
  OpResult r = Call("l2norm").tensor("x", shape({1, 512, 38, 38})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({1, 512, 38, 38}));
  EXPECT_EQ(params(r), 512);
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  Int e = 512 * 38 * 38, rows = 38 * 38;
  // squares E, sums rows·(C - 1), clamps rows, divides E, scales E; one sqrt per row.
  EXPECT_EQ(eval(r.forward.elementwise), e + rows * 511 + rows + e + e);
  EXPECT_EQ(eval(r.forward.activation), rows);
  OpResult plain = Call("l2norm").tensor("x", shape({2, 8, 3})).boolean("affine", false).run();
  EXPECT_EQ(params(plain), 0);
  EXPECT_EQ(eval(plain.forward.elementwise), 48 + 6 * 7 + 6 + 48);
}

TEST(DetectionOps, SharedConvOverPyramid) {
  // The RPN head's 3x3 convolution over 200x336, 100x168, 50x84: one weight, MACs summed over the levels.
  OpResult r = Call("shared_conv2d")
                   .tensors("inputs", {shape({1, 256, 200, 336}), shape({1, 256, 100, 168}), shape({1, 256, 50, 84})})
                   .integer("out_channels", 256)
                   .integer("kernel", 3)
                   .integer("padding", 1)
                   .run();
  ASSERT_EQ(r.outputs.size(), 3u);
  EXPECT_EQ(r.outputs[1].shape, shape({1, 256, 100, 168}));
  EXPECT_EQ(params(r), 256 * 256 * 9 + 256);
  Int positions = 200 * 336 + 100 * 168 + 50 * 84;
  EXPECT_EQ(eval(r.forward.gemm_macs), positions * 256 * 256 * 9);
  EXPECT_EQ(eval(r.forward.elementwise), positions * 256);
  EXPECT_THROW(Call("shared_conv2d")
                   .tensors("inputs", {shape({1, 256, 8, 8}), shape({1, 128, 4, 4})})
                   .integer("out_channels", 3)
                   .integer("kernel", 1)
                   .run(),
               OpError);
}

TEST(DetectionOps, RoiAlignCountsFromTheBoxCount) {
  FakeContext context;
  context.bindings.set("batch", 2);
  context.bindings.set("proposals", 1000);
  OpResult r = Call("roi_align")
                   .tensors("features", {shape({kBatch, 256, 200, 336}), shape({kBatch, 256, 100, 168})})
                   .tensor("boxes", shape({kBatch, kBoxes, 4}))
                   .integer("output_size", 7)
                   .integer("sampling_ratio", 2)
                   .run(context);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch * kBoxes, 256, 7, 7}));
  EXPECT_TRUE(r.costed);
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_EQ(params(r), 0);
  // 4 samples per bin, 8 ops each (7 for the bilinear read, 1 for the average); the level mapper per box.
  EXPECT_EQ(r.forward.elementwise, kBatch * kBoxes * 256 * 49 * 32 + kBatch * kBoxes * 7);
  EXPECT_EQ(r.forward.activation, kBatch * kBoxes * 2);
  // One level: no level mapping.
  OpResult one = Call("roi_align")
                     .tensors("features", {shape({1, 64, 32, 32})})
                     .tensor("boxes", shape({1, 10, 4}))
                     .ints("output_size", {14, 14})
                     .integer("sampling_ratio", 1)
                     .run();
  EXPECT_EQ(eval(one.forward.elementwise), 10 * 64 * 196 * 8);
  EXPECT_TRUE(one.forward.activation.is_zero());
  // Adaptive sampling depends on the boxes: not costed.
  OpResult adaptive = Call("roi_align")
                          .tensors("features", {shape({1, 64, 32, 32})})
                          .tensor("boxes", shape({1, 10, 4}))
                          .integer("output_size", 7)
                          .integer("sampling_ratio", 0)
                          .run();
  EXPECT_FALSE(adaptive.costed);
  EXPECT_EQ(adaptive.outputs[0].shape, shape({10, 64, 7, 7}));
  EXPECT_THROW(Call("roi_align")
                   .tensors("features", {shape({1, 64, 32, 32})})
                   .tensor("boxes", shape({1, 10, 5}))
                   .integer("output_size", 7)
                   .run(),
               OpError);
  EXPECT_THROW(Call("roi_align")
                   .tensors("features", {shape({1, 64, 32, 32}), shape({1, 32, 16, 16})})
                   .tensor("boxes", shape({1, 10, 4}))
                   .integer("output_size", 7)
                   .run(),
               OpError);
}

TEST(DetectionOps, BoxDecode) {
  OpResult r = Call("box_decode").tensor("deltas", shape({kBatch, 8732, 4})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 8732, 4}));
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_EQ(r.forward.elementwise, kBatch * 8732 * 24);
  EXPECT_EQ(r.forward.activation, kBatch * 8732 * 2);
  EXPECT_THROW(Call("box_decode").tensor("deltas", shape({2, 5})).run(), OpError);
}

TEST(DetectionOps, NmsIsNotCosted) {
  FakeContext context;
  context.bindings.set("batch", 1);
  OpResult r = Call("nms")
                   .tensor("boxes", shape({kBatch, 1000, 4}))
                   .tensor("scores", shape({kBatch, 1000}))
                   .integer("max_output", 100)
                   .run(context);
  EXPECT_FALSE(r.costed);
  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 100, 4}));
  EXPECT_EQ(r.outputs[1].shape, shape({kBatch, 100}));
  EXPECT_THROW(
      Call("nms").tensor("boxes", shape({1, 50, 4})).tensor("scores", shape({1, 50})).integer("max_output", 100).run(),
      OpError);
  EXPECT_THROW(
      Call("nms").tensor("boxes", shape({1, 50, 4})).tensor("scores", shape({1, 40})).integer("max_output", 10).run(),
      OpError);
}

}  // namespace
}  // namespace nnscope::ops::testing
