// Pins the standard-library language models (BERT-large, GPT-2, GPT-3, Llama 2, the MLPerf Transformer, GNMT
// and RNN-T, the LSTM/GRU language models) to their published or computed parameter counts
// (shared/reference/published_figures.md) and to GEMM MAC formulas written out by hand here, and checks that tied
// weights (tied_to: GPT LM heads, the shared Transformer and GNMT tables) add work and weight reads but no parameters.
#include <gtest/gtest.h>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using testing::find_layer;
using testing::has_path;

// True when some op outputs a tensor of exactly this shape (a stand-in for a shared table would).
bool has_output_shape(const testing::ModelRun& r, const std::vector<Int>& shape) {
  for (const analysis::Layer& layer : r.analysis.layers) {
    for (const std::vector<Int>& out : layer.output_shapes) {
      if (out == shape) return true;
    }
  }
  return false;
}

using testing::find_layer;
using testing::has_path;
using testing::macs;
using testing::macs_at;
using testing::params;

// ---- BERT-large ------------------------------------------------------------------------------------------

TEST(LanguageBert, LargeParametersAndGemmFormula) {
  auto r = testing::run_model("bert_large");
  EXPECT_EQ(params(*r), Int(335'141'888));
  // 24 layers of 4 projections, 2 attention matmuls and a 1024-4096-1024 MLP, plus the pooler.
  Int h = 1024, i = 4096;
  for (Int b : {1, 3}) {
    for (Int s : {1, 128, 512}) {
      EXPECT_EQ(macs_at(*r, {{"batch", b}, {"seq", s}}),
                24 * (4 * b * s * h * h + 2 * b * s * s * h + 2 * b * s * h * i) + b * h * h);
    }
  }
  Int s = 512;
  EXPECT_EQ(macs(*r), 24 * (4 * s * h * h + 2 * s * s * h + 2 * s * h * i) + h * h);
  ASSERT_EQ(r->analysis.output_shapes.size(), 2u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 512, 1024}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, 1024}));
  EXPECT_TRUE(has_path(*r, "encoder.layer.23.attention.self.query"));
  EXPECT_TRUE(has_path(*r, "pooler.dense"));
}

TEST(LanguageBert, LargeAtAnotherSize) {
  auto r = testing::run_model("bert_large", {{"batch", 3}, {"seq", 128}});
  EXPECT_EQ(params(*r), Int(335'141'888));
  Int b = 3, s = 128, h = 1024, i = 4096;
  EXPECT_EQ(macs(*r), 24 * (4 * b * s * h * h + 2 * b * s * s * h + 2 * b * s * h * i) + b * h * h);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{3, 128, 1024}));
}

// ---- GPT-2 and GPT-3 --------------------------------------------------------------------------------------

// Per layer: c_attn 3·b·s·h², c_proj b·s·h², MLP 8·b·s·h², attention 2·b·s²·h; plus the tied LM head.
Int gpt_macs(Int layers, Int h, Int vocab, Int b, Int s) {
  return layers * (12 * b * s * h * h + 2 * b * s * s * h) + b * s * h * vocab;
}

TEST(LanguageGpt2, SmallParametersAndGemmFormula) {
  auto r = testing::run_model("gpt2");
  EXPECT_EQ(params(*r), Int(124'439'808));
  EXPECT_EQ(macs(*r), gpt_macs(12, 768, 50257, 1, 1024));
  EXPECT_EQ(macs(*r), Int(145'824'153'600));
  for (Int b : {1, 2, 5}) {
    for (Int s : {1, 64, 1024}) EXPECT_EQ(macs_at(*r, {{"batch", b}, {"seq", s}}), gpt_macs(12, 768, 50257, b, s));
  }
  ASSERT_EQ(r->analysis.output_shapes.size(), 2u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 1024, 768}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, 1024, 50257}));
  EXPECT_TRUE(has_path(*r, "h.11.attn.c_attn"));
  EXPECT_TRUE(has_path(*r, "h.0.mlp.c_fc"));
  EXPECT_TRUE(has_path(*r, "ln_f"));
}

