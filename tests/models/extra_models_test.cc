// Pins two extra standard-library models to their reference implementations, rebuilt in PyTorch 1.13 with
// forward hooks (Conv2d, Linear; LSTM gates as T·N·4·H·(I + H) per layer and direction):
//   crnn: meijieru/crnn.pytorch models/crnn.py, CRNN(imgH = 32, nc = 1, nclass = 37, nh = 256);
//   ssd_mobilenet_v1: mlcommons/inference vision/classification_and_detection/python/models/
//     ssd_mobilenet_v1.py, create_mobilenetv1_ssd(91).
#include <gtest/gtest.h>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using testing::has_path;
using testing::macs_under;

// The first output shape of the op at `path` (empty when there is none).
std::vector<Int> shape_at(const testing::ModelRun& r, const std::string& path) {
  const analysis::Layer* layer = testing::find_layer(r, path);
  return layer && !layer->output_shapes.empty() ? layer->output_shapes[0] : std::vector<Int>{};
}

// ---- CRNN ----

TEST(ExtraCrnn, MatchesReference) {
  auto r = testing::run_model("crnn");
  // Parameters by hand (weights + biases; batchnorm weight and bias):
  //   conv0 64·1·9 + 64, conv1 128·64·9 + 128, conv2 256·128·9 + 256, conv3 256·256·9 + 256,
  //   conv4 512·256·9 + 512, conv5 512·512·9 + 512, conv6 512·512·4 + 512, batchnorm2/4/6 2·(256 + 512 + 512);
  //   rnn.0.rnn 2 directions · (4·256·(512 + 256) + 2·4·256), rnn.0.embedding 512·256 + 256,
  //   rnn.1.rnn 2 · (4·256·(256 + 256) + 2·4·256), rnn.1.embedding 512·37 + 37.
  const Int cnn_params = Int(64 * 9 + 64) + (128 * 64 * 9 + 128) + (256 * 128 * 9 + 256) + (256 * 256 * 9 + 256) +
                         (512 * 256 * 9 + 512) + (512 * 512 * 9 + 512) + (512 * 512 * 4 + 512) + 2 * (256 + 512 + 512);
  const Int rnn_params = Int(2) * (4 * 256 * (512 + 256) + 8 * 256) + (512 * 256 + 256) +
                         2 * (4 * 256 * (256 + 256) + 8 * 256) + (512 * 37 + 37);
  EXPECT_EQ(cnn_params + rnn_params, Int(8'331'301));  // the reference's sum of parameters().numel()
  EXPECT_EQ(r->analysis.totals.figures.params, Int(8'331'301));
  // GEMM MACs at 1x32x100 (reference hooks: 705,143,808). The CNN's maps: 32x100, 16x50, 8x25, 8x25, 4x26,
  // 4x26, 1x26 (pooling2/3 have stride (2, 1) and padding (0, 1); conv6 is 2x2 without padding): T = 26.
  const Int cnn_macs = Int(32 * 100) * 64 * 1 * 9 + Int(16 * 50) * 128 * 64 * 9 + Int(8 * 25) * 256 * 128 * 9 +
                       Int(8 * 25) * 256 * 256 * 9 + Int(4 * 26) * 512 * 256 * 9 + Int(4 * 26) * 512 * 512 * 9 +
                       Int(1 * 26) * 512 * 512 * 4;
  EXPECT_EQ(cnn_macs, Int(633'085'952));
  EXPECT_EQ(macs_under(*r, "cnn."), cnn_macs);
  // LSTM gates T·N·4·H·(I + H) per direction, embedding T·N·2H·nOut.
  const Int rnn_macs = Int(2) * 26 * 4 * 256 * (512 + 256) + Int(26) * 512 * 256 + Int(2) * 26 * 4 * 256 * (256 + 256) +
                       Int(26) * 512 * 37;
  EXPECT_EQ(macs_under(*r, "rnn.0.rnn"), Int(2) * 26 * 4 * 256 * (512 + 256));
  EXPECT_EQ(macs_under(*r, "rnn."), rnn_macs);
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(705'143'808));
  EXPECT_EQ(cnn_macs + rnn_macs, Int(705'143'808));
  // [T, batch, nclass], sequence first.
  ASSERT_EQ(r->analysis.output_shapes.size(), 1u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{26, 1, 37}));
  EXPECT_EQ(shape_at(*r, "cnn.pooling2"), (std::vector<Int>{1, 256, 4, 26}));
  EXPECT_EQ(shape_at(*r, "cnn.relu6"), (std::vector<Int>{1, 512, 1, 26}));
  // Module names as the reference's.
  for (const char* path :
       {"cnn.conv0", "cnn.relu0", "cnn.pooling0", "cnn.batchnorm2", "cnn.batchnorm4", "cnn.batchnorm6", "cnn.pooling3",
        "cnn.conv6", "rnn.0.rnn", "rnn.0.embedding", "rnn.1.rnn", "rnn.1.embedding"})
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  EXPECT_FALSE(has_path(r->graph, "cnn.batchnorm3"));
  EXPECT_FALSE(has_path(r->graph, "cnn.batchnorm0"));
}

