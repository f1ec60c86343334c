// Fixtures exported from PyTorch by tools/onnx/make_coverage_fixtures.py, against the figures PyTorch gives
// for the same modules (tests/onnx/fixtures/coverage_expected.txt, written by that script): a BERT for masked
// LM whose token types are ConstantOfShape's zeros and whose decoder is tied to the word embeddings, and a
// small CNN with torch.flip, also saved with its weights in an external data file that is not there.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

const std::string kFixtures = std::string(NNSCOPE_SOURCE_DIR) + "/tests/onnx/fixtures/";

// fixture -> metric -> value.
std::map<std::string, std::map<std::string, std::string>> expected_figures() {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::istringstream lines(read_text(kFixtures + "coverage_expected.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string fixture, metric, value;
    fields >> fixture >> metric >> value;
    out[fixture][metric] = value;
  }
  return out;
}

TEST(OnnxCoverage, FixturesMatchPyTorch) {
  auto expected = expected_figures();
  ASSERT_EQ(expected.size(), 3u);
  for (const auto& [fixture, metrics] : expected) {
    SCOPED_TRACE(fixture);
    std::string sizes = fixture.starts_with("bert") ? " --set batch=2 --set seq=16" : " --set batch=2";
    CommandResult r = run_nnscope("analyze '" + kFixtures + fixture + "'" + sizes + " --format summary-long");
    ASSERT_EQ(r.status, 0) << r.err;
    for (const auto& [metric, value] : metrics) {
      EXPECT_NE(r.out.find("total," + metric + ",," + value + ","), std::string::npos) << metric << "\n" << r.out;
    }
    CommandResult imported = run_nnscope("import '" + kFixtures + fixture + "'");
    EXPECT_EQ(imported.out.find("not costed"), std::string::npos) << imported.out;
  }
}

TEST(OnnxCoverage, TheTiedDecoderAndTheTokenTypesAreTranslated) {
  CommandResult r = run_nnscope("import '" + kFixtures + "bert_mlm.onnx'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("linear(transform_norm_Add_1, 1000, bias = false, tied_to = \"word_embeddings\")"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("embedding(ConstantOfShape, 2, 64)"), std::string::npos) << r.out;
}

TEST(OnnxCoverage, ExternalWeightsGiveTheSameFiguresWithoutTheirFile) {
  ASSERT_NE(read_text(kFixtures + "small_cnn_external.onnx").find("small_cnn_external.data"), std::string::npos);
  ASSERT_FALSE(std::ifstream(kFixtures + "small_cnn_external.data").good());
  CommandResult inline_weights = run_nnscope("analyze '" + kFixtures + "small_cnn.onnx' --format csv");
  CommandResult external = run_nnscope("analyze '" + kFixtures + "small_cnn_external.onnx' --format csv");
  ASSERT_EQ(inline_weights.status, 0) << inline_weights.err;
  ASSERT_EQ(external.status, 0) << external.err;
  EXPECT_EQ(inline_weights.out, external.out);
}

}  // namespace
}  // namespace nnscope::testing