TEST(LanguageGpt2, TiedLmHeadCountsGemmWorkButNoParameters) {
  auto r = testing::run_model("gpt2", {{"batch", 2}, {"seq", 100}});
  EXPECT_EQ(params(*r), Int(124'439'808));
  Int table_bytes = Int(50257) * 768 * 4;
  const analysis::Layer* head = find_layer(*r, "lm_head");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(r->graph.ops[head->op].kind, "linear");
  EXPECT_EQ(r->graph.ops[head->op].costs().tied_to, "wte");
  EXPECT_EQ(head->figures.params, Int(0));
  EXPECT_EQ(head->figures.gemm_macs, Int(2) * 100 * 768 * 50257);
  // The head reads wte's table as its weight; its only input is the hidden state.
  EXPECT_EQ(head->figures.weight_bytes, table_bytes);
  EXPECT_EQ(head->figures.input_bytes, Int(2) * 100 * 768 * 4);
  const analysis::Layer* wte = find_layer(*r, "wte");
  ASSERT_NE(wte, nullptr);
  EXPECT_EQ(wte->figures.params, Int(50257) * 768);
  EXPECT_EQ(wte->figures.weight_bytes, table_bytes);
  // The model's weight bytes count the shared table once.
  EXPECT_EQ(r->analysis.totals.figures.weight_bytes, Int(124'439'808) * 4);
  EXPECT_EQ(macs(*r), gpt_macs(12, 768, 50257, 2, 100));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{2, 100, 50257}));
}

TEST(LanguageGpt2, ActivationBytesHoldNoStandInTable) {
  auto r = testing::run_model("gpt2");
  // No op materialises the table (a [768, 50257] view, 154,389,504 bytes, stood in for it before tied_to).
  EXPECT_FALSE(has_output_shape(*r, {768, 50257}));
  EXPECT_FALSE(has_output_shape(*r, {50257, 768}));
  // At one token every activation together (logits 50257·4 bytes, 12 layers of a few h-wide rows) is far below
  // the table's 154,389,504 bytes, which a stand-in would add at any size.
  sym::Bindings one = r->graph.bindings;
  one.set("seq", 1);
  Int at_one_token = r->analysis.formulas.activation_bytes.evaluate_integer(one);
  EXPECT_GT(at_one_token, Int(50257) * 4);
  EXPECT_LT(at_one_token, Int(2'000'000));
  // At batch 1, seq 1024 the activation bytes are 2304·s² + 1356100·s + 3088·s (per-layer activations, logits,
  // token and position lookups): the 3,965,262,856 measured with the stand-in, less its 154,389,504-byte table
  // and the 3,145,736 bytes of the reshape/slice ops that anchored it.
  Int s = 1024;
  EXPECT_EQ(r->analysis.totals.activation_bytes, 2304 * s * s + 1356100 * s + 3088 * s);
  EXPECT_EQ(r->analysis.totals.activation_bytes, Int(3'965'262'856) - 154'389'504 - 3'145'736);
}

TEST(LanguageGpt2, Medium) {
  auto r = testing::run_model("gpt2", {{"layers", 24}, {"hidden", 1024}, {"heads", 16}});
  EXPECT_EQ(params(*r), Int(354'823'168));
  EXPECT_EQ(macs(*r), gpt_macs(24, 1024, 50257, 1, 1024));
}

TEST(LanguageGpt3, Parameters175B) {
  auto r = testing::run_model("gpt3_175b");
  // wte + wpe + 96 layers of 12·h² + 13·h (ln_1 2h, c_attn 3h² + 3h, c_proj h² + h, ln_2 2h, c_fc 4h² + 4h,
  // c_proj 4h² + h) + ln_f 2h: 174,604,259,328, the paper's "175.0B".
  Int h = 12288;
  Int expected = 50257 * h + 2048 * h + 96 * (12 * h * h + 13 * h) + 2 * h;
  EXPECT_EQ(expected, Int(174'604'259'328));
  EXPECT_EQ(params(*r), expected);
  EXPECT_EQ(macs(*r), gpt_macs(96, h, 50257, 1, 2048));
  EXPECT_EQ(macs_at(*r, {{"batch", 4}, {"seq", 512}}), gpt_macs(96, h, 50257, 4, 512));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, 2048, 50257}));
  EXPECT_TRUE(has_path(*r, "h.95.attn.c_proj"));
  // The LM head is tied to wte: no parameters, the table's bytes read, b·s·h·vocab MACs.
  const analysis::Layer* head = find_layer(*r, "lm_head");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(r->graph.ops[head->op].costs().tied_to, "wte");
  EXPECT_EQ(head->figures.params, Int(0));
  EXPECT_EQ(head->figures.weight_bytes, Int(50257) * h * 4);
  EXPECT_EQ(head->figures.gemm_macs, Int(2048) * h * 50257);
  EXPECT_FALSE(has_output_shape(*r, {h, 50257}));
}

// ---- Llama 2 ----------------------------------------------------------------------------------------------

// Per layer: q and o projections 2·b·s·h², k and v 2·b·s·h·kv, attention 2·b·s·t·h (t = past + s), SwiGLU
// MLP 3·b·s·h·i; plus the untied LM head b·s·h·vocab.
Int llama_macs(Int layers, Int h, Int kv, Int i, Int b, Int s, Int past = 0) {
  Int t = past + s;
  return layers * (2 * b * s * h * h + 2 * b * s * h * kv + 2 * b * s * t * h + 3 * b * s * h * i) + b * s * h * 32000;
}

TEST(LanguageLlama, Llama2_7B) {
  auto r = testing::run_model("llama2_7b");
  EXPECT_EQ(params(*r), Int(6'738'415'616));
  EXPECT_EQ(macs(*r), llama_macs(32, 4096, 4096, 11008, 1, 4096));
  for (Int b : {1, 3}) {
    for (Int s : {1, 100, 4096}) {
      EXPECT_EQ(macs_at(*r, {{"batch", b}, {"seq", s}}), llama_macs(32, 4096, 4096, 11008, b, s));
    }
  }
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, 4096, 32000}));
  for (const char* path :
       {"model.embed_tokens", "model.layers.31.self_attn.q_proj", "model.layers.0.mlp.gate_proj",
        "model.layers.0.input_layernorm", "model.layers.0.post_attention_layernorm", "model.norm", "lm_head"}) {
    EXPECT_TRUE(has_path(*r, path)) << path;
  }
  const analysis::Layer* rotary = find_layer(*r, "model.layers.0.self_attn.rotary_q");
  ASSERT_NE(rotary, nullptr);
  EXPECT_EQ(rotary->figures.elementwise_ops, Int(3) * 4096 * 4096);
}

