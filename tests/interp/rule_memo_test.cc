#include "interp/rule_memo.h"

#include <gtest/gtest.h>

#include "interp/interpreter.h"
#include "ops/registry.h"

namespace nnscope::interp {
namespace {

using sym::Expr;

ops::ArgValue tensor_arg(const ops::TensorType* t) {
  ops::ArgValue a;
  a.kind = ops::ArgKind::kTensor;
  a.present = true;
  a.tensor = t;
  return a;
}

ops::ArgValue int_arg(Expr value) {
  ops::ArgValue a;
  a.kind = ops::ArgKind::kInt;
  a.present = true;
  a.ints = {std::move(value)};
  a.scalar_int = true;
  return a;
}

TEST(RuleMemo, AnswersEqualArgumentsByValueOnly) {
  const ops::OpDef& linear = *ops::Registry::instance().find("linear");
  const ops::OpDef& relu = *ops::Registry::instance().find("relu");
  Expr batch = Expr::symbol("batch");
  ops::TensorType x{{batch, 64}, DType::kF32};
  ops::TensorType same_type_elsewhere{{batch, 64}, DType::kF32};
  ops::TensorType wider{{batch, 128}, DType::kF32};
  ops::TensorType half{{batch, 64}, DType::kF16};

  RuleMemo memo;
  RuleMemo::Arguments call = {tensor_arg(&x), int_arg(32), std::nullopt};
  std::size_t key = RuleMemo::hash(linear, call);
  EXPECT_EQ(memo.find(key, linear, call), nullptr);
  RuleMemo::Answer answer;
  answer.outputs = {{{batch, 32}, DType::kF32}};
  memo.remember(key, linear, call, answer);

  // Another tensor of the same type is the same argument.
  RuleMemo::Arguments again = {tensor_arg(&same_type_elsewhere), int_arg(32), std::nullopt};
  const RuleMemo::Answer* found = memo.find(RuleMemo::hash(linear, again), linear, again);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->outputs[0].shape, (ops::Shape{batch, 32}));

  // Any difference in a value, a type or the operator misses.
  for (const RuleMemo::Arguments& other : {RuleMemo::Arguments{tensor_arg(&wider), int_arg(32), std::nullopt},
                                           RuleMemo::Arguments{tensor_arg(&half), int_arg(32), std::nullopt},
                                           RuleMemo::Arguments{tensor_arg(&x), int_arg(33), std::nullopt},
                                           RuleMemo::Arguments{tensor_arg(&x), int_arg(batch), std::nullopt}}) {
    EXPECT_EQ(memo.find(RuleMemo::hash(linear, other), linear, other), nullptr);
  }
  RuleMemo::Arguments with_bias = call;
  ops::ArgValue no_bias;
  no_bias.kind = ops::ArgKind::kBool;
  no_bias.present = true;
  with_bias[2] = no_bias;
  EXPECT_EQ(memo.find(RuleMemo::hash(linear, with_bias), linear, with_bias), nullptr);
  EXPECT_EQ(memo.find(RuleMemo::hash(relu, call), relu, call), nullptr);
}

// Through the interpreter: a repeated layer reuses the answer, and the graph is the one the rules give.
TEST(RuleMemo, RepeatedLayersShareTheirRecordAndKeepTheirOwnTensors) {
  auto program = load_program_from_text("test.nn", R"(
model m(batch = 2) {
    input x: f32[batch, 16]
    y = a: linear(x, 16)
    y = b: linear(y, 16)
    z = c: linear(y, 8)
    w = d: linear(x, 16)
    return z, w
}
)");
  ASSERT_TRUE(program->ok());
  ir::Graph g = elaborate(*program, *program->select_model(""), {});
  ASSERT_EQ(g.ops.size(), 4u);
  EXPECT_EQ(g.ops[0].shared_costs.get(), g.ops[1].shared_costs.get());
  EXPECT_EQ(g.ops[0].shared_costs.get(), g.ops[3].shared_costs.get());
  EXPECT_NE(g.ops[0].shared_costs.get(), g.ops[2].shared_costs.get());
  Expr batch = Expr::symbol("batch");
  EXPECT_EQ(g.ops[2].costs().forward.gemm_macs, batch * 16 * 8);
  for (std::size_t i = 0; i < g.ops.size(); ++i) {
    const ir::Op& op = g.ops[i];
    ASSERT_EQ(op.outputs.size(), 1u);
    EXPECT_EQ(g.tensors[op.outputs[0]].producer, i);
    EXPECT_EQ(g.tensors[op.outputs[0]].name, op.path);
  }
  EXPECT_EQ(g.tensors[g.ops[3].outputs[0]].shape, (ops::Shape{batch, 16}));
  EXPECT_NE(g.ops[0].outputs[0], g.ops[3].outputs[0]);
}

}  // namespace
}  // namespace nnscope::interp
