// Translation of a Hugging Face config.json into .nn source. Each model_type reads the fields its Hugging Face
// implementation uses for the architecture (sizes, biases, tying, windows, experts, latent ranks) and writes a model
// of the same shape as the standard library's models of that architecture, so both analyse to the same figures.
// Fields that change no cost (rope_theta, rope_scaling, initializer_range, token ids, ...) are ignored.
#include "hfconfig/hf_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

#include "hfconfig/fields.h"
#include "hfconfig/json.h"
#include "source/read_file.h"

namespace nnscope::hfconfig {

// Defined in models.cc: the model types whose structure is not Llama's.
std::string gpt2_model(const Fields& f, const std::string& name);
std::string gptj_model(const Fields& f, const std::string& name);
std::string gpt_neox_model(const Fields& f, const std::string& name);
std::string bert_model(const Fields& f, const std::string& name);
std::string deepseek_v3_model(const Fields& f, const std::string& name);

namespace {

std::string str(Int v) { return sym::to_string(v); }

// The sizes every decoder-only model type has.
struct Decoder {
  Int vocab = 0, hidden = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0, intermediate = 0, seq = 0;
  double eps = 1e-6;
  bool tied = false;
};

Decoder read_decoder(const Fields& f, bool tied_default, double eps_default) {
  Decoder d;
  d.vocab = f.count("vocab_size");
  d.hidden = f.count("hidden_size");
  d.layers = f.count("num_hidden_layers", kMaxLayers);
  d.heads = f.count("num_attention_heads");
  d.kv_heads = f.count_or("num_key_value_heads", d.heads);
  if (d.heads % d.kv_heads != 0) {
    f.reject("num_key_value_heads", "num_attention_heads (" + str(d.heads) + ") must be a multiple of it");
  }
  if (!f.present("head_dim") && d.hidden % d.heads != 0) {
    f.reject("num_attention_heads", "hidden_size (" + str(d.hidden) + ") must be a multiple of it");
  }
  d.head_dim = f.count_or("head_dim", f.present("head_dim") ? 0 : d.hidden / d.heads);
  d.intermediate = f.count("intermediate_size");
  // Sequence length: the model's context, at most 8192 by default (--set seq=N for more).
  d.seq = std::min<Int>(f.count_or("max_position_embeddings", 4096, Int(1) << 40), 8192);
  d.eps = f.number_or("rms_norm_eps", eps_default);
  d.tied = f.flag_or("tie_word_embeddings", tied_default);
  return d;
}

void require_activation(const Fields& f, const char* key, const std::vector<std::string>& allowed,
                        const std::string& fallback) {
  f.one_of(key, allowed, fallback);
}

// The model's signature and body around the layer loop, shared by the Llama-like decoders.
struct DecoderText {
  std::string imports;       // import lines
  std::string extra_params;  // ", const sliding_window = 4096"
  std::string before_loop;   // statements after the token embedding
  std::string layer_call;    // the block call for layer i, assigned to x
  std::string after_head;    // statements after the LM head (soft-capping)
  bool cache = false;        // a `past` parameter and KV-cache inputs, as llama2_7b.nn (the layer takes cache = ...)
};

std::string decoder_model(const std::string& name, const Decoder& d, const DecoderText& t) {
  std::ostringstream o;
  o << t.imports << "\n";
  o << "model " << name << "(batch = 1, seq = " << d.seq << ", const layers = " << d.layers
    << ", const hidden = " << d.hidden << ", const heads = " << d.heads << ",\n    const kv_heads = " << d.kv_heads
    << ", const head_dim = " << d.head_dim << ", const intermediate_size = " << d.intermediate
    << ", const vocab = " << d.vocab;
  if (t.cache) o << ", const past = 0";
  if (!t.extra_params.empty()) o << ",\n    " << t.extra_params.substr(2);
  o << ") {\n";
  o << "    input input_ids: i64[batch, seq]\n";
  if (t.cache) {
    o << "    if past > 0 {\n";
    o << "        input past_keys: f32[layers, batch, past, kv_heads * head_dim]\n";
    o << "        input past_values: f32[layers, batch, past, kv_heads * head_dim]\n";
    o << "    }\n";
  }
  o << "    scope \"model\" {\n";
  o << "        x = embed_tokens: embedding(input_ids, vocab, hidden)\n";
  o << t.before_loop;
  o << "        for i in 0..layers {\n";
  if (t.cache) {
    o << "            cache = []\n";
    o << "            if past > 0 {\n";
    o << "                scope \"past_key_values.{i}\" {\n";
    o << "                    cache = [key: squeeze(slice(past_keys, 0, i, i + 1), 0),\n";
    o << "                             value: squeeze(slice(past_values, 0, i, i + 1), 0)]\n";
    o << "                }\n";
    o << "            }\n";
  }
  o << "            x = \"layers.{i}\": " << t.layer_call << "\n";
  o << "        }\n";
  o << "        last_hidden_state = norm: rmsnorm(x, eps = " << float_literal(d.eps) << ")\n";
  o << "    }\n";
  o << "    logits = lm_head: linear(last_hidden_state, vocab, bias = false"
    << (d.tied ? ", tied_to = \"model.embed_tokens\"" : "") << ")\n";
  o << t.after_head;
  o << "    return last_hidden_state, logits\n}\n";
  return o.str();
}

std::string window_of(const Fields& f, const char* key = "sliding_window") { return str(f.natural_or(key, 0)); }

// llama, mistral, qwen2, gemma: std/llama.nn's llama_decoder_layer.
std::string llama_like(const Fields& f, const std::string& name) {
  const std::string& type = f.type();
  bool gemma = type == "gemma";
  Decoder d = read_decoder(f, gemma, 1e-6);
  if (gemma) d.head_dim = f.count_or("head_dim", 256);
  DecoderText t;
  t.imports = "import \"std/llama.nn\"\n";
  std::string args = "llama_decoder_layer(x, heads, kv_heads, intermediate_size, eps = " + float_literal(d.eps) +
                     ", head_dim = head_dim";
  if (type == "llama") {
    require_activation(f, "hidden_act", {"silu"}, "silu");
    bool bias = f.flag_or("attention_bias", false);
    if (bias) args += ", attention_bias = true, o_bias = true";
    if (f.flag_or("mlp_bias", false)) args += ", mlp_bias = true";
  } else if (type == "mistral") {
    require_activation(f, "hidden_act", {"silu"}, "silu");
    if (f.present("sliding_window")) {
      t.extra_params = ", const sliding_window = " + window_of(f);
      args += ", window = sliding_window";
    }
  } else if (type == "qwen2") {
    require_activation(f, "hidden_act", {"silu"}, "silu");
    if (f.flag_or("use_sliding_window", false)) {
      f.reject("use_sliding_window", "sliding windows on some of Qwen2's layers are not supported");
    }
    args += ", attention_bias = true";
  } else {  // gemma
    const char* key = f.present("hidden_activation") ? "hidden_activation" : "hidden_act";
    require_activation(f, key, {"gelu_pytorch_tanh", "gelu"}, "gelu_pytorch_tanh");
    args += ", activation = \"gelu_tanh\"";
    t.before_loop = "        x = normalizer: mul(x, hidden ** 0.5)\n";
  }
  t.layer_call = args + ",\n                cache = cache)";
  t.cache = true;
  return decoder_model(name, d, t);
}

// gemma2: pre- and post-norms, soft-capped attention and logits, sliding window on alternate layers.
std::string gemma2(const Fields& f, const std::string& name) {
  Decoder d = read_decoder(f, true, 1e-6);
  d.head_dim = f.count_or("head_dim", 256);
  const char* key = f.present("hidden_activation") ? "hidden_activation" : "hidden_act";
  require_activation(f, key, {"gelu_pytorch_tanh", "gelu"}, "gelu_pytorch_tanh");
  Int window = f.natural_or("sliding_window", 4096);
  double softcap = f.number_or("attn_logit_softcapping", 0.0);
  double final_softcap = f.number_or("final_logit_softcapping", 0.0);
  // Which layers slide: layer_types when given, else the even ones (Gemma2Config's default).
  std::vector<std::string> types = f.strings_or_empty("layer_types");
  if (!types.empty() && static_cast<Int>(types.size()) != d.layers) {
    f.reject("layer_types", "has " + std::to_string(types.size()) + " entries for " + str(d.layers) + " layers");
  }
  // The window of layer i: an expression for Gemma2Config's default pattern, else a list.
  std::string window_of_layer = "if i % 2 == 0 { sliding_window } else { 0 }";
  bool default_pattern = true;
  std::string windows = "[";
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (types[i] != "sliding_attention" && types[i] != "full_attention") {
      f.reject("layer_types", "\"" + types[i] + "\" is neither sliding_attention nor full_attention");
    }
    default_pattern = default_pattern && (types[i] == "sliding_attention") == (i % 2 == 0);
    windows += std::string(i ? ", " : "") + (types[i] == "sliding_attention" ? "sliding_window" : "0");
  }
  DecoderText t;
  t.imports = "import \"std/llama.nn\"\n";
  t.extra_params = ", const sliding_window = " + str(window);
  t.before_loop = "        x = normalizer: mul(x, hidden ** 0.5)\n";
  if (!default_pattern) {
    t.before_loop += "        windows = " + windows + "]\n";
    window_of_layer = "windows[i]";
  }
  t.layer_call = "gemma2_decoder_layer(x, heads, kv_heads, head_dim, intermediate_size, " + float_literal(softcap) +
                 ",\n                window = " + window_of_layer + ", eps = " + float_literal(d.eps) + ")";
  if (final_softcap > 0) {
    std::string cap = float_literal(final_softcap);
    t.after_head = "    logits = final_softcap_mul: mul(final_softcap_tanh: tanh(final_softcap_div: div(logits, " +
                   cap + ")), " + cap + ")\n";
  }
  return decoder_model(name, d, t);
}

// phi3: fused qkv_proj and gate_up_proj (std/phi3.nn).
std::string phi3(const Fields& f, const std::string& name) {
  Decoder d = read_decoder(f, false, 1e-5);
  require_activation(f, "hidden_act", {"silu"}, "silu");
  if (f.number_or("partial_rotary_factor", 1.0) != 1.0) {
    f.reject("partial_rotary_factor", "partial rotary embeddings are not supported for phi3");
  }
  if (d.head_dim * d.heads != d.hidden) f.reject("head_dim", "must be hidden_size / num_attention_heads for phi3");
  DecoderText t;
  t.imports = "import \"std/phi3.nn\"\n";
  std::string window = "0";
  if (f.present("sliding_window")) {
    t.extra_params = ", const sliding_window = " + window_of(f);
    window = "sliding_window";
  }
  t.layer_call = "phi3_decoder_layer(x, heads, kv_heads, intermediate_size, eps = " + float_literal(d.eps) +
                 ", window = " + window + ")";
  return decoder_model(name, d, t);
}

// mixtral: Llama's attention and a sparse MoE of num_local_experts, num_experts_per_tok per token.
std::string mixtral(const Fields& f, const std::string& name) {
  Decoder d = read_decoder(f, false, 1e-5);
  require_activation(f, "hidden_act", {"silu"}, "silu");
  if (d.head_dim * d.heads != d.hidden) f.reject("head_dim", "must be hidden_size / num_attention_heads for mixtral");
  Int experts = f.count("num_local_experts");
  Int top_k = f.count("num_experts_per_tok");
  if (top_k > experts) f.reject("num_experts_per_tok", "is larger than num_local_experts (" + str(experts) + ")");
  DecoderText t;
  t.imports = "import \"std/moe.nn\"\n";
  t.extra_params = ", const num_local_experts = " + str(experts) + ", const num_experts_per_tok = " + str(top_k);
  std::string window = "0";
  if (f.present("sliding_window")) {
    t.extra_params += ", const sliding_window = " + window_of(f);
    window = "sliding_window";
  }
  t.layer_call =
      "mixtral_decoder_layer(x, heads, kv_heads, intermediate_size, num_local_experts, num_experts_per_tok, eps = " +
      float_literal(d.eps) + ", window = " + window + ")";
  return decoder_model(name, d, t);
}

// qwen2_moe: q/k/v biases; sparse layers (every decoder_sparse_step-th, not in mlp_only_layers) with a gated shared
// expert.
std::string qwen2_moe(const Fields& f, const std::string& name) {
  Decoder d = read_decoder(f, false, 1e-6);
  require_activation(f, "hidden_act", {"silu"}, "silu");
  if (d.head_dim * d.heads != d.hidden) f.reject("head_dim", "must be hidden_size / num_attention_heads for qwen2_moe");
  if (f.flag_or("use_sliding_window", false)) {
    f.reject("use_sliding_window", "sliding windows on some of Qwen2-MoE's layers are not supported");
  }
  Int experts = f.count("num_experts");
  Int top_k = f.count("num_experts_per_tok");
  if (top_k > experts) f.reject("num_experts_per_tok", "is larger than num_experts (" + str(experts) + ")");
  Int moe_i = f.count("moe_intermediate_size");
  Int shared_i = f.count("shared_expert_intermediate_size");
  Int step = f.count_or("decoder_sparse_step", 1);
  std::vector<Int> dense_layers = f.naturals_or_empty("mlp_only_layers", d.layers - 1);
  // Whether layer i is sparse: Qwen2MoeDecoderLayer's rule as an expression, or a list when mlp_only_layers makes
  // some layers dense.
  std::string sparse = "(i + 1) % " + str(step) + " == 0";
  DecoderText t;
  if (!dense_layers.empty()) {
    std::string list = "[";
    for (Int i = 0; i < d.layers; ++i) {
      bool is_sparse =
          (i + 1) % step == 0 && std::find(dense_layers.begin(), dense_layers.end(), i) == dense_layers.end();
      list += std::string(i ? ", " : "") + (is_sparse ? "true" : "false");
    }
    t.before_loop = "        sparse_layers = " + list + "]\n";
    sparse = "sparse_layers[i]";
  }
  t.imports = "import \"std/moe.nn\"\n";
  t.extra_params = ", const num_experts = " + str(experts) + ", const num_experts_per_tok = " + str(top_k) +
                   ", const moe_intermediate_size = " + str(moe_i) +
                   ",\n    const shared_expert_intermediate_size = " + str(shared_i);
  t.layer_call = "qwen2_moe_decoder_layer(x, heads, kv_heads, " + sparse +
                 ",\n                intermediate_size, num_experts, num_experts_per_tok, moe_intermediate_size, "
                 "shared_expert_intermediate_size,\n                norm_topk_prob = " +
                 (f.flag_or("norm_topk_prob", false) ? "true" : "false") + ", eps = " + float_literal(d.eps) + ")";
  return decoder_model(name, d, t);
}

std::string model_text(const Fields& f, const std::string& name) {
  const std::string& type = f.type();
  if (type == "llama" || type == "mistral" || type == "qwen2" || type == "gemma") return llama_like(f, name);
  if (type == "gemma2") return gemma2(f, name);
  if (type == "phi3") return phi3(f, name);
  if (type == "mixtral") return mixtral(f, name);
  if (type == "qwen2_moe") return qwen2_moe(f, name);
  if (type == "gpt2") return gpt2_model(f, name);
  if (type == "gptj") return gptj_model(f, name);
  if (type == "gpt_neox") return gpt_neox_model(f, name);
  if (type == "bert") return bert_model(f, name);
  return deepseek_v3_model(f, name);
}

const std::vector<std::string>& model_types() {
  static const std::vector<std::string> types = {"llama",    "mistral", "mixtral",    "qwen2", "qwen2_moe",
                                                 "gemma",    "gemma2",  "phi3",       "gpt2",  "gptj",
                                                 "gpt_neox", "bert",    "deepseek_v3"};
  return types;
}

// A model name from the file's stem: letters, digits and '_' only, not starting with a digit.
std::string sanitized(const std::string& stem) {
  std::string out;
  for (char c : stem) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "config_" + out;
  return out;
}

}  // namespace