TEST(LanguageLlama, Llama2_70BWithGroupedQueryAttention) {
  auto r = testing::run_model(
      "llama2_7b",
      {{"layers", 80}, {"hidden", 8192}, {"heads", 64}, {"kv_heads", 8}, {"intermediate_size", 28672}, {"seq", 128}});
  EXPECT_EQ(params(*r), Int(68'976'648'192));
  EXPECT_EQ(macs(*r), llama_macs(80, 8192, 1024, 28672, 1, 128));
  const analysis::Layer* k = find_layer(*r, "model.layers.0.self_attn.k_proj");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->figures.params, Int(8192) * 1024);
}

TEST(LanguageLlama, DecodingStepWithKvCache) {
  // One new token after 4095 cached ones: keys and values span 4096 positions.
  auto r = testing::run_model("llama2_7b", {{"seq", 1}, {"past", 4095}, {"batch", 2}});
  EXPECT_EQ(params(*r), Int(6'738'415'616));
  EXPECT_EQ(macs(*r), llama_macs(32, 4096, 4096, 11008, 2, 1, 4095));
  EXPECT_EQ(macs(*r), Int(2) * 7'680'819'200);
  const analysis::Layer* qk = find_layer(*r, "model.layers.0.self_attn.attention.qk");
  ASSERT_NE(qk, nullptr);
  ASSERT_EQ(qk->output_shapes.size(), 1u);
  EXPECT_EQ(qk->output_shapes[0], (std::vector<Int>{2, 32, 1, 4096}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{2, 1, 32000}));
  // The cache comes from two inputs [32 layers, batch, past, 4096]; each layer takes its slice.
  EXPECT_EQ(r->graph.inputs.size(), 3u);
  const analysis::Layer* key = find_layer(*r, "model.past_key_values.31.key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->output_shapes[0], (std::vector<Int>{2, 4095, 4096}));
  // Without a cache there are no cache inputs.
  EXPECT_EQ(testing::run_model("llama2_7b", {{"seq", 16}})->graph.inputs.size(), 1u);
}

// ---- LSTM and GRU language models -------------------------------------------------------------------------

TEST(LanguageRecurrent, LstmLanguageModel) {
  auto r = testing::run_model("lstm");
  // Embedding 32·300; LSTM layers 4·512·(300 + 512) + 2·4·512 and 4·512·(512 + 512) + 2·4·512; decoder.
  Int expected = 32 * 300 + (4 * 512 * 812 + 4096) + (4 * 512 * 1024 + 4096) + (512 * 32 + 32);
  EXPECT_EQ(expected, Int(3'794'336));  // = sum of nn.Embedding(32, 300), nn.LSTM(300, 512, 2), nn.Linear(512, 32)
  EXPECT_EQ(params(*r), expected);
  Int per_token = 4 * 512 * 812 + 4 * 512 * 1024 + 512 * 32;
  EXPECT_EQ(macs(*r), 35 * per_token);
  EXPECT_EQ(macs_at(*r, {{"batch", 4}, {"seq", 100}}), 400 * per_token);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{35, 1, 32}));
  EXPECT_TRUE(has_path(*r, "encoder"));
  EXPECT_TRUE(has_path(*r, "rnn"));
  EXPECT_TRUE(has_path(*r, "decoder"));
  // The model is named like the operator it calls.
  EXPECT_EQ(r->graph.model_name, "lstm");
  EXPECT_EQ(r->graph.ops[find_layer(*r, "rnn")->op].kind, "lstm");
}

TEST(LanguageRecurrent, GruLanguageModel) {
  auto r = testing::run_model("gru", {{"batch", 4}, {"seq", 100}});
  Int expected = 32 * 300 + 2'826'240 + (512 * 32 + 32);  // nn.GRU(300, 512, 2) has 2,826,240
  EXPECT_EQ(expected, Int(2'852'256));
  EXPECT_EQ(params(*r), expected);
  EXPECT_EQ(macs(*r), Int(400) * (3 * 512 * 812 + 3 * 512 * 1024 + 512 * 32));
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{100, 4, 32}));
  // The model is named like the operator it calls.
  EXPECT_EQ(r->graph.model_name, "gru");
  ASSERT_TRUE(has_path(*r, "rnn"));
  EXPECT_EQ(r->graph.ops[find_layer(*r, "rnn")->op].kind, "gru");
}

// ---- MLPerf: Transformer big, GNMT, RNN-T ------------------------------------------------------------------

Int transformer_big_macs(Int b, Int S, Int T) {
  Int d = 1024, ff = 4096, vocab = 33708;
  Int encoder = 4 * b * S * d * d + 2 * b * S * S * d + 2 * b * S * d * ff;
  // Self-attention (4 projections), cross-attention (q, o on the target; k, v on the source), FFN.
  Int decoder = 4 * b * T * d * d + 2 * b * T * T * d + 2 * b * T * d * d + 2 * b * S * d * d + 2 * b * T * S * d +
                2 * b * T * d * ff;
  return 6 * encoder + 6 * decoder + b * T * d * vocab;
}

TEST(LanguageMlperf, TransformerBig) {
  auto r = testing::run_model("transformer_big");
  // Shared embedding + 6 encoder layers (4 bias-free projections, FFN, 2 norms) + 6 decoder layers
  // (8 projections, FFN, 3 norms) + 2 final norms.
  Int d = 1024, ff = 4096;
  Int expected = 33708 * d + 6 * (4 * d * d + 2 * d * ff + ff + d + 2 * 2 * d) +
                 6 * (8 * d * d + 2 * d * ff + ff + d + 3 * 2 * d) + 2 * 2 * d;
  EXPECT_EQ(expected, Int(210'804'736));
  EXPECT_EQ(params(*r), expected);
  EXPECT_EQ(macs(*r), transformer_big_macs(1, 256, 256));
  EXPECT_EQ(macs_at(*r, {{"batch", 2}, {"src_len", 40}, {"tgt_len", 33}}), transformer_big_macs(2, 40, 33));
  auto other = testing::run_model("transformer_big", {{"batch", 2}, {"src_len", 40}, {"tgt_len", 33}});
  EXPECT_EQ(macs(*other), transformer_big_macs(2, 40, 33));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 33, 33708}));
  EXPECT_TRUE(has_path(*r, "encoder.layers.5.self_attn.q_proj"));
  EXPECT_TRUE(has_path(*r, "decoder.layers.5.encoder_attn.k_proj"));
  EXPECT_TRUE(has_path(*r, "decoder.layer_norm"));
}

