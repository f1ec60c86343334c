// Pins today's dense decoder-only language models of the standard library (Llama 3.1 8B/70B/405B, Llama 2 70B,
// Mistral 7B, Qwen2 7B, Gemma 7B, Phi-3-mini, GPT-J 6B) to their published parameter counts
// (shared/reference/published_figures.md; Gemma and Phi-3 from Keras Hub's preset metadata) and to GEMM MAC closed
// forms written here from each Hugging Face config.json, at two sizes each.
#include <gtest/gtest.h>

#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using namespace testing;  // run_model, find_layer, has_path, params, macs, macs_at (model_test_util.h)

// A decoder-only model as its config.json describes it.
struct Decoder {
  Int vocab, hidden, layers, heads, kv_heads, intermediate;
  Int head_dim = 0;       // 0: hidden / heads
  Int window = 0;         // sliding window (keys per query); 0: none
  bool qkv_bias = false;  // Qwen2
  bool tied = false;      // LM head tied to the token embedding (Gemma)

  Int d() const { return head_dim ? head_dim : hidden / heads; }
};

// Token embedding, the LM head unless tied, and per layer q/k/v/o (q and o: h·heads·d, k and v: h·kv_heads·d, plus
// the q/k/v biases when present), the gated MLP 3·h·i and two RMSNorm weights h; the final norm h.
Int decoder_params(const Decoder& c) {
  Int h = c.hidden, q = c.heads * c.d(), kv = c.kv_heads * c.d();
  Int layer = 2 * h * q + 2 * h * kv + 3 * h * c.intermediate + 2 * h;
  if (c.qkv_bias) layer += q + 2 * kv;
  return c.vocab * h * (c.tied ? 1 : 2) + c.layers * layer + h;
}

// Per layer: q_proj and o_proj b·s·h·(heads·d) each, k_proj and v_proj b·s·h·(kv_heads·d) each, the score and context
// matmuls b·heads·s·t·d each, where t is every key (s; the causal mask does not reduce them) or, with a sliding
// window, the min(window, s) keys of each query's band; the gated MLP 3·b·s·h·i. Plus the LM head b·s·h·vocab.
Int decoder_macs(const Decoder& c, Int b, Int s) {
  Int h = c.hidden, q = c.heads * c.d(), kv = c.kv_heads * c.d();
  Int t = c.window ? std::min(c.window, s) : s;
  Int layer = 2 * b * s * h * q + 2 * b * s * h * kv + 2 * b * c.heads * s * t * c.d() + 3 * b * s * h * c.intermediate;
  return c.layers * layer + b * s * h * c.vocab;
}

// Runs `name` at its defaults and at another batch and sequence; checks parameters, MACs (also through the MAC
// formula) and the logits' shape at both.
void expect_decoder(const std::string& name, const Decoder& c, Int published_params, Int default_seq, Int b2, Int s2) {
  SCOPED_TRACE(name);
  EXPECT_EQ(decoder_params(c), published_params);
  auto r = testing::run_model(name);
  EXPECT_EQ(params(*r), published_params);
  EXPECT_EQ(macs(*r), decoder_macs(c, 1, default_seq));
  EXPECT_EQ(macs_at(*r, {{"batch", b2}, {"seq", s2}}), decoder_macs(c, b2, s2));
  ASSERT_EQ(r->analysis.output_shapes.size(), 2u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, default_seq, c.hidden}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, default_seq, c.vocab}));
  auto other = testing::run_model(name, {{"batch", b2}, {"seq", s2}});
  EXPECT_EQ(params(*other), published_params);
  EXPECT_EQ(macs(*other), decoder_macs(c, b2, s2));
  EXPECT_EQ(other->analysis.output_shapes[1], (std::vector<Int>{b2, s2, c.vocab}));
}

