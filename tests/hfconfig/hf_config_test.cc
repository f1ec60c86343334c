// Hugging Face config.json input (src/hfconfig): a config of each supported model_type, written here from the
// published config.json, analyses to the same figures as the standard-library model of that architecture (the
// same formulas of parameters, GEMM MACs, element-wise and activation work and activation bytes in batch and seq),
// or, where the library has no such model, to closed forms written here; bad configs get located diagnostics.
#include "hfconfig/hf_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;

struct FromConfig {
  hfconfig::Imported imported;
  std::unique_ptr<testing::ModelRun> run;
};

FromConfig run_config(const std::string& json, std::map<std::string, Int> overrides = {}) {
  SourceManager sources;
  FileId file = sources.add("config.json", json);
  FromConfig out;
  try {
    out.imported = hfconfig::translate(sources, file, "config");
  } catch (const DiagnosticError& e) {
    throw std::runtime_error(render(e.diagnostic(), sources));
  }
  out.run = testing::run_model_text(out.imported.text, std::move(overrides));
  return out;
}

std::string error_of(const std::string& json) {
  SourceManager sources;
  FileId file = sources.add("config.json", json);
  try {
    hfconfig::translate(sources, file, "config");
  } catch (const DiagnosticError& e) {
    return render(e.diagnostic(), sources);
  }
  ADD_FAILURE() << "expected an error";
  return "";
}

// The formulas of every total in the size symbols must be the same expressions.
void expect_same_figures(const testing::ModelRun& a, const testing::ModelRun& b) {
  const analysis::TotalFormulas& x = a.analysis.formulas;
  const analysis::TotalFormulas& y = b.analysis.formulas;
  EXPECT_EQ(x.params, y.params) << x.params.to_string() << " vs " << y.params.to_string();
  EXPECT_EQ(x.active_params, y.active_params);
  EXPECT_EQ(x.gemm_macs, y.gemm_macs) << x.gemm_macs.to_string() << " vs " << y.gemm_macs.to_string();
  EXPECT_EQ(x.elementwise_ops, y.elementwise_ops)
      << x.elementwise_ops.to_string() << " vs " << y.elementwise_ops.to_string();
  EXPECT_EQ(x.activation_ops, y.activation_ops);
  EXPECT_EQ(x.activation_bytes, y.activation_bytes);
  EXPECT_EQ(a.analysis.output_shapes, b.analysis.output_shapes);
  EXPECT_EQ(a.graph.ops.size(), b.graph.ops.size());
}

void expect_matches_stdlib(const std::string& json, const std::string& stdlib, std::map<std::string, Int> sizes) {
  SCOPED_TRACE(stdlib);
  FromConfig c = run_config(json, sizes);
  auto reference = testing::run_model(stdlib, sizes);
  expect_same_figures(*c.run, *reference);
}

// meta-llama/Llama-3.1-8B config.json.
constexpr const char* kLlama31_8B = R"({
  "architectures": ["LlamaForCausalLM"],
  "attention_bias": false,
  "attention_dropout": 0.0,
  "bos_token_id": 128000,
  "eos_token_id": 128001,
  "hidden_act": "silu",
  "hidden_size": 4096,
  "initializer_range": 0.02,
  "intermediate_size": 14336,
  "max_position_embeddings": 131072,
  "mlp_bias": false,
  "model_type": "llama",
  "num_attention_heads": 32,
  "num_hidden_layers": 32,
  "num_key_value_heads": 8,
  "pretraining_tp": 1,
  "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0,
  "tie_word_embeddings": false,
  "torch_dtype": "bfloat16",
  "transformers_version": "4.43.0.dev0",
  "use_cache": true,
  "vocab_size": 128256
})";