TEST(LanguageMlperf, TransformerBigSharesOneTable) {
  auto r = testing::run_model("transformer_big", {{"batch", 2}, {"src_len", 40}, {"tgt_len", 33}});
  Int d = 1024, vocab = 33708, table_bytes = vocab * d * 4;
  const analysis::Layer* source = find_layer(*r, "encoder.embed_tokens");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->figures.params, vocab * d);
  EXPECT_EQ(source->output_shapes[0], (std::vector<Int>{2, 40, 1024}));
  // The decoder's lookup and the output projection reuse that table: they read it but add no parameters.
  const analysis::Layer* target = find_layer(*r, "decoder.embed_tokens");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(r->graph.ops[target->op].costs().tied_to, "encoder.embed_tokens");
  EXPECT_EQ(target->figures.params, Int(0));
  EXPECT_EQ(target->figures.weight_bytes, table_bytes);
  EXPECT_EQ(target->output_shapes[0], (std::vector<Int>{2, 33, 1024}));
  const analysis::Layer* head = find_layer(*r, "decoder.output_projection");
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(r->graph.ops[head->op].kind, "linear");
  EXPECT_EQ(r->graph.ops[head->op].costs().tied_to, "encoder.embed_tokens");
  EXPECT_EQ(head->figures.params, Int(0));
  EXPECT_EQ(head->figures.weight_bytes, table_bytes);
  EXPECT_EQ(head->figures.gemm_macs, Int(2) * 33 * d * vocab);
  // The table is stored once, and no [1024, 33708] stand-in is materialised as an activation.
  EXPECT_EQ(r->analysis.totals.figures.weight_bytes, Int(210'804'736) * 4);
  EXPECT_FALSE(has_output_shape(*r, {d, vocab}));
  // Separate lookups: no concatenated [2, 73] token stream.
  EXPECT_FALSE(has_output_shape(*r, {2, 73}));
}

