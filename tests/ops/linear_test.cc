#include "ops/op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");

TEST(Linear, SymbolicShapeAndCounts) {
  OpResult r = Call("linear").tensor("x", shape({kBatch, kSeq, 768})).integer("out_features", 3072).run();
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, kSeq, 3072}));
  EXPECT_EQ(params(r), 768 * 3072 + 3072);  // nn.Linear(768, 3072)
  EXPECT_EQ(r.forward.gemm_macs, kBatch * kSeq * 768 * 3072);
  EXPECT_EQ(r.forward.elementwise, kBatch * kSeq * 3072);  // the bias add
  EXPECT_TRUE(r.forward.activation.is_zero());
  ASSERT_EQ(r.weights.size(), 2u);
  EXPECT_EQ(r.weights[0].name, "weight");
  EXPECT_EQ(r.weights[0].shape, shape({3072, 768}));
}

TEST(Linear, WithoutBiasHasNoElementwiseWork) {
  OpResult r = Call("linear").tensor("x", shape({4, 512})).integer("out_features", 10).boolean("bias", false).run();
  EXPECT_EQ(r.outputs[0].shape, shape({4, 10}));
  EXPECT_EQ(params(r), 5120);
  EXPECT_EQ(eval(r.forward.gemm_macs), 4 * 512 * 10);
  EXPECT_TRUE(r.forward.elementwise.is_zero());
}

TEST(Linear, OneDimensionalInput) {
  OpResult r = Call("linear").tensor("x", shape({20})).integer("out_features", 30).run();
  EXPECT_EQ(r.outputs[0].shape, shape({30}));
  EXPECT_EQ(eval(r.forward.gemm_macs), 600);
}

TEST(Linear, KeepsTheInputDtype) {
  OpResult r = Call("linear").tensor("x", shape({2, 8}), DType::kF16).integer("out_features", 4).run();
  EXPECT_EQ(r.outputs[0].dtype, DType::kF16);
}

TEST(Linear, Errors) {
  EXPECT_THROW(Call("linear").tensor("x", shape({})).integer("out_features", 4).run(), OpError);
  try {
    Call("linear").tensor("x", shape({2, 8})).integer("out_features", 0).run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "out_features");
  }
}

TEST(Matmul, TwoMatrices) {
  OpResult r = Call("matmul").tensor("a", shape({3, 4})).tensor("b", shape({4, 5})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({3, 5}));
  EXPECT_EQ(eval(r.forward.gemm_macs), 3 * 4 * 5);
  EXPECT_TRUE(r.weights.empty());
  EXPECT_TRUE(r.forward.elementwise.is_zero());
}

TEST(Matmul, AttentionScoresAreSymbolic) {
  // q [b, 16, s, 64] @ k^T [b, 16, 64, s] -> [b, 16, s, s], b·16·s·s·64 MACs.
  OpResult r =
      Call("matmul").tensor("a", shape({kBatch, 16, kSeq, 64})).tensor("b", shape({kBatch, 16, 64, kSeq})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 16, kSeq, kSeq}));
  EXPECT_EQ(r.forward.gemm_macs, kBatch * 16 * kSeq * kSeq * 64);
}

TEST(Matmul, OneDimensionalOperands) {
  // torch.matmul: vector·vector is a scalar; matrix·vector drops N; vector·matrix drops M.
  OpResult dot = Call("matmul").tensor("a", shape({7})).tensor("b", shape({7})).run();
  EXPECT_EQ(dot.outputs[0].shape, shape({}));
  EXPECT_EQ(eval(dot.forward.gemm_macs), 7);

  OpResult mv = Call("matmul").tensor("a", shape({3, 7})).tensor("b", shape({7})).run();
  EXPECT_EQ(mv.outputs[0].shape, shape({3}));
  EXPECT_EQ(eval(mv.forward.gemm_macs), 21);

  OpResult vm = Call("matmul").tensor("a", shape({7})).tensor("b", shape({7, 5})).run();
  EXPECT_EQ(vm.outputs[0].shape, shape({5}));
  EXPECT_EQ(eval(vm.forward.gemm_macs), 35);

  // A vector against a batch of matrices: [K] @ [B, K, N] -> [B, N].
  OpResult vbm = Call("matmul").tensor("a", shape({7})).tensor("b", shape({10, 7, 5})).run();
  EXPECT_EQ(vbm.outputs[0].shape, shape({10, 5}));
  EXPECT_EQ(eval(vbm.forward.gemm_macs), 10 * 7 * 5);

  // A batch of matrices against a vector: [B, M, K] @ [K] -> [B, M].
  OpResult bmv = Call("matmul").tensor("a", shape({10, 3, 7})).tensor("b", shape({7})).run();
  EXPECT_EQ(bmv.outputs[0].shape, shape({10, 3}));
  EXPECT_EQ(eval(bmv.forward.gemm_macs), 10 * 3 * 7);
}

