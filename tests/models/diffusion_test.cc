// The diffusion U-Nets of MLPerf, stable_diffusion_v2 (Training) and stable_diffusion_xl (Inference): the
// published parameter counts of diffusers' UNet2DConditionModel for stabilityai/stable-diffusion-2-1 (865,910,724)
// and stabilityai/stable-diffusion-xl-base-1.0 (2,567,463,684), the GEMM MACs of a closed form over the config at
// two sizes, the output shape (the input latents'), and diffusers' module names. SD 2's text encoder
// (stable_diffusion_v2_text_encoder) against a PyTorch re-implementation and open_clip's published profile.
#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using namespace testing;  // run_model, find_layer, has_path, params, macs, expect_macs_at_two_sizes

struct Level {
  Int channels;
  bool cross_attention;
  Int transformer_layers;
};

struct UNetConfig {
  std::vector<Level> levels;
  Int context_dim;
  bool text_time;  // SDXL's added text and time embedding
};

const UNetConfig kSd2{{{320, true, 1}, {640, true, 1}, {1280, true, 1}, {1280, false, 1}}, 1024, false};
const UNetConfig kSdxl{{{320, false, 1}, {640, true, 2}, {1280, true, 10}}, 2048, true};

// GEMM MACs of one sample, the sum over every convolution, linear layer and attention product (bias adds are not
// MACs), walking diffusers' UNet2DConditionModel: s = h·w positions of a map, T text tokens of width D.
// ResnetBlock2D c_in -> c: two 3x3 convolutions, time_emb_proj (1280 -> c), a 1x1 shortcut when c_in != c.
// Transformer2DModel with L blocks: proj_in and proj_out (2·s·c²); per block attn1 (q, k, v, out: 4·s·c²; q·kᵀ
// and probs·v: 2·s²·c), attn2 (q, out: 2·s·c²; k, v from the text: 2·T·D·c; 2·s·T·c), GEGLU (c -> 8c, 4c -> c:
// 12·s·c²). Time embedding 320 -> 1280 -> 1280 (SDXL adds 2816 -> 1280 -> 1280).
Int unet_macs(const UNetConfig& config, Int height, Int width, Int text) {
  auto resnet = [](Int s, Int c_in, Int c) {
    return 9 * s * c_in * c + 9 * s * c * c + (c_in != c) * s * c_in * c + 1280 * c;
  };
  auto transformer = [&](Int s, Int c, Int layers) {
    return 2 * s * c * c +
           layers * (18 * s * c * c + 2 * s * s * c + 2 * text * config.context_dim * c + 2 * s * text * c);
  };
  Int total = 9 * height * width * 4 * 320 + 320 * 1280 + 1280 * 1280 + 9 * height * width * 320 * 4;
  if (config.text_time) total += 2816 * 1280 + 1280 * 1280;
  std::vector<Int> skips = {320};
  Int c = 320, h = height, w = width;
  std::size_t n = config.levels.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Level& level = config.levels[i];
    for (int j = 0; j < 2; ++j) {
      total += resnet(h * w, c, level.channels);
      c = level.channels;
      if (level.cross_attention) total += transformer(h * w, c, level.transformer_layers);
      skips.push_back(c);
    }
    if (i + 1 < n) {
      h /= 2, w /= 2;
      total += 9 * h * w * c * c;
      skips.push_back(c);
    }
  }
  total += 2 * resnet(h * w, c, c) + transformer(h * w, c, config.levels.back().transformer_layers);
  for (std::size_t i = n; i-- > 0;) {
    const Level& level = config.levels[i];
    for (int j = 0; j < 3; ++j) {
      total += resnet(h * w, c + skips.back(), level.channels);
      skips.pop_back();
      c = level.channels;
      if (level.cross_attention) total += transformer(h * w, c, level.transformer_layers);
    }
    if (i > 0) {
      h *= 2, w *= 2;
      total += 9 * h * w * c * c;
    }
  }
  return total;
}

