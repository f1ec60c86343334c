// Pins the standard-library models and the examples to their reference figures: torchvision's published
// parameter counts and GEMM MACs (shared/reference/published_figures.md), and hand computations written
// out here.
#include <gtest/gtest.h>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using testing::count_kind;

std::string example(const std::string& name) { return std::string(NNSCOPE_SOURCE_DIR) + "/examples/" + name; }

TEST(Stdlib, ResNet50MatchesTorchvision) {
  auto r = testing::run_model("resnet50");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(25'557'032));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(4'089'184'256));
  EXPECT_EQ(count_kind(r->graph, "conv2d"), 53u);
  ASSERT_EQ(r->analysis.output_shapes.size(), 1u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 1000}));
  // Paths read like torchvision's module names.
  bool found = false;
  for (const ir::Op& op : r->graph.ops)
    found |= op.path == "layer3.5.downsample.0" || op.path == "layer4.0.downsample.0";
  EXPECT_TRUE(found);
  EXPECT_EQ(r->graph.ops.front().path, "conv1");
  EXPECT_EQ(r->graph.ops.back().path, "fc");
  // GEMM MACs scale linearly with the batch.
  EXPECT_EQ(r->analysis.formulas.gemm_macs.degree("batch"), 1);
}

TEST(Stdlib, ResNet50AtAnotherSize) {
  // By hand at 320x256, batch 3: the spatial sizes after the stem are 80x64, then 40x32, 20x16, 10x8.
  // Everything but the classifier scales with the output area of each stage, so compare with the
  // per-position MACs of the 224x224 run (whose stages are 56², 28², 14², 7²), computed per stage.
  auto base = testing::run_model("resnet50");
  auto big = testing::run_model("resnet50", {{"batch", 3}, {"height", 320}, {"width", 256}});
  EXPECT_EQ(big->analysis.totals.figures.params, Int(25'557'032));
  // conv1: 64·3·49 MACs per output position; 112x112 vs 160x128.
  const analysis::Layer& conv1_base = base->analysis.layers.front();
  const analysis::Layer& conv1_big = big->analysis.layers.front();
  EXPECT_EQ(conv1_base.figures.gemm_macs, Int(64) * 3 * 49 * 112 * 112);
  EXPECT_EQ(conv1_big.figures.gemm_macs, Int(3) * 64 * 3 * 49 * 160 * 128);
  EXPECT_EQ(big->analysis.output_shapes[0], (std::vector<Int>{3, 1000}));
  // The symbolic formula evaluated at the new point equals a fresh elaboration there.
  sym::Bindings b = base->graph.bindings;
  b.set("batch", 3);
  b.set("height", 320);
  b.set("width", 256);
  EXPECT_EQ(base->analysis.formulas.gemm_macs.evaluate_integer(b), big->analysis.totals.figures.gemm_macs);
}

TEST(Stdlib, ResNet18MatchesTorchvision) {
  auto r = testing::run_model("resnet18");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(11'689'512));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(1'814'073'344));
}

TEST(Stdlib, Vgg16MatchesTorchvision) {
  auto r = testing::run_model("vgg16");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(138'357'544));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(15'470'264'320));
  EXPECT_EQ(r->graph.ops.front().path, "features.0");
  EXPECT_EQ(r->graph.ops.back().path, "classifier.6");
}

