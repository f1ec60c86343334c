#include <gtest/gtest.h>

#include "emit/emit_test_util.h"

namespace nnscope::emit {
namespace {

using namespace testing;

TEST(DetailsCsv, HeaderAndOneRowPerOp) {
  ir::Graph g = tiny_graph();
  // Unfused kernels: every op reads its inputs and writes its outputs (analysis/traffic_test.cc covers fused).
  analysis::Analysis a = analysis::analyze(g, analysis::Kernels::kUnfused);
  std::string csv = details_csv(a, {});
  auto rows = parse_csv(csv);
  ASSERT_EQ(rows.size(), 6u);
  std::vector<std::string> expected = {
      "path",           "level_0",     "level_1",       "op",           "input_shape", "output_shape",
      "kernel",         "stride",      "padding",       "dilation",     "groups",      "misc",
      "params",         "input_bytes", "weight_bytes",  "output_bytes", "gemm_macs",   "elementwise_ops",
      "activation_ops", "flops",       "traffic_bytes", "intensity"};
  EXPECT_EQ(rows[0], expected);
  for (const auto& row : rows) EXPECT_EQ(row.size(), expected.size());
  const auto& h = rows[0];
  const auto& conv = rows[1];
  EXPECT_EQ(conv[column(h, "path")], "stem.conv");
  EXPECT_EQ(conv[column(h, "level_0")], "stem");
  EXPECT_EQ(conv[column(h, "level_1")], "conv");
  EXPECT_EQ(conv[column(h, "op")], "conv2d");
  EXPECT_EQ(conv[column(h, "input_shape")], "2x3x8x8");
  EXPECT_EQ(conv[column(h, "output_shape")], "2x4x8x8");
  EXPECT_EQ(conv[column(h, "kernel")], "3x3");
  EXPECT_EQ(conv[column(h, "params")], "112");
  EXPECT_EQ(conv[column(h, "input_bytes")], "1536");
  EXPECT_EQ(conv[column(h, "weight_bytes")], "448");
  EXPECT_EQ(conv[column(h, "output_bytes")], "2048");
  EXPECT_EQ(conv[column(h, "gemm_macs")], "13824");
  EXPECT_EQ(conv[column(h, "elementwise_ops")], "512");
  EXPECT_EQ(conv[column(h, "flops")], "28160");
  EXPECT_EQ(conv[column(h, "traffic_bytes")], "4032");  // 1536 + 448 + 2048
  EXPECT_EQ(conv[column(h, "intensity")], "6.984127");  // 28160 / (1536 + 448 + 2048)
  EXPECT_EQ(rows[4][column(h, "gemm_macs")], "512000");
  // No cost rule: unknown, not zero.
  EXPECT_EQ(rows[5][column(h, "path")], "head.custom");
  EXPECT_EQ(rows[5][column(h, "gemm_macs")], "");
  EXPECT_EQ(rows[5][column(h, "flops")], "");
  EXPECT_EQ(rows[5][column(h, "output_bytes")], "8000");
  EXPECT_EQ(csv.find('\r'), std::string::npos);
  EXPECT_EQ(csv.back(), '\n');
}

TEST(DetailsCsv, QuotesFieldsAndLevelColumnsFollowTheDeepestRow) {
  ir::Graph g = tiny_graph();
  g.ops[2].path = "head.a,\"b\".flatten";  // not a name the language allows, but the CSV must survive it
  ir::DisplayHints odd;
  odd.kernel.word = "1\n2";
  g.ops[3].display = std::make_shared<const ir::DisplayHints>(odd);
  analysis::Analysis a = analysis::analyze(g);
  std::string csv = details_csv(a, {});
  auto rows = parse_csv(csv);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0][3], "level_2");
  for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
  EXPECT_EQ(rows[3][0], "head.a,\"b\".flatten");
  EXPECT_EQ(rows[3][2], "a,\"b\"");
  EXPECT_EQ(rows[3][3], "flatten");
  EXPECT_EQ(rows[1][3], "");
  EXPECT_EQ(rows[4][column(rows[0], "kernel")], "1\n2");
  check_csv_with_python(csv);
}