TEST(StableDiffusion, V2UNetParametersMacsAndShape) {
  // tests/models/reference/diffusion_unet.py, a second derivation from the config, prints the same figures.
  EXPECT_EQ(unet_macs(kSd2, 64, 64, 77), Int(402'128'732'160));
  EXPECT_EQ(2 * unet_macs(kSd2, 96, 96, 77), Int(2'149'105'745'920));
  auto other = expect_macs_at_two_sizes("stable_diffusion_v2", unet_macs(kSd2, 64, 64, 77),
                                        {{"batch", 2}, {"latent_height", 96}, {"latent_width", 96}},
                                        2 * unet_macs(kSd2, 96, 96, 77));
  auto defaults = run_model("stable_diffusion_v2");
  EXPECT_EQ(params(*defaults), Int(865'910'724));
  EXPECT_EQ(params(*other), Int(865'910'724));
  EXPECT_EQ(defaults->analysis.output_shapes[0], (std::vector<Int>{1, 4, 64, 64}));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 4, 96, 96}));

  // diffusers' module names and sizes.
  EXPECT_EQ(find_layer(*other, "time_proj")->output_shapes[0], (std::vector<Int>{2, 320}));
  EXPECT_EQ(find_layer(*other, "time_embedding.linear_1")->figures.params, Int(320 * 1280 + 1280));
  EXPECT_EQ(find_layer(*other, "down_blocks.0.resnets.0.conv1")->figures.params, Int(320 * 320 * 9 + 320));
  EXPECT_EQ(find_layer(*other, "down_blocks.1.resnets.0.conv_shortcut")->figures.params, Int(320 * 640 + 640));
  EXPECT_EQ(find_layer(*other, "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k")->figures.params,
            Int(1024 * 320));
  EXPECT_EQ(find_layer(*other, "down_blocks.2.downsamplers.0.conv")->output_shapes[0],
            (std::vector<Int>{2, 1280, 12, 12}));
  EXPECT_FALSE(has_path(*other, "down_blocks.3.downsamplers.0.conv"));
  EXPECT_FALSE(has_path(*other, "down_blocks.3.attentions.0.norm"));
  // Up block 0 concatenates 1280 + 1280 channels; up block 3 reads 640 + 320, then 320 + 320 twice.
  EXPECT_EQ(find_layer(*other, "up_blocks.0.resnets.0.conv_shortcut")->figures.params, Int(2560 * 1280 + 1280));
  EXPECT_EQ(find_layer(*other, "up_blocks.3.resnets.0.conv1")->figures.params, Int(960 * 320 * 9 + 320));
  EXPECT_EQ(find_layer(*other, "up_blocks.3.attentions.2.proj_out")->output_shapes[0],
            (std::vector<Int>{2, 96 * 96, 320}));
  EXPECT_EQ(find_layer(*other, "up_blocks.2.upsamplers.0.conv")->output_shapes[0], (std::vector<Int>{2, 640, 96, 96}));
  // Self-attention over the 96·96 positions in 5 heads; cross-attention to the 77 text tokens.
  EXPECT_EQ(find_layer(*other, "down_blocks.0.attentions.0.transformer_blocks.0.attn1.attention.qk")->output_shapes[0],
            (std::vector<Int>{2, 5, 9216, 9216}));
  EXPECT_EQ(find_layer(*other, "mid_block.attentions.0.transformer_blocks.0.attn2.attention.qk")->output_shapes[0],
            (std::vector<Int>{2, 20, 144, 77}));
  EXPECT_TRUE(has_path(*other, "mid_block.resnets.1.time_emb_proj"));
  EXPECT_TRUE(has_path(*other, "conv_norm_out"));

  // MLCommons' reference normalises the resnets in 16 groups, its transformers in 32: a group norm of E elements
  // in R = batch·groups rows costs 7E + R element-wise ops (docs/cost-model.md §7.5).
  Int e = 320 * 64 * 64;
  EXPECT_EQ(find_layer(*defaults, "down_blocks.0.resnets.0.norm1")->figures.elementwise_ops, 7 * e + 16);
  EXPECT_EQ(find_layer(*defaults, "down_blocks.0.attentions.0.norm")->figures.elementwise_ops, 7 * e + 32);
  auto stability = run_model("stable_diffusion_v2", {{"norm_groups", 32}});
  EXPECT_EQ(find_layer(*stability, "down_blocks.0.resnets.0.norm1")->figures.elementwise_ops, 7 * e + 32);
  EXPECT_EQ(params(*stability), Int(865'910'724));
  EXPECT_EQ(macs(*stability), macs(*defaults));
}

