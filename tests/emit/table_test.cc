#include <gtest/gtest.h>

#include <sstream>

#include "emit/emit_test_util.h"
#include "emit/format.h"

namespace nnscope::emit {
namespace {

using namespace testing;

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

const std::string* line_with(const std::vector<std::string>& all, const std::string& what) {
  for (const std::string& l : all) {
    if (has(l, what)) return &l;
  }
  return nullptr;
}

TEST(Table, TreeRowsHeadersAndHumanUnits) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  std::string text = table(a, {});
  auto all = lines(text);
  EXPECT_EQ(all[0], "tiny (batch=2)");
  for (const char* column : {"layer", "op", "output shape", "params", "MACs", "FLOPs"}) {
    EXPECT_TRUE(has(text, column)) << column;
  }
  // "stem" is not an op: its header row carries its subtree's sums and outputs.
  const std::string* stem = line_with(all, "├─ stem");
  ASSERT_NE(stem, nullptr) << text;
  EXPECT_TRUE(has(*stem, "2x4x8x8"));
  EXPECT_TRUE(has(*stem, "112"));
  EXPECT_TRUE(has(*stem, "13.82 K"));
  EXPECT_TRUE(has(*stem, "28.67 K"));
  EXPECT_NE(line_with(all, "│  ├─ conv"), nullptr) << text;
  EXPECT_NE(line_with(all, "│  └─ relu"), nullptr) << text;
  const std::string* head = line_with(all, "└─ head");
  ASSERT_NE(head, nullptr);
  EXPECT_TRUE(has(*head, "*")) << "a sum that leaves out an uncosted op is marked";
  const std::string* custom = line_with(all, "   └─ custom");
  ASSERT_NE(custom, nullptr) << text;
  EXPECT_TRUE(has(*custom, "n/c"));
  const std::string* fc = line_with(all, "├─ fc");
  ASSERT_NE(fc, nullptr);
  EXPECT_TRUE(has(*fc, "257.00 K"));
  EXPECT_TRUE(has(*fc, "512.00 K"));
  for (const std::string& l : all) EXPECT_LE(detail::display_width(l), 120u) << l;
}

TEST(Table, SummaryHasExactTotalsUnitsFormulasAndNotCosted) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  std::string text = table(a, {});
  auto all = lines(text);
  const std::string* params = line_with(all, "Params");
  ASSERT_NE(params, nullptr);
  EXPECT_TRUE(has(*params, "257,112"));
  EXPECT_TRUE(has(*params, "257.11 K params"));
  const std::string* macs = line_with(all, "GEMM MACs");
  ASSERT_NE(macs, nullptr);
  EXPECT_TRUE(has(*macs, "525,824"));
  EXPECT_TRUE(has(*macs, "525.82 K MACs"));
  EXPECT_TRUE(has(*macs, "= 262912·batch"));
  const std::string* weights = line_with(all, "Weight bytes");
  ASSERT_NE(weights, nullptr);
  EXPECT_TRUE(has(*weights, "1,028,448"));
  EXPECT_TRUE(has(*weights, "1004.34 KiB"));
  EXPECT_TRUE(has(text, "1,054,672"));
  EXPECT_TRUE(has(text, "FLOPs (2·MACs + elem + act)"));
  EXPECT_TRUE(has(text, "Element-wise ops"));
  EXPECT_TRUE(has(text, "2,512"));
  EXPECT_TRUE(has(text, "Activation ops"));
  EXPECT_TRUE(has(text, "Peak live activations"));
  EXPECT_TRUE(has(text, "Input bytes"));
  EXPECT_TRUE(has(text, "Arithmetic intensity"));
  EXPECT_TRUE(has(text, "activations fp32, weights fp32"));
  EXPECT_TRUE(has(text, "x: fp32 2x3x8x8"));
  EXPECT_TRUE(has(text, "logits: 2x1000"));
  EXPECT_TRUE(has(text, "head.custom (mystery)"));
  EXPECT_FALSE(has(text, "MB")) << "bytes use binary units with binary labels";
}

TEST(Table, AllCostedSaysSo) {
  ir::Graph g = tiny_graph();
  g.ops[4].edit_costs().costed = true;
  std::string text = table(analysis::analyze(g), {});
  EXPECT_TRUE(has(text, "all ops costed"));
  EXPECT_FALSE(has(text, "n/c"));
}

