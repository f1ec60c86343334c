// The config.json model types whose structure is not Llama's: gpt2, gptj, gpt_neox, bert and deepseek_v3. Each
// writes the same model as its standard-library counterpart (gpt2.nn, gpt_j_6b.nn, bert_base.nn, deepseek_r1.nn;
// std/gpt_neox.nn for gpt_neox) with the config's sizes.
#include <sstream>

#include "hfconfig/fields.h"

namespace nnscope::hfconfig {
namespace {

std::string str(Int v) { return sym::to_string(v); }

Int default_seq(const Fields& f, const char* key, Int fallback) {
  return std::min<Int>(f.count_or(key, fallback, Int(1) << 40), 8192);
}

// "gelu_new" and its aliases are the tanh approximation.
std::string gelu_approximation(const Fields& f, const char* key, const std::string& fallback) {
  std::string act = f.one_of(key, {"gelu", "gelu_new", "gelu_fast", "gelu_pytorch_tanh"}, fallback);
  return act == "gelu" ? "none" : "tanh";
}

// vocab_size, hidden_size, num_hidden_layers, num_attention_heads (dividing hidden_size), intermediate_size.
struct Sizes {
  Int vocab, hidden, layers, heads, inner;
};

Sizes encoder_sizes(const Fields& f) {
  Sizes z{f.count("vocab_size"), f.count("hidden_size"), f.count("num_hidden_layers", kMaxLayers),
          f.count("num_attention_heads"), f.count("intermediate_size")};
  if (z.hidden % z.heads != 0) {
    f.reject("num_attention_heads", "hidden_size (" + str(z.hidden) + ") must be a multiple of it");
  }
  return z;
}

}  // namespace

std::string gpt2_model(const Fields& f, const std::string& name) {
  Int vocab = f.count("vocab_size"), hidden = f.count("n_embd"), layers = f.count("n_layer", kMaxLayers);
  Int heads = f.count("n_head"), positions = f.count_or("n_positions", 1024, Int(1) << 40);
  if (hidden % heads != 0) f.reject("n_head", "n_embd (" + str(hidden) + ") must be a multiple of it");
  Int inner = f.count_or("n_inner", 4 * hidden);
  if (gelu_approximation(f, "activation_function", "gelu_new") != "tanh") {
    f.reject("activation_function", "GPT-2 blocks use the tanh-approximated GELU (gelu_new)");
  }
  double eps = f.number_or("layer_norm_epsilon", 1e-5);
  bool tied = f.flag_or("tie_word_embeddings", true);
  std::ostringstream o;
  o << "import \"std/gpt.nn\"\n\n";
  o << "model " << name << "(batch = 1, seq = " << std::min<Int>(positions, 8192) << ", const layers = " << layers
    << ", const hidden = " << hidden << ", const heads = " << heads << ", const vocab = " << vocab
    << ",\n    const n_positions = " << positions << ", const inner = " << inner << ") {\n";
  o << "    input input_ids: i64[batch, seq]\n";
  o << "    tokens = wte: embedding(input_ids, vocab, hidden)\n";
  o << "    positions = wpe: embedding(unsqueeze(arange(seq), 0), max(seq, n_positions), hidden)\n";
  o << "    x = drop: dropout(tokens + positions, " << float_literal(f.number_or("embd_pdrop", 0.1)) << ")\n";
  o << "    for i in 0..layers {\n";
  o << "        x = \"h.{i}\": gpt2_block(x, heads, inner, eps = " << float_literal(eps)
    << ", dropout_p = " << float_literal(f.number_or("resid_pdrop", 0.1)) << ")\n";
  o << "    }\n";
  o << "    last_hidden_state = ln_f: layernorm(x, eps = " << float_literal(eps) << ")\n";
  o << "    logits = lm_head: linear(last_hidden_state, vocab, bias = false" << (tied ? ", tied_to = \"wte\"" : "")
    << ")\n";
  o << "    return last_hidden_state, logits\n}\n";
  return o.str();
}

std::string gptj_model(const Fields& f, const std::string& name) {
  Int vocab = f.count("vocab_size"), hidden = f.count("n_embd"), layers = f.count("n_layer", kMaxLayers);
  Int heads = f.count("n_head");
  if (hidden % heads != 0) f.reject("n_head", "n_embd (" + str(hidden) + ") must be a multiple of it");
  Int rotary = f.count_or("rotary_dim", hidden / heads);
  if (rotary % 2 != 0 || rotary > hidden / heads) {
    f.reject("rotary_dim", "must be even and at most the head size (" + str(hidden / heads) + ")");
  }
  Int inner = f.count_or("n_inner", 4 * hidden);
  if (gelu_approximation(f, "activation_function", "gelu_new") != "tanh") {
    f.reject("activation_function", "GPT-J blocks use the tanh-approximated GELU (gelu_new)");
  }
  if (f.flag_or("tie_word_embeddings", false)) {
    f.reject("tie_word_embeddings", "GPT-J's LM head has a bias, so it cannot share the embedding table");
  }
  double eps = f.number_or("layer_norm_epsilon", 1e-5);
  std::ostringstream o;
  o << "import \"std/gptj.nn\"\n\n";
  o << "model " << name << "(batch = 1, seq = " << default_seq(f, "n_positions", 2048) << ", const layers = " << layers
    << ", const hidden = " << hidden << ", const heads = " << heads << ", const rotary_dim = " << rotary
    << ",\n    const inner = " << inner << ", const vocab = " << vocab << ") {\n";
  o << "    input input_ids: i64[batch, seq]\n";
  o << "    scope transformer {\n";
  o << "        x = wte: embedding(input_ids, vocab, hidden)\n";
  o << "        for i in 0..layers {\n";
  o << "            x = \"h.{i}\": gptj_block(x, heads, inner, rotary_dim, eps = " << float_literal(eps) << ")\n";
  o << "        }\n";
  o << "        last_hidden_state = ln_f: layernorm(x, eps = " << float_literal(eps) << ")\n";
  o << "    }\n";
  o << "    logits = lm_head: linear(last_hidden_state, vocab)\n";
  o << "    return last_hidden_state, logits\n}\n";
  return o.str();
}

std::string gpt_neox_model(const Fields& f, const std::string& name) {
  auto [vocab, hidden, layers, heads, inner] = encoder_sizes(f);
  double pct = f.number_or("rotary_pct", 0.25);
  if (pct > 1) f.reject("rotary_pct", "must be at most 1");
  // GPTNeoXAttention: rotary_ndims = int(head_size · rotary_pct).
  auto rotary = static_cast<Int>(static_cast<double>(hidden / heads) * pct);
  if (rotary < 2 || rotary % 2 != 0) {
    f.reject("rotary_pct", "turns " + str(rotary) + " features of each head; an even number of at least 2 is needed");
  }
  bool parallel = f.flag_or("use_parallel_residual", true);
  bool bias = f.flag_or("attention_bias", true);
  bool tied = f.flag_or("tie_word_embeddings", false);
  std::string approximate = gelu_approximation(f, "hidden_act", "gelu");
  double eps = f.number_or("layer_norm_eps", 1e-5);
  std::ostringstream o;
  o << "import \"std/gpt_neox.nn\"\n\n";
  o << "model " << name << "(batch = 1, seq = " << default_seq(f, "max_position_embeddings", 2048)
    << ", const layers = " << layers << ", const hidden = " << hidden << ", const heads = " << heads
    << ",\n    const intermediate_size = " << inner << ", const vocab = " << vocab
    << ", const rotary_ndims = " << rotary << ") {\n";
  o << "    input input_ids: i64[batch, seq]\n";
  o << "    scope gpt_neox {\n";
  o << "        x = embed_in: embedding(input_ids, vocab, hidden)\n";
  o << "        for i in 0..layers {\n";
  o << "            x = \"layers.{i}\": gpt_neox_layer(x, heads, intermediate_size, rotary_ndims, parallel = "
    << (parallel ? "true" : "false") << ", eps = " << float_literal(eps) << ", approximate = \"" << approximate
    << "\", bias = " << (bias ? "true" : "false") << ")\n";
  o << "        }\n";
  o << "        last_hidden_state = final_layer_norm: layernorm(x, eps = " << float_literal(eps) << ")\n";
  o << "    }\n";
  o << "    logits = embed_out: linear(last_hidden_state, vocab, bias = false"
    << (tied ? ", tied_to = \"gpt_neox.embed_in\"" : "") << ")\n";
  o << "    return last_hidden_state, logits\n}\n";
  return o.str();
}

std::string bert_model(const Fields& f, const std::string& name) {
  auto [vocab, hidden, layers, heads, inner] = encoder_sizes(f);
  Int positions = f.count_or("max_position_embeddings", 512, Int(1) << 40);
  Int types = f.count_or("type_vocab_size", 2);
  f.one_of("hidden_act", {"gelu"}, "gelu");
  std::ostringstream o;
  o << "import \"std/bert.nn\"\n\n";
  o << "model " << name << "(batch = 1, seq = " << std::min<Int>(positions, 8192) << ", const layers = " << layers
    << ", const hidden = " << hidden << ", const heads = " << heads << ",\n    const intermediate_size = " << inner
    << ", const vocab = " << vocab << ", const max_positions = " << positions << ", const type_vocab = " << types
    << ") {\n";
  o << R"(    input input_ids: i64[batch, seq]
    input token_type_ids: i64[batch, seq]
    scope embeddings {
        words = word_embeddings: embedding(input_ids, vocab, hidden)
        positions = position_embeddings: embedding(unsqueeze(arange(seq), 0), max(seq, max_positions), hidden)
        types = token_type_embeddings: embedding(token_type_ids, type_vocab, hidden)
        x = dropout(LayerNorm: layernorm(words + types + positions, eps = 1e-12), 0.1)
    }
    for i in 0..layers {
        x = "encoder.layer.{i}": bert_layer(x, heads, intermediate_size)
    }
    scope pooler {
        first = reshape(slice(x, 1, 0, 1), [batch, hidden])
        pooler_output = activation: tanh(dense: linear(first, hidden))
    }
    last_hidden_state = x
    return last_hidden_state, pooler_output
}
)";
  return o.str();
}

