// Mixture-of-experts models: Mixtral 8x7B pinned to its published parameter count and to the closed form of 2 of
// 8 experts per token; active parameters; the DeepSeek-V3 router (sigmoid, correction bias, group-limited top-k,
// shared experts) on a small layer; training through the routed experts only.
#include <gtest/gtest.h>

#include "analysis/training.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using namespace testing;  // run_model, find_layer, has_path, params, macs, macs_at (model_test_util.h)

// Mixtral 8x7B's config.json: vocab 32000, hidden 4096, 32 layers, 32 heads, 8 KV heads, FFN 14336, 8 experts, top 2.
constexpr Int kVocab = 32000, kHidden = 4096, kLayers = 32, kKv = 1024, kFfn = 14336, kExperts = 8, kTopK = 2;

// Per layer: q and o 2·b·s·h², k and v 2·b·s·h·kv, the attention matmuls 2·b·s²·h, the router b·s·h·8, and 2 of
// the 8 experts (3·h·i each) per token; plus the LM head.
Int mixtral_macs(Int b, Int s) {
  Int h = kHidden;
  Int layer =
      2 * b * s * h * h + 2 * b * s * h * kKv + 2 * b * s * s * h + b * s * h * kExperts + b * s * kTopK * 3 * h * kFfn;
  return kLayers * layer + b * s * h * kVocab;
}

