// Pins the classic vision models of the standard library (torchvision's ResNet-34/101/152, ResNeXt-50 32x4d,
// VGG-11/16/19 with and without batch normalisation, AlexNet and SqueezeNet 1.0) to torchvision: parameter
// counts and GEMM MACs (conv + linear multiply-accumulates) at 224x224 and at other sizes. The figures were
// computed with torchvision 0.14 and forward hooks on Conv2d (N·Cout·Hout·Wout·Cin/groups·kh·kw) and Linear
// (rows·in·out); the 224x224 ones agree with shared/reference/published_figures.md.
#include <gtest/gtest.h>

#include <set>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using testing::count_kind;
using testing::op_paths;

// The figures of the op at `path` (the test fails when there is none).
analysis::LayerFigures figures_at(const testing::ModelRun& r, const std::string& path) {
  if (const analysis::Layer* layer = testing::find_layer(r, path)) return layer->figures;
  ADD_FAILURE() << "no op at " << path;
  return {};
}

// The operator kind of the op at `path`, or "" when there is none.
std::string kind_at(const ir::Graph& g, const std::string& path) {
  const ir::Op* op = testing::find_op(g, path);
  return op ? std::string(op->kind) : "";
}

std::map<std::string, Int> size(Int batch, Int height, Int width) {
  return {{"batch", batch}, {"height", height}, {"width", width}};
}

// Parameters, GEMM MACs and the single [batch, 1000] output at 224x224 and at batch 3, 320x256 (torchvision's
// figures for both); the GEMM formula of the 224x224 run, evaluated at 3x320x256, equals the second figure;
// and the listed paths (torchvision module names) exist.
void expect_torchvision(const std::string& name, Int params, Int macs_224, Int macs_3x320x256,
                        const std::vector<std::string>& paths) {
  SCOPED_TRACE(name);
  auto base = testing::run_model(name);
  EXPECT_EQ(base->analysis.totals.figures.params, params);
  EXPECT_EQ(base->analysis.totals.figures.gemm_macs, macs_224);
  ASSERT_EQ(base->analysis.output_shapes.size(), 1u);
  EXPECT_EQ(base->analysis.output_shapes[0], (std::vector<Int>{1, 1000}));
  EXPECT_EQ(base->analysis.formulas.gemm_macs.degree("batch"), 1);
  std::set<std::string> have = op_paths(base->graph);
  for (const std::string& p : paths) EXPECT_TRUE(have.count(p)) << "no op at " << p;

  auto big = testing::run_model(name, size(3, 320, 256));
  EXPECT_EQ(big->analysis.totals.figures.params, params);
  EXPECT_EQ(big->analysis.totals.figures.gemm_macs, macs_3x320x256);
  ASSERT_EQ(big->analysis.output_shapes.size(), 1u);
  EXPECT_EQ(big->analysis.output_shapes[0], (std::vector<Int>{3, 1000}));
  sym::Bindings b = base->graph.bindings;
  b.set("batch", 3);
  b.set("height", 320);
  b.set("width", 256);
  EXPECT_EQ(base->analysis.formulas.gemm_macs.evaluate_integer(b), macs_3x320x256);
}

// ---------------------------------------------------------------------------------------------------------
// ResNet family (std/resnet.nn).

TEST(ClassicResNet, ResNet34MatchesTorchvision) {
  // Published: 21,797,672 parameters, 3.664 GMACs.
  expect_torchvision("resnet34", 21'797'672, 3'663'761'408, 17'943'982'080,
                     {"conv1", "bn1", "maxpool", "layer1.2.conv2", "layer2.0.downsample.0", "layer3.5.bn2",
                      "layer4.2.conv2", "avgpool", "fc"});
  auto r = testing::run_model("resnet34");
  // 1 stem + 2·(3 + 4 + 6 + 3) block convolutions + 3 downsample shortcuts.
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 36u);
  EXPECT_EQ(r->graph.ops.front().path, "conv1");
  EXPECT_EQ(r->graph.ops.back().path, "fc");
}

TEST(ClassicResNet, ResNet101MatchesTorchvision) {
  // Published: 44,549,160 parameters, 7.801 GMACs.
  expect_torchvision("resnet101", 44'549'160, 7'801'405'440, 38'207'078'400,
                     {"layer3.22.conv3", "layer3.0.downsample.0", "layer4.2.bn3", "fc"});
  // 1 + 3·33 + 4 downsample shortcuts.
  EXPECT_EQ(count_kind(testing::run_model("resnet101")->graph, "conv2d"), 104u);
}

TEST(ClassicResNet, ResNet152MatchesTorchvision) {
  // Published exactly: 60,192,808 parameters, 11,513,626,624 GEMM MACs.
  expect_torchvision("resnet152", 60'192'808, 11'513'626'624, 56'389'386'240,
                     {"layer2.7.conv3", "layer3.35.conv3", "layer4.0.downsample.1", "fc"});
  EXPECT_EQ(count_kind(testing::run_model("resnet152")->graph, "conv2d"), 155u);
}