// The attribute columns show the rule's formulas evaluated at the bindings: a kernel of batch + 1 is 3 at batch = 2.
TEST(DetailsCsv, AttributesAreEvaluatedAtTheBindings) {
  ir::Graph g = tiny_graph();
  Expr b = Expr::symbol("batch");
  ir::DisplayHints hints = display_hints({b + 1, b + 1}, {b, 1}, {b - 2, 0}, {1, 1}, 2 * b);
  hints.sampling_ratio.dims = {b};
  g.ops[0].display = std::make_shared<const ir::DisplayHints>(hints);
  auto rows = parse_csv(details_csv(analysis::analyze(g), {}));
  const auto& h = rows[0];
  EXPECT_EQ(rows[1][column(h, "kernel")], "3x3");
  EXPECT_EQ(rows[1][column(h, "stride")], "2x1");
  EXPECT_EQ(rows[1][column(h, "padding")], "0x0");
  EXPECT_EQ(rows[1][column(h, "groups")], "4");
  EXPECT_EQ(rows[1][column(h, "misc")], "sampling_ratio=2");
  EXPECT_EQ(rows[2][column(h, "groups")], "");  // relu has none
}

TEST(DetailsCsv, DepthCollapsesBlocksAndSumsFigures) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  auto rows = parse_csv(details_csv(a, {.depth = 0}));
  ASSERT_EQ(rows.size(), 3u);
  const auto& h = rows[0];
  EXPECT_EQ(h[1], "level_0");
  EXPECT_EQ(h[2], "op");
  EXPECT_EQ(rows[1][column(h, "path")], "stem");
  EXPECT_EQ(rows[1][column(h, "op")], "block");
  EXPECT_EQ(rows[1][column(h, "params")], "112");
  EXPECT_EQ(rows[1][column(h, "gemm_macs")], "13824");
  EXPECT_EQ(rows[1][column(h, "activation_ops")], "512");
  EXPECT_EQ(rows[1][column(h, "flops")], "28672");
  EXPECT_EQ(rows[1][column(h, "input_shape")], "2x3x8x8");
  EXPECT_EQ(rows[1][column(h, "output_shape")], "2x4x8x8");
  EXPECT_EQ(rows[1][column(h, "kernel")], "");
  EXPECT_EQ(rows[2][column(h, "path")], "head");
  EXPECT_EQ(rows[2][column(h, "params")], "257000");
  EXPECT_EQ(rows[2][column(h, "gemm_macs")], "512000");
  EXPECT_EQ(rows[2][column(h, "output_shape")], "2x1000");
  check_csv_with_python(details_csv(a, {.depth = 0}));
}

TEST(DetailsCsv, PythonReadsIt) { check_csv_with_python(details_csv(analysis::analyze(tiny_graph()), {})); }

TEST(SummaryLongCsv, TotalsFormulasTypesBindingsAndNotCosted) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  std::string csv = summary_long_csv(a);
  auto rows = parse_csv(csv);
  ASSERT_GT(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"section", "name", "metric", "value", "formula"}));
  for (const auto& row : rows) EXPECT_EQ(row.size(), 5u);
  auto find = [&](const std::string& section, const std::string& name, const std::string& metric) {
    for (const auto& row : rows) {
      if (row[0] == section && row[1] == name && row[2] == metric) return row;
    }
    ADD_FAILURE() << "no row " << section << "," << name << "," << metric;
    return std::vector<std::string>(5);
  };
  EXPECT_EQ(find("total", "params", "")[3], "257112");
  EXPECT_EQ(find("total", "params", "")[4], "257112");
  EXPECT_EQ(find("total", "gemm_macs", "")[3], "525824");
  EXPECT_EQ(find("total", "gemm_macs", "")[4], "262912*batch");
  EXPECT_EQ(find("total", "elementwise_ops", "")[3], "2512");
  EXPECT_EQ(find("total", "activation_ops", "")[3], "512");
  EXPECT_EQ(find("total", "flops", "")[3], "1054672");
  EXPECT_EQ(find("total", "weight_bytes", "")[3], "1028448");
  EXPECT_EQ(find("total", "input_bytes", "")[3], "1536");
  EXPECT_EQ(find("total", "peak_activation_bytes", "")[0], "total");
  EXPECT_EQ(find("model", "name", "")[3], "tiny");
  EXPECT_EQ(find("model", "dtype", "")[3], "fp32");
  EXPECT_EQ(find("op_type", "conv2d", "count")[3], "1");
  EXPECT_EQ(find("op_type", "linear", "gemm_macs")[3], "512000");
  EXPECT_EQ(find("binding", "batch", "")[3], "2");
  EXPECT_EQ(find("not_costed", "head.custom", "op")[3], "mystery");
  check_csv_with_python(csv);
}

}  // namespace
}  // namespace nnscope::emit