TEST(LlmLlama3, Llama3_1_8B) {
  Decoder c{128256, 4096, 32, 32, 8, 14336};
  expect_decoder("llama3_1_8b", c, 8'030'261'248, 8192, 2, 1000);
  auto r = testing::run_model("llama3_1_8b", {{"seq", 16}});
  for (const char* path : {"model.embed_tokens", "model.layers.31.self_attn.k_proj", "model.layers.0.mlp.down_proj",
                           "model.layers.0.post_attention_layernorm", "model.norm", "lm_head"}) {
    EXPECT_TRUE(has_path(*r, path)) << path;
  }
  // Grouped-query attention: k_proj maps 4096 to 8 heads of 128.
  EXPECT_EQ(find_layer(*r, "model.layers.0.self_attn.k_proj")->figures.params, Int(4096) * 1024);
}

TEST(LlmLlama3, Llama3_1_70B) {
  expect_decoder("llama3_1_70b", {128256, 8192, 80, 64, 8, 28672}, 70'553'706'496, 8192, 3, 512);
}

TEST(LlmLlama3, Llama3_1_405B) {
  expect_decoder("llama3_1_405b", {128256, 16384, 126, 128, 8, 53248}, 405'853'388'800, 8192, 1, 2048);
}

TEST(LlmLlama2, Llama2_70B) {
  expect_decoder("llama2_70b", {32000, 8192, 80, 64, 8, 28672}, 68'976'648'192, 4096, 2, 100);
}

TEST(LlmMistral, SlidingWindowBoundsTheAttentionMatmuls) {
  Decoder c{32000, 4096, 32, 32, 8, 14336};
  c.window = 4096;
  // At 8192 tokens each query sees 4096 keys; at 1000 tokens the window covers every key.
  expect_decoder("mistral_7b", c, 7'241'732'096, 8192, 2, 1000);
  auto r = testing::run_model("mistral_7b");
  const analysis::Layer* qk = find_layer(*r, "model.layers.0.self_attn.attention.qk");
  ASSERT_NE(qk, nullptr);
  EXPECT_EQ(r->graph.ops[qk->op].kind, "window_scores");
  // The band of scores: [b, kv_heads, group, s, window].
  EXPECT_EQ(qk->output_shapes[0], (std::vector<Int>{1, 8, 4, 8192, 4096}));
  EXPECT_EQ(qk->figures.gemm_macs, Int(32) * 8192 * 4096 * 128);
  const analysis::Layer* av = find_layer(*r, "model.layers.0.self_attn.attention.av");
  ASSERT_NE(av, nullptr);
  EXPECT_EQ(av->figures.gemm_macs, Int(32) * 8192 * 4096 * 128);
  // The softmax runs over the band only: 4E - 2R element-wise, E exp, with E = 32·8192·4096 and R = 32·8192.
  const analysis::Layer* softmax = find_layer(*r, "model.layers.0.self_attn.attention.softmax");
  ASSERT_NE(softmax, nullptr);
  Int e = Int(32) * 8192 * 4096, rows = Int(32) * 8192;
  EXPECT_EQ(softmax->figures.elementwise_ops, 4 * e - 2 * rows);
  EXPECT_EQ(softmax->figures.activation_ops, e);
  // Without the window (sliding_window larger than the sequence) the model is Llama's with Mistral's sizes.
  Decoder full = c;
  full.window = 0;
  EXPECT_EQ(macs(*testing::run_model("mistral_7b", {{"sliding_window", 8192}})), decoder_macs(full, 1, 8192));
}

TEST(LlmQwen2, QkvBiases) {
  Decoder c{152064, 3584, 28, 28, 4, 18944};
  c.qkv_bias = true;
  expect_decoder("qwen2_7b", c, 7'615'616'512, 4096, 2, 333);
  auto r = testing::run_model("qwen2_7b", {{"seq", 8}});
  EXPECT_EQ(find_layer(*r, "model.layers.0.self_attn.q_proj")->figures.params, Int(3584) * 3584 + 3584);
  EXPECT_EQ(find_layer(*r, "model.layers.0.self_attn.v_proj")->figures.params, Int(3584) * 512 + 512);
  EXPECT_EQ(find_layer(*r, "model.layers.0.self_attn.o_proj")->figures.params, Int(3584) * 3584);
}

TEST(LlmGemma, WideHeadsGegluTiedScaledEmbedding) {
  Decoder c{256000, 3072, 28, 16, 16, 24576};
  c.head_dim = 256;
  c.tied = true;
  // 8,537,680,896: Keras Hub's gemma_7b_en preset metadata.
  expect_decoder("gemma_7b", c, 8'537'680'896, 8192, 2, 77);
  auto r = testing::run_model("gemma_7b", {{"seq", 10}});
  // q_proj maps 3072 to 16 heads of 256 = 4096.
  EXPECT_EQ(find_layer(*r, "model.layers.0.self_attn.q_proj")->output_shapes[0], (std::vector<Int>{1, 10, 4096}));
  EXPECT_EQ(r->graph.ops[find_layer(*r, "model.layers.0.mlp.act_fn")->op].kind, "gelu");
  const analysis::Layer* normalizer = find_layer(*r, "model.normalizer");
  ASSERT_NE(normalizer, nullptr);
  EXPECT_EQ(normalizer->figures.elementwise_ops, Int(10) * 3072);
  const analysis::Layer* head = find_layer(*r, "lm_head");
  EXPECT_EQ(r->graph.ops[head->op].costs().tied_to, "model.embed_tokens");
  EXPECT_EQ(head->figures.params, Int(0));
  EXPECT_EQ(head->figures.gemm_macs, Int(10) * 3072 * 256000);
}

TEST(LlmPhi3, FusedProjectionsAndSlidingWindow) {
  Decoder c{32064, 3072, 32, 32, 32, 8192};
  c.window = 2047;
  // 3,821,079,552: Keras Hub's phi3_mini_4k_instruct_en preset metadata.
  expect_decoder("phi3_mini", c, 3'821'079'552, 4096, 3, 2000);
  auto r = testing::run_model("phi3_mini", {{"seq", 12}});
  EXPECT_EQ(find_layer(*r, "model.layers.0.self_attn.qkv_proj")->figures.params, Int(3072) * 3 * 3072);
  EXPECT_EQ(find_layer(*r, "model.layers.0.mlp.gate_up_proj")->figures.params, Int(3072) * 2 * 8192);
  EXPECT_TRUE(has_path(*r, "model.layers.31.mlp.down_proj"));
}

// GPT-J: per layer q/k/v/out 4·b·s·h², the two attention matmuls 2·b·s²·h, fc_in and fc_out 2·b·s·h·4h; the LM head.
Int gptj_macs(Int b, Int s) {
  Int h = 4096, i = 4 * h;
  return 28 * (4 * b * s * h * h + 2 * b * s * s * h + 2 * b * s * h * i) + b * s * h * 50400;
}

TEST(LlmGptJ, ParallelBlockPartialRotary) {
  Int h = 4096, i = 4 * h, vocab = 50400;
  // wte, lm_head with bias; per layer ln_1 (2h), q/k/v/out (4h²), fc_in (h·i + i), fc_out (i·h + h); ln_f (2h).
  Int expected = vocab * h + (vocab * h + vocab) + 28 * (2 * h + 4 * h * h + h * i + i + i * h + h) + 2 * h;
  EXPECT_EQ(expected, Int(6'050'882'784));
  auto other = testing::expect_macs_at_two_sizes("gpt_j_6b", gptj_macs(1, 2048), {{"batch", 4}, {"seq", 100}},
                                                 gptj_macs(4, 100));
  EXPECT_EQ(params(*other), expected);
  EXPECT_EQ(other->analysis.output_shapes[1], (std::vector<Int>{4, 100, 50400}));
  // Rotary turns 64 of each head's 256 features: 3 element-wise ops per turned feature.
  const analysis::Layer* rotary = find_layer(*other, "transformer.h.0.attn.rotary_q");
  ASSERT_NE(rotary, nullptr);
  EXPECT_EQ(rotary->figures.elementwise_ops, Int(3) * 4 * 100 * 16 * 64);
  // One LayerNorm per block, feeding attention and the MLP.
  EXPECT_TRUE(has_path(*other, "transformer.h.27.ln_1"));
  EXPECT_FALSE(has_path(*other, "transformer.h.0.ln_2"));
  EXPECT_TRUE(has_path(*other, "transformer.h.0.mlp.fc_in"));
  EXPECT_EQ(find_layer(*other, "lm_head")->figures.params, h * vocab + vocab);
}

}  // namespace
}  // namespace nnscope