TEST(Table, DepthCollapsesRowsAndSumsFigures) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  std::string text = table(a, {.depth = 0});
  auto all = lines(text);
  EXPECT_EQ(line_with(all, "conv"), nullptr) << text;
  const std::string* stem = line_with(all, "├─ stem");
  ASSERT_NE(stem, nullptr) << text;
  EXPECT_TRUE(has(*stem, "2 ops"));
  EXPECT_TRUE(has(*stem, "13.82 K"));
  EXPECT_TRUE(has(*stem, "28.67 K"));
  const std::string* head = line_with(all, "└─ head");
  ASSERT_NE(head, nullptr);
  EXPECT_TRUE(has(*head, "3 ops"));
  EXPECT_TRUE(has(*head, "257.00 K"));
  EXPECT_TRUE(has(text, "257,112")) << "totals do not depend on the depth";
}

TEST(Table, StaysWithin120ColumnsForADeepLongNetwork) {
  ir::Graph g = tiny_graph();
  // 150 ops with long, deep paths and several outputs' worth of shape text.
  ir::Op proto = g.ops[1];
  for (int i = 0; i < 150; ++i) {
    ir::Op op = proto;
    op.path = "encoder.layer." + std::to_string(i / 10) + ".attention.output.dense_projection_with_a_long_name" +
              std::to_string(i);
    ir::Tensor t = g.tensors[op.outputs[0]];
    t.producer = g.ops.size();
    g.tensors.push_back(t);
    op.outputs = {g.tensors.size() - 1, g.tensors.size() - 1};
    g.ops.push_back(op);
  }
  std::string text = table(analysis::analyze(g), {});
  for (const std::string& l : lines(text)) EXPECT_LE(detail::display_width(l), 120u) << l;
}

// The width a test or the command line asks for holds for every line: the tree's columns give way in their
// priority order (the footer names them), the summary's formulas wrap.
TEST(Table, FitsTheWidthDroppingColumnsAndSayingWhich) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  for (std::size_t width : {100u, 80u, 60u, 48u}) {
    EmitOptions options;
    options.width = width;
    options.columns = {"params", "macs", "flops", "elementwise", "activation", "bytes", "intensity"};
    std::string text = table(a, options);
    for (const std::string& l : lines(text)) EXPECT_LE(detail::display_width(l), width) << width << ": " << l;
    if (width == 48) {
      const std::vector<std::string> all = lines(text);  // kept: line_with points into it
      const std::string* note = line_with(all, "Left out to fit 48 columns:");
      ASSERT_NE(note, nullptr) << text;
      EXPECT_TRUE(has(*note, "FLOP/B")) << "intensity goes first";  // lowest priority
      EXPECT_TRUE(has(text, "MACs")) << "GEMM MACs stay longest";
    }
  }
  EmitOptions wide;
  wide.width = 200;
  wide.columns = {"params", "macs", "flops", "elementwise", "activation", "bytes", "intensity"};
  EXPECT_FALSE(has(table(a, wide), "Left out"));
}

TEST(Table, ColumnsChoosesTheFigures) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  EmitOptions options;
  options.columns = {"elementwise", "bytes"};
  std::string text = table(a, options);
  auto all = lines(text);
  const std::string* header = line_with(all, "layer");
  ASSERT_NE(header, nullptr);
  EXPECT_TRUE(has(*header, "elem ops") && has(*header, "bytes"));
  EXPECT_FALSE(has(*header, "MACs") || has(*header, "params"));
  const std::string* conv = line_with(all, "├─ conv");
  ASSERT_NE(conv, nullptr) << text;
  EXPECT_TRUE(has(*conv, "512"));       // bias adds: 4·8·8·batch
  EXPECT_TRUE(has(*conv, "3.94 KiB"));  // 1536 + 448 + 2048 bytes in and out
  EXPECT_TRUE(is_table_column("intensity"));
  EXPECT_FALSE(is_table_column("gemm_macs"));
}

TEST(Table, TopListsTheHeaviestWithTheirShare) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  EmitOptions options;
  options.top = 2;
  auto all = lines(table(a, options));
  const std::string* fc = line_with(all, "head.fc");
  const std::string* conv = line_with(all, "stem.conv");
  ASSERT_NE(fc, nullptr);
  ASSERT_NE(conv, nullptr);
  EXPECT_LT(fc, conv) << "heaviest first";
  EXPECT_EQ(line_with(all, "stem.relu"), nullptr) << "only two";
  // FLOPs: fc 2·512000 + 2000 = 1,026,000 and conv 28,160 of 1,054,672 in all.
  EXPECT_TRUE(has(*fc, "97.3%")) << *fc;
  EXPECT_TRUE(has(*conv, "2.7%")) << *conv;
}

