// The terminal table as the command line prints it (issue 13, part 3): it fits COLUMNS (100 when stdout is not a
// terminal), picks a depth that keeps big models readable, and shows time and bound unit per row with --hw.
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Terminal columns of a UTF-8 line, counted here in code points (every glyph the table prints is one column).
std::size_t code_points(const std::string& line) {
  std::size_t n = 0;
  for (char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

CommandResult with_columns(const std::string& columns, const std::string& arguments) {
  return run_shell("env COLUMNS=" + columns + " '" + std::string(NNSCOPE_BINARY) + "' " + arguments);
}

TEST(TableWidth, BigModelsFitEightyColumns) {
  for (const char* model : {"bert_large", "llama2_7b", "dlrm", "maskrcnn_resnet50_fpn"}) {
    for (const char* extra : {"", " --hw h100", " --mode train"}) {
      std::string arguments = std::string("analyze ") + model + extra;
      CommandResult r = with_columns("80", arguments);
      ASSERT_EQ(r.status, 0) << arguments << "\n" << r.err;
      std::size_t widest = 0;
      for (const std::string& line : lines_of(r.out)) {
        EXPECT_LE(code_points(line), 80u) << arguments << ": " << line;
        widest = std::max(widest, code_points(line));
      }
      EXPECT_GT(widest, 60u) << arguments << ": the table uses the width it has";
    }
  }
}

TEST(TableWidth, NotATerminalMeansOneHundredColumns) {
  CommandResult r = run_nnscope("analyze llama2_7b --hw h100 --columns params,macs,flops,elementwise,bytes,time,bound");
  ASSERT_EQ(r.status, 0) << r.err;
  std::size_t widest = 0;
  for (const std::string& line : lines_of(r.out)) widest = std::max(widest, code_points(line));
  EXPECT_LE(widest, 100u);
  EXPECT_GT(widest, 80u);
  CommandResult wide = with_columns("160", "analyze llama2_7b --hw h100");
  widest = 0;
  for (const std::string& line : lines_of(wide.out)) widest = std::max(widest, code_points(line));
  EXPECT_GT(widest, 100u) << "COLUMNS widens it";
}

// bert_large (Devlin et al. 2019): 24 encoder layers; the default depth shows them as 24 rows.
TEST(TableWidth, DefaultDepthShowsBertLargesTwentyFourLayers) {
  CommandResult r = run_nnscope("analyze bert_large");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = lines_of(r.out);
  std::size_t layer_rows = 0;
  for (const std::string& line : lines) {
    for (int i = 0; i < 24; ++i) {
      std::string label = (i == 23 ? "└─ " : "├─ ") + std::to_string(i) + " ";
      if (line.find(label) != std::string::npos) {
        ++layer_rows;
        break;
      }
    }
  }
  EXPECT_EQ(layer_rows, 24u) << r.out;
  EXPECT_LT(lines.size(), 150u) << "not 815 lines";
  std::string tree = r.out.substr(0, r.out.find("\nModel "));  // the summary names the peak's op
  EXPECT_EQ(tree.find("attention"), std::string::npos) << "the layers are collapsed";
  CommandResult deep = run_nnscope("analyze bert_large --depth 4");
  EXPECT_NE(deep.out.find("attention"), std::string::npos) << "--depth overrides";
  EXPECT_GT(lines_of(deep.out).size(), 300u);
}

TEST(TableWidth, HardwareAddsTimeAndBoundPerRow) {
  CommandResult r = with_columns("80", "analyze bert_large --hw h100");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = lines_of(r.out);
  bool header = false;
  std::size_t bounded_layers = 0;
  for (const std::string& line : lines) {
    if (line.starts_with("layer") && line.find("time") != std::string::npos && line.find("bound") != std::string::npos)
      header = true;
    bool is_layer = line.find("─ 1 ") != std::string::npos || line.find("─ 17 ") != std::string::npos;
    // A transformer layer at seq 512 is dominated by its GEMMs: matrix-bound on an H100.
    if (is_layer && line.find(" µs") != std::string::npos && line.ends_with("matrix")) ++bounded_layers;
  }
  EXPECT_TRUE(header) << r.out;
  EXPECT_EQ(bounded_layers, 2u) << r.out;
}

TEST(TableWidth, TrainModeAddsBackwardMacs) {
  CommandResult r = run_nnscope("analyze resnet18 --mode train");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("bwd MACs"), std::string::npos) << r.out;
}

TEST(TableWidth, TopAndColumns) {
  CommandResult r = run_nnscope("analyze resnet50 --top 3 --columns flops");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines = lines_of(r.out);
  std::size_t ranked = 0;
  for (const std::string& line : lines) ranked += line.ends_with("%") && line.find("conv") != std::string::npos;
  EXPECT_EQ(ranked, 3u) << r.out;
  EXPECT_NE(r.out.find("heaviest ops by FLOPs"), std::string::npos);
  EXPECT_EQ(run_nnscope("analyze resnet50 --columns params,mac").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --top 3 --format csv").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --top 0").status, 2);
}

}  // namespace
}  // namespace nnscope::testing
