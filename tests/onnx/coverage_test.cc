// Fixtures exported from PyTorch by tools/onnx/make_coverage_fixtures.py, against the figures PyTorch gives
// for the same modules (tests/onnx/fixtures/coverage_expected.txt, written by that script): a BERT for masked
// LM whose token types are ConstantOfShape's zeros and whose decoder is tied to the word embeddings, and a
// small CNN with torch.flip, also saved with its weights in an external data file that is not there. And the
// Hugging Face-style exports of tools/onnx/make_hf_fixtures.py (hf_expected.txt): BertModel as bert-base-uncased,
// exported with its weights (then moved to a data file that is not kept), and a GPT-2 with past_key_values.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

const std::string kFixtures = std::string(NNSCOPE_SOURCE_DIR) + "/tests/onnx/fixtures/";

// fixture -> metric -> value, from `file` ("FIXTURE METRIC VALUE" lines).
std::map<std::string, std::map<std::string, std::string>> expected_figures(const std::string& file) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::istringstream lines(read_text(kFixtures + file));
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
  auto expected = expected_figures("coverage_expected.txt");
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

// The summary CSV of `fixture` at `sizes`, checked to have every figure PyTorch gave and nothing not costed.
std::string expect_pytorch_figures(const std::string& fixture, const std::string& sizes) {
  auto expected = expected_figures("hf_expected.txt");
  CommandResult r = run_nnscope("analyze '" + kFixtures + fixture + "' " + sizes + " --format summary-long");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(expected[fixture].size(), 2u);
  for (const auto& [metric, value] : expected[fixture]) {
    EXPECT_NE(r.out.find("total," + metric + ",," + value + ","), std::string::npos) << metric << "\n" << r.out;
  }
  CommandResult imported = run_nnscope("import '" + kFixtures + fixture + "'");
  EXPECT_EQ(imported.status, 0) << imported.err;
  EXPECT_EQ(imported.out.find("not costed"), std::string::npos) << imported.out.substr(0, 600);
  return r.out;
}

TEST(OnnxHuggingFace, BertBaseHasThePublishedParameterCountAndEverythingCosted) {
  ASSERT_FALSE(std::ifstream(kFixtures + "bert_base.data").good());  // the weights are not there
  std::string out = expect_pytorch_figures("bert_base.onnx", "--set batch=2 --set seq=16");
  EXPECT_NE(out.find("total,params,,109482240,"), std::string::npos) << out;  // bert-base-uncased, as published
  // 12 layers of q·kᵀ and probs·v (2·768·seq² per sequence each layer) in the formula.
  EXPECT_NE(out.find(",18432*batch*seq^2 + "), std::string::npos) << out;
}

TEST(OnnxHuggingFace, Gpt2WithPastKeyValuesHasTheCacheShapes) {
  std::string sizes = "--set batch=2 --set seq=1 --set past_seq=15";
  expect_pytorch_figures("gpt2_past.onnx", sizes);
  // attention_mask's dimension is "past_seq + seq", an expression of the other two.
  CommandResult imported = run_nnscope("import '" + kFixtures + "gpt2_past.onnx'");
  EXPECT_NE(imported.out.find("input attention_mask: i64[batch, (past_seq + seq)]"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("input past_key_values_0_key: f32[batch, 4, past_seq, 16]"), std::string::npos);
  // present.N.key/value: [batch, heads, past_seq + seq, head_dim] = [2, 4, 16, 16]; logits [batch, seq, vocab].
  CommandResult json = run_nnscope("analyze '" + kFixtures + "gpt2_past.onnx' " + sizes + " --format json");
  ASSERT_EQ(json.status, 0) << json.err;
  for (const char* key : {"present_0_key", "present_0_value", "present_1_key", "present_1_value"}) {
    EXPECT_NE(json.out.find("{\"name\": \"" + std::string(key) + "\", \"shape\": [2, 4, 16, 16]}"), std::string::npos)
        << key;
  }
  EXPECT_NE(json.out.find("{\"name\": \"logits\", \"shape\": [2, 1, 1000]}"), std::string::npos);
}

}  // namespace
}  // namespace nnscope::testing