Int gnmt_macs(Int b, Int S, Int T) {
  Int H = 1024;
  // Encoder: bidirectional 2·4H·(H + H), then 4H·(2H + H), then 2 x 4H·(H + H): 44·H² per source token.
  Int encoder = 44 * b * S * H * H;
  // Decoder: att_rnn 8·H², rnn_layers 3 x 4H·(2H + H) = 36·H², linear_q H² per target token; linear_k H² per
  // source token; scores (linear_att) and the context bmm b·T·S·H each; classifier.
  Int decoder = 45 * b * T * H * H + b * S * H * H + 2 * b * T * S * H + b * T * H * 32320;
  return encoder + decoder;
}

TEST(LanguageMlperf, Gnmt) {
  auto r = testing::run_model("gnmt");
  // Shared embedding; encoder LSTMs; decoder LSTMs, attention, classifier.
  Int H = 1024, lstm_h = 4 * H * (H + H) + 8 * H, lstm_2h = 4 * H * (2 * H + H) + 8 * H;
  Int encoder = 2 * lstm_h + lstm_2h + 2 * lstm_h;
  Int attention = 2 * H * H + H + 1 + H;  // linear_q, linear_k, linear_att, normalize_scalar, normalize_bias
  Int decoder = lstm_h + attention + 3 * lstm_2h + (H * 32320 + 32320);
  Int expected = 32320 * H + encoder + decoder;
  EXPECT_EQ(expected, Int(160'671'297));
  EXPECT_EQ(params(*r), expected);
  EXPECT_EQ(macs(*r), gnmt_macs(1, 50, 50));
  auto other = testing::run_model("gnmt", {{"batch", 3}, {"src_len", 37}, {"tgt_len", 29}});
  EXPECT_EQ(macs(*other), gnmt_macs(3, 37, 29));
  EXPECT_EQ(macs_at(*r, {{"batch", 3}, {"src_len", 37}, {"tgt_len", 29}}), gnmt_macs(3, 37, 29));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{29, 3, 32320}));
  EXPECT_TRUE(has_path(*r, "encoder.rnn_layers.0"));
  EXPECT_TRUE(has_path(*r, "decoder.att_rnn.attn.linear_q"));
  EXPECT_TRUE(has_path(*r, "decoder.rnn_layers.2"));
  EXPECT_TRUE(has_path(*r, "decoder.classifier.classifier"));
}

