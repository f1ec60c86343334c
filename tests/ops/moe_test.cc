// moe_experts (src/ops/moe.cc): all experts' parameters, only the routed ones' work.
#include "op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");

Call mixtral_experts(Shape x, Shape routing) {
  Call call("moe_experts");
  call.tensor("x", std::move(x))
      .tensor("routing_weights", routing)
      .tensor("selected_experts", routing, DType::kI64)
      .integer("num_experts", 8)
      .integer("intermediate_size", 14336);
  return call;
}

TEST(MoeExperts, MixtralLayerCountsEveryExpertButRunsTwo) {
  OpResult r = mixtral_experts(shape({kBatch, kSeq, 4096}), shape({kBatch, kSeq, 2})).run();
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, kSeq, 4096}));
  // 8 experts of 3 matrices 4096 x 14336, stacked as Hugging Face stores them.
  ASSERT_EQ(r.weights.size(), 2u);
  EXPECT_EQ(r.weights[0].name, "gate_up_proj");
  EXPECT_EQ(r.weights[0].shape, shape({8, 2 * 14336, 4096}));
  EXPECT_EQ(r.weights[1].name, "down_proj");
  EXPECT_EQ(r.weights[1].shape, shape({8, 4096, 14336}));
  sym::Int per_expert = sym::Int(3) * 4096 * 14336;
  EXPECT_EQ(params(r), 8 * per_expert);
  // A token uses 2 of the 8: 6 experts idle.
  EXPECT_EQ(eval(r.idle_params), 6 * per_expert);
  // Each token runs through 2 experts: 2·3·4096·14336 MACs, 2·14336 SiLUs and gate products, and the weighted sum
  // of 2 outputs (2 multiplies and 1 add per feature).
  Expr tokens = kBatch * kSeq;
  EXPECT_EQ(r.forward.gemm_macs, tokens * 2 * 3 * 4096 * 14336);
  EXPECT_EQ(r.forward.activation, tokens * 2 * 14336);
  EXPECT_EQ(r.forward.elementwise, tokens * 2 * 14336 + tokens * 4096 * 3);
}

TEST(MoeExperts, BackwardOnlyThroughTheRoutedExperts) {
  OpResult r = mixtral_experts(shape({3, 5, 64}), shape({3, 5, 2})).integer("intermediate_size", 32).run();
  sym::Int slots = 15 * 2;
  EXPECT_EQ(eval(r.backward.weight.gemm_macs), slots * 3 * 64 * 32);
  ASSERT_EQ(r.backward.input.size(), 3u);
  EXPECT_EQ(eval(r.backward.input[0].gemm_macs), slots * 3 * 64 * 32);
  // The routing weights' gradient: one 64-long dot product per slot.
  EXPECT_EQ(eval(r.backward.input[1].elementwise), slots * (2 * 64 - 1));
  EXPECT_TRUE(r.backward.input[2].elementwise.is_zero());
  // Kept: gate and up activations (2·32) and the expert output (64) per slot, fp32.
  EXPECT_EQ(eval(r.backward.saved_bytes), slots * (2 * 32 + 64) * 4);
}

TEST(MoeExperts, CapacityFactorPadsEveryExpertsBuffer) {
  // 10 tokens, top-2 of 8 experts, capacity factor 1.25: ceil(1.25·10·2/8) = ceil(3.125) = 4 slots per expert.
  OpResult r = mixtral_experts(shape({10, 16}), shape({10, 2}))
                   .integer("intermediate_size", 8)
                   .number("capacity_factor", 1.25)
                   .run();
  EXPECT_EQ(eval(r.forward.gemm_macs), 8 * 4 * 3 * 16 * 8);
  EXPECT_EQ(eval(r.forward.activation), 8 * 4 * 8);
  // The combine still weighs each token's 2 outputs.
  EXPECT_EQ(eval(r.forward.elementwise), 8 * 4 * 8 + 10 * 16 * 3);
  // Symbolic tokens: the buffer is a ceiling in them.
  OpResult s = mixtral_experts(shape({kSeq, 16}), shape({kSeq, 2}))
                   .integer("intermediate_size", 8)
                   .number("capacity_factor", 1.0)
                   .run();
  sym::Bindings at;
  at.set("seq", 5);  // ceil(5·2/8) = 2 slots per expert
  EXPECT_EQ(eval(s.forward.gemm_macs, at), 8 * 2 * 3 * 16 * 8);
}

TEST(MoeExperts, UngatedExperts) {
  OpResult r =
      mixtral_experts(shape({4, 16}), shape({4, 1})).integer("intermediate_size", 8).boolean("gated", false).run();
  EXPECT_EQ(r.weights[0].name, "up_proj");
  EXPECT_EQ(params(r), 8 * 2 * 16 * 8);
  EXPECT_EQ(eval(r.forward.gemm_macs), 4 * 2 * 16 * 8);
  EXPECT_EQ(eval(r.forward.elementwise), 4 * 16 * 1);
}

TEST(MoeExperts, Errors) {
  auto argument_of = [](const Call& call) -> std::string {
    try {
      call.run();
    } catch (const OpError& e) {
      return e.argument();
    }
    return "(none)";
  };
  // Routing for 4 tokens, x has 3.
  EXPECT_EQ(argument_of(mixtral_experts(shape({3, 16}), shape({4, 2}))), "routing_weights");
  // More experts per token than experts.
  EXPECT_EQ(argument_of(mixtral_experts(shape({3, 16}), shape({3, 9}))), "routing_weights");
  Call floating = mixtral_experts(shape({3, 16}), shape({3, 2}));
  floating.tensor("selected_experts", shape({3, 2}));
  EXPECT_EQ(argument_of(floating), "selected_experts");
  EXPECT_EQ(argument_of(mixtral_experts(shape({3, 16}), shape({3, 2})).string("activation", "tanh")), "activation");
  EXPECT_EQ(argument_of(mixtral_experts(shape({3, 16}), shape({3, 2})).number("capacity_factor", -1)),
            "capacity_factor");
  EXPECT_EQ(argument_of(mixtral_experts(shape({3, 16}), shape({3, 2})).integer("num_experts", 0)), "num_experts");
}

}  // namespace
}  // namespace nnscope::ops::testing
