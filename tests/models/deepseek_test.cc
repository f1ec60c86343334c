// DeepSeek-R1 (the DeepSeek-V3 architecture): multi-head latent attention, 3 dense layers then 58 mixture-of-experts
// layers of 256 routed experts (top 8) and 1 shared expert. Parameters, active parameters and GEMM MACs against
// closed forms written here from its config.json, with and without the compressed-latent KV cache.
#include <gtest/gtest.h>

#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using namespace testing;  // run_model, find_layer, has_path, params, macs, macs_at (model_test_util.h)

// deepseek-ai/DeepSeek-R1 config.json.
constexpr Int kVocab = 129280, kHidden = 7168, kLayers = 61, kDense = 3, kHeads = 128;
constexpr Int kQRank = 1536, kKvRank = 512, kNope = 128, kRope = 64, kVDim = 128;
constexpr Int kFfn = 18432, kExpertFfn = 2048, kExperts = 256, kTopK = 8, kShared = 1;

// Latent attention's weights: q_a_proj, q_a_layernorm, q_b_proj, kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj,
// o_proj (no biases).
Int attention_params() {
  Int h = kHidden;
  return h * kQRank + kQRank + kQRank * kHeads * (kNope + kRope) + h * (kKvRank + kRope) + kKvRank +
         kKvRank * kHeads * (kNope + kVDim) + kHeads * kVDim * h;
}

Int expert_params() { return 3 * kHidden * kExpertFfn; }

// Per token: the projections of latent attention.
Int attention_projection_macs() {
  Int h = kHidden;
  return h * kQRank + kQRank * kHeads * (kNope + kRope) + h * (kKvRank + kRope) + kKvRank * kHeads * (kNope + kVDim) +
         kHeads * kVDim * h;
}

// Without a cache (Hugging Face's attention): per layer the projections, the score matmul over query/key heads of
// 128 + 64 and the context matmul over value heads of 128; the dense MLP in 3 layers; in 58 the router, 8 routed
// and 1 shared expert per token; the LM head.
Int prefill_macs(Int b, Int s) {
  Int t = b * s, h = kHidden;
  Int attention = t * attention_projection_macs() + b * kHeads * s * s * (kNope + kRope) + b * kHeads * s * s * kVDim;
  Int moe = t * (h * kExperts + kTopK * expert_params() + kShared * expert_params());
  return kLayers * attention + kDense * t * 3 * h * kFfn + (kLayers - kDense) * moe + t * h * kVocab;
}

// With the latent cache (past tokens cached, t = past + s keys): q_a, q_b, kv_a and o projections; the queries'
// nope part folded into the latent space (heads·128·512 per token); scores over the latent and the rotary key
// (heads·t·(512 + 64) per token); the context over the latents (heads·t·512) mapped to the values (heads·512·128).
Int decode_macs(Int b, Int s, Int past) {
  Int t = past + s, tokens = b * s, h = kHidden;
  Int projections = h * kQRank + kQRank * kHeads * (kNope + kRope) + h * (kKvRank + kRope) + kHeads * kVDim * h;
  Int absorbed =
      kHeads * kNope * kKvRank + kHeads * t * (kKvRank + kRope) + kHeads * t * kKvRank + kHeads * kKvRank * kVDim;
  Int moe = tokens * (h * kExperts + kTopK * expert_params() + kShared * expert_params());
  return kLayers * tokens * (projections + absorbed) + kDense * tokens * 3 * h * kFfn + (kLayers - kDense) * moe +
         tokens * h * kVocab;
}

