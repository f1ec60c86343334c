#include "ops/op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");

TEST(Batchnorm, InferenceCostAndParameters) {
  OpResult r = Call("batchnorm").tensor("x", shape({kBatch, 64, 56, 56})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 64, 56, 56}));
  EXPECT_EQ(params(r), 128);  // nn.BatchNorm2d(64): weight and bias; running stats are buffers
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_EQ(r.forward.elementwise, 2 * kBatch * 64 * 56 * 56);
  EXPECT_TRUE(r.forward.activation.is_zero());
}

TEST(Batchnorm, AnyRankFromTwo) {
  OpResult r1 = Call("batchnorm").tensor("x", shape({8, 100})).run();  // BatchNorm1d on [N, C]
  EXPECT_EQ(params(r1), 200);
  EXPECT_EQ(eval(r1.forward.elementwise), 1600);
  OpResult r3 = Call("batchnorm").tensor("x", shape({2, 16, 4, 4, 4})).boolean("affine", false).run();
  EXPECT_EQ(params(r3), 0);
  EXPECT_EQ(eval(r3.forward.elementwise), 2 * 2 * 16 * 64);
  EXPECT_THROW(Call("batchnorm").tensor("x", shape({8})).run(), OpError);
  EXPECT_THROW(Call("batchnorm").tensor("x", shape({8, 4})).number("eps", -1).run(), OpError);
}

TEST(Layernorm, DefaultsToTheLastAxis) {
  OpResult r = Call("layernorm").tensor("x", shape({kBatch, kSeq, 768})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, kSeq, 768}));
  EXPECT_EQ(params(r), 2 * 768);  // nn.LayerNorm(768)
  EXPECT_EQ(r.weights[0].shape, shape({768}));
  Expr e = kBatch * kSeq * 768;
  Expr rows = kBatch * kSeq;
  // mean E, variance 3E, + eps R, normalise E, scale E, shift E; one rsqrt per row.
  EXPECT_EQ(r.forward.elementwise, 7 * e + rows);
  EXPECT_EQ(r.forward.activation, rows);
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
}

TEST(Layernorm, ConcreteCount) {
  OpResult r = Call("layernorm").tensor("x", shape({2, 3, 4})).run();
  // E = 24, R = 6, S = 4. Per row: mean 3 adds + 1 div; variance 4 sub + 4 sq + 3 adds + 1 div; + eps 1;
  // normalise 4; scale 4; shift 4 => 29 per row.
  EXPECT_EQ(eval(r.forward.elementwise), 6 * 29);
  EXPECT_EQ(eval(r.forward.activation), 6);
}

TEST(Layernorm, NormalizedShapeListAndInt) {
  OpResult r = Call("layernorm").tensor("x", shape({2, 3, 4, 8})).ints("normalized_shape", {4, 8}).run();
  EXPECT_EQ(params(r), 2 * 32);  // nn.LayerNorm([4, 8])
  EXPECT_EQ(r.weights[0].shape, shape({4, 8}));
  EXPECT_EQ(eval(r.forward.elementwise), 7 * 192 + 6);
  EXPECT_EQ(eval(r.forward.activation), 6);

  OpResult one = Call("layernorm").tensor("x", shape({2, 3, 8})).integer("normalized_shape", 8).run();
  EXPECT_EQ(one.weights[0].shape, shape({8}));
  EXPECT_EQ(eval(one.forward.activation), 6);
}

TEST(Layernorm, WithoutAffineOrBias) {
  OpResult plain = Call("layernorm").tensor("x", shape({2, 3, 4})).boolean("affine", false).run();
  EXPECT_EQ(params(plain), 0);
  EXPECT_EQ(eval(plain.forward.elementwise), 5 * 24 + 6);
  OpResult no_bias = Call("layernorm").tensor("x", shape({2, 3, 4})).boolean("bias", false).run();
  EXPECT_EQ(params(no_bias), 4);
  EXPECT_EQ(eval(no_bias.forward.elementwise), 6 * 24 + 6);
}

