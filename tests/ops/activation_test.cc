#include "ops/op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");

TEST(Activation, EveryFunctionIsOneActivationOpPerElement) {
  for (const char* name : {"relu", "relu6", "leaky_relu", "prelu", "elu", "gelu", "silu", "sigmoid", "tanh",
                           "hardswish", "hardsigmoid", "softplus", "mish", "exp", "log", "sqrt", "rsqrt", "erf"}) {
    SCOPED_TRACE(name);
    OpResult r = Call(name).tensor("x", shape({kBatch, 64, 7, 7}), DType::kBF16).run();
    ASSERT_EQ(r.outputs.size(), 1u);
    EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 64, 7, 7}));
    EXPECT_EQ(r.outputs[0].dtype, DType::kBF16);
    // Every element, not one dimension (the seed tool's sigmoid fault).
    EXPECT_EQ(r.forward.activation, kBatch * 64 * 49);
    EXPECT_TRUE(r.forward.elementwise.is_zero());
    EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  }
}

TEST(Activation, OnlyPreluHasParameters) {
  for (const char* name : {"relu", "relu6", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "hardswish",
                           "hardsigmoid", "softplus", "mish"}) {
    EXPECT_EQ(params(Call(name).tensor("x", shape({2, 3})).run()), 0) << name;
  }
  EXPECT_EQ(params(Call("prelu").tensor("x", shape({2, 3})).run()), 1);  // nn.PReLU()
}

TEST(Activation, ArgumentsAreAccepted) {
  EXPECT_EQ(eval(Call("leaky_relu").tensor("x", shape({10})).number("negative_slope", 0.2).run().forward.activation),
            10);
  EXPECT_EQ(eval(Call("elu").tensor("x", shape({10})).number("alpha", 0.5).run().forward.activation), 10);
  EXPECT_EQ(eval(Call("gelu").tensor("x", shape({10})).string("approximate", "tanh").run().forward.activation), 10);
  EXPECT_EQ(
      eval(
          Call("softplus").tensor("x", shape({10})).number("beta", 2).number("threshold", 10).run().forward.activation),
      10);
}

TEST(Activation, BadArguments) {
  try {
    Call("gelu").tensor("x", shape({10})).string("approximate", "fast").run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "approximate");
  }
  EXPECT_THROW(Call("softplus").tensor("x", shape({10})).number("beta", 0).run(), OpError);
}

TEST(Prelu, PerChannelSlopes) {
  OpResult r = Call("prelu").tensor("x", shape({kBatch, 64, 8, 8})).integer("num_parameters", 64).run();
  EXPECT_EQ(params(r), 64);  // nn.PReLU(64)
  EXPECT_EQ(r.weights[0].shape, shape({64}));
  EXPECT_EQ(r.forward.activation, kBatch * 64 * 64);
  try {
    Call("prelu").tensor("x", shape({2, 64, 8, 8})).integer("num_parameters", 32).run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "num_parameters");
  }
  EXPECT_THROW(Call("prelu").tensor("x", shape({64})).integer("num_parameters", 64).run(), OpError);
}

TEST(Softmax, LastAxis) {
  OpResult r = Call("softmax").tensor("x", shape({2, 3, 4})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({2, 3, 4}));
  // 6 rows of 4: max 3 + subtract 4 + sum 3 + divide 4 = 14 per row; one exp per element.
  EXPECT_EQ(eval(r.forward.elementwise), 6 * 14);
  EXPECT_EQ(eval(r.forward.activation), 24);
  EXPECT_TRUE(r.weights.empty());
}

TEST(Softmax, OtherAxis) {
  OpResult r = Call("softmax").tensor("x", shape({2, 3, 4})).integer("axis", 1).run();
  // 8 rows of 3: 2 + 3 + 2 + 3 = 10 per row.
  EXPECT_EQ(eval(r.forward.elementwise), 8 * 10);
  EXPECT_EQ(eval(r.forward.activation), 24);
}

TEST(Softmax, AttentionScoresSymbolic) {
  OpResult r = Call("softmax").tensor("x", shape({kBatch, 16, kSeq, kSeq})).run();
  Expr e = kBatch * 16 * kSeq * kSeq;
  Expr rows = kBatch * 16 * kSeq;
  EXPECT_EQ(r.forward.elementwise, 4 * e - 2 * rows);
  EXPECT_EQ(r.forward.activation, e);
}

TEST(LogSoftmax, OneLogPerRow) {
  OpResult r = Call("log_softmax").tensor("x", shape({2, 3, 4})).run();
  // max 3 + subtract 4 + sum 3 + subtract the log-sum 4 = 14 per row; exp per element, log per row.
  EXPECT_EQ(eval(r.forward.elementwise), 6 * 14);
  EXPECT_EQ(eval(r.forward.activation), 24 + 6);
}

TEST(Softmax, AxisOutOfRange) {
  try {
    Call("softmax").tensor("x", shape({2, 3})).integer("axis", 2).run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "axis");
  }
  EXPECT_THROW(Call("log_softmax").tensor("x", shape({2, 3})).integer("axis", -3).run(), OpError);
  EXPECT_THROW(Call("softmax").tensor("x", shape({})).run(), OpError);
}

TEST(Dice, BatchStatisticsAndAlphaPerFeature) {
  // DIN's attention MLP: [batch, 36] features through Dice.
  OpResult r = Call("dice").tensor("x", shape({4, 36})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({4, 36}));
  EXPECT_EQ(params(r), 36);
  EXPECT_EQ(r.weights[0].name, "alpha");
  sym::Int e = 4 * 36;
  // mean E, centre E, variance 2E, + eps per feature, normalise E, p·s + (1 - p)·alpha·s 5E.
  EXPECT_EQ(eval(r.forward.elementwise), 10 * e + 36);
  EXPECT_EQ(eval(r.forward.activation), e + 36);  // sigmoid per element, rsqrt per feature

  OpResult sym = Call("dice").tensor("x", shape({kBatch, kSeq, 80})).run();
  EXPECT_EQ(sym.forward.activation, kBatch * kSeq * 80 + 80);
  OpResult axis1 = Call("dice").tensor("x", shape({4, 36, 5})).integer("axis", 1).run();
  EXPECT_EQ(params(axis1), 36);
  EXPECT_THROW(Call("dice").tensor("x", shape({36})).run(), OpError);
}

}  // namespace
}  // namespace nnscope::ops::testing