TEST(Matmul, BroadcastsBatchDimensions) {
  // [j, 1, n, m] @ [k, m, p] -> [j, k, n, p] (PyTorch's documented example).
  OpResult r = Call("matmul").tensor("a", shape({10, 1, 3, 4})).tensor("b", shape({6, 4, 5})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({10, 6, 3, 5}));
  EXPECT_EQ(eval(r.forward.gemm_macs), 10 * 6 * 3 * 5 * 4);

  // A plain matrix broadcasts against a batch.
  OpResult r2 = Call("matmul").tensor("a", shape({kBatch, kSeq, 768})).tensor("b", shape({768, 64})).run();
  EXPECT_EQ(r2.outputs[0].shape, shape({kBatch, kSeq, 64}));
  EXPECT_EQ(r2.forward.gemm_macs, kBatch * kSeq * 768 * 64);
}

TEST(Matmul, InnerMismatchNamesBothShapesAndAxes) {
  try {
    Call("matmul").tensor("a", shape({2, 3, 4})).tensor("b", shape({5, 6})).run();
    FAIL();
  } catch (const OpError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("[2, 3, 4]"), std::string::npos) << m;
    EXPECT_NE(m.find("[5, 6]"), std::string::npos) << m;
    EXPECT_NE(m.find("axis 2"), std::string::npos) << m;
    EXPECT_NE(m.find("axis 0"), std::string::npos) << m;
  }
}

TEST(Matmul, BatchMismatchNamesBothShapes) {
  try {
    Call("matmul").tensor("a", shape({2, 3, 4})).tensor("b", shape({3, 4, 5})).run();
    FAIL();
  } catch (const OpError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("[2, 3, 4]"), std::string::npos) << m;
    EXPECT_NE(m.find("[3, 4, 5]"), std::string::npos) << m;
  }
}

TEST(Matmul, SymbolicInnerDimensionsCompareAtBoundValues) {
  FakeContext context;
  context.bindings.set("seq", 128);
  OpResult r = Call("matmul").tensor("a", shape({4, kSeq})).tensor("b", shape({128, 2})).run(context);
  EXPECT_EQ(r.outputs[0].shape, shape({4, 2}));
  EXPECT_THROW(Call("matmul").tensor("a", shape({4, kSeq})).tensor("b", shape({64, 2})).run(context), OpError);
}

TEST(Matmul, RejectsScalars) {
  EXPECT_THROW(Call("matmul").tensor("a", shape({})).tensor("b", shape({3})).run(), OpError);
}

TEST(Bmm, StrictThreeDimensional) {
  OpResult r = Call("bmm").tensor("a", shape({kBatch, 3, 4})).tensor("b", shape({kBatch, 4, 5})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 3, 5}));
  EXPECT_EQ(r.forward.gemm_macs, kBatch * 60);
  EXPECT_THROW(Call("bmm").tensor("a", shape({3, 4})).tensor("b", shape({4, 5})).run(), OpError);
  EXPECT_THROW(Call("bmm").tensor("a", shape({2, 3, 4})).tensor("b", shape({1, 4, 5})).run(), OpError);
  EXPECT_THROW(Call("bmm").tensor("a", shape({2, 3, 4})).tensor("b", shape({2, 5, 5})).run(), OpError);
}

}  // namespace
}  // namespace nnscope::ops::testing
