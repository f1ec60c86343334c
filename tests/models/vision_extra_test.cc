// Pins GoogLeNet, Inception-v3, ConvNeXt-T and ViT-B/16 of the standard library to torchvision: parameter
// counts and GEMM MACs (shared/reference/published_figures.md gives them rounded; the exact figures come from
// torchvision 0.14 with forward hooks, tools/reference/torchvision_reference.py), at a non-default size too.
#include <gtest/gtest.h>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;

const ir::Op* find_op(const ir::Graph& g, const std::string& path) {
  for (const ir::Op& op : g.ops)
    if (op.path == path) return &op;
  return nullptr;
}

using testing::find_layer;  // model_test_util.h

std::size_t count_kind(const ir::Graph& g, const std::string& kind) {
  std::size_t n = 0;
  for (const ir::Op& op : g.ops) n += op.kind == kind;
  return n;
}

TEST(VisionExtraGoogLeNet, MatchesTorchvision) {
  auto r = testing::run_model("googlenet");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(6'624'904));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(1'498'376'192));  // published 1.498 G
  ASSERT_EQ(r->analysis.output_shapes.size(), 1u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 1000}));
  // 3 stem convolutions, 9 Inception modules of 6, no auxiliary classifiers.
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 3u + 9 * 6);
  EXPECT_EQ(count_kind(r->graph, "linear"), 1u);
  EXPECT_NE(find_op(r->graph, "conv1.conv"), nullptr);
  EXPECT_NE(find_op(r->graph, "inception4a.branch2.1.conv"), nullptr);
  EXPECT_NE(find_op(r->graph, "inception5b.branch4.1.bn"), nullptr);
  EXPECT_EQ(r->graph.ops.back().path, "fc");
  // The Inception modules concatenate 64 + 128 + 32 + 32 = 256 channels at 28x28 (3a) ...
  const analysis::Layer* concat = find_layer(*r, "inception3a.concat");
  ASSERT_NE(concat, nullptr);
  EXPECT_EQ(concat->output_shapes[0], (std::vector<Int>{1, 256, 28, 28}));
}

TEST(VisionExtraGoogLeNet, AtAnotherSize) {
  // torchvision at batch 3, 320x256 (ceil-mode pools: 80x64 after the stem, 40x32, 20x16, 10x8).
  auto r = testing::run_model("googlenet", {{"batch", 3}, {"height", 320}, {"width", 256}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(6'624'904));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(7'337'041'920));
  EXPECT_EQ(find_layer(*r, "inception5b.branch1.conv")->output_shapes[0], (std::vector<Int>{3, 384, 10, 8}));
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{3, 1000}));
}

TEST(VisionExtraInceptionV3, MatchesTorchvision) {
  auto r = testing::run_model("inception_v3");
  ASSERT_NE(r->graph.bindings.find("height"), nullptr);
  EXPECT_EQ(*r->graph.bindings.find("height"), Int(299));
  EXPECT_EQ(r->analysis.totals.figures.params, Int(23'834'568));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(5'713'216'096));  // published 5.713 G
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 1000}));
  // 5 stem + 3·7 (A) + 4 (B) + 4·10 (C) + 6 (D) + 2·9 (E) convolutions; no AuxLogits.
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 5u + 21 + 4 + 40 + 6 + 18);
  EXPECT_NE(find_op(r->graph, "Conv2d_1a_3x3.conv"), nullptr);
  EXPECT_NE(find_op(r->graph, "Mixed_6b.branch7x7dbl_5.conv"), nullptr);
  EXPECT_NE(find_op(r->graph, "Mixed_7c.branch3x3_2b.conv"), nullptr);
  EXPECT_EQ(r->graph.ops.back().path, "fc");
  // 35x35x288 after Mixed_5d, 17x17x768 after Mixed_6e, 8x8x2048 after Mixed_7c (its third concat: the
  // first two join the 1x3 and 3x1 halves of its branches).
  EXPECT_EQ(find_layer(*r, "Mixed_5d.concat")->output_shapes[0], (std::vector<Int>{1, 288, 35, 35}));
  EXPECT_EQ(find_layer(*r, "Mixed_6e.concat")->output_shapes[0], (std::vector<Int>{1, 768, 17, 17}));
  EXPECT_EQ(find_layer(*r, "Mixed_7c.concat_2")->output_shapes[0], (std::vector<Int>{1, 2048, 8, 8}));
}