// Without --depth the command line lets the table pick the deepest depth whose tree has at most kTableRows lines.
TEST(Table, AutomaticDepthKeepsBigModelsShort) {
  ir::Graph g = tiny_graph();
  ir::Op proto = g.ops[1];
  for (int i = 0; i < 200; ++i) {  // 20 blocks of 10 ops: 200 op rows, or 20 block rows at depth 2
    ir::Op op = proto;
    op.path = "encoder.layer." + std::to_string(i / 10) + ".op" + std::to_string(i % 10);
    ir::Tensor t = g.tensors[op.outputs[0]];
    t.producer = g.ops.size();
    g.tensors.push_back(t);
    op.outputs = {g.tensors.size() - 1};
    g.ops.push_back(op);
  }
  analysis::Analysis a = analysis::analyze(g);
  EmitOptions options;
  options.auto_depth = true;
  std::string text = table(a, options);
  EXPECT_TRUE(has(text, "└─ 19")) << text;
  EXPECT_FALSE(has(text, "op9")) << "blocks below depth 2 are collapsed";
  EXPECT_TRUE(has(text, "deeper than depth 2"));
  options.auto_depth = false;  // --depth given (here: none, every op)
  EXPECT_TRUE(has(table(a, options), "op9"));
}

// The tiny graph swept over batch 1 and 1000 (the points point into `g`).
std::vector<SweepPoint> batch_points(const ir::Graph& g) {
  std::vector<SweepPoint> points;
  for (sym::Int batch : {1, 1000}) {
    sym::Bindings b;
    b.set("batch", batch);
    points.push_back({{{"batch", batch}}, analysis::analyze_at(g, b)});
  }
  return points;
}

TEST(SweepTable, HumanAndExact) {
  ir::Graph g = tiny_graph();
  std::vector<SweepPoint> points = batch_points(g);
  std::string text = sweep_table(points, 100);
  EXPECT_TRUE(has(text, "batch"));
  EXPECT_TRUE(has(text, "262.91 K"));
  EXPECT_TRUE(has(text, "262,912,000"));
  EXPECT_TRUE(has(text, "262.91 M"));
  EXPECT_TRUE(has(text, "1004.34 KiB"));
  EXPECT_TRUE(has(text, "peak act."));
}

TEST(SweepTable, FitsTheWidthLeavingOutTheLeastImportantTotals) {
  ir::Graph g = tiny_graph();
  std::vector<SweepPoint> points = batch_points(g);
  std::string wide = sweep_table(points, 200);
  EXPECT_FALSE(has(wide, "Left out")) << wide;
  std::string narrow = sweep_table(points, 60);
  std::vector<std::string> narrow_lines = lines(narrow);
  for (const std::string& l : narrow_lines) EXPECT_LE(detail::display_width(l), 60u) << l;
  const std::string* note = line_with(narrow_lines, "Left out to fit 60 columns: act ops, elem ops");
  EXPECT_NE(note, nullptr) << "the element-wise and activation counts go first\n" << narrow;
  EXPECT_TRUE(has(narrow, "262.91 M")) << "the MACs stay";
  EXPECT_TRUE(has(narrow, "262,912,000"));
  EXPECT_TRUE(has(narrow, "batch  │")) << "the swept parameter stays, set off by the divider";
}

TEST(SweepCsv, OneRowPerPoint) {
  ir::Graph g = tiny_graph();
  std::vector<SweepPoint> points;
  for (sym::Int batch : {1, 2, 4}) {
    sym::Bindings b;
    b.set("batch", batch);
    points.push_back({{{"batch", batch}}, analysis::analyze_at(g, b)});
  }
  std::string csv = sweep_csv(points);
  auto rows = parse_csv(csv);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0],
            (std::vector<std::string>{"batch", "params", "gemm_macs", "elementwise_ops", "activation_ops", "flops",
                                      "weight_bytes", "activation_bytes", "peak_activation_bytes", "traffic_bytes"}));
  EXPECT_EQ(rows[2][0], "2");
  EXPECT_EQ(rows[2][2], "525824");
  EXPECT_EQ(rows[3][2], "1051648");
  check_csv_with_python(csv);
}

}  // namespace
}  // namespace nnscope::emit