std::string deepseek_v3_model(const Fields& f, const std::string& name) {
  f.one_of("hidden_act", {"silu"}, "silu");
  f.one_of("scoring_func", {"sigmoid"}, "sigmoid");
  f.one_of("topk_method", {"noaux_tc"}, "noaux_tc");
  if (f.flag_or("attention_bias", false)) f.reject("attention_bias", "biases in latent attention are not supported");
  if (!f.present("q_lora_rank")) f.reject("q_lora_rank", "latent attention without a query rank is not supported");
  if (f.count_or("moe_layer_freq", 1) != 1) f.reject("moe_layer_freq", "only 1 (every layer after the dense ones)");
  if (!f.flag_or("norm_topk_prob", true)) f.reject("norm_topk_prob", "DeepSeek-V3's router normalises (true)");
  if (f.flag_or("tie_word_embeddings", false)) f.reject("tie_word_embeddings", "DeepSeek-V3's LM head is untied");
  Int layers = f.count("num_hidden_layers", kMaxLayers);
  Int experts = f.count("n_routed_experts"), top_k = f.count("num_experts_per_tok");
  if (top_k > experts) f.reject("num_experts_per_tok", "is larger than n_routed_experts (" + str(experts) + ")");
  Int groups = f.count_or("n_group", 1), top_groups = f.count_or("topk_group", 1);
  if (experts % groups != 0) f.reject("n_group", "must divide n_routed_experts (" + str(experts) + ")");
  if (top_groups > groups) f.reject("topk_group", "is larger than n_group (" + str(groups) + ")");
  double eps = f.number_or("rms_norm_eps", 1e-6);
  std::ostringstream o;
  o << "import \"std/deepseek.nn\"\n\n";
  o << "model " << name << "(batch = 1, seq = " << default_seq(f, "max_position_embeddings", 4096)
    << ", const past = 0, const layers = " << layers
    << ", const first_k_dense_replace = " << f.natural_or("first_k_dense_replace", 0, layers)
    << ",\n    const hidden = " << f.count("hidden_size") << ", const heads = " << f.count("num_attention_heads")
    << ", const q_lora_rank = " << f.count("q_lora_rank") << ", const kv_lora_rank = " << f.count("kv_lora_rank")
    << ",\n    const qk_nope_head_dim = " << f.count("qk_nope_head_dim")
    << ", const qk_rope_head_dim = " << f.count("qk_rope_head_dim") << ", const v_head_dim = " << f.count("v_head_dim")
    << ",\n    const intermediate_size = " << f.count("intermediate_size")
    << ", const moe_intermediate_size = " << f.count("moe_intermediate_size")
    << ", const n_routed_experts = " << experts << ",\n    const num_experts_per_tok = " << top_k
    << ", const n_shared_experts = " << f.natural_or("n_shared_experts", 0) << ", const n_group = " << groups
    << ", const topk_group = " << top_groups << ",\n    const vocab = " << f.count("vocab_size") << ") {\n";
  o << R"(    input input_ids: i64[batch, seq]
    if past > 0 {
        input past_latent: f32[layers, batch, past, kv_lora_rank + qk_rope_head_dim]
    }
    scope "model" {
        x = embed_tokens: embedding(input_ids, vocab, hidden)
        for i in 0..layers {
            cache = []
            if past > 0 {
                scope "past_key_values.{i}" {
                    cache = split(squeeze(slice(past_latent, 0, i, i + 1), 0), [kv_lora_rank, qk_rope_head_dim],
                                  axis = -1)
                }
            }
            x = "layers.{i}": deepseek_v3_decoder_layer(x, i < first_k_dense_replace, heads, q_lora_rank,
                                                        kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim,
                                                        v_head_dim, intermediate_size, moe_intermediate_size,
                                                        n_routed_experts, num_experts_per_tok, n_shared_experts,
                                                        n_group, topk_group, routed_scaling_factor = )"
    << float_literal(f.number_or("routed_scaling_factor", 1.0)) << ", eps = " << float_literal(eps) << R"(,
                                                        cache = cache)
        }
        last_hidden_state = norm: rmsnorm(x, eps = )"
    << float_literal(eps) << R"()
    }
    logits = lm_head: linear(last_hidden_state, vocab, bias = false)
    return last_hidden_state, logits
}
)";
  return o.str();
}

}  // namespace nnscope::hfconfig