Imported translate(const SourceManager& sources, FileId file, const std::string& model_name) {
  json::Value root = json::parse(sources, file);
  if (root.kind != json::Value::Kind::kObject) {
    throw DiagnosticError(root.location, "a config.json must be an object, got " + std::string(root.kind_name()));
  }
  const json::Value* type = root.find("model_type");
  if (!type) {
    Location at{file, root.location.begin, root.location.begin + 1};
    throw DiagnosticError(at, "missing 'model_type'");
  }
  if (type->kind != json::Value::Kind::kString) {
    throw DiagnosticError(type->location, "'model_type' must be a string, got " + std::string(type->kind_name()));
  }
  const std::vector<std::string>& known = model_types();
  if (std::find(known.begin(), known.end(), type->text) == known.end()) {
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    std::string hint = interp::closest_name(type->text, known);
    throw DiagnosticError(type->location, "'model_type': unknown model type " + json::quoted(type->text) +
                                              (hint.empty() ? "" : "; did you mean \"" + hint + "\"?") +
                                              " (known: " + list + ")");
  }
  Fields f(root, type->text);
  Imported out;
  out.model_type = type->text;
  for (const char* key : {"torch_dtype", "dtype"}) {
    if (!f.present(key)) continue;
    std::string name = f.one_of(key, {"float32", "float16", "bfloat16"}, "float32");
    out.weight_dtype = name == "float32" ? DType::kF32 : name == "float16" ? DType::kF16 : DType::kBF16;
  }
  std::string name = sanitized(model_name);
  out.text = "# " + name + ": imported by nnscope from " + sources.file(file).name + " (model_type " + out.model_type +
             ", docs/hf-config.md).\n" + model_text(f, name);
  return out;
}

bool is_config(const std::string& target) { return target.size() > 5 && target.ends_with(".json"); }

std::unique_ptr<interp::Program> load_config(const std::string& path, bool* found, Imported* imported) {
  auto failed = std::make_unique<interp::Program>();
  std::string text;
  // A config is a few kilobytes; 64 MiB is the limit of every model source.
  ReadResult read = read_regular_file(path, 64u << 20, text);
  if (read.status != ReadStatus::kOk) {
    *found = read.status != ReadStatus::kNotFound;
    failed->diagnostics.push_back(
        {Severity::kError, Location::none(), "cannot read '" + path + "': " + read.problem, {}});
    return failed;
  }
  *found = true;
  FileId file = failed->sources.add(path, std::move(text));
  Imported result;
  try {
    result = translate(failed->sources, file, std::filesystem::path(path).stem().string());
  } catch (const DiagnosticError& error) {
    failed->diagnostics.push_back(error.diagnostic());
    return failed;
  }
  auto program = interp::load_program_from_text(path + ".nn", result.text);
  if (imported) *imported = std::move(result);
  return program;
}

}  // namespace nnscope::hfconfig
