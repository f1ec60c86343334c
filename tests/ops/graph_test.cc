#include "ops/op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kNodes = Expr::symbol("nodes");
const Expr kEdges = Expr::symbol("edges");

FakeContext cora() {
  FakeContext context;
  context.bindings.set("nodes", 2708);
  context.bindings.set("edges", 10556);
  return context;
}

TEST(GatherRows, PicksOneRowPerEdgeAsBytesOnly) {
  FakeContext context = cora();
  OpResult r =
      Call("gather_rows").tensor("x", shape({kNodes, 16})).tensor("index", shape({kEdges}), DType::kI64).run(context);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].shape, shape({kEdges, 16}));
  EXPECT_EQ(r.outputs[0].dtype, DType::kF32);
  EXPECT_TRUE(r.weights.empty());
  // A gather: no arithmetic, edges·16 elements read by index.
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_TRUE(r.forward.elementwise.is_zero());
  EXPECT_TRUE(r.forward.activation.is_zero());
  EXPECT_EQ(r.gathered_elements, kEdges * 16);
  // Backward: a scatter-add of the output gradient into x, one add per gathered element; the index is kept.
  ASSERT_EQ(r.backward.input.size(), 2u);
  EXPECT_EQ(r.backward.input[0].elementwise, kEdges * 16);
  EXPECT_TRUE(r.backward.input[0].gemm_macs.is_zero());
  EXPECT_EQ(r.backward.saves_input, (std::vector<bool>{false, true}));
}

TEST(GatherRows, KeepsTrailingAxes) {
  // GAT's per-head features [nodes, heads, out].
  OpResult r = Call("gather_rows").tensor("x", shape({5, 8, 4})).tensor("index", shape({12}), DType::kI32).run();
  EXPECT_EQ(r.outputs[0].shape, shape({12, 8, 4}));
  EXPECT_EQ(eval(r.gathered_elements), 12 * 8 * 4);
}

TEST(GatherRows, RejectsFloatingOrMatrixIndex) {
  try {
    Call("gather_rows").tensor("x", shape({5, 4})).tensor("index", shape({7}), DType::kF32).run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "index");
  }
  EXPECT_THROW(Call("gather_rows").tensor("x", shape({5, 4})).tensor("index", shape({7, 2}), DType::kI64).run(),
               OpError);
}

OpResult scatter(const std::string& reduce, FakeContext& context) {
  return Call("scatter")
      .tensor("src", shape({kEdges, 16}))
      .tensor("index", shape({kEdges}), DType::kI64)
      .integer("nodes", kNodes)
      .string("reduce", reduce)
      .run(context);
}

TEST(Scatter, SumMeanMaxClosedForms) {
  FakeContext context = cora();
  OpResult sum = scatter("sum", context);
  EXPECT_EQ(sum.outputs[0].shape, shape({kNodes, 16}));
  EXPECT_TRUE(sum.forward.gemm_macs.is_zero());
  // One add per scattered element.
  EXPECT_EQ(eval(sum.forward.elementwise, context.bindings), 10556 * 16);
  EXPECT_EQ(eval(sum.gathered_elements, context.bindings), 10556 * 16);
  // Backward of a sum: a gather of the output gradient, no arithmetic.
  EXPECT_TRUE(sum.backward.input[0].elementwise.is_zero());

  OpResult mean = scatter("mean", context);
  // The adds, then one divide per output element.
  EXPECT_EQ(eval(mean.forward.elementwise, context.bindings), 10556 * 16 + 2708 * 16);
  EXPECT_EQ(eval(mean.backward.input[0].elementwise, context.bindings), 2708 * 16);

  OpResult max = scatter("max", context);
  EXPECT_EQ(eval(max.forward.elementwise, context.bindings), 10556 * 16);
  EXPECT_TRUE(max.backward.input[0].elementwise.is_zero());
  // The winning edge of every output element, as int64.
  EXPECT_EQ(eval(max.backward.saved_bytes, context.bindings), 2708 * 16 * 8);

  EXPECT_THROW(scatter("median", context), OpError);
}

TEST(Scatter, DefaultIsSumAndIndexMustMatchEdges) {
  OpResult r =
      Call("scatter").tensor("src", shape({6, 3})).tensor("index", shape({6}), DType::kI64).integer("nodes", 4).run();
  EXPECT_EQ(r.outputs[0].shape, shape({4, 3}));
  EXPECT_EQ(eval(r.forward.elementwise), 6 * 3);
  try {
    Call("scatter").tensor("src", shape({6, 3})).tensor("index", shape({5}), DType::kI64).integer("nodes", 4).run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "index");
  }
  EXPECT_THROW(
      Call("scatter").tensor("src", shape({6, 3})).tensor("index", shape({6}), DType::kI64).integer("nodes", 0).run(),
      OpError);
}

TEST(EdgeSoftmax, CountsLikeSoftmaxOverEachDestination) {
  FakeContext context = cora();
  OpResult r = Call("edge_softmax")
                   .tensor("scores", shape({kEdges, 8}))
                   .tensor("index", shape({kEdges}), DType::kI64)
                   .integer("nodes", kNodes)
                   .run(context);
  EXPECT_EQ(r.outputs[0].shape, shape({kEdges, 8}));
  // E = edges·8 elements in R = nodes·8 rows: max E - R, subtract E, exp E, sum E - R, divide E.
  sym::Int e = 10556 * 8, rows = 2708 * 8;
  EXPECT_EQ(eval(r.forward.elementwise, context.bindings), 4 * e - 2 * rows);
  EXPECT_EQ(eval(r.forward.activation, context.bindings), e);
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  // The per-node max and sum read back by every edge.
  EXPECT_EQ(eval(r.gathered_elements, context.bindings), 2 * e);
  // dx = y·(dy - sum(dy·y)): multiply E, sum E - R, subtract E, multiply E.
  EXPECT_EQ(eval(r.backward.input[0].elementwise, context.bindings), 4 * e - rows);
  EXPECT_TRUE(r.backward.saves_output);
}

}  // namespace
}  // namespace nnscope::ops::testing