TEST(DeepSeekR1, ParametersAndActiveParameters) {
  auto r = testing::run_model("deepseek_r1", {{"seq", 8}});
  Int h = kHidden;
  EXPECT_EQ(attention_params(), Int(187'107'328));
  // Embedding and LM head; per layer attention and two norms; 3 dense MLPs; 58 MoE layers of a router (the
  // correction bias is a buffer), 256 routed and 1 shared expert; the final norm.
  Int moe_layer = h * kExperts + kExperts * expert_params() + kShared * expert_params();
  Int expected = 2 * kVocab * h + kLayers * (attention_params() + 2 * h) + kDense * 3 * h * kFfn +
                 (kLayers - kDense) * moe_layer + h;
  EXPECT_EQ(expected, Int(671'026'404'352));  // the published "671B" of the main model (without the MTP module)
  EXPECT_EQ(params(*r), expected);
  // A token uses 8 of the 256 routed experts: the published "37B activated".
  Int active = expected - (kLayers - kDense) * (kExperts - kTopK) * expert_params();
  EXPECT_EQ(active, Int(37'552'282'624));
  EXPECT_EQ(r->analysis.totals.active_params, active);
  // Layers 0-2 dense, 3-60 mixture of experts.
  EXPECT_TRUE(has_path(*r, "model.layers.2.mlp.gate_proj"));
  EXPECT_FALSE(has_path(*r, "model.layers.2.mlp.experts"));
  EXPECT_TRUE(has_path(*r, "model.layers.3.mlp.experts"));
  EXPECT_TRUE(has_path(*r, "model.layers.60.mlp.shared_experts.down_proj"));
  for (const char* path :
       {"q_a_proj", "q_a_layernorm", "q_b_proj", "kv_a_proj_with_mqa", "kv_a_layernorm", "kv_b_proj", "o_proj"}) {
    EXPECT_TRUE(has_path(*r, std::string("model.layers.0.self_attn.") + path)) << path;
  }
  EXPECT_EQ(find_layer(*r, "model.layers.3.mlp.experts")->figures.params, kExperts * expert_params());
}

TEST(DeepSeekR1, GemmMacsWithoutCache) {
  auto other = testing::expect_macs_at_two_sizes("deepseek_r1", prefill_macs(1, 4096), {{"batch", 2}, {"seq", 100}},
                                                 prefill_macs(2, 100));
  EXPECT_EQ(other->analysis.output_shapes[1], (std::vector<Int>{2, 100, kVocab}));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 100, kHidden}));
  // Query and key heads of 192 features, value heads of 128.
  const analysis::Layer* qk = find_layer(*other, "model.layers.0.self_attn.attention.qk");
  ASSERT_NE(qk, nullptr);
  EXPECT_EQ(qk->figures.gemm_macs, Int(2) * kHeads * 100 * 100 * 192);
  EXPECT_EQ(find_layer(*other, "model.layers.0.self_attn.attention.av")->figures.gemm_macs,
            Int(2) * kHeads * 100 * 100 * 128);
}

TEST(DeepSeekR1, DecodingWithTheCompressedLatentCache) {
  auto r = testing::run_model("deepseek_r1", {{"seq", 1}, {"past", 4095}, {"batch", 2}});
  EXPECT_EQ(macs(*r), decode_macs(2, 1, 4095));
  // The same parameters: kv_b_proj's weight is used as its key and value parts.
  EXPECT_EQ(params(*r), Int(671'026'404'352));
  EXPECT_EQ(find_layer(*r, "model.layers.0.self_attn.kv_b_proj.key")->figures.params, kHeads * kNope * kKvRank);
  EXPECT_EQ(find_layer(*r, "model.layers.0.self_attn.kv_b_proj.value")->figures.params, kHeads * kKvRank * kVDim);
  EXPECT_FALSE(has_path(*r, "model.layers.0.self_attn.kv_b_proj"));
  // The KV cache is the compressed latent and the shared rotary key: 512 + 64 values per token and layer.
  ASSERT_EQ(r->graph.inputs.size(), 2u);
  const ir::Tensor& cache = r->graph.tensors[r->graph.inputs[1]];
  EXPECT_EQ(cache.name, "past_latent");
  Int cache_bytes = r->analysis.totals.model_input_bytes - Int(2) * 8;  // less the two int64 token ids
  EXPECT_EQ(cache_bytes, kLayers * Int(2) * 4095 * (kKvRank + kRope) * 4);
  EXPECT_EQ(cache_bytes / (Int(2) * 4095), Int(61) * 576 * 4);  // bytes per cached token in fp32
  // Scores over 4096 positions for each of the 128 heads, from the latents and the rotary keys.
  const analysis::Layer* latent_scores = find_layer(*r, "model.layers.5.self_attn.qk_latent");
  ASSERT_NE(latent_scores, nullptr);
  EXPECT_EQ(latent_scores->output_shapes[0], (std::vector<Int>{2, kHeads, 1, 4096}));
  EXPECT_EQ(latent_scores->figures.gemm_macs, Int(2) * kHeads * 4096 * kKvRank);
  EXPECT_EQ(find_layer(*r, "model.layers.5.self_attn.qk_rope")->figures.gemm_macs, Int(2) * kHeads * 4096 * kRope);
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{2, 1, kVocab}));
  // Another decoding point through the formula.
  EXPECT_EQ(macs_at(*r, {{"batch", 1}, {"seq", 3}}), decode_macs(1, 3, 4095));
}

}  // namespace
}  // namespace nnscope
