// Pins the recommendation models of the standard library (dlrm, dlrm_dcnv2, ncf, din) and MiniGo to the figures
// computed from their reference configurations; the arithmetic is written out in each test.
#include <gtest/gtest.h>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using testing::count_kind;
using testing::has_path;

// Parameters and MACs of a fully connected stack widths[0] -> widths[1] -> ... with biases.
Int mlp_params(const std::vector<Int>& widths) {
  Int p = 0;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) p += widths[i] * widths[i + 1] + widths[i + 1];
  return p;
}
Int mlp_macs(const std::vector<Int>& widths) {
  Int m = 0;
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) m += widths[i] * widths[i + 1];
  return m;
}

TEST(RecsysDlrm, MlperfTerabyte) {
  auto r = testing::run_model("dlrm");
  const std::vector<Int> tables = {39884406, 39043,    17289,    7420,     20263,  3,     7120, 1543, 63,
                                   38532951, 2953546,  403346,   10,       2208,   11938, 155,  4,    976,
                                   14,       39979771, 25641295, 39664984, 585935, 12972, 108,  36};
  Int rows = 0;
  for (Int t : tables) rows += t;
  Int expected = rows * 128 + mlp_params({13, 512, 256, 128}) + mlp_params({479, 1024, 1024, 512, 256, 1});
  EXPECT_EQ(expected, Int(24'036'595'969));
  EXPECT_EQ(r->analysis.totals.figures.params, Int(24'036'595'969));
  // Bottom MLP 170,496 + interaction bmm 27·27·128 = 93,312 + top MLP 2,194,688; tables are gathers.
  Int macs = mlp_macs({13, 512, 256, 128}) + 27 * 27 * 128 + mlp_macs({479, 1024, 1024, 512, 256, 1});
  EXPECT_EQ(macs, Int(2'458'496));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, macs);
  EXPECT_EQ(count_kind(r->graph, "embedding_bag"), 26u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 1}));
  // The interaction: 128 dense + 27·26/2 = 351 pairs.
  for (const analysis::Layer& layer : r->analysis.layers) {
    if (r->graph.ops[layer.op].path == "top_l.0") {
      EXPECT_EQ(layer.input_shapes[0], (std::vector<Int>{1, 479}));
    }
    if (r->graph.ops[layer.op].path == "emb_l.0") {
      EXPECT_EQ(layer.figures.params, Int(39884406) * 128);
    }
  }
  for (const char* path : {"bot_l.0", "bot_l.4", "emb_l.25", "interaction.bmm", "top_l.8", "top_l.9"})
    EXPECT_TRUE(has_path(r->graph, path)) << path;
}

TEST(RecsysDlrm, BatchAndBagSize) {
  auto r = testing::run_model("dlrm", {{"batch", 64}, {"bag", 3}});
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(64) * 2'458'496);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{64, 1}));
  // Summing a bag of 3 rows: 2 adds per element, 26 tables of 128, per sample.
  Int bag_adds = 0;
  for (const analysis::Layer& layer : r->analysis.layers)
    if (r->graph.ops[layer.op].kind == "embedding_bag") {
      bag_adds += layer.figures.elementwise_ops;
    }
  EXPECT_EQ(bag_adds, Int(64) * 26 * 2 * 128);
  EXPECT_EQ(r->analysis.formulas.gemm_macs.degree("batch"), 1);
}

