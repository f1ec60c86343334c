#include "op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");

TEST(Elementwise, AddSameShape) {
  OpResult r = Call("add").tensor("x", shape({2, 64, 56, 56})).tensor("y", shape({2, 64, 56, 56})).run();
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].shape, shape({2, 64, 56, 56}));
  EXPECT_EQ(eval(r.forward.elementwise), 2 * 64 * 56 * 56);
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_TRUE(r.forward.activation.is_zero());
  EXPECT_TRUE(r.weights.empty());
}

TEST(Elementwise, BroadcastsBothWaysSymbolically) {
  FakeContext context;
  context.bindings.set("batch", 4);
  context.bindings.set("seq", 128);
  // Attention mask [batch, 1, 1, seq] added to scores [batch, 12, seq, seq].
  OpResult r =
      Call("add").tensor("x", shape({kBatch, 12, kSeq, kSeq})).tensor("y", shape({kBatch, 1, 1, kSeq})).run(context);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 12, kSeq, kSeq}));
  EXPECT_EQ(r.forward.elementwise, 12 * kBatch * kSeq * kSeq);

  // Lower-rank operand aligns from the right; the size-1 side takes the other.
  OpResult s = Call("mul").tensor("x", shape({1, kSeq})).tensor("y", shape({kBatch, 1, 1})).run(context);
  EXPECT_EQ(s.outputs[0].shape, shape({kBatch, 1, kSeq}));
  EXPECT_EQ(s.forward.elementwise, kBatch * kSeq);
}

TEST(Elementwise, ScalarOperandKeepsShape) {
  OpResult r = Call("mul").tensor("x", shape({kBatch, 768}), DType::kF16).number("y", 0.125).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 768}));
  EXPECT_EQ(r.outputs[0].dtype, DType::kF16);
  EXPECT_EQ(r.forward.elementwise, 768 * kBatch);
}

// What backward keeps follows the derivative: d(x·c)/dx = c and d(x/c)/dx = 1/c need only the number (PyTorch's
// MulBackward1 and DivBackward1 save the scalar alone), while x·y needs each operand for the other's gradient, and
// max(x, c) needs x to know where it won.
TEST(Elementwise, BackwardKeepsWhatTheDerivativeReads) {
  for (const char* op : {"mul", "div"}) {
    OpResult by_number = Call(op).tensor("x", shape({kBatch, 12, kSeq, kSeq})).number("y", 0.125).run();
    EXPECT_EQ(by_number.backward.saves_input, std::vector<bool>{false}) << op;
    OpResult by_tensor = Call(op).tensor("x", shape({4, 8})).tensor("y", shape({8})).run();
    EXPECT_EQ(by_tensor.backward.saves_input, (std::vector<bool>{true, true})) << op;
  }
  for (const char* op : {"maximum", "minimum"}) {
    OpResult by_number = Call(op).tensor("x", shape({4, 8})).number("y", 0.0).run();
    EXPECT_EQ(by_number.backward.saves_input, std::vector<bool>{true}) << op;
  }
  for (const char* op : {"add", "sub"}) {
    OpResult by_tensor = Call(op).tensor("x", shape({4, 8})).tensor("y", shape({8})).run();
    EXPECT_EQ(by_tensor.backward.saves_input, (std::vector<bool>{false, false})) << op;
  }
}

TEST(Elementwise, AllBinaryOpsCostOnePerOutput) {
  for (const char* op : {"add", "sub", "mul", "div", "maximum", "minimum"}) {
    OpResult r = Call(op).tensor("x", shape({3, 1})).tensor("y", shape({5})).run();
    EXPECT_EQ(r.outputs[0].shape, shape({3, 5})) << op;
    EXPECT_EQ(eval(r.forward.elementwise), 15) << op;
  }
}

TEST(Elementwise, IntegerTensorWithFloatTensorIsFloat) {
  OpResult r = Call("mul").tensor("x", shape({4}), DType::kI64).tensor("y", shape({4}), DType::kF32).run();
  EXPECT_EQ(r.outputs[0].dtype, DType::kF32);
}

TEST(Elementwise, BroadcastErrorNamesBothShapesAndAxis) {
  FakeContext context;
  context.bindings.set("batch", 2);
  Call call = Call("add");
  call.tensor("x", shape({kBatch, 8})).tensor("y", shape({kBatch, 9}));
  std::string message = error_of(call, context);
  EXPECT_NE(message.find("[batch, 8]"), std::string::npos) << message;
  EXPECT_NE(message.find("[batch, 9]"), std::string::npos) << message;
  EXPECT_NE(message.find("axis 1"), std::string::npos) << message;
}

TEST(Elementwise, UnaryOps) {
  for (const char* op : {"neg", "abs", "square"}) {
    OpResult r = Call(op).tensor("x", shape({kBatch, 10})).run();
    EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 10})) << op;
    EXPECT_EQ(r.forward.elementwise, 10 * kBatch) << op;
    EXPECT_TRUE(r.forward.activation.is_zero()) << op;
  }
}

TEST(Elementwise, RotaryWholeHead) {
  // LLaMA: q of [batch, 32 heads, seq, 128]; 2 mul + 1 add per element.
  OpResult r = Call("rotary").tensor("x", shape({kBatch, 32, kSeq, 128})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 32, kSeq, 128}));
  EXPECT_EQ(r.forward.elementwise, 3 * 32 * 128 * kBatch * kSeq);
  EXPECT_TRUE(r.weights.empty());
}

TEST(Elementwise, RotaryPartialDim) {
  // GPT-NeoX / GPT-J rotate only part of each head: 64 head features, 16 rotated.
  OpResult r = Call("rotary").tensor("x", shape({2, 8, 10, 64})).integer("dim", 16).run();
  EXPECT_EQ(r.outputs[0].shape, shape({2, 8, 10, 64}));
  EXPECT_EQ(eval(r.forward.elementwise), 3 * 2 * 8 * 10 * 16);
}

TEST(Elementwise, RotaryRejectsBadDim) {
  FakeContext context;
  Call odd = Call("rotary");
  odd.tensor("x", shape({2, 64})).integer("dim", 15);
  EXPECT_NE(error_of(odd, context).find("even"), std::string::npos);
  Call wide = Call("rotary");
  wide.tensor("x", shape({2, 64})).integer("dim", 128);
  EXPECT_NE(error_of(wide, context).find("exceeds"), std::string::npos);
}

}  // namespace
}  // namespace nnscope::ops::testing