TEST(Layernorm, MismatchedNormalizedShape) {
  try {
    Call("layernorm").tensor("x", shape({2, 3, 4})).ints("normalized_shape", {3, 5}).run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "normalized_shape");
    EXPECT_NE(std::string(e.what()).find("[2, 3, 4]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Call("layernorm").tensor("x", shape({4})).ints("normalized_shape", {1, 4}).run(), OpError);
  EXPECT_THROW(Call("layernorm").tensor("x", shape({})).run(), OpError);
}

TEST(Groupnorm, ParametersAndRows) {
  OpResult r = Call("groupnorm").tensor("x", shape({2, 64, 8, 8})).integer("num_groups", 32).run();
  EXPECT_EQ(r.outputs[0].shape, shape({2, 64, 8, 8}));
  EXPECT_EQ(params(r), 128);  // nn.GroupNorm(32, 64)
  sym::Int e = 2 * 64 * 64;
  sym::Int rows = 2 * 32;
  EXPECT_EQ(eval(r.forward.elementwise), 7 * e + rows);
  EXPECT_EQ(eval(r.forward.activation), rows);

  OpResult symbolic = Call("groupnorm").tensor("x", shape({kBatch, 32, kSeq})).integer("num_groups", 8).run();
  EXPECT_EQ(symbolic.forward.activation, kBatch * 8);
}

TEST(Groupnorm, Errors) {
  try {
    Call("groupnorm").tensor("x", shape({2, 30, 8})).integer("num_groups", 4).run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "num_groups");
  }
  EXPECT_THROW(Call("groupnorm").tensor("x", shape({2})).integer("num_groups", 1).run(), OpError);
  EXPECT_THROW(Call("groupnorm").tensor("x", shape({2, 4})).integer("num_groups", 0).run(), OpError);
}

TEST(Instancenorm, DefaultHasNoParameters) {
  OpResult r = Call("instancenorm").tensor("x", shape({2, 64, 8, 8})).run();
  EXPECT_EQ(params(r), 0);  // nn.InstanceNorm2d(64) defaults to affine=False
  sym::Int e = 2 * 64 * 64;
  sym::Int rows = 2 * 64;
  EXPECT_EQ(eval(r.forward.elementwise), 5 * e + rows);
  EXPECT_EQ(eval(r.forward.activation), rows);

  OpResult affine = Call("instancenorm").tensor("x", shape({2, 64, 8, 8})).boolean("affine", true).run();
  EXPECT_EQ(params(affine), 128);
  EXPECT_EQ(eval(affine.forward.elementwise), 7 * e + rows);
  EXPECT_THROW(Call("instancenorm").tensor("x", shape({2, 64})).run(), OpError);
}

TEST(Rmsnorm, WeightOnly) {
  OpResult r = Call("rmsnorm").tensor("x", shape({kBatch, kSeq, 4096})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, kSeq, 4096}));
  EXPECT_EQ(params(r), 4096);  // Llama's RMSNorm: weight only
  ASSERT_EQ(r.weights.size(), 1u);
  EXPECT_EQ(r.weights[0].name, "weight");
  Expr e = kBatch * kSeq * 4096;
  Expr rows = kBatch * kSeq;
  // square E, sum and divide E, + eps R, multiply by rsqrt E, by weight E.
  EXPECT_EQ(r.forward.elementwise, 4 * e + rows);
  EXPECT_EQ(r.forward.activation, rows);

  OpResult concrete = Call("rmsnorm").tensor("x", shape({3, 4})).boolean("affine", false).run();
  // Per row of 4: 4 squares + 3 adds + 1 div + 1 eps + 4 multiplies = 13.
  EXPECT_EQ(eval(concrete.forward.elementwise), 3 * 13);
  EXPECT_EQ(params(concrete), 0);
  EXPECT_THROW(Call("rmsnorm").tensor("x", shape({3, 4})).ints("normalized_shape", {5}).run(), OpError);
}

}  // namespace
}  // namespace nnscope::ops::testing
