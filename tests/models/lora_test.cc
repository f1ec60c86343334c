// MLPerf Training's llama2_70b_lora: Llama 2 70B frozen, LoRA r 16 (alpha 32, dropout 0.1) on qkv_proj and o_proj,
// sequence 8192 (mlcommons/training llama2_70b_lora). Parameters, forward MACs and --mode train figures against
// closed forms written here: optimizer state for the adapters only, no weight-gradient MACs for frozen weights.
#include <gtest/gtest.h>

#include "analysis/training.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using namespace testing;  // run_model, find_layer, has_path, params, macs, macs_at (model_test_util.h)

constexpr Int kVocab = 32000, kHidden = 8192, kLayers = 80, kFfn = 28672, kRank = 16;
constexpr Int kQkv = 8192 + 2 * 1024;  // 64 query heads and 8 key and 8 value heads of 128

// The adapters of one layer: lora_A (h -> r) and lora_B (r -> out) on qkv_proj and on o_proj.
constexpr Int kAdapterParams = (kRank * kHidden + kQkv * kRank) + (kRank * kHidden + kHidden * kRank);

// Per layer with T = b·s tokens: qkv_proj T·h·10240, o_proj T·h², the attention matmuls 2·b·s²·h, the MLP
// 3·T·h·i, the adapters T·r·(h + 10240) and T·r·(h + h); the LM head T·h·vocab.
Int forward_macs(Int b, Int s) {
  Int t = b * s, h = kHidden;
  Int adapters = t * kRank * (h + kQkv) + t * kRank * (h + h);
  return kLayers * (t * h * kQkv + t * h * h + 2 * b * s * s * h + 3 * t * h * kFfn + adapters) + t * h * kVocab;
}

TEST(LoraLlama2_70B, ParametersAndForwardMacs) {
  auto r = testing::run_model("llama2_70b_lora", {{"seq", 64}});
  EXPECT_EQ(kLayers * kAdapterParams, Int(44'564'480));
  EXPECT_EQ(params(*r), Int(68'976'648'192) + kLayers * kAdapterParams);
  EXPECT_EQ(macs(*r), forward_macs(1, 64));
  auto full = testing::run_model("llama2_70b_lora");
  EXPECT_EQ(macs(*full), forward_macs(1, 8192));
  EXPECT_EQ(full->analysis.output_shapes[1], (std::vector<Int>{1, 8192, kVocab}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, 64, kVocab}));
  for (const char* path :
       {"model.layers.0.self_attn.qkv_proj.base_layer", "model.layers.0.self_attn.qkv_proj.lora_A.default",
        "model.layers.79.self_attn.o_proj.lora_B.default", "model.layers.0.self_attn.o_proj.lora_dropout.default",
        "model.layers.0.mlp.gate_proj"}) {
    EXPECT_TRUE(has_path(*r, path)) << path;
  }
  const analysis::Layer* base = find_layer(*r, "model.layers.3.self_attn.qkv_proj.base_layer");
  ASSERT_NE(base, nullptr);
  EXPECT_EQ(base->figures.params, kHidden * kQkv);
  EXPECT_TRUE(r->graph.ops[base->op].costs().frozen);
  EXPECT_FALSE(r->graph.ops[find_layer(*r, "model.layers.3.self_attn.qkv_proj.lora_A.default")->op].costs().frozen);
  EXPECT_TRUE(r->graph.ops[find_layer(*r, "lm_head")->op].costs().frozen);
  EXPECT_TRUE(r->graph.ops[find_layer(*r, "model.embed_tokens")->op].costs().frozen);
}

TEST(LoraLlama2_70B, TrainingTrainsTheAdaptersOnly) {
  Int b = 2, s = 128, t = b * s, h = kHidden;
  auto r = testing::run_model("llama2_70b_lora", {{"batch", b}, {"seq", s}});
  analysis::Training train = analysis::analyze_training(r->analysis, {});
  // Adam state, gradients (fp32 weights here) for the 44,564,480 adapter parameters only.
  Int trained = kLayers * kAdapterParams;
  EXPECT_EQ(train.totals.trainable_params, trained);
  EXPECT_EQ(train.totals.optimizer_bytes, trained * 8);
  EXPECT_EQ(train.totals.gradient_bytes, trained * 4);
  EXPECT_EQ(train.totals.weight_bytes, params(*r) * 4);
  // Weight gradients: the adapters' matrices only, T·r·(h + 10240) + T·r·(h + h) per layer.
  EXPECT_EQ(train.totals.backward_wgrad_macs, kLayers * (t * kRank * (h + kQkv) + t * kRank * (h + h)));
  // Input gradients: every product whose input needs a gradient, once per operand (both operands of the attention
  // matmuls), except in layer 0, where qkv_proj's base layer and lora_A read the frozen embedding's output, which
  // needs none.
  Int attention = 2 * b * s * s * h;
  Int layer = t * h * kQkv + t * kRank * h + t * kRank * kQkv + 2 * attention + t * h * h + t * kRank * h +
              t * kRank * h + 3 * t * h * kFfn;
  Int dgrad = kLayers * layer - (t * h * kQkv + t * kRank * h) + t * h * kVocab;
  EXPECT_EQ(train.totals.backward_dgrad_macs, dgrad);
  // No frozen op has weight-gradient work.
  for (std::size_t i = 0; i < r->analysis.layers.size(); ++i) {
    const ir::Op& op = r->graph.ops[r->analysis.layers[i].op];
    if (op.costs().frozen) {
      EXPECT_EQ(train.layers[i].wgrad_macs, Int(0)) << op.path;
    }
  }
}

TEST(LoraLlama2_70B, MixedPrecisionKeepsMasterWeightsForTheAdapters) {
  bool found = false;
  auto program = interp::load_program("llama2_70b_lora", &found);
  ASSERT_TRUE(found && program->ok());
  interp::ElaborateOptions options;
  options.weight_dtype = options.activation_dtype = DType::kBF16;
  options.overrides = {{"seq", 16}};
  ir::Graph graph = interp::elaborate(*program, *program->select_model(""), options);
  analysis::Analysis a = analysis::analyze(graph);
  analysis::Training train = analysis::analyze_training(a, {});
  Int trained = kLayers * kAdapterParams;
  EXPECT_EQ(train.totals.master_weight_bytes, trained * 4);
  EXPECT_EQ(train.totals.gradient_bytes, trained * 2);
  EXPECT_EQ(train.totals.optimizer_bytes, trained * 8);
  EXPECT_EQ(train.totals.weight_bytes, (Int(68'976'648'192) + trained) * 2);
}

}  // namespace
}  // namespace nnscope