TEST(VisionExtraInceptionV3, AtAnotherSize) {
  // torchvision at batch 3, 331x299.
  auto r = testing::run_model("inception_v3", {{"batch", 3}, {"height", 331}, {"width", 299}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(23'834'568));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(19'133'878'560));
  EXPECT_EQ(find_layer(*r, "Mixed_7c.concat_2")->output_shapes[0], (std::vector<Int>{3, 2048, 9, 8}));
}

TEST(VisionExtraConvNeXtTiny, MatchesTorchvision) {
  auto r = testing::run_model("convnext_tiny");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(28'589'128));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(4'455'531'264));  // published 4.456 G
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 1000}));
  // Layer scale: one learned [C] vector per block (3 + 3 + 9 + 3 blocks), 96·3 + 192·3 + 384·9 + 768·3.
  Int layer_scale = 0;
  for (const analysis::Layer& layer : r->analysis.layers)
    if (r->graph.ops[layer.op].path.ends_with(".layer_scale.weight")) layer_scale += layer.figures.params;
  EXPECT_EQ(layer_scale, Int(96 * 3 + 192 * 3 + 384 * 9 + 768 * 3));
  const analysis::Layer* dw = find_layer(*r, "features.5.8.block.0");  // the last block of stage 3: depthwise 7x7
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(dw->figures.params, Int(384 * 49 + 384));
  EXPECT_NE(find_op(r->graph, "features.1.0.block.3"), nullptr);
  EXPECT_NE(find_op(r->graph, "features.6.1"), nullptr);  // the 2x2 stride-2 downsampling before stage 4
  EXPECT_EQ(r->graph.ops.back().path, "classifier.2");
  EXPECT_EQ(find_layer(*r, "features.7.2.block.5")->output_shapes[0], (std::vector<Int>{1, 7, 7, 768}));
}

TEST(VisionExtraConvNeXtTiny, AtAnotherSize) {
  auto r = testing::run_model("convnext_tiny", {{"batch", 3}, {"height", 320}, {"width", 256}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(28'589'128));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(21'821'552'640));  // torchvision at batch 3, 320x256
  EXPECT_EQ(find_layer(*r, "features.0.0")->output_shapes[0], (std::vector<Int>{3, 96, 80, 64}));
  EXPECT_EQ(find_layer(*r, "features.7.2.block.0")->output_shapes[0], (std::vector<Int>{3, 768, 10, 8}));
}

TEST(VisionExtraViTB16, MatchesTorchvision) {
  auto r = testing::run_model("vit_b_16");
  // conv_proj 768·3·256 + 768; class token 768; position embedding 197·768; 12 layers of 2 LayerNorms,
  // attention 4·(768² + 768) and MLP 768·3072 + 3072 + 3072·768 + 768; final LayerNorm; head 768·1000 + 1000.
  Int layer = 2 * 2 * 768 + 4 * (768 * 768 + 768) + (768 * 3072 + 3072) + (3072 * 768 + 768);
  Int params = (768 * 3 * 256 + 768) + 768 + 197 * 768 + 12 * layer + 2 * 768 + (768 * 1000 + 1000);
  EXPECT_EQ(params, Int(86'567'656));
  EXPECT_EQ(r->analysis.totals.figures.params, params);
  // s = 197 tokens: 12 · (4·s·768² + 2·s²·768 + 2·s·768·3072), the patchify conv 196·768·768, the head.
  Int s = 197;
  Int macs = 12 * (4 * s * 768 * 768 + 2 * s * s * 768 + 2 * s * 768 * 3072) + 196 * 768 * 768 + 768 * 1000;
  EXPECT_EQ(macs, Int(17'563'828'224));  // published 17.564 G
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, macs);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 1000}));
  EXPECT_NE(find_op(r->graph, "conv_proj"), nullptr);
  EXPECT_NE(find_op(r->graph, "encoder.layers.encoder_layer_0.ln_1"), nullptr);
  EXPECT_NE(find_op(r->graph, "encoder.layers.encoder_layer_11.mlp.3"), nullptr);
  EXPECT_NE(find_op(r->graph, "encoder.ln"), nullptr);
  EXPECT_EQ(find_layer(*r, "encoder.layers.encoder_layer_5.self_attention.out_proj")->output_shapes[0],
            (std::vector<Int>{1, 197, 768}));
  EXPECT_EQ(find_layer(*r, "encoder.layers.encoder_layer_5.self_attention.attention.qk")->output_shapes[0],
            (std::vector<Int>{1, 12, 197, 197}));
  EXPECT_EQ(find_layer(*r, "encoder.pos_embedding.embedding")->figures.params, Int(197 * 768));
  EXPECT_EQ(r->graph.ops.back().path, "heads.head");
}

TEST(VisionExtraViTB16, AtAnotherSize) {
  // Batch 3 at 224x224 (torchvision: 3 × 17,563,828,224), and at 384x384, torchvision's
  // vit_b_16(image_size = 384): 577 tokens, a position embedding of 577·768 (86,859,496 parameters).
  auto b3 = testing::run_model("vit_b_16", {{"batch", 3}});
  EXPECT_EQ(b3->analysis.totals.figures.gemm_macs, Int(52'691'484'672));
  EXPECT_EQ(b3->analysis.output_shapes[0], (std::vector<Int>{3, 1000}));
  auto big = testing::run_model("vit_b_16", {{"height", 384}, {"width", 384}});
  EXPECT_EQ(big->analysis.totals.figures.params, Int(86'567'656) + (577 - 197) * 768);
  EXPECT_EQ(big->analysis.totals.figures.params, Int(86'859'496));
  Int s = 577;
  EXPECT_EQ(big->analysis.totals.figures.gemm_macs,
            12 * (4 * s * 768 * 768 + 2 * s * s * 768 + 2 * s * 768 * 3072) + 576 * 768 * 768 + 768 * 1000);
}

}  // namespace
}  // namespace nnscope
