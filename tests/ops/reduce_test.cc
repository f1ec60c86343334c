#include "op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");

TEST(Reduce, SumOneAxis) {
  // [batch, seq, 768] summed over seq: each of batch·768 outputs adds seq elements with seq - 1 adds.
  OpResult r = Call("reduce_sum").tensor("x", shape({kBatch, kSeq, 768})).integer("axis", 1).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 768}));
  EXPECT_EQ(r.forward.elementwise, kBatch * 768 * (kSeq - 1));
  EXPECT_TRUE(r.forward.activation.is_zero());
  EXPECT_TRUE(r.weights.empty());
}

TEST(Reduce, MeanAddsOneDividePerOutput) {
  OpResult r = Call("reduce_mean").tensor("x", shape({kBatch, kSeq, 768})).integer("axis", -2).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 768}));
  EXPECT_EQ(r.forward.elementwise, kBatch * 768 * kSeq);
}

TEST(Reduce, KeepdimAndSeveralAxes) {
  // Squeeze-and-excitation style mean over H and W, keeping them.
  OpResult r =
      Call("reduce_mean").tensor("x", shape({2, 64, 7, 7})).ints("axis", {2, 3}).boolean("keepdim", true).run();
  EXPECT_EQ(r.outputs[0].shape, shape({2, 64, 1, 1}));
  EXPECT_EQ(eval(r.forward.elementwise), 2 * 64 * 49);

  OpResult m = Call("reduce_max").tensor("x", shape({2, 64, 7, 7})).ints("axis", {-1, 1}).run();
  EXPECT_EQ(m.outputs[0].shape, shape({2, 7}));
  EXPECT_EQ(eval(m.forward.elementwise), 2 * 7 * (64 * 7 - 1));
}

TEST(Reduce, MinAndAllAxes) {
  OpResult r = Call("reduce_min").tensor("x", shape({3, 4})).run();
  EXPECT_EQ(r.outputs[0].shape, Shape{});
  EXPECT_EQ(eval(r.forward.elementwise), 11);
  OpResult k = Call("reduce_sum").tensor("x", shape({3, 4})).boolean("keepdim", true).run();
  EXPECT_EQ(k.outputs[0].shape, shape({1, 1}));
  EXPECT_EQ(eval(k.forward.elementwise), 11);
}

TEST(Reduce, Errors) {
  FakeContext context;
  Call out_of_range = Call("reduce_sum");
  out_of_range.tensor("x", shape({3, 4})).integer("axis", 2);
  EXPECT_NE(error_of(out_of_range, context).find("out of range"), std::string::npos);
  Call twice = Call("reduce_mean");
  twice.tensor("x", shape({3, 4})).ints("axis", {1, -1});
  EXPECT_NE(error_of(twice, context).find("more than once"), std::string::npos);
}

TEST(TopK, ValuesAndIndicesWithSelectionWork) {
  // Top 2 of 8 router scores for each of batch·seq tokens: the first pass compares 7 pairs, the second 6.
  OpResult r = Call("topk").tensor("x", shape({kBatch, kSeq, 8})).integer("k", 2).run();
  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, kSeq, 2}));
  EXPECT_EQ(r.outputs[0].dtype, DType::kF32);
  EXPECT_EQ(r.outputs[1].shape, shape({kBatch, kSeq, 2}));
  EXPECT_EQ(r.outputs[1].dtype, DType::kI64);
  EXPECT_EQ(r.forward.activation, kBatch * kSeq * (7 + 6));
  EXPECT_TRUE(r.forward.elementwise.is_zero());
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  // Backward scatters 2 gradients per token and keeps the int64 indices.
  EXPECT_EQ(r.backward.input[0].elementwise, kBatch * kSeq * 2);
  EXPECT_EQ(r.backward.saved_bytes, kBatch * kSeq * 2 * 8);
}

TEST(TopK, OtherAxisAndWholeRow) {
  // k = n selects (sorts) the whole row: 3 + 2 + 1 + 0 comparisons for 4 elements.
  OpResult r = Call("topk").tensor("x", shape({5, 4, 3})).integer("k", 4).integer("axis", 1).run();
  EXPECT_EQ(r.outputs[0].shape, shape({5, 4, 3}));
  EXPECT_EQ(eval(r.forward.activation), 15 * (3 + 2 + 1));
  // DeepSeek-V3: top 8 of 256 experts: 255 + 254 + ... + 248 per token.
  OpResult d = Call("topk").tensor("x", shape({10, 256})).integer("k", 8).run();
  EXPECT_EQ(eval(d.forward.activation), 10 * (255 + 254 + 253 + 252 + 251 + 250 + 249 + 248));
}

TEST(TopK, Errors) {
  FakeContext context;
  EXPECT_NE(error_of(Call("topk").tensor("x", shape({2, 8})).integer("k", 9), context).find("larger than"),
            std::string::npos);
  EXPECT_NE(error_of(Call("topk").tensor("x", shape({2, 8})).integer("k", 0), context).find("at least 1"),
            std::string::npos);
  EXPECT_NE(error_of(Call("topk").tensor("x", shape({2, 8})).integer("k", 1).integer("axis", 2), context)
                .find("out of range"),
            std::string::npos);
}

}  // namespace
}  // namespace nnscope::ops::testing
