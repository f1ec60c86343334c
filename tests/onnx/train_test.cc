// Training mode on ONNX imports: every op the importer emits for the fixtures has a backward rule, and an op
// that has none (an op_type without a translation rule) is listed as such, in the table and in JSON.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/run_util.h"
#include "onnx_builder.h"

namespace nnscope::testing {
namespace {

const std::string kFixtures = std::string(NNSCOPE_SOURCE_DIR) + "/tests/onnx/fixtures/";

TEST(OnnxTrain, EveryFixtureHasABackwardForEveryOp) {
  int analysed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtures)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".onnx" || name == "loop_huge.onnx") continue;
    SCOPED_TRACE(name);
    // tf2onnx names the Keras batch dimension unk__N (keras_cnn.onnx: unk__618).
    std::string batch = name == "keras_cnn.onnx" ? "unk__618" : "batch";
    CommandResult r = run_nnscope("analyze '" + entry.path().string() + "' --mode train --set " + batch + "=2");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("No backward rule: none, every op has one"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Not costed: none, all ops costed"), std::string::npos);
    ++analysed;
  }
  EXPECT_GE(analysed, 13);
}

TEST(OnnxTrain, AnOpWithoutABackwardRuleIsListed) {
  OnnxGraph g;
  g.input("x", onnx::kFloat, {"batch", 4}).weight("w", {4, 4});
  g.node("NonMaxSuppression", {"x"}, {"y"}, {}, "/head/NonMaxSuppression");
  g.node("MatMul", {"y", "w"}, {"z"}, {}, "/fc/MatMul").output("z");
  std::string path = temp_path("no_backward.onnx");
  std::ofstream(path, std::ios::binary) << g.model(17);
  CommandResult table = run_nnscope("analyze '" + path + "' --mode train");
  CommandResult json = run_nnscope("analyze '" + path + "' --mode train --format json");
  std::remove(path.c_str());
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("  No backward rule (1 op, so absent from the backward totals):\n    head (unsupported)\n"),
            std::string::npos)
      << table.out;
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("\"no_backward_rule\": [\n      {\"path\": \"head\", \"op\": \"unsupported\"}\n    ]"),
            std::string::npos)
      << json.out;
}

}  // namespace
}  // namespace nnscope::testing