// MLPerf DLRM-DCNv2 (mlcommons/training recommendation_v2/torchrec_dlrm, README.MD's run command): tables and
// multi-hot sizes as --num_embeddings_per_feature and --multi_hot_sizes give them, embedding dim 128, dense
// arch 13-512-256-128, DCN interaction (3 low-rank cross layers of rank 512 over 27·128 = 3456 features), over
// arch 3456-1024-1024-512-256-1.
TEST(RecsysDlrmDcnv2, MlperfCriteoMultiHot) {
  const std::vector<Int> tables = {40000000, 39060,    17295,    7424,     20265,  3,     7122, 1543, 63,
                                   40000000, 3067956,  405282,   10,       2209,   11938, 155,  4,    976,
                                   14,       40000000, 40000000, 40000000, 590152, 12973, 108,  36};
  const std::vector<Int> multi_hot = {3, 2, 1, 2, 6, 1, 1,  1,   1,  7,  3, 8, 1,
                                      6, 9, 5, 1, 1, 1, 12, 100, 27, 10, 3, 1, 1};
  ASSERT_EQ(tables.size(), 26u);
  ASSERT_EQ(multi_hot.size(), 26u);
  Int rows = 0, ids = 0;
  for (Int t : tables) rows += t;
  for (Int h : multi_hot) ids += h;
  const Int width = 27 * 128;  // the dense vector and 26 pooled embeddings, flattened
  EXPECT_EQ(width, Int(3456));
  // Each cross layer: V [512, 3456], W [3456, 512], bias [3456].
  const Int cross_params = 3 * (2 * width * 512 + width);
  const Int params =
      rows * 128 + mlp_params({13, 512, 256, 128}) + cross_params + mlp_params({width, 1024, 1024, 512, 256, 1});
  const Int macs_per_sample =
      mlp_macs({13, 512, 256, 128}) + 3 * 2 * width * 512 + mlp_macs({width, 1024, 1024, 512, 256, 1});
  for (Int batch : {Int(1), Int(8192)}) {
    auto r = testing::run_model("dlrm_dcnv2", {{"batch", batch}});
    EXPECT_EQ(testing::params(*r), params);
    EXPECT_EQ(testing::macs(*r), batch * macs_per_sample);
    // Every sample reads multi_hot[i] rows of 128 fp32 values from table i.
    EXPECT_EQ(r->analysis.totals.figures.gathered_bytes, batch * ids * 128 * 4);
    EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{batch, 1}));
    EXPECT_EQ(count_kind(r->graph, "embedding_bag"), 26u);
  }
  auto r = testing::run_model("dlrm_dcnv2");
  // Table 20 pools 100 ids per sample: 99 adds per output element, 100 rows gathered.
  const analysis::Layer* bag = testing::find_layer(*r, "sparse_arch.embedding_bag_collection.embedding_bags.t_cat_20");
  ASSERT_NE(bag, nullptr);
  EXPECT_EQ(bag->figures.params, Int(40'000'000) * 128);
  EXPECT_EQ(bag->figures.elementwise_ops, Int(99) * 128);
  EXPECT_EQ(bag->figures.gathered_bytes, Int(100) * 128 * 4);
  const analysis::Layer* v = testing::find_layer(*r, "inter_arch.crossnet.V_kernels.2");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->figures.params, 512 * width);
  EXPECT_EQ(v->figures.gemm_macs, 512 * width);
  const analysis::Layer* bias = testing::find_layer(*r, "inter_arch.crossnet.bias.0");
  ASSERT_NE(bias, nullptr);
  EXPECT_EQ(bias->figures.params, width);
  for (const char* path : {"dense_arch.model._mlp.2._linear", "over_arch.model.0._mlp.3._linear", "over_arch.model.1",
                           "inter_arch.crossnet.W_kernels.0"}) {
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  }
}

// The low-rank cross layer alone, in closed form: x0 [B, N], rank r: GEMM MACs 2·B·N·r, element-wise 3·B·N
// (bias add, product with x0, residual add), parameters 2·N·r + N.
TEST(RecsysDcn, LowRankCrossLayerCosts) {
  auto r = testing::run_model_text(
      "import \"std/dcn.nn\"\n"
      "model m(batch = 4, const n = 40, const rank = 6) {\n"
      "    input x: f32[batch, n]\n"
      "    return crossnet: low_rank_cross_net(x, 2, rank)\n"
      "}\n");
  EXPECT_EQ(testing::params(*r), 2 * (2 * 40 * 6 + 40));
  EXPECT_EQ(testing::macs(*r), 2 * (2 * 4 * 40 * 6));
  EXPECT_EQ(r->analysis.totals.figures.elementwise_ops, 2 * (3 * 4 * 40));
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{4, 40}));
}