TEST(HfConfig, LlamaIsLlama31_8B) {
  expect_matches_stdlib(kLlama31_8B, "llama3_1_8b", {{"seq", 64}});
  FromConfig c = run_config(kLlama31_8B);
  EXPECT_EQ(testing::params(*c.run), Int(8'030'261'248));
  EXPECT_EQ(c.imported.model_type, "llama");
  ASSERT_TRUE(c.imported.weight_dtype.has_value());
  EXPECT_EQ(*c.imported.weight_dtype, DType::kBF16);
  // The context (131072) is capped at 8192 for the default sequence, as llama3_1_8b's.
  EXPECT_EQ(c.run->analysis.output_shapes[1], (std::vector<Int>{1, 8192, 128256}));
  EXPECT_TRUE(testing::has_path(*c.run, "model.layers.31.mlp.gate_proj"));
}

TEST(HfConfig, LlamaDecodingWithTheKvCacheIsLlama2_7B) {
  // meta-llama/Llama-2-7b-hf config.json (architecture fields).
  const char* json = R"({"architectures": ["LlamaForCausalLM"], "hidden_act": "silu", "hidden_size": 4096,
    "intermediate_size": 11008, "max_position_embeddings": 4096, "model_type": "llama", "num_attention_heads": 32,
    "num_hidden_layers": 32, "num_key_value_heads": 32, "rms_norm_eps": 1e-05, "tie_word_embeddings": false,
    "torch_dtype": "float16", "vocab_size": 32000})";
  expect_matches_stdlib(json, "llama2_7b", {{"seq", 4096}});
  // One decoding step after 4095 cached tokens: the past_keys and past_values inputs, as llama2_7b's.
  expect_matches_stdlib(json, "llama2_7b", {{"seq", 1}, {"past", 4095}, {"batch", 2}});
  EXPECT_EQ(run_config(json, {{"seq", 1}, {"past", 7}}).run->graph.inputs.size(), 3u);
}

TEST(HfConfig, MistralKeepsItsSlidingWindow) {
  const char* json = R"({"architectures": ["MistralForCausalLM"], "hidden_act": "silu", "hidden_size": 4096,
    "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral", "num_attention_heads": 32,
    "num_hidden_layers": 32, "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
    "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 32000})";
  expect_matches_stdlib(json, "mistral_7b", {{"seq", 8192}});
  expect_matches_stdlib(json, "mistral_7b", {{"seq", 100}, {"batch", 2}});
}

TEST(HfConfig, Qwen2HasQkvBiases) {
  const char* json = R"({"architectures": ["Qwen2ForCausalLM"], "hidden_act": "silu", "hidden_size": 3584,
    "intermediate_size": 18944, "max_position_embeddings": 131072, "max_window_layers": 28, "model_type": "qwen2",
    "num_attention_heads": 28, "num_hidden_layers": 28, "num_key_value_heads": 4, "rms_norm_eps": 1e-06,
    "rope_theta": 1000000.0, "sliding_window": 131072, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
    "use_sliding_window": false, "vocab_size": 152064})";
  expect_matches_stdlib(json, "qwen2_7b", {{"seq", 333}});
}

TEST(HfConfig, GemmaWithWideHeadsAndTiedEmbeddings) {
  const char* json = R"({"architectures": ["GemmaForCausalLM"], "head_dim": 256, "hidden_act": "gelu",
    "hidden_size": 3072, "intermediate_size": 24576, "max_position_embeddings": 8192, "model_type": "gemma",
    "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 16, "rms_norm_eps": 1e-06,
    "rope_theta": 10000.0, "torch_dtype": "bfloat16", "vocab_size": 256000})";
  expect_matches_stdlib(json, "gemma_7b", {{"seq", 77}});
}

TEST(HfConfig, Phi3FusedProjections) {
  const char* json = R"({"architectures": ["Phi3ForCausalLM"], "attention_bias": false, "embd_pdrop": 0.0,
    "hidden_act": "silu", "hidden_size": 3072, "intermediate_size": 8192, "max_position_embeddings": 4096,
    "model_type": "phi3", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32,
    "original_max_position_embeddings": 4096, "resid_pdrop": 0.0, "rms_norm_eps": 1e-05, "rope_scaling": null,
    "rope_theta": 10000.0, "sliding_window": 2047, "tie_word_embeddings": false, "vocab_size": 32064})";
  expect_matches_stdlib(json, "phi3_mini", {{"seq", 4096}});
}