TEST(MoeMixtral, ParametersAndActiveParameters) {
  auto r = testing::run_model("mixtral_8x7b", {{"seq", 16}});
  Int h = kHidden, expert = 3 * h * kFfn;
  // Embedding and LM head, per layer q/k/v/o, router, 8 experts, 2 norms; final norm.
  Int expected = 2 * kVocab * h + kLayers * (2 * h * h + 2 * h * kKv + h * kExperts + kExperts * expert + 2 * h) + h;
  EXPECT_EQ(expected, Int(46'702'792'704));
  EXPECT_EQ(params(*r), expected);
  // A token uses 2 of each layer's 8 experts: about 12.9 B (the published figure).
  Int active = expected - kLayers * (kExperts - kTopK) * expert;
  EXPECT_EQ(active, Int(12'879'925'248));
  EXPECT_EQ(r->analysis.totals.active_params, active);
  EXPECT_EQ(r->analysis.formulas.active_params, sym::Expr(active));
  const analysis::Layer* experts = find_layer(*r, "model.layers.0.block_sparse_moe.experts");
  ASSERT_NE(experts, nullptr);
  EXPECT_EQ(experts->figures.params, kExperts * expert);
  EXPECT_EQ(find_layer(*r, "model.layers.31.block_sparse_moe.gate")->figures.params, h * kExperts);
}

TEST(MoeMixtral, GemmMacsPerTokenAreTwoOfEightExperts) {
  // One token: its GEMM MACs are the closed form with 2 of the 8 experts.
  auto one = testing::run_model("mixtral_8x7b", {{"seq", 1}});
  EXPECT_EQ(macs(*one), mixtral_macs(1, 1));
  EXPECT_EQ(macs(*one), Int(12'748'849'152));
  EXPECT_EQ(one->analysis.output_shapes[1], (std::vector<Int>{1, 1, kVocab}));
  // Default size (batch 1, seq 4096) and another, elaborated and through the formula.
  auto other = testing::expect_macs_at_two_sizes("mixtral_8x7b", mixtral_macs(1, 4096), {{"batch", 3}, {"seq", 100}},
                                                 mixtral_macs(3, 100));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{3, 100, kHidden}));
  EXPECT_EQ(other->analysis.output_shapes[1], (std::vector<Int>{3, 100, kVocab}));
  // The router's softmax over 8 experts and top-2 selection (7 + 6 compare-selects) per token, then renormalised.
  const analysis::Layer* topk = find_layer(*other, "model.layers.0.block_sparse_moe.topk");
  ASSERT_NE(topk, nullptr);
  EXPECT_EQ(topk->figures.activation_ops, Int(300) * (7 + 6));
  EXPECT_TRUE(has_path(*other, "model.layers.0.block_sparse_moe.div"));
}

TEST(MoeDense, ActiveParametersEqualParameters) {
  auto r = testing::run_model("llama2_7b", {{"seq", 8}});
  EXPECT_EQ(r->analysis.totals.active_params, Int(6'738'415'616));
  EXPECT_EQ(r->analysis.totals.active_params, params(*r));
  // Tied weights add neither.
  auto gpt2 = testing::run_model("gpt2", {{"seq", 8}});
  EXPECT_EQ(gpt2->analysis.totals.active_params, Int(124'439'808));
}

// A DeepSeek-V3 MoE layer at small sizes: sigmoid scores, the correction bias, 4 groups of which the best 2 are
// kept, top 3 of 16 routed experts, normalised and scaled by 2.5, and one shared expert.
constexpr const char* kDeepSeekLayer = R"(
import "std/moe.nn"
model layer(batch = 1, seq = 10, const h = 32, const moe_i = 8) {
    input x: f32[batch, seq, h]
    return mlp: sparse_moe(x, 16, 3, moe_i, scoring = "sigmoid", norm_topk_prob = true,
                           routed_scaling_factor = 2.5, correction_bias = true, n_group = 4, topk_group = 2,
                           shared_experts = 1)
}
)";

TEST(MoeDeepSeekRouter, GroupLimitedSigmoidRouterAndSharedExpert) {
  auto r = testing::run_model_text(kDeepSeekLayer);
  Int h = 32, i = 8, experts = 16, k = 3, t = 10, expert = 3 * h * i;
  // Router weight 16·32 (the correction bias is a buffer), 16 routed experts, one shared expert of 3·h·i.
  EXPECT_EQ(params(*r), h * experts + experts * expert + expert);
  EXPECT_EQ(r->analysis.totals.active_params, h * experts + k * expert + expert);
  // Router, 3 routed experts and the shared expert per token.
  EXPECT_EQ(macs(*r), t * (h * experts + k * expert + expert));
  for (const char* path :
       {"mlp.gate", "mlp.e_score_correction_bias", "mlp.group_best", "mlp.group_topk", "mlp.group_mask",
        "mlp.masked_fill", "mlp.topk", "mlp.experts", "mlp.shared_experts.gate_proj", "mlp.shared_experts.down_proj"}) {
    EXPECT_TRUE(has_path(*r, path)) << path;
  }
  EXPECT_EQ(find_layer(*r, "mlp.e_score_correction_bias")->figures.params, Int(0));
  // Selection work: the best 2 of each group of 4 (3 + 2 per group), the best 2 of 4 groups (3 + 2), the best 3
  // of 16 (15 + 14 + 13), per token.
  EXPECT_EQ(find_layer(*r, "mlp.group_best")->figures.activation_ops, t * 4 * (3 + 2));
  EXPECT_EQ(find_layer(*r, "mlp.group_topk")->figures.activation_ops, t * (3 + 2));
  EXPECT_EQ(find_layer(*r, "mlp.topk")->figures.activation_ops, t * (15 + 14 + 13));
  // The sigmoid of every score; the masked fill of every score; the scaled weights.
  EXPECT_EQ(find_layer(*r, "mlp.sigmoid")->figures.activation_ops, t * experts);
  EXPECT_EQ(find_layer(*r, "mlp.masked_fill")->figures.elementwise_ops, t * experts);
  EXPECT_EQ(find_layer(*r, "mlp.mul")->figures.elementwise_ops, t * k);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 10, 32}));
}

TEST(MoeTraining, OnlyTheRoutedExpertsGetGradients) {
  auto r = testing::run_model_text(kDeepSeekLayer, {{"batch", 2}});
  analysis::Training t = analysis::analyze_training(r->analysis, {});
  Int tokens = 20, h = 32, i = 8, k = 3, expert = 3 * h * i;
  const analysis::Layer* experts = find_layer(*r, "mlp.experts");
  ASSERT_NE(experts, nullptr);
  std::size_t index = 0;
  while (&r->analysis.layers[index] != experts) ++index;
  // x is the graph input (no input gradient); the weights' gradients cover the 3 routed experts per token.
  EXPECT_EQ(t.layers[index].wgrad_macs, tokens * k * expert);
  EXPECT_EQ(t.layers[index].dgrad_macs, Int(0));
  // All parameters have gradients and Adam state, including the experts no token was routed to.
  EXPECT_EQ(t.totals.gradient_bytes, params(*r) * 4);
  EXPECT_EQ(t.totals.optimizer_bytes, params(*r) * 8);
}

}  // namespace
}  // namespace nnscope
