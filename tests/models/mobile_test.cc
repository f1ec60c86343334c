// Pins the DenseNet and mobile standard-library models (densenet121, densenet169, mobilenet_v2,
// mobilenet_v3_large, efficientnet_b0, shufflenet_v2_x1_0) to torchvision 0.14: parameter counts and GEMM
// MACs (Conv2d and Linear, squeeze-and-excitation 1x1 convolutions included) measured with forward hooks,
// at 224x224 batch 1 and at 320x256 batch 2, and the width multipliers against torchvision's models built
// with the same width_mult. The published figures (shared/reference/published_figures.md) are the 224x224
// ones: densenet121 2,834,161,664, mobilenet_v2 300,774,272, mobilenet_v3_large 0.217 G, efficientnet_b0
// 0.386 G, shufflenet_v2_x1_0 0.145 G.
#include <gtest/gtest.h>

#include <algorithm>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using testing::count_kind;
using testing::has_path;

// Checks a model against torchvision at 224x224 batch 1 and at 320x256 batch 2 (fresh elaboration and the
// symbolic GEMM formula of the default run evaluated there), with the parameters independent of the size.
void expect_torchvision(const std::string& name, Int params, Int macs_224, Int macs_b2_320x256) {
  SCOPED_TRACE(name);
  auto base = testing::run_model(name);
  EXPECT_EQ(base->analysis.totals.figures.params, params);
  EXPECT_EQ(base->analysis.totals.figures.gemm_macs, macs_224);
  ASSERT_EQ(base->analysis.output_shapes.size(), 1u);
  EXPECT_EQ(base->analysis.output_shapes[0], (std::vector<Int>{1, 1000}));
  EXPECT_EQ(base->analysis.formulas.gemm_macs.degree("batch"), 1);
  EXPECT_TRUE(base->analysis.not_costed.empty());

  auto big = testing::run_model(name, {{"batch", 2}, {"height", 320}, {"width", 256}});
  EXPECT_EQ(big->analysis.totals.figures.params, params);
  EXPECT_EQ(big->analysis.totals.figures.gemm_macs, macs_b2_320x256);
  ASSERT_EQ(big->analysis.output_shapes.size(), 1u);
  EXPECT_EQ(big->analysis.output_shapes[0], (std::vector<Int>{2, 1000}));
  sym::Bindings b = base->graph.bindings;
  b.set("batch", 2);
  b.set("height", 320);
  b.set("width", 256);
  EXPECT_EQ(base->analysis.formulas.gemm_macs.evaluate_integer(b), macs_b2_320x256);
}

// Parameters and GEMM MACs at 224x224 with some hyper-parameters overridden.
void expect_variant(const std::string& name, std::map<std::string, Int> overrides, Int params, Int macs) {
  SCOPED_TRACE(name);
  auto r = testing::run_model(name, std::move(overrides));
  EXPECT_EQ(r->analysis.totals.figures.params, params);
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, macs);
}

TEST(MobileDenseNet, DenseNet121MatchesTorchvision) {
  expect_torchvision("densenet121", 7'978'856, 2'834'161'664, 9'253'109'760);
}

TEST(MobileDenseNet, DenseNet121Structure) {
  auto r = testing::run_model("densenet121");
  // conv0, two convolutions in each of 6 + 12 + 24 + 16 dense layers, three transitions.
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 1u + 2 * 58 + 3);
  EXPECT_EQ(r->graph.ops.front().path, "features.conv0");
  EXPECT_EQ(r->graph.ops.back().path, "classifier");
  EXPECT_TRUE(has_path(r->graph, "features.denseblock4.denselayer16.conv2"));
  EXPECT_TRUE(has_path(r->graph, "features.transition3.pool"));
  EXPECT_TRUE(has_path(r->graph, "features.norm5"));
  // By hand: the first dense layer sees 64 channels at 56x56: 1x1 to 128, then 3x3 to 32.
  Int first_layer = Int(56) * 56 * (128 * 64 + 32 * 128 * 9);
  Int seen = 0;
  for (const analysis::Layer& layer : r->analysis.layers) {
    if (r->graph.ops[layer.op].path.starts_with("features.denseblock1.denselayer1.")) seen += layer.figures.gemm_macs;
  }
  EXPECT_EQ(seen, first_layer);
  // The classifier is 1024 -> 1000: the widths add up to 512 + 16 · 32 after the last block.
  EXPECT_EQ(r->analysis.layers.back().figures.gemm_macs, Int(1024) * 1000);
}