TEST(HfConfig, MixtralExperts) {
  const char* json = R"({"architectures": ["MixtralForCausalLM"], "hidden_act": "silu", "hidden_size": 4096,
    "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mixtral", "num_attention_heads": 32,
    "num_experts_per_tok": 2, "num_hidden_layers": 32, "num_key_value_heads": 8, "num_local_experts": 8,
    "output_router_logits": false, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0, "router_aux_loss_coef": 0.02,
    "sliding_window": null, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "vocab_size": 32000})";
  expect_matches_stdlib(json, "mixtral_8x7b", {{"seq", 50}});
  EXPECT_EQ(run_config(json, {{"seq", 1}}).run->analysis.totals.active_params, Int(12'879'925'248));
}

TEST(HfConfig, Gpt2TiedHead) {
  const char* json = R"({"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"],
    "attn_pdrop": 0.1, "embd_pdrop": 0.1, "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024,
    "n_embd": 768, "n_head": 12, "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "vocab_size": 50257})";
  expect_matches_stdlib(json, "gpt2", {{"seq", 1024}});
  expect_matches_stdlib(json, "gpt2", {{"seq", 10}, {"batch", 3}});
}

TEST(HfConfig, GptJ) {
  const char* json = R"({"activation_function": "gelu_new", "architectures": ["GPTJForCausalLM"],
    "layer_norm_epsilon": 1e-05, "model_type": "gptj", "n_embd": 4096, "n_head": 16, "n_inner": null,
    "n_layer": 28, "n_positions": 2048, "rotary_dim": 64, "tie_word_embeddings": false, "vocab_size": 50400})";
  expect_matches_stdlib(json, "gpt_j_6b", {{"seq", 300}});
}

TEST(HfConfig, BertBase) {
  const char* json = R"({"architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1,
    "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02,
    "intermediate_size": 3072, "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert",
    "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0, "position_embedding_type": "absolute",
    "type_vocab_size": 2, "vocab_size": 30522})";
  expect_matches_stdlib(json, "bert_base", {{"seq", 128}});
}

TEST(HfConfig, DeepSeekV3IsDeepSeekR1) {
  const char* json = R"({"architectures": ["DeepseekV3ForCausalLM"], "attention_bias": false,
    "first_k_dense_replace": 3, "hidden_act": "silu", "hidden_size": 7168, "intermediate_size": 18432,
    "kv_lora_rank": 512, "max_position_embeddings": 163840, "model_type": "deepseek_v3",
    "moe_intermediate_size": 2048, "moe_layer_freq": 1, "n_group": 8, "n_routed_experts": 256,
    "n_shared_experts": 1, "norm_topk_prob": true, "num_attention_heads": 128, "num_experts_per_tok": 8,
    "num_hidden_layers": 61, "num_key_value_heads": 128, "num_nextn_predict_layers": 1, "q_lora_rank": 1536,
    "qk_nope_head_dim": 128, "qk_rope_head_dim": 64,
    "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8",
                            "weight_block_size": [128, 128]},
    "rms_norm_eps": 1e-06, "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0,
    "mscale_all_dim": 1.0, "original_max_position_embeddings": 4096, "type": "yarn"}, "rope_theta": 10000,
    "routed_scaling_factor": 2.5, "scoring_func": "sigmoid", "tie_word_embeddings": false, "topk_group": 4,
    "topk_method": "noaux_tc", "torch_dtype": "bfloat16", "v_head_dim": 128, "vocab_size": 129280})";
  expect_matches_stdlib(json, "deepseek_r1", {{"seq", 64}});
  expect_matches_stdlib(json, "deepseek_r1", {{"seq", 1}, {"past", 100}});
}

// Closed forms for the model types the standard library has no model of.