TEST(LanguageMlperf, GnmtSharesTheEmbeddingBetweenEncoderAndDecoder) {
  // share_embedding = True in the reference: one table, looked up by the encoder and by the decoder; the
  // classifier has its own weights.
  auto r = testing::run_model("gnmt", {{"batch", 3}, {"src_len", 37}, {"tgt_len", 29}});
  Int H = 1024, vocab = 32320, table_bytes = vocab * H * 4;
  const analysis::Layer* source = find_layer(*r, "encoder.embedder");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->figures.params, vocab * H);
  EXPECT_EQ(source->output_shapes[0], (std::vector<Int>{37, 3, 1024}));
  const analysis::Layer* target = find_layer(*r, "decoder.embedder");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(r->graph.ops[target->op].costs().tied_to, "encoder.embedder");
  EXPECT_EQ(target->figures.params, Int(0));
  EXPECT_EQ(target->figures.weight_bytes, table_bytes);
  EXPECT_EQ(target->figures.gathered_bytes, Int(29) * 3 * H * 4);
  EXPECT_EQ(target->output_shapes[0], (std::vector<Int>{29, 3, 1024}));
  const analysis::Layer* classifier = find_layer(*r, "decoder.classifier.classifier");
  ASSERT_NE(classifier, nullptr);
  EXPECT_TRUE(r->graph.ops[classifier->op].costs().tied_to.empty());
  EXPECT_EQ(classifier->figures.params, H * vocab + vocab);
  EXPECT_EQ(params(*r), Int(160'671'297));
  EXPECT_EQ(r->analysis.totals.figures.weight_bytes, Int(160'671'297) * 4);
  // Separate lookups: no concatenated [66, 3] token stream.
  EXPECT_FALSE(has_output_shape(*r, {66, 3}));
}

Int rnnt_macs(Int b, Int T, Int U) {
  Int H = 1024, T2 = (T + 1) / 2;
  Int pre = b * T * 4 * H * (240 + H) + b * T * 4 * H * (H + H);
  Int post = b * T2 * 4 * H * (2 * H + H) + 2 * b * T2 * 4 * H * (H + H);
  Int prediction = 2 * b * U * 4 * 320 * (320 + 320);
  Int joint = b * T2 * U * (1344 * 512 + 512 * 29);
  return pre + post + prediction + joint;
}

TEST(LanguageMlperf, Rnnt) {
  auto r = testing::run_model("rnnt");
  Int H = 1024;
  Int pre = (4 * H * (240 + H) + 8 * H) + (4 * H * (H + H) + 8 * H);
  Int post = (4 * H * (2 * H + H) + 8 * H) + 2 * (4 * H * (H + H) + 8 * H);
  Int prediction = 28 * 320 + 2 * (4 * 320 * (320 + 320) + 8 * 320);
  Int joint = (1344 * 512 + 512) + (512 * 29 + 29);
  Int expected = pre + post + prediction + joint;
  EXPECT_EQ(expected, Int(45'323'037));
  EXPECT_EQ(params(*r), expected);
  EXPECT_EQ(macs(*r), rnnt_macs(1, 500, 100));
  // An odd number of frames is padded to even before time stacking.
  auto other = testing::run_model("rnnt", {{"batch", 2}, {"time", 501}, {"labels", 37}});
  EXPECT_EQ(macs(*other), rnnt_macs(2, 501, 37));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 251, 37, 29}));
  EXPECT_TRUE(has_path(*r, "encoder.pre_rnn.lstm"));
  EXPECT_TRUE(has_path(*r, "encoder.post_rnn.lstm"));
  EXPECT_TRUE(has_path(*r, "prediction.dec_rnn.lstm"));
  EXPECT_TRUE(has_path(*r, "joint.net.3"));
}

}  // namespace
}  // namespace nnscope