TEST(Stdlib, BertBaseParametersAndGemmFormula) {
  auto r = testing::run_model("bert_base", {{"seq", 128}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(109'482'240));
  const sym::Expr& macs = r->analysis.formulas.gemm_macs;
  std::vector<std::string> symbols = macs.symbols();
  EXPECT_EQ(symbols, (std::vector<std::string>{"batch", "seq"}));
  EXPECT_EQ(macs.degree("seq"), 2);
  // 12 layers of 4 projections, 2 attention matmuls and a 768-3072-768 MLP, plus the pooler.
  for (Int b : {1, 2, 7}) {
    for (Int s : {1, 128, 384, 512}) {
      Int h = 768, i = 3072;
      Int expected = 12 * (4 * b * s * h * h + 2 * b * s * s * h + 2 * b * s * h * i) + b * h * h;
      sym::Bindings bindings;
      bindings.set("batch", b);
      bindings.set("seq", s);
      EXPECT_EQ(macs.evaluate_integer(bindings), expected)
          << "batch " << sym::to_string(b) << " seq " << sym::to_string(s);
    }
  }
  Int s = 128;
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs,
            12 * (4 * s * 768 * 768 + 2 * s * s * 768 + 2 * s * 768 * 3072) + 768 * 768);
  bool found = false;
  for (const ir::Op& op : r->graph.ops) found |= op.path == "encoder.layer.11.attention.self.query";
  EXPECT_TRUE(found);
}

TEST(Stdlib, BertBasePositionTableGrowsBeyond512Positions) {
  // Up to 512 tokens the 512 learned positions suffice; beyond, the table is extended to seq rows.
  EXPECT_EQ(testing::run_model("bert_base", {{"seq", 512}})->analysis.totals.figures.params, Int(109'482'240));
  EXPECT_EQ(testing::run_model("bert_base", {{"seq", 2048}})->analysis.totals.figures.params,
            Int(109'482'240) + (2048 - 512) * 768);
}

TEST(Examples, MlpByHand) {
  auto r = testing::run_model(example("mlp.nn"), {{"batch", 5}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(5) * (784 * 256 + 256 * 128 + 128 * 10));
  // Element-wise: the three bias adds; activation: the two ReLUs.
  EXPECT_EQ(r->analysis.totals.figures.elementwise_ops, Int(5) * (256 + 128 + 10));
  EXPECT_EQ(r->analysis.totals.figures.activation_ops, Int(5) * (256 + 128));
  EXPECT_EQ(r->analysis.totals.figures.flops, 2 * r->analysis.totals.figures.gemm_macs +
                                                  r->analysis.totals.figures.elementwise_ops +
                                                  r->analysis.totals.figures.activation_ops);
}

TEST(Examples, LeNet5ByHand) {
  auto r = testing::run_model(example("lenet5.nn"));
  EXPECT_EQ(r->analysis.totals.figures.params, Int(156 + 2416 + 48120 + 10164 + 850));
  // C1 28·28·6·25, C3 10·10·16·150, C5 120·400, F6 120·84, output 84·10.
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs,
            Int(28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 120 * 400 + 120 * 84 + 840));
}

TEST(Examples, TinyTransformerByHand) {
  auto r = testing::run_model(example("tiny_transformer.nn"), {{"seq", 64}});
  Int d = 64, ff = 256, vocab = 1000, s = 64;
  Int layer_params = 4 * (d * d + d) + (d * ff + ff) + (ff * d + d) + 2 * 2 * d;
  EXPECT_EQ(r->analysis.totals.figures.params, vocab * d + 1024 * d + 2 * layer_params + 2 * d + d * vocab);
  Int layer_macs = 4 * s * d * d + 2 * s * s * d + 2 * s * d * ff;
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, 2 * layer_macs + s * d * vocab);
}

// Its position table has 1,024 rows (PyTorch would raise an index error past them); seq = 1024 fits exactly.
TEST(Examples, TinyTransformerRejectsPositionsPastItsTable) {
  EXPECT_NO_THROW(testing::run_model(example("tiny_transformer.nn"), {{"seq", 1024}}));
  try {
    testing::run_model(example("tiny_transformer.nn"), {{"seq", 4096}});
    FAIL() << "seq = 4096 indexes past the 1,024-row position table";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("tiny_transformer.nn:11:"), std::string::npos) << message;
    EXPECT_NE(message.find("seq - 1 = 4095"), std::string::npos) << message;
    EXPECT_NE(message.find("only 1024 rows"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace nnscope