TEST(HfConfig, Qwen2MoeA2_7B) {
  // Qwen/Qwen1.5-MoE-A2.7B config.json.
  const char* json = R"({"architectures": ["Qwen2MoeForCausalLM"], "decoder_sparse_step": 1, "hidden_act": "silu",
    "hidden_size": 2048, "intermediate_size": 5632, "max_position_embeddings": 8192, "max_window_layers": 21,
    "model_type": "qwen2_moe", "moe_intermediate_size": 1408, "norm_topk_prob": false, "num_attention_heads": 16,
    "num_experts": 60, "num_experts_per_tok": 4, "num_hidden_layers": 24, "num_key_value_heads": 16,
    "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "shared_expert_intermediate_size": 5632,
    "sliding_window": 32768, "tie_word_embeddings": false, "torch_dtype": "bfloat16", "use_sliding_window": false,
    "vocab_size": 151936})";
  FromConfig c = run_config(json, {{"seq", 16}});
  Int h = 2048, vocab = 151936, experts = 60, k = 4, expert = 3 * h * 1408, shared = 3 * h * 5632;
  // Per layer: q/k/v with bias, o; two norms; router; 60 experts; the shared expert and its gate (h -> 1).
  Int layer = 3 * (h * h + h) + h * h + 2 * h + h * experts + experts * expert + shared + h;
  Int params = 2 * vocab * h + 24 * layer + h;
  EXPECT_EQ((params + 50'000'000) / 100'000'000, Int(143));  // the published "14.3B"
  EXPECT_EQ(testing::params(*c.run), params);
  EXPECT_EQ(c.run->analysis.totals.active_params, params - 24 * (experts - k) * expert);
  // Per token: q/k/v/o, router, 4 experts, shared expert and gate; the attention matmuls 2·s·h per token; LM head.
  Int s = 16;
  Int per_token = 4 * h * h + h * experts + k * expert + shared + h;
  EXPECT_EQ(testing::macs(*c.run), 24 * (s * per_token + 2 * s * s * h) + s * h * vocab);
  EXPECT_TRUE(testing::has_path(*c.run, "model.layers.0.mlp.shared_expert.up_proj"));
  EXPECT_TRUE(testing::has_path(*c.run, "model.layers.0.mlp.shared_expert_gate"));
}

TEST(HfConfig, Gemma2SoftCappingAndAlternatingWindows) {
  // google/gemma-2-9b config.json.
  const char* json = R"({"architectures": ["Gemma2ForCausalLM"], "attn_logit_softcapping": 50.0,
    "final_logit_softcapping": 30.0, "head_dim": 256, "hidden_act": "gelu_pytorch_tanh",
    "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 3584, "intermediate_size": 14336,
    "max_position_embeddings": 8192, "model_type": "gemma2", "num_attention_heads": 16, "num_hidden_layers": 42,
    "num_key_value_heads": 8, "query_pre_attn_scalar": 256, "rms_norm_eps": 1e-06, "rope_theta": 10000.0,
    "sliding_window": 4096, "torch_dtype": "float32", "vocab_size": 256000})";
  Int s = 8192, h = 3584, q = 16 * 256, kv = 8 * 256, i = 14336, vocab = 256000;
  FromConfig c = run_config(json);
  // Tied embedding; per layer q, k, v, o, the GeGLU MLP and four norms; the final norm.
  Int params = vocab * h + 42 * (2 * h * q + 2 * h * kv + 3 * h * i + 4 * h) + h;
  EXPECT_EQ(testing::params(*c.run), params);
  // The 21 even layers see at most 4096 keys per query, the 21 odd ones all 8192.
  Int projections = 2 * s * h * q + 2 * s * h * kv + 3 * s * h * i;
  Int macs = 21 * (projections + 2 * 16 * s * 4096 * 256) + 21 * (projections + 2 * 16 * s * s * 256) + s * h * vocab;
  EXPECT_EQ(testing::macs(*c.run), macs);
  // Soft-capping: a divide, a tanh and a multiply per score and per logit.
  const analysis::Layer* capped = testing::find_layer(*c.run, "model.layers.1.self_attn.attention.softcap_tanh");
  ASSERT_NE(capped, nullptr);
  EXPECT_EQ(capped->figures.activation_ops, Int(16) * s * s);
  EXPECT_EQ(testing::find_layer(*c.run, "model.layers.0.self_attn.attention.softcap_tanh")->figures.activation_ops,
            Int(16) * s * 4096);
  EXPECT_EQ(testing::find_layer(*c.run, "final_softcap_tanh")->figures.activation_ops, s * vocab);
  EXPECT_TRUE(testing::has_path(*c.run, "model.layers.41.post_feedforward_layernorm"));
  EXPECT_EQ(*c.imported.weight_dtype, DType::kF32);
}