// block_config is a list parameter: densenet121 (growth 32) with torchvision densenet201's blocks (6, 12, 48, 32)
// is densenet201: torchvision's 20,013,928 parameters and 4,291,365,888 GEMM MACs at 224x224.
TEST(MobileDenseNet, BlockConfigListParameterMakesDenseNet201) {
  auto r = testing::run_model("densenet121", {}, {{"block_config", {6, 12, 48, 32}}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(20'013'928));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(4'291'365'888));
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 1u + 2 * (6 + 12 + 48 + 32) + 3);
  EXPECT_TRUE(has_path(r->graph, "features.denseblock3.denselayer48.conv2"));
}

TEST(MobileDenseNet, DenseNet169MatchesTorchvision) {
  expect_torchvision("densenet169", 14'149'480, 3'359'843'328, 10'968'811'520);
  auto r = testing::run_model("densenet169");
  EXPECT_TRUE(has_path(r->graph, "features.denseblock3.denselayer32.conv2"));
  EXPECT_EQ(r->analysis.layers.back().figures.gemm_macs, Int(1664) * 1000);
}

TEST(MobileNetV2, MatchesTorchvision) {
  expect_torchvision("mobilenet_v2", 3'504'872, 300'774'272, 980'500'480);
  auto r = testing::run_model("mobilenet_v2");
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 52u);
  EXPECT_EQ(r->graph.ops.front().path, "features.0.0");
  EXPECT_EQ(r->graph.ops.back().path, "classifier.1");
  // features.1 has no expansion: conv.0 is the depthwise block, conv.1 the projection, conv.2 its BN.
  EXPECT_TRUE(has_path(r->graph, "features.1.conv.1"));
  EXPECT_TRUE(has_path(r->graph, "features.1.conv.2"));
  EXPECT_FALSE(has_path(r->graph, "features.1.conv.3"));
  EXPECT_TRUE(has_path(r->graph, "features.17.conv.3"));
  EXPECT_TRUE(has_path(r->graph, "features.18.2"));
}

TEST(MobileNetV2, WidthMultipliersMatchTorchvision) {
  // torchvision's mobilenet_v2(width_mult = 0.35, 0.5, 0.75, 1.4): _make_divisible rounding of every width.
  expect_variant("mobilenet_v2", {{"width_percent", 35}}, 1'677'128, 59'285'808);
  expect_variant("mobilenet_v2", {{"width_percent", 50}}, 1'968'680, 97'131'840);
  expect_variant("mobilenet_v2", {{"width_percent", 75}}, 2'636'424, 209'069'792);
  expect_variant("mobilenet_v2", {{"width_percent", 140}}, 6'108'776, 582'195'824);
}

TEST(MobileNetV3, LargeMatchesTorchvision) {
  expect_torchvision("mobilenet_v3_large", 5'483'032, 216'589'760, 702'150'400);
  auto r = testing::run_model("mobilenet_v3_large");
  EXPECT_EQ(r->graph.ops.front().path, "features.0.0");
  EXPECT_EQ(r->graph.ops.back().path, "classifier.3");
  EXPECT_TRUE(has_path(r->graph, "features.4.block.2.fc1"));
  EXPECT_TRUE(has_path(r->graph, "features.4.block.2.scale_activation"));
  EXPECT_TRUE(has_path(r->graph, "features.15.block.3.0"));
  EXPECT_TRUE(has_path(r->graph, "features.16.2"));
  // Eight blocks have squeeze-and-excitation, each with two 1x1 convolutions (fc1, fc2).
  std::size_t se = 0;
  for (const ir::Op& op : r->graph.ops) se += op.path.ends_with(".fc1");
  EXPECT_EQ(se, 8u);
  // By hand: features.4's SE squeezes 72 channels to _make_divisible(72 / 4, 8) = 24 and back.
  Int fc = 0;
  for (const analysis::Layer& layer : r->analysis.layers) {
    const std::string& path = r->graph.ops[layer.op].path;
    if (path == "features.4.block.2.fc1" || path == "features.4.block.2.fc2") fc += layer.figures.params;
  }
  EXPECT_EQ(fc, Int(72 * 24 + 24 + 24 * 72 + 72));
}

