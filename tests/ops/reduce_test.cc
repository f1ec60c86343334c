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

}  // namespace
}  // namespace nnscope::ops::testing