TEST(RecsysNcf, NeuMfMl20m) {
  auto r = testing::run_model("ncf");
  Int users = 138493, items = 26744;
  Int expected = (users + items) * (64 + 128) + mlp_params({256, 256, 128, 64}) + (64 + 64) + 1;
  EXPECT_EQ(expected, Int(31'832'577));
  EXPECT_EQ(r->analysis.totals.figures.params, expected);
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, mlp_macs({256, 256, 128, 64}) + 128);  // 106,624
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 1}));
  for (const char* path :
       {"mf_user_embed", "mf_item_embed", "mlp_user_embed", "mlp_item_embed", "mlp.0", "mlp.2", "final"})
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  auto big = testing::run_model("ncf", {{"batch", 1024}});
  EXPECT_EQ(big->analysis.totals.figures.gemm_macs, Int(1024) * 106'624);
  EXPECT_EQ(big->analysis.output_shapes[0], (std::vector<Int>{1024, 1}));
}

TEST(RecsysMinigo, DualNetV07) {
  auto r = testing::run_model("minigo");
  // Convolutions without bias; trunk batch norms 2 parameters per channel; head batch norms none.
  Int convs = 13 * 64 * 9 + 12 * 64 * 64 * 9 + 64 * 2 + 64 * 1;
  Int trunk_bn = 2 * 64 * 13;
  Int dense = (722 * 362 + 362) + (361 * 64 + 64) + (64 + 1);
  EXPECT_EQ(convs + trunk_bn + dense, Int(736'671));
  EXPECT_EQ(r->analysis.totals.figures.params, Int(736'671));
  Int macs = 361 * (13 * 64 * 9 + 12 * 64 * 64 * 9 + 64 * 2 + 64) + 722 * 362 + 361 * 64 + 64;
  EXPECT_EQ(macs, Int(162'751'860));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, macs);
  ASSERT_EQ(r->analysis.output_shapes.size(), 2u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 362}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1}));
  for (const char* path : {"stem_conv", "trunk.5.conv2", "policy.fc", "value.fc2"})
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  // A 9x9 board: 82 moves, FC 2·81 -> 82 and 81 -> 64.
  auto small = testing::run_model("minigo", {{"batch", 8}, {"board", 9}});
  Int small_params = convs + trunk_bn + (162 * 82 + 82) + (81 * 64 + 64) + 65;
  EXPECT_EQ(small->analysis.totals.figures.params, small_params);
  EXPECT_EQ(small->analysis.totals.figures.gemm_macs,
            Int(8) * (81 * (13 * 64 * 9 + 12 * 64 * 64 * 9 + 64 * 2 + 64) + 162 * 82 + 81 * 64 + 64));
  EXPECT_EQ(small->analysis.output_shapes[0], (std::vector<Int>{8, 82}));
}

TEST(RecsysDin, AmazonBooks) {
  auto r = testing::run_model("din");
  Int embeddings = (Int(543060) + 367983 + 1601) * 18;
  Int attention = mlp_params({144, 80, 40, 1});
  Int top = 2 * 162 + mlp_params({162, 200, 80, 2}) + 200 + 80;  // bn1, the MLP, Dice's alphas
  EXPECT_EQ(embeddings + attention + top, Int(16'491'919));
  EXPECT_EQ(r->analysis.totals.figures.params, Int(16'491'919));
  auto macs = [](Int batch, Int seq) {
    return batch * (seq * (mlp_macs({144, 80, 40, 1}) + 36) + mlp_macs({162, 200, 80, 2}));
  };
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, macs(1, 100));
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 2}));
  for (const char* path :
       {"uid_embedding_var", "mid_embedding_var", "Attention_layer.f1_att", "bn1", "f1", "dice_1", "f3"}) {
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  }
  auto other = testing::run_model("din", {{"batch", 32}, {"seq", 50}});
  EXPECT_EQ(other->analysis.totals.figures.gemm_macs, macs(32, 50));
  EXPECT_EQ(other->analysis.totals.figures.params, Int(16'491'919));
}

}  // namespace
}  // namespace nnscope