TEST(MobileNetV3, WidthMultipliersMatchTorchvision) {
  expect_variant("mobilenet_v3_large", {{"width_percent", 75}}, 3'377'576, 140'033'816);
  expect_variant("mobilenet_v3_large", {{"width_percent", 125}}, 8'164'744, 343'461'000);
}

TEST(MobileEfficientNet, B0MatchesTorchvision) {
  expect_torchvision("efficientnet_b0", 5'288'548, 385'814'752, 1'257'390'080);
  auto r = testing::run_model("efficientnet_b0");
  EXPECT_EQ(r->graph.ops.front().path, "features.0.0");
  EXPECT_EQ(r->graph.ops.back().path, "classifier.1");
  // features.1.0 has expand ratio 1: depthwise block.0, SE block.1, projection block.2.
  EXPECT_TRUE(has_path(r->graph, "features.1.0.block.1.fc2"));
  EXPECT_TRUE(has_path(r->graph, "features.1.0.block.2.0"));
  EXPECT_TRUE(has_path(r->graph, "features.6.3.block.3.1"));
  EXPECT_TRUE(has_path(r->graph, "features.8.2"));
  // 16 MBConv blocks, each with squeeze-and-excitation.
  std::size_t se = 0;
  for (const ir::Op& op : r->graph.ops) se += op.path.ends_with(".fc1");
  EXPECT_EQ(se, 16u);
}

TEST(MobileEfficientNet, ScaledVariantsMatchTorchvision) {
  // torchvision's efficientnet_b1 (depth 1.1, 240x240) and efficientnet_b2 (width 1.1, depth 1.2, 260x260).
  expect_variant("efficientnet_b0", {{"depth_percent", 110}, {"height", 240}, {"width", 240}}, 7'794'184, 686'802'832);
  expect_variant("efficientnet_b0", {{"width_percent", 110}, {"depth_percent", 120}, {"height", 260}, {"width", 260}},
                 9'109'994, 993'561'872);
}

TEST(MobileShuffleNet, V2X10MatchesTorchvision) {
  expect_torchvision("shufflenet_v2_x1_0", 2'278'604, 144'907'992, 471'873'280);
  auto r = testing::run_model("shufflenet_v2_x1_0");
  EXPECT_EQ(r->graph.ops.front().path, "conv1.0");
  EXPECT_EQ(r->graph.ops.back().path, "fc");
  EXPECT_TRUE(has_path(r->graph, "stage2.0.branch1.0"));
  EXPECT_FALSE(has_path(r->graph, "stage2.1.branch1.0"));
  EXPECT_TRUE(has_path(r->graph, "stage4.3.branch2.7"));
  EXPECT_TRUE(has_path(r->graph, "conv5.0"));
  // Every unit ends with a channel shuffle: reshape, transpose, reshape.
  EXPECT_EQ(count_kind(r->graph, "transpose"), 16u);
  // Data movement costs no arithmetic.
  for (const analysis::Layer& layer : r->analysis.layers) {
    const ir::Op& op = r->graph.ops[layer.op];
    if (op.kind == "transpose" || op.kind == "reshape" || op.kind == "concat" || op.kind == "chunk") {
      EXPECT_EQ(layer.figures.flops, Int(0)) << op.path;
    }
  }
}

TEST(MobileShuffleNet, V2WidthsMatchTorchvision) {
  expect_variant("shufflenet_v2_x1_0", {{"width_percent", 50}}, 1'366'792, 40'476'448);
  expect_variant("shufflenet_v2_x1_0", {{"width_percent", 150}}, 3'503'624, 295'759'392);
  expect_variant("shufflenet_v2_x1_0", {{"width_percent", 200}}, 7'393'996, 583'253'464);
  EXPECT_THROW(testing::run_model("shufflenet_v2_x1_0", {{"width_percent", 120}}), std::runtime_error);
}

}  // namespace
}  // namespace nnscope
