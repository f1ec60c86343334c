// The HTML report's content, read as text: charts with one bar per row, totals equal to the closed forms of the
// hand-built graph, escaping of model text, and the page size limits (a 100,000-op model collapsed, saying so).
#include <gtest/gtest.h>

#include <sstream>

#include "cli/run_util.h"
#include "emit/emit_test_util.h"
#include "emit/html_test_util.h"
#include "emit/svg.h"

namespace nnscope::emit {
namespace {

using namespace testing;

std::string page_of(const analysis::Analysis& a, EmitOptions options = {}) {
  std::ostringstream out;
  html(out, a, options);
  return out.str();
}

TEST(Html, TinyGraphChartsHaveOneBarPerRowAndTheClosedFormTotals) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  std::string page = page_of(a);
  // Five ops, one row each; every per-row chart has one bar per row.
  EXPECT_NE(page.find("data-rows=\"5\""), std::string::npos);
  for (const char* chart : {"gemm_macs", "elementwise_ops", "activation_ops", "bytes"}) {
    EXPECT_EQ(count_bars(page, chart), 5) << chart;
    EXPECT_EQ(declared_bars(page, chart), "5") << chart;
  }
  // Totals at batch = 2, from the closed forms in emit_test_util.h.
  auto totals = page_totals(page);
  EXPECT_EQ(totals.find("params")->second, "257112");
  EXPECT_EQ(totals.find("gemm_macs")->second, "525824");
  EXPECT_EQ(totals.find("elementwise_ops")->second, "2512");
  EXPECT_EQ(totals.find("activation_ops")->second, "512");
  EXPECT_EQ(totals.find("flops")->second, "1054672");
  EXPECT_EQ(totals.count("est_time_s"), 0u);  // no --hw
  // The formula is shown with its total.
  EXPECT_NE(page.find("<code>" + std::to_string(6912 + 256000) + "·batch</code>"), std::string::npos);
  // Blocks get a header row to fold by; ops are rows under them.
  EXPECT_NE(page.find("<tr class=\"blk\" data-p=\"stem\">"), std::string::npos);
  EXPECT_NE(page.find("<tr class=\"blk\" data-p=\"head\">"), std::string::npos);
  EXPECT_NE(page.find("<tr data-p=\"head.fc\">"), std::string::npos);
  // head.custom has no cost rule: its work cells are empty, not 0.
  std::size_t custom = page.find("<tr data-p=\"head.custom\">");
  ASSERT_NE(custom, std::string::npos);
  EXPECT_NE(page.substr(custom, page.find("</tr>", custom) - custom).find("<td class=\"num\"></td>"),
            std::string::npos);
  // The structure at depth 1: the five ops, each feeding the next.
  EXPECT_NE(page.find("data-chart=\"structure\" data-boxes=\"5\""), std::string::npos);
  expect_no_remote_urls(page);
}

TEST(Html, ModelTextIsEscapedEverywhere) {
  ir::Graph g = tiny_graph("<b>evil</b>&\"'");
  g.ops[3].path = "head.\"><img src=x onerror=alert(1)>";
  analysis::Analysis a = analysis::analyze(g);
  std::string page = page_of(a);
  EXPECT_EQ(page.find("<b>evil"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;evil&lt;/b&gt;&amp;&quot;&#39;"), std::string::npos);
  EXPECT_NE(page.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  // The only <script> is the page's own.
  EXPECT_EQ(count_occurrences(page, "<script"), 1u);
}

TEST(Html, SvgEscapesAndScales) {
  EXPECT_EQ(svg::escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  svg::Scale log(1, 1000, 0, 300, true);
  EXPECT_DOUBLE_EQ(log(10), 100);
  EXPECT_DOUBLE_EQ(log(1000), 300);
  EXPECT_EQ(log.ticks(), (std::vector<double>{1, 10, 100, 1000}));
  svg::Scale linear(0, 10, 100, 0, false);
  EXPECT_DOUBLE_EQ(linear(5), 50);
  EXPECT_TRUE(svg::spans_decades(128, 2048 * 8));
  EXPECT_FALSE(svg::spans_decades(128, 2048));
  EXPECT_EQ(svg::coordinate(12.0), "12");
  EXPECT_EQ(svg::coordinate(12.34), "12.3");
}

TEST(Html, Resnet50ReportIsUnderOneMebibyte) {
  nnscope::testing::CommandResult r = nnscope::testing::run_nnscope("analyze resnet50 --hw a100 --format html");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_LT(r.out.size(), 1u << 20);
  EXPECT_GT(r.out.size(), 50'000u);
  expect_no_remote_urls(r.out);
}

// The HTML report of a generated model, which must be under ~20 MiB.
std::string generated_model_page(const std::string& model) {
  std::string path = write_temp("generated.nn", model);
  nnscope::testing::CommandResult r = nnscope::testing::run_nnscope("analyze '" + path + "' --format html");
  std::remove(path.c_str());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_LT(r.out.size(), 20u << 20);
  return r.out;
}

// A generated model of 100 stages of 500 two-op layers: 100,000 ops, 50,000 rows at depth 2. The page collapses
// to depth 1 (100 stage rows) and says so.
TEST(Html, HundredThousandOpModelCollapsesToADepthAndSaysSo) {
  std::string model =
      "block layer(x, width) {\n    return relu(fc: linear(x, width))\n}\n"
      "block stage(x, width) {\n    for j in 0..500 {\n        x = \"l{j}\": layer(x, width)\n    }\n    return x\n}\n"
      "model big(batch = 1, width = 64) {\n    input x: f32[batch, width]\n    for i in 0..100 {\n"
      "        x = \"stages.{i}\": stage(x, width)\n    }\n    return x\n}\n";
  std::string page = generated_model_page(model);
  EXPECT_NE(page.find("data-rows=\"100\""), std::string::npos);
  EXPECT_NE(page.find("the page collapses blocks to depth 1"), std::string::npos);
  EXPECT_EQ(count_bars(page, "gemm_macs"), 100);
  // 100 stages x 500 layers x 64x64 MACs per linear at batch 1.
  EXPECT_EQ(page_totals(page).find("gemm_macs")->second, std::to_string(100L * 500 * 64 * 64));
}

// 100,000 ops all at the top level cannot be collapsed: the page shows the first 10,000 rows and says so.
TEST(Html, HundredThousandFlatOpsShowTheFirstRowsAndSaySo) {
  std::string model = "model flat(batch = 1, width = 64) {\n    input x: f32[batch, width]\n";
  for (int i = 0; i < 50000; ++i) model += "    x = relu(fc" + std::to_string(i) + ": linear(x, width))\n";
  model += "    return x\n}\n";
  std::string page = generated_model_page(model);
  EXPECT_NE(page.find("Only the first 10000 of 100000 rows are shown"), std::string::npos);
  EXPECT_EQ(count_bars(page, "gemm_macs"), 10000);
}

}  // namespace
}  // namespace nnscope::emit

namespace nnscope::emit {
namespace {

using namespace testing;

// MLPerf's 3D U-Net has five decoder (upsample) blocks, each concatenating one encoder output: five skip arcs
// at depth 1. ResNet-50's residuals stay inside its bottleneck blocks: at depth 1 every row feeds only the next.
TEST(Html, StructureDiagramDrawsSkipConnectionsAsArcs) {
  nnscope::testing::CommandResult unet = nnscope::testing::run_nnscope("analyze unet3d --format html");
  ASSERT_EQ(unet.status, 0) << unet.err;
  EXPECT_EQ(count_occurrences(unet.out, "class=\"skip\""), 5u);
  nnscope::testing::CommandResult resnet = nnscope::testing::run_nnscope("analyze resnet50 --format html");
  ASSERT_EQ(resnet.status, 0) << resnet.err;
  EXPECT_EQ(count_occurrences(resnet.out, "class=\"skip\""), 0u);
  // conv1, bn1, relu, maxpool, 16 bottlenecks, avgpool, flatten, fc.
  EXPECT_NE(resnet.out.find("data-boxes=\"" + std::to_string(4 + 3 + 4 + 6 + 3 + 3) + "\""), std::string::npos);
}

// What a browser with scripts off shows is the page as written: every row visible (nothing hidden, folding is
// the script's), every chart, and no control that needs the script (its buttons are made by the script).
// (Chromium's headless --dump-dom needs JavaScript itself, so this is read from the file.)
TEST(Html, ReadableWithScriptsOff) {
  nnscope::testing::CommandResult html = nnscope::testing::run_nnscope("analyze resnet50 --hw a100 --format html");
  nnscope::testing::CommandResult json = nnscope::testing::run_nnscope("analyze resnet50 --hw a100 --format json");
  ASSERT_EQ(html.status, 0) << html.err;
  std::string page = html.out.substr(0, html.out.find("<script>"));  // the markup, not the script's text
  EXPECT_EQ(page.find(" hidden"), std::string::npos);
  EXPECT_EQ(page.find("<button"), std::string::npos);
  EXPECT_EQ(count_occurrences(page, "<tr data-p=\""), json_layer_count(json.out));
  for (const char* chart : {"gemm_macs", "elementwise_ops", "activation_ops", "bytes", "time"}) {
    EXPECT_EQ(count_bars(page, chart), static_cast<long>(json_layer_count(json.out))) << chart;
  }
  EXPECT_NE(page.find("data-chart=\"roofline\""), std::string::npos);
}

TEST(Html, OutDirWritesTheReportAndTheSweepPage) {
  std::string dir = temp_path("out_dir");
  nnscope::testing::CommandResult r = nnscope::testing::run_nnscope("analyze resnet18 --out '" + dir + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string page = read_file(dir + "/resnet18.html");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<h1>resnet18</h1>"), std::string::npos);
  std::string sweep_dir = temp_path("out_sweep");
  r = nnscope::testing::run_nnscope("analyze resnet18 --sweep batch=1,8,64 --out '" + sweep_dir + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  page = read_file(sweep_dir + "/resnet18.html");
  EXPECT_NE(page.find("data-chart=\"sweep-gemm_macs\" data-points=\"3\""), std::string::npos);
  std::system(("rm -rf '" + dir + "' '" + sweep_dir + "'").c_str());
}

}  // namespace
}  // namespace nnscope::emit