TEST(HfConfig, LayerListsForSlidingAndDenseLayers) {
  // Gemma 2 with explicit layer_types (full attention first), and Qwen2-MoE with a dense layer by mlp_only_layers.
  FromConfig gemma = run_config(R"({"model_type": "gemma2", "vocab_size": 64, "hidden_size": 16,
    "num_hidden_layers": 3, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 8,
    "intermediate_size": 32, "sliding_window": 4, "attn_logit_softcapping": null, "final_logit_softcapping": null,
    "layer_types": ["full_attention", "sliding_attention", "sliding_attention"]})",
                                {{"seq", 10}});
  EXPECT_EQ(gemma.run->graph.ops[testing::find_layer(*gemma.run, "model.layers.0.self_attn.attention.qk")->op].kind,
            "matmul");
  EXPECT_EQ(gemma.run->graph.ops[testing::find_layer(*gemma.run, "model.layers.1.self_attn.attention.qk")->op].kind,
            "window_scores");
  EXPECT_FALSE(testing::has_path(*gemma.run, "model.layers.0.self_attn.attention.softcap_tanh"));
  EXPECT_FALSE(testing::has_path(*gemma.run, "final_softcap_tanh"));
  FromConfig qwen = run_config(R"({"model_type": "qwen2_moe", "vocab_size": 100, "hidden_size": 16,
    "num_hidden_layers": 4, "num_attention_heads": 2, "intermediate_size": 32, "num_experts": 4,
    "num_experts_per_tok": 2, "moe_intermediate_size": 8, "shared_expert_intermediate_size": 16,
    "mlp_only_layers": [1]})");
  EXPECT_TRUE(testing::has_path(*qwen.run, "model.layers.0.mlp.experts"));
  EXPECT_TRUE(testing::has_path(*qwen.run, "model.layers.1.mlp.gate_proj"));
  EXPECT_FALSE(testing::has_path(*qwen.run, "model.layers.1.mlp.experts"));
  std::string e = error_of(R"({"model_type": "gemma2", "vocab_size": 64, "hidden_size": 16,
    "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 32, "layer_types": ["local"]})");
  EXPECT_NE(e.find("'layer_types': \"local\" is neither sliding_attention nor full_attention"), std::string::npos) << e;
}

TEST(HfConfig, GptNeox20B) {
  // EleutherAI/gpt-neox-20b config.json.
  const char* json = R"({"architectures": ["GPTNeoXForCausalLM"], "bos_token_id": 0, "eos_token_id": 0,
    "hidden_act": "gelu_fast", "hidden_size": 6144, "initializer_range": 0.02, "intermediate_size": 24576,
    "layer_norm_eps": 1e-05, "max_position_embeddings": 2048, "model_type": "gpt_neox", "num_attention_heads": 64,
    "num_hidden_layers": 44, "rotary_emb_base": 10000, "rotary_pct": 0.25, "tie_word_embeddings": false,
    "torch_dtype": "float16", "use_cache": true, "use_parallel_residual": true, "vocab_size": 50432})";
  FromConfig c = run_config(json, {{"batch", 2}, {"seq", 100}});
  Int h = 6144, i = 24576, vocab = 50432;
  // embed_in, embed_out; per layer two LayerNorms, query_key_value and dense with biases, the MLP with biases.
  Int params = 2 * vocab * h + 44 * (4 * h + (3 * h * h + 3 * h) + (h * h + h) + (h * i + i) + (i * h + h)) + 2 * h;
  EXPECT_EQ(params, Int(20'554'567'680));  // the GPT-NeoX-20B paper's count
  EXPECT_EQ(testing::params(*c.run), params);
  Int t = 200;
  EXPECT_EQ(testing::macs(*c.run), 44 * (4 * t * h * h + 2 * 2 * 100 * 100 * h + 2 * t * h * i) + t * h * vocab);
  // Rotary on 16 of each head's 96 features.
  EXPECT_EQ(testing::find_layer(*c.run, "gpt_neox.layers.0.attention.rotary_q")->figures.elementwise_ops,
            Int(3) * t * 64 * 24);
  EXPECT_TRUE(testing::has_path(*c.run, "embed_out"));
}

// ---- diagnostics ----------------------------------------------------------------------------------------

TEST(HfConfigErrors, UnknownModelTypeSuggestsTheNearest) {
  std::string e = error_of("{\n  \"model_type\": \"lama\",\n  \"hidden_size\": 8\n}");
  EXPECT_NE(e.find("config.json:2:17: error: 'model_type': unknown model type \"lama\"; did you mean \"llama\"?"),
            std::string::npos)
      << e;
}

TEST(HfConfigErrors, MissingAndMistypedFieldsNameTheKey) {
  std::string missing = error_of(R"({"model_type": "llama", "vocab_size": 10, "num_hidden_layers": 2})");
  EXPECT_NE(missing.find("config.json:1:1: error: missing 'hidden_size' (model_type llama needs it)"),
            std::string::npos)
      << missing;
  std::string mistyped = error_of(R"({"model_type": "llama", "vocab_size": 10, "hidden_size": "4096"})");
  EXPECT_NE(mistyped.find("config.json:1:58: error: 'hidden_size' must be an integer from 1 to 1000000000, got a "
                          "string"),
            std::string::npos)
      << mistyped;
  std::string huge = error_of(R"({"model_type": "gpt2", "vocab_size": 1e400, "n_embd": 8})");
  EXPECT_NE(huge.find("'vocab_size' must be an integer from 1 to 1000000000, got 1e400"), std::string::npos) << huge;
  std::string layers = error_of(R"({"model_type": "gpt2", "vocab_size": 8, "n_embd": 8, "n_layer": 100000000})");
  EXPECT_NE(layers.find("'n_layer' must be an integer from 1 to 100000"), std::string::npos) << layers;
}

TEST(HfConfigErrors, FieldsTheAnalysisCannotHonour) {
  const char* sizes = R"("vocab_size": 8, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
    "intermediate_size": 8)";
  std::string act = error_of(std::string(R"({"model_type": "llama", "hidden_act": "relu", )") + sizes + "}");
  EXPECT_NE(act.find("'hidden_act': \"relu\" is not supported for model_type llama (supported: \"silu\")"),
            std::string::npos)
      << act;
  std::string dtype = error_of(std::string(R"({"model_type": "llama", "torch_dtype": "int3", )") + sizes + "}");
  EXPECT_NE(dtype.find("'torch_dtype': \"int3\" is not supported"), std::string::npos) << dtype;
  EXPECT_NE(error_of(R"({"model_type": "qwen2", "vocab_size": 8, "hidden_size": 8, "num_hidden_layers": 1,
    "num_attention_heads": 2, "intermediate_size": 8, "use_sliding_window": true})")
                .find("'use_sliding_window': sliding windows"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"model_type": "llama", "vocab_size": 8, "hidden_size": 8, "num_hidden_layers": 1,
    "num_attention_heads": 2, "num_key_value_heads": 3, "intermediate_size": 8})")
                .find("'num_key_value_heads': num_attention_heads (2) must be a multiple of it"),
            std::string::npos);
}