TEST(StableDiffusion, XlUNetParametersMacsAndShape) {
  EXPECT_EQ(unet_macs(kSdxl, 128, 128, 77), Int(3'380'618'199'040));
  EXPECT_EQ(2 * unet_macs(kSdxl, 64, 96, 154), Int(2'456'727'060'480));
  auto other = expect_macs_at_two_sizes("stable_diffusion_xl", unet_macs(kSdxl, 128, 128, 77),
                                        {{"batch", 2}, {"latent_height", 64}, {"latent_width", 96}, {"text_len", 154}},
                                        2 * unet_macs(kSdxl, 64, 96, 154));
  auto defaults = run_model("stable_diffusion_xl");
  EXPECT_EQ(params(*defaults), Int(2'567'463'684));
  EXPECT_EQ(params(*other), Int(2'567'463'684));
  EXPECT_EQ(defaults->analysis.output_shapes[0], (std::vector<Int>{1, 4, 128, 128}));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 4, 64, 96}));

  // The added text/time embedding: 6 conditions x 256 beside the 1280-wide pooled text embedding.
  EXPECT_EQ(find_layer(*other, "add_time_proj")->output_shapes[0], (std::vector<Int>{2, 6, 256}));
  EXPECT_EQ(find_layer(*other, "add_embedding.linear_1")->figures.params, Int(2816 * 1280 + 1280));
  // No attention at the first level; 10 transformer blocks at the last and in the mid block.
  EXPECT_FALSE(has_path(*other, "down_blocks.0.attentions.0.norm"));
  EXPECT_TRUE(has_path(*other, "down_blocks.1.attentions.1.transformer_blocks.1.ff.net.2"));
  EXPECT_FALSE(has_path(*other, "down_blocks.1.attentions.1.transformer_blocks.2.ff.net.2"));
  EXPECT_EQ(find_layer(*other, "down_blocks.2.attentions.1.transformer_blocks.9.ff.net.0.proj")->figures.params,
            Int(1280 * 10240 + 10240));
  EXPECT_TRUE(has_path(*other, "mid_block.attentions.0.transformer_blocks.9.attn1.to_q"));
  EXPECT_TRUE(has_path(*other, "up_blocks.0.attentions.2.transformer_blocks.9.attn2.to_v"));
  EXPECT_FALSE(has_path(*other, "up_blocks.2.attentions.0.norm"));
  EXPECT_FALSE(has_path(*other, "up_blocks.2.upsamplers.0.conv"));
  // Cross-attention to 154 tokens of width 2048, at the 16x24 map of the last level.
  EXPECT_EQ(find_layer(*other, "down_blocks.2.attentions.0.transformer_blocks.0.attn2.to_k")->figures.params,
            Int(2048 * 1280));
  EXPECT_EQ(find_layer(*other, "down_blocks.2.attentions.0.transformer_blocks.0.attn2.attention.qk")->output_shapes[0],
            (std::vector<Int>{2, 20, 16 * 24, 154}));
}

// SD 2's text encoder, OpenCLIP ViT-H/14's text tower to its penultimate layer (CLIPTextModel with 23 layers).
// tests/models/reference/clip_text_encoder.py builds it from nn.Embedding, nn.LayerNorm, nn.Linear and nn.GELU and
// prints 340,387,840 parameters, 22,563,616,768 MACs at 1x77 tokens and 18,618,515,456 at 2x32 (forward hooks on
// the linears and the two attention products); the closed forms below say the same.
TEST(StableDiffusion, V2TextEncoderParametersMacsAndShape) {
  const Int h = 1024, inner = 4096;
  // Per layer: layer_norm1 and layer_norm2 (weight and bias), q/k/v/out projections with biases, fc1 and fc2.
  const Int layer = 2 * 2 * h + 4 * (h * h + h) + (h * inner + inner) + (inner * h + h);
  auto params_of = [&](Int layers) { return 49408 * h + 77 * h + layers * layer + 2 * h; };  // + final_layer_norm
  EXPECT_EQ(params_of(23), Int(340'387'840));
  // Per layer over b·s tokens: q, k, v, out (4·h²) and the MLP (2·h·4h) per token; q·kᵀ and probs·v (2·s·h per
  // token, the causal mask does not shrink them).
  auto macs_of = [&](Int layers, Int b, Int s) { return layers * (12 * b * s * h * h + 2 * b * s * s * h); };
  EXPECT_EQ(macs_of(23, 1, 77), Int(22'563'616'768));
  EXPECT_EQ(macs_of(23, 2, 32), Int(18'618'515'456));
  auto other = expect_macs_at_two_sizes("stable_diffusion_v2_text_encoder", macs_of(23, 1, 77),
                                        {{"batch", 2}, {"seq", 32}}, macs_of(23, 2, 32));
  auto defaults = run_model("stable_diffusion_v2_text_encoder");
  EXPECT_EQ(params(*defaults), params_of(23));
  EXPECT_EQ(params(*other), params_of(23));
  // last_hidden_state: the U-Net's encoder_hidden_states, [batch, 77, 1024] (context_dim 1024).
  EXPECT_EQ(defaults->analysis.output_shapes[0], (std::vector<Int>{1, 77, 1024}));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 32, 1024}));

  // Hugging Face's CLIPTextModel names; layer 22 is the last one run (OpenCLIP's 24th block is skipped).
  EXPECT_EQ(find_layer(*other, "text_model.embeddings.token_embedding")->figures.params, Int(49408 * 1024));
  EXPECT_EQ(find_layer(*other, "text_model.embeddings.position_embedding")->figures.params, Int(77 * 1024));
  EXPECT_EQ(find_layer(*other, "text_model.encoder.layers.0.self_attn.q_proj")->figures.params, h * h + h);
  EXPECT_EQ(find_layer(*other, "text_model.encoder.layers.22.mlp.fc1")->output_shapes[0],
            (std::vector<Int>{2, 32, 4096}));
  EXPECT_TRUE(has_path(*other, "text_model.encoder.layers.22.layer_norm1"));
  EXPECT_TRUE(has_path(*other, "text_model.encoder.layers.22.layer_norm2"));
  EXPECT_TRUE(has_path(*other, "text_model.encoder.layers.22.self_attn.out_proj"));
  EXPECT_FALSE(has_path(*other, "text_model.encoder.layers.23.layer_norm1"));
  EXPECT_TRUE(has_path(*other, "text_model.final_layer_norm"));
  // Causal self-attention in 16 heads; GELU (OpenCLIP's nn.GELU, not OpenAI's QuickGELU).
  EXPECT_EQ(find_layer(*other, "text_model.encoder.layers.3.self_attn.attention.qk")->output_shapes[0],
            (std::vector<Int>{2, 16, 32, 32}));
  EXPECT_EQ(count_kind(other->graph, "causal_mask"), 23u);
  const ir::Op* activation = find_op(other->graph, "text_model.encoder.layers.3.mlp.activation_fn");
  ASSERT_NE(activation, nullptr);
  EXPECT_EQ(activation->kind, "gelu");

  // The whole 24-layer tower: open_clip's docs/model_profile.csv gives ViT-H-14 354.03 M text parameters and
  // 47.09 text GFLOPs (2 per MAC) at 77 tokens, both with its text_projection (1024 x 1024, on the pooled token
  // only; SD 2 does not use it and the model leaves it out). The script prints 354,032,640 and 23,545,692,160.
  auto tower = run_model("stable_diffusion_v2_text_encoder", {{"layers", 24}});
  EXPECT_EQ(params(*tower) + h * h, Int(354'032'640));
  EXPECT_EQ(macs(*tower) + h * h, Int(23'545'692'160));
  EXPECT_EQ(macs_of(24, 1, 77), macs(*tower));

  // 77 learned positions: a longer prompt is an error.
  EXPECT_THROW(run_model("stable_diffusion_v2_text_encoder", {{"seq", 78}}), std::runtime_error);
}

}  // namespace
}  // namespace nnscope
