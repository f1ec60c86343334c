// FLUX.1 [dev]'s transformer (black-forest-labs/FLUX.1-dev transformer/config.json; diffusers'
// FluxTransformer2DModel): parameters from the layer shapes of diffusers' modules, which sum to the checkpoint's
// published 11,901,408,320; GEMM MACs from the closed form of one double-stream and one single-stream block, at two
// image sizes.
#include <gtest/gtest.h>

#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using namespace testing;  // run_model, find_layer, has_path, params, macs (model_test_util.h)

constexpr Int kD = 3072, kHeadDim = 128, kChannels = 64, kT5 = 4096, kClip = 768, kTimeProj = 256;
constexpr Int kDouble = 19, kSingle = 38;

Int linear_params(Int in, Int out) { return in * out + out; }

// FluxTransformerBlock: norm1 and norm1_context (AdaLayerNormZero: D -> 6D), to_q/k/v, add_q/k/v_proj, to_out.0,
// to_add_out (D -> D, all with bias), four RMSNorms of one head's width, ff and ff_context (D -> 4D -> D).
Int double_block_params() {
  return 2 * linear_params(kD, 6 * kD) + 8 * linear_params(kD, kD) + 4 * kHeadDim +
         2 * (linear_params(kD, 4 * kD) + linear_params(4 * kD, kD));
}

// FluxSingleTransformerBlock: norm (D -> 3D), to_q/k/v, norm_q/norm_k, proj_mlp (D -> 4D), proj_out (5D -> D).
Int single_block_params() {
  return linear_params(kD, 3 * kD) + 3 * linear_params(kD, kD) + 2 * kHeadDim + linear_params(kD, 4 * kD) +
         linear_params(5 * kD, kD);
}

// Per sample, over S = text + image tokens: the double block's two modulation projections (on the conditioning
// vector, once per sample), 12·D² per token (q, k, v, out: 4; MLP 8, on each token of its own stream) and the
// joint attention's score and context products, S²·D each.
Int double_block_macs(Int text, Int image) {
  Int s = text + image;
  return 2 * 6 * kD * kD + 12 * s * kD * kD + 2 * s * s * kD;
}

// The single block: its 3·D modulation, q/k/v (3D²) + proj_mlp (4D²) + proj_out (5D²) per token, attention.
Int single_block_macs(Int text, Int image) {
  Int s = text + image;
  return 3 * kD * kD + 12 * s * kD * kD + 2 * s * s * kD;
}

Int flux_macs(Int batch, Int text, Int image) {
  Int embedders = 2 * (kTimeProj * kD + kD * kD) + (kClip * kD + kD * kD) + text * kT5 * kD + image * kChannels * kD;
  Int head = 2 * kD * kD + image * kD * kChannels;
  return batch *
         (kDouble * double_block_macs(text, image) + kSingle * single_block_macs(text, image) + embedders + head);
}

TEST(Flux1, DevTransformerParametersAndMacs) {
  Int embedders = 2 * (linear_params(kTimeProj, kD) + linear_params(kD, kD)) + linear_params(kClip, kD) +
                  linear_params(kD, kD) + linear_params(kT5, kD) + linear_params(kChannels, kD);
  Int head = linear_params(kD, 2 * kD) + linear_params(kD, kChannels);
  Int total = kDouble * double_block_params() + kSingle * single_block_params() + embedders + head;
  EXPECT_EQ(total, Int(11'901'408'320));  // the published size of FLUX.1 [dev]'s transformer

  // 1024x1024 (a 128x128 latent packed 2x2: 4096 tokens) and 512x512 (1024 tokens), 512 T5 tokens.
  auto other = expect_macs_at_two_sizes("flux1", flux_macs(1, 512, 4096), {{"batch", 2}, {"image_tokens", 1024}},
                                        flux_macs(2, 512, 1024));
  EXPECT_EQ(params(*other), Int(11'901'408'320));
  auto defaults = run_model("flux1");
  EXPECT_EQ(params(*defaults), Int(11'901'408'320));
  EXPECT_EQ(defaults->analysis.output_shapes[0], (std::vector<Int>{1, 4096, kChannels}));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 1024, kChannels}));

  // Per block, as diffusers names the modules.
  EXPECT_EQ(macs_under(*other, "transformer_blocks.7."), 2 * double_block_macs(512, 1024));
  EXPECT_EQ(macs_under(*other, "single_transformer_blocks.37."), 2 * single_block_macs(512, 1024));
  Int double_params = 0;
  for (const analysis::Layer& layer : other->analysis.layers) {
    if (other->graph.ops[layer.op].path.starts_with("transformer_blocks.0.")) double_params += layer.figures.params;
  }
  EXPECT_EQ(double_params, double_block_params());
  EXPECT_EQ(find_layer(*other, "transformer_blocks.0.norm1.linear")->figures.params, linear_params(kD, 6 * kD));
  EXPECT_EQ(find_layer(*other, "transformer_blocks.0.attn.norm_added_q")->figures.params, kHeadDim);
  EXPECT_EQ(find_layer(*other, "transformer_blocks.0.attn.to_add_out")->figures.params, linear_params(kD, kD));
  EXPECT_EQ(find_layer(*other, "single_transformer_blocks.0.proj_out")->figures.params, linear_params(5 * kD, kD));
  EXPECT_EQ(find_layer(*other, "norm_out.linear")->figures.params, linear_params(kD, 2 * kD));
  EXPECT_TRUE(has_path(*other, "time_text_embed.guidance_embedder.linear_2"));
  EXPECT_TRUE(has_path(*other, "time_text_embed.text_embedder.act_1"));
  EXPECT_TRUE(has_path(*other, "transformer_blocks.18.ff_context.net.2"));
  EXPECT_FALSE(has_path(*other, "transformer_blocks.19.ff.net.2"));

  // Joint attention: every query sees the 512 text and 1024 image tokens, 24 heads.
  const analysis::Layer* scores =
      find_layer(*other, "transformer_blocks.0.attn.rotary_attention.scaled_dot_product_attention.qk");
  ASSERT_NE(scores, nullptr);
  EXPECT_EQ(scores->output_shapes[0], (std::vector<Int>{2, 24, 1536, 1536}));
  // Rotary over the whole 128-wide head of 1536 tokens: 3 element-wise ops per rotated element.
  const analysis::Layer* rotary = find_layer(*other, "single_transformer_blocks.0.attn.rotary_attention.rotary_q");
  ASSERT_NE(rotary, nullptr);
  EXPECT_EQ(rotary->figures.elementwise_ops, 3 * 2 * 1536 * kD);
}

}  // namespace
}  // namespace nnscope
