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

TEST(WindowScores, BandOfAtMostWindowKeys) {
  // q [b, 8, s, 64] against k^T [b, 8, 64, s] with a window of 4096: each of the s queries meets min(4096, s) keys.
  OpResult r = Call("window_scores")
                   .tensor("q", shape({kBatch, 8, kSeq, 64}))
                   .tensor("k", shape({kBatch, 8, 64, kSeq}))
                   .integer("window", 4096)
                   .run();
  Expr band = Expr::min(4096, kSeq);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 8, kSeq, band}));
  EXPECT_EQ(r.forward.gemm_macs, kBatch * 8 * kSeq * band * 64);
  sym::Bindings long_sequence, short_sequence;
  long_sequence.set("batch", 1);
  long_sequence.set("seq", 8192);
  short_sequence.set("batch", 1);
  short_sequence.set("seq", 100);
  EXPECT_EQ(eval(r.forward.gemm_macs, long_sequence), sym::Int(8) * 8192 * 4096 * 64);
  EXPECT_EQ(eval(r.forward.gemm_macs, short_sequence), sym::Int(8) * 100 * 100 * 64);
  // Backward: dq and dk each a product of the forward's size.
  ASSERT_EQ(r.backward.input.size(), 2u);
  EXPECT_EQ(r.backward.input[0].gemm_macs, r.forward.gemm_macs);
  EXPECT_EQ(r.backward.input[1].gemm_macs, r.forward.gemm_macs);
}

TEST(WindowScores, BroadcastsGroupedQueryHeads) {
  // Grouped-query layout: q [1, 2 kv heads, 4 per group, 10, 16], k [1, 2, 1, 16, 10], window 3.
  OpResult r = Call("window_scores")
                   .tensor("q", shape({1, 2, 4, 10, 16}))
                   .tensor("k", shape({1, 2, 1, 16, 10}))
                   .integer("window", 3)
                   .run();
  EXPECT_EQ(r.outputs[0].shape, shape({1, 2, 4, 10, 3}));
  EXPECT_EQ(eval(r.forward.gemm_macs), 2 * 4 * 10 * 3 * 16);
}

TEST(WindowScores, Errors) {
  auto call = [](Shape q, Shape k, Expr window) {
    return Call("window_scores").tensor("q", std::move(q)).tensor("k", std::move(k)).integer("window", window).run();
  };
  EXPECT_THROW(call(shape({2, 10, 16}), shape({2, 8, 10}), 4), OpError);  // inner 16 vs 8
  EXPECT_THROW(call(shape({16}), shape({16, 10}), 4), OpError);           // rank 1
  try {
    call(shape({2, 10, 16}), shape({2, 16, 10}), 0);
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "window");
  }
}

TEST(WindowContext, BandTimesValues) {
  OpResult r = Call("window_context")
                   .tensor("probs", shape({kBatch, 8, kSeq, Expr::min(4096, kSeq)}))
                   .tensor("v", shape({kBatch, 8, kSeq, 64}))
                   .integer("window", 4096)
                   .run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 8, kSeq, 64}));
  EXPECT_EQ(r.forward.gemm_macs, kBatch * 8 * kSeq * Expr::min(4096, kSeq) * 64);
  EXPECT_EQ(r.backward.input.size(), 2u);
  // A band that does not match the window over v's keys: 5 keys per query, but window 3 over 10 values selects 3.
  try {
    Call("window_context")
        .tensor("probs", shape({2, 10, 5}))
        .tensor("v", shape({2, 10, 16}))
        .integer("window", 3)
        .run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "probs");
    EXPECT_NE(std::string(e.what()).find("selects 3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nnscope::ops::testing