TEST(HfConfigErrors, NotAnObjectAndBadJson) {
  EXPECT_NE(error_of("[1, 2]").find("config.json:1:1: error: a config.json must be an object, got an array"),
            std::string::npos);
  EXPECT_NE(error_of("{\"model_type\": \"llama\"").find("expected ',' or '}'"), std::string::npos);
  EXPECT_NE(error_of("{}").find("missing 'model_type'"), std::string::npos);
}

TEST(HfConfigFiles, LoadConfigFromDiskAndReportAtTheKey) {
  std::string dir = ::testing::TempDir();
  std::string good = dir + "/nnscope-hf-llama.json";
  std::string bad = dir + "/nnscope-hf-bad.json";
  {
    std::ofstream(good) << kLlama31_8B;
    std::ofstream(bad) << "{\"model_type\": \"gpt2\",\n \"vocab_size\": -1}";
  }
  bool found = false;
  hfconfig::Imported imported;
  auto program = hfconfig::load_config(good, &found, &imported);
  EXPECT_TRUE(found);
  ASSERT_TRUE(program->ok()) << render_all(program->diagnostics, program->sources);
  EXPECT_EQ(imported.model_type, "llama");
  EXPECT_NE(imported.text.find("model nnscope_hf_llama("), std::string::npos) << imported.text;
  auto failed = hfconfig::load_config(bad, &found, nullptr);
  EXPECT_TRUE(found);
  ASSERT_FALSE(failed->ok());
  std::string e = render_all(failed->diagnostics, failed->sources);
  EXPECT_NE(e.find("nnscope-hf-bad.json:2:16: error: 'vocab_size' must be an integer from 1 to 1000000000, got -1"),
            std::string::npos)
      << e;
  auto missing = hfconfig::load_config(dir + "/does-not-exist.json", &found, nullptr);
  EXPECT_FALSE(found);
  EXPECT_TRUE(hfconfig::is_config("x/config.json"));
  EXPECT_FALSE(hfconfig::is_config("model.nn"));
}

}  // namespace
}  // namespace nnscope