TEST(ExtraCrnn, OtherWidths) {
  // Width 160, batch 3: T = 160 / 4 + 1 = 41; reference hooks 3,352,333,824.
  auto wide = testing::run_model("crnn", {{"batch", 3}, {"width", 160}});
  EXPECT_EQ(wide->analysis.totals.figures.params, Int(8'331'301));
  EXPECT_EQ(wide->analysis.totals.figures.gemm_macs, Int(3'352'333'824));
  EXPECT_EQ(wide->analysis.output_shapes[0], (std::vector<Int>{41, 3, 37}));
  const Int cnn160 = Int(3) * (Int(32 * 160) * 64 * 9 + Int(16 * 80) * 128 * 64 * 9 + Int(8 * 40) * 256 * 128 * 9 +
                               Int(8 * 40) * 256 * 256 * 9 + Int(4 * 41) * 512 * 256 * 9 + Int(4 * 41) * 512 * 512 * 9 +
                               Int(41) * 512 * 512 * 4);
  const Int rnn160 = Int(3) * 41 * (2 * 4 * 256 * (512 + 256) + 512 * 256 + 2 * 4 * 256 * (256 + 256) + 512 * 37);
  EXPECT_EQ(cnn160 + rnn160, Int(3'352'333'824));
  // Width 98, batch 2: the poolings floor (49, 24 columns), T = 25; reference hooks 1,357,747,200.
  auto odd = testing::run_model("crnn", {{"batch", 2}, {"width", 98}});
  EXPECT_EQ(odd->analysis.totals.figures.gemm_macs, Int(1'357'747'200));
  EXPECT_EQ(odd->analysis.output_shapes[0], (std::vector<Int>{25, 2, 37}));
  // The symbolic formula evaluated at width 160, batch 3 equals the fresh elaboration.
  auto base = testing::run_model("crnn");
  sym::Bindings b = base->graph.bindings;
  b.set("batch", 3);
  b.set("width", 160);
  EXPECT_EQ(base->analysis.formulas.gemm_macs.evaluate_integer(b), Int(3'352'333'824));
  // nclass is a const parameter: 11 symbols change only rnn.1.embedding (512·11 + 11 parameters).
  auto digits = testing::run_model("crnn", {{"nclass", 11}});
  EXPECT_EQ(digits->analysis.totals.figures.params, Int(8'331'301) - (512 * 37 + 37) + (512 * 11 + 11));
  EXPECT_EQ(digits->analysis.output_shapes[0], (std::vector<Int>{26, 1, 11}));
}

// ---- SSD-MobileNet-v1 ----

TEST(ExtraSsdMobileNet, MatchesReference) {
  auto r = testing::run_model("ssd_mobilenet_v1");
  // The reference's parameters() hold 6,796,223 elements (convolution weights; biases of the extras and the
  // predictors); the folded batchnorms are buffers there: BiasAdd after the first and each pointwise
  // convolution (32 + 64 + 128 + 128 + 256 + 256 + 512·6 + 1024·2 = 5,984) and the depthwise scale and bias
  // (2·(32 + 64 + 128 + 128 + 256 + 256 + 512·6 + 1024) = 9,920). They are learned weights, counted here.
  const Int bias_add = Int(32 + 64 + 128 + 128 + 256 + 256 + 512 * 6 + 1024 * 2);
  const Int depthwise_bn = Int(2) * (32 + 64 + 128 + 128 + 256 + 256 + 512 * 6 + 1024);
  EXPECT_EQ(bias_add, Int(5'984));
  EXPECT_EQ(depthwise_bn, Int(9'920));
  EXPECT_EQ(r->analysis.totals.figures.params, Int(6'796'223) + bias_add + depthwise_bn);
  EXPECT_EQ(r->analysis.totals.figures.params, Int(6'812'127));
  // Predictors by hand: 1x1 convolutions with bias, (in, anchors) = (512, 3), (1024, 6), (512, 6), (256, 6),
  // (256, 6), (128, 6), 91 classes and 4 box values per anchor; reference: 1,389,375.
  Int predictors = 0;
  for (auto [in, anchors] : {std::pair{512, 3}, {1024, 6}, {512, 6}, {256, 6}, {256, 6}, {128, 6}})
    predictors += Int(anchors) * (91 + 4) * (in + 1);
  EXPECT_EQ(predictors, Int(1'389'375));
  // GEMM MACs at 300x300 (reference hooks: 1,237,129,408), per part.
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(1'237'129'408));
  EXPECT_EQ(macs_under(*r, "backbone."), Int(1'055'206'336));
  EXPECT_EQ(macs_under(*r, "extras."), Int(61'612'032));
  // The feature maps are 19², 10², 5², 3², 2², 1²: classification MACs = Σ H·W·in·anchors·91.
  const Int positions_in_anchors = Int(19 * 19) * 512 * 3 + Int(10 * 10) * 1024 * 6 + Int(5 * 5) * 512 * 6 +
                                   Int(3 * 3) * 256 * 6 + Int(2 * 2) * 256 * 6 + Int(1) * 128 * 6;
  Int classification = 0, regression = 0;
  for (const analysis::Layer& layer : r->analysis.layers) {
    const std::string& path = r->graph.ops[layer.op].path;
    if (path.rfind("predictors.", 0) != 0) continue;
    if (path.size() > 15 && path.compare(path.size() - 15, 15, ".classification") == 0)
      classification += layer.figures.gemm_macs;
    if (path.size() > 11 && path.compare(path.size() - 11, 11, ".regression") == 0)
      regression += layer.figures.gemm_macs;
  }
  EXPECT_EQ(classification, positions_in_anchors * 91);
  EXPECT_EQ(classification, Int(115'245'312));
  EXPECT_EQ(regression, positions_in_anchors * 4);
  EXPECT_EQ(regression, Int(5'065'728));
  // 1917 boxes: 3·19² + 6·(10² + 5² + 3² + 2² + 1²).
  EXPECT_EQ(3 * 19 * 19 + 6 * (10 * 10 + 5 * 5 + 3 * 3 + 2 * 2 + 1), 1917);
  EXPECT_EQ(shape_at(*r, "postprocess.sigmoid"), (std::vector<Int>{1, 1917, 91}));
  EXPECT_EQ(shape_at(*r, "postprocess.box_decode"), (std::vector<Int>{1, 1917, 4}));
  EXPECT_EQ(shape_at(*r, "backbone.11.pointwise_ReLU"), (std::vector<Int>{1, 512, 19, 19}));
  EXPECT_EQ(shape_at(*r, "backbone.13.pointwise_ReLU"), (std::vector<Int>{1, 1024, 10, 10}));
  EXPECT_EQ(shape_at(*r, "extras.3.3"), (std::vector<Int>{1, 128, 1, 1}));
  ASSERT_EQ(r->analysis.output_shapes.size(), 2u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 100, 4}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, 100}));
  // Module names as the reference's ('/' written '_').
  for (const char* path :
       {"backbone.0.0", "backbone.0.0_BatchNorm.bias", "backbone.1.depthwise", "backbone.1.depthwise_BatchNorm.scale",
        "backbone.13.pointwise", "backbone.13.pointwise_BatchNorm.bias", "extras.0.0", "extras.0.2", "extras.3.2",
        "predictors.0.classification", "predictors.0.regression", "predictors.5.classification"})
    EXPECT_TRUE(has_path(r->graph, path)) << path;
}

TEST(ExtraSsdMobileNet, OtherSizes) {
  // 320x256, batch 3 ("same" padding: ⌈in / 2⌉ per stride 2): maps 20x16, 10x8, 5x4, 3x2, 2x1, 1x1, so
  // 3·320 + 6·(80 + 20 + 6 + 2 + 1) = 1614 boxes; reference hooks 3,227,662,080 GEMM MACs.
  auto r = testing::run_model("ssd_mobilenet_v1", {{"batch", 3}, {"height", 320}, {"width", 256}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(6'812'127));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(3'227'662'080));
  EXPECT_EQ(shape_at(*r, "postprocess.sigmoid"), (std::vector<Int>{3, 1614, 91}));
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{3, 100, 4}));
  // 512x512: maps 32², 16², 8², 4², 2², 1², 5118 boxes; reference hooks 3,439,904,000 GEMM MACs.
  auto big = testing::run_model("ssd_mobilenet_v1", {{"height", 512}, {"width", 512}});
  EXPECT_EQ(big->analysis.totals.figures.gemm_macs, Int(3'439'904'000));
  EXPECT_EQ(shape_at(*big, "postprocess.sigmoid"), (std::vector<Int>{1, 5118, 91}));
  // The backbone's convolutions have no bias: the first one is 32·3·3·3 weights alone.
  for (const ir::Op& op : r->graph.ops) {
    if (op.path == "backbone.0.0") {
      EXPECT_EQ(op.costs().params.evaluate_integer(r->graph.bindings), Int(32 * 3 * 9));
    }
  }
}

}  // namespace
}  // namespace nnscope