TEST(ClassicResNet, ResNeXt50MatchesTorchvision) {
  // Published: 25,028,904 parameters, 4.23 GMACs.
  expect_torchvision("resnext50_32x4d", 25'028'904, 4'230'479'872, 20'716'830'720,
                     {"layer1.0.conv2", "layer1.0.downsample.0", "layer4.2.conv3", "fc"});
  auto r = testing::run_model("resnext50_32x4d");
  // layer1.0.conv2 is a grouped 3x3 convolution 128 -> 128 in 32 groups at 56x56: width = 64·4/64·32 = 128,
  // 128·(128/32)·9 weights, 56·56·128·4·9 MACs.
  EXPECT_EQ(figures_at(*r, "layer1.0.conv2").params, Int(128 * 4 * 9));
  EXPECT_EQ(figures_at(*r, "layer1.0.conv2").gemm_macs, Int(56) * 56 * 128 * 4 * 9);
  // width_per_group is a hyper-parameter: 8 gives the 32x8d widths on the 50-layer trunk (torchvision's
  // ResNet(Bottleneck, [3, 4, 6, 3], groups=32, width_per_group=8): 48,021,800 parameters, 8,443,658,240 MACs).
  auto wide = testing::run_model("resnext50_32x4d", {{"width_per_group", 8}});
  EXPECT_EQ(wide->analysis.totals.figures.params, Int(48'021'800));
  EXPECT_EQ(wide->analysis.totals.figures.gemm_macs, Int(8'443'658'240));
}

// ---------------------------------------------------------------------------------------------------------
// VGG family (std/vgg.nn).

TEST(ClassicVgg, Vgg11MatchesTorchvision) {
  // Published: 132,863,336 parameters, 7.609 GMACs. Configuration A: 8 convolutions, 5 pools.
  expect_torchvision(
      "vgg11", 132'863'336, 7'609'090'048, 37'034'360'832,
      {"features.0", "features.2", "features.18", "features.20", "avgpool", "classifier.0", "classifier.6"});
  auto r = testing::run_model("vgg11");
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 8u);
  EXPECT_EQ(count_kind(r->graph, "maxpool2d"), 5u);
  EXPECT_EQ(r->graph.ops.front().path, "features.0");
  EXPECT_EQ(r->graph.ops.back().path, "classifier.6");
}

TEST(ClassicVgg, Vgg16KeepsItsFiguresOnThePrelude) {
  expect_torchvision("vgg16", 138'357'544, 15'470'264'320, 75'538'071'552,
                     {"features.0", "features.28", "features.30", "avgpool", "classifier.3", "classifier.6"});
}

TEST(ClassicVgg, Vgg19MatchesTorchvision) {
  // Published: 143,667,240 parameters, 19.632 GMACs. Configuration E: 16 convolutions; the last pool is
  // features.36.
  expect_torchvision("vgg19", 143'667'240, 19'632'062'464, 95'922'388'992,
                     {"features.34", "features.35", "features.36", "classifier.6"});
  EXPECT_EQ(count_kind(testing::run_model("vgg19")->graph, "conv2d"), 16u);
}

TEST(ClassicVgg, Vgg16BnMatchesTorchvision) {
  // Published: 138,365,992 parameters = vgg16 + 2·(2·64 + 2·128 + 3·256 + 6·512) batchnorm weights and biases;
  // the convolutions keep their biases, so the GEMM MACs are vgg16's. Conv, BN, ReLU take three indices:
  // features.40 is the last convolution, features.41 its batchnorm, features.43 the last pool.
  EXPECT_EQ(Int(138'357'544) + 2 * (2 * 64 + 2 * 128 + 3 * 256 + 6 * 512), Int(138'365'992));
  expect_torchvision("vgg16_bn", 138'365'992, 15'470'264'320, 75'538'071'552,
                     {"features.0", "features.1", "features.2", "features.6", "features.40", "features.41",
                      "features.43", "classifier.6"});
  auto r = testing::run_model("vgg16_bn");
  EXPECT_EQ(count_kind(r->graph, "batchnorm"), 13u);
  for (const char* p : {"features.1", "features.41"}) EXPECT_EQ(kind_at(r->graph, p), "batchnorm") << p;
  for (const char* p : {"features.6", "features.43"}) EXPECT_EQ(kind_at(r->graph, p), "maxpool2d") << p;
}

TEST(ClassicVgg, Vgg19BnMatchesTorchvision) {
  // Published: 143,678,248 = vgg19 + 2·(2·64 + 2·128 + 4·256 + 8·512).
  EXPECT_EQ(Int(143'667'240) + 2 * (2 * 64 + 2 * 128 + 4 * 256 + 8 * 512), Int(143'678'248));
  expect_torchvision("vgg19_bn", 143'678'248, 19'632'062'464, 95'922'388'992,
                     {"features.49", "features.50", "features.52", "classifier.6"});
  auto r = testing::run_model("vgg19_bn");
  EXPECT_EQ(kind_at(r->graph, "features.50"), "batchnorm");
  EXPECT_EQ(kind_at(r->graph, "features.52"), "maxpool2d");
}

TEST(ClassicVgg, PreludeTakesConfigurationLetters) {
  // vgg_features accepts torchvision's configuration letters as well as lists; "B" is VGG-13
  // (torchvision's vgg13_bn: 133,053,736 parameters = vgg13's 133,047,848 + the batchnorms;
  // 11,308,466,176 GEMM MACs).
  auto r = testing::run_model_text(R"(import "std/vgg.nn"

model vgg13(batch = 1, height = 224, width = 224, classes = 1000) {
    input image: f32[batch, 3, height, width]
    x = features: vgg_features(image, "B", batch_norm = true)
    x = avgpool: adaptive_avgpool2d(x, (7, 7))
    logits = classifier: vgg_classifier(flatten(x), classes)
    return logits
}
)");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(133'053'736));
  EXPECT_EQ(Int(133'047'848) + 2 * (2 * 64 + 2 * 128 + 2 * 256 + 4 * 512), Int(133'053'736));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(11'308'466'176));
  EXPECT_TRUE(op_paths(r->graph).count("features.34"));
  EXPECT_THROW(testing::run_model_text(R"(import "std/vgg.nn"
model bad(batch = 1) {
    input image: f32[batch, 3, 32, 32]
    return features: vgg_features(image, "C")
}
)"),
               std::runtime_error);
}

// ---------------------------------------------------------------------------------------------------------
// AlexNet and SqueezeNet: adaptive average pooling and (for SqueezeNet) ceil_mode max pooling.

TEST(ClassicAlexNet, MatchesTorchvision) {
  // Published exactly: 61,100,840 parameters, 714,188,480 GEMM MACs.
  expect_torchvision("alexnet", 61'100'840, 714'188'480, 3'465'043'008,
                     {"features.0", "features.2", "features.10", "features.12", "avgpool", "classifier.1",
                      "classifier.4", "classifier.6"});
  // By hand at 224: conv 11/4 pad 2 -> 55, pool -> 27, conv 5 -> 27, pool -> 13, three 3x3 convs at 13, pool -> 6;
  // the classifier reads 256·6·6 = 9216 features.
  Int by_hand = Int(55) * 55 * 64 * 3 * 121 + Int(27) * 27 * 192 * 64 * 25 + Int(13) * 13 * 384 * 192 * 9 +
                Int(13) * 13 * 256 * 384 * 9 + Int(13) * 13 * 256 * 256 * 9 + Int(9216) * 4096 + 4096 * 4096 +
                4096 * 1000;
  EXPECT_EQ(by_hand, Int(714'188'480));
}

TEST(ClassicAlexNet, OtherSizesMatchTorchvision) {
  // The adaptive pooling maps any feature map to 6x6 (at 97x131 it upsamples 2x3), so the classifier is the
  // same at every size.
  EXPECT_EQ(testing::run_model("alexnet", size(2, 227, 227))->analysis.totals.figures.gemm_macs, Int(1'433'534'464));
  EXPECT_EQ(testing::run_model("alexnet", size(1, 97, 131))->analysis.totals.figures.gemm_macs, Int(201'242'624));
  auto r = testing::run_model("alexnet", size(1, 255, 193));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(699'233'984));
  EXPECT_EQ(r->analysis.totals.figures.params, Int(61'100'840));
}

TEST(ClassicSqueezeNet, MatchesTorchvision) {
  // Published: 1,248,424 parameters, 0.819 GMACs.
  expect_torchvision("squeezenet1_0", 1'248'424, 818'924'576, 4'081'106'016,
                     {"features.0", "features.2", "features.3.squeeze", "features.3.expand1x1", "features.3.expand3x3",
                      "features.12.expand3x3", "classifier.1", "classifier.3"});
  auto r = testing::run_model("squeezenet1_0");
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 2u + 8u * 3u);
  EXPECT_EQ(count_kind(r->graph, "concat"), 8u);
}

TEST(ClassicSqueezeNet, CeilModePoolingMatchesTorchvision) {
  // At 224: conv 7/2 -> 109; the ceil_mode pools give 54, 27 (floor would give 26) and 13. The final
  // convolution maps 512 channels to the classes at 13x13.
  auto r = testing::run_model("squeezenet1_0");
  EXPECT_EQ(figures_at(*r, "classifier.1").gemm_macs, Int(13) * 13 * 1000 * 512);
  EXPECT_EQ(figures_at(*r, "features.7.squeeze").gemm_macs, Int(27) * 27 * 32 * 256);
  // torchvision at other sizes (ceil and floor differ in several pools there).
  EXPECT_EQ(testing::run_model("squeezenet1_0", size(2, 227, 227))->analysis.totals.figures.gemm_macs,
            Int(1'665'335'872));
  EXPECT_EQ(testing::run_model("squeezenet1_0", size(1, 97, 131))->analysis.totals.figures.gemm_macs, Int(189'660'736));
  auto odd = testing::run_model("squeezenet1_0", size(1, 255, 193));
  EXPECT_EQ(odd->analysis.totals.figures.gemm_macs, Int(806'861'504));
  EXPECT_EQ(odd->analysis.output_shapes[0], (std::vector<Int>{1, 1000}));
}

}  // namespace
}  // namespace nnscope
