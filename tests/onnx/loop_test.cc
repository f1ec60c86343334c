// Loop and Scan (fixtures made with onnx.helper by tools/onnx/make_loop_fixtures.py): the body is costed once per
// iteration, its weights count once, the trip count may be a size symbol, and hostile trip counts or nesting
// are refused naming the node. Expected figures are closed forms of the bodies the script writes.
#include <gtest/gtest.h>

#include <string>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

const std::string kFixtures = std::string(NNSCOPE_SOURCE_DIR) + "/tests/onnx/fixtures/";

std::string summary(const std::string& fixture, const std::string& sizes) {
  CommandResult r = run_nnscope("analyze '" + kFixtures + fixture + "' " + sizes + " --format summary-long");
  EXPECT_EQ(r.status, 0) << fixture << "\n" << r.err;
  return r.out;
}

// The body: v = relu(v·W + B) with W 64x64 (outer graph) and B 64 (the body's own initializer).
constexpr long kBodyMacsPerRow = 64 * 64;
constexpr long kLoopParams = 64 * 64 + 64;

TEST(OnnxLoop, ConstantTripCountCostsTheBodyEveryIterationAndItsWeightsOnce) {
  std::string out = summary("loop_const.onnx", "--set batch=2");
  EXPECT_NE(out.find("total,params,," + std::to_string(kLoopParams) + ","), std::string::npos) << out;
  EXPECT_NE(out.find("total,gemm_macs,," + std::to_string(5 * 2 * kBodyMacsPerRow) + ","), std::string::npos) << out;
  CommandResult imported = run_nnscope("import '" + kFixtures + "loop_const.onnx'");
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_EQ(imported.out.find("not costed"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("repeat 4 {"), std::string::npos) << imported.out;  // the first iteration, then 4
  // The per-iteration output is [trips, batch, 64].
  CommandResult json = run_nnscope("analyze '" + kFixtures + "loop_const.onnx' --set batch=3 --format json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("[5, 3, 64]"), std::string::npos) << json.out;
}

TEST(OnnxLoop, TripCountFromAGraphInputIsASizeParameter) {
  std::string out = summary("loop_steps.onnx", "--set batch=3 --set steps=7");
  EXPECT_NE(out.find("total,params,," + std::to_string(kLoopParams) + ","), std::string::npos) << out;
  EXPECT_NE(out.find("total,gemm_macs,," + std::to_string(7 * 3 * kBodyMacsPerRow) + ","), std::string::npos) << out;
  // One iteration (steps = 1, the default) is the body alone.
  EXPECT_NE(summary("loop_steps.onnx", "").find("total,gemm_macs,," + std::to_string(kBodyMacsPerRow) + ","),
            std::string::npos);
}

TEST(OnnxLoop, ScanCostsTheCellOncePerStepOfTheScannedAxis) {
  // h = tanh(x_t·Wx + h·Wh), Wx 32x64, Wh 64x64, over seq steps.
  constexpr long kCellMacsPerRow = 32 * 64 + 64 * 64;
  std::string out = summary("scan_rnn.onnx", "--set batch=2 --set seq=10");
  EXPECT_NE(out.find("total,params,," + std::to_string(kCellMacsPerRow) + ","), std::string::npos) << out;
  EXPECT_NE(out.find("total,gemm_macs,," + std::to_string(10 * 2 * kCellMacsPerRow) + ","), std::string::npos) << out;
  // A sweep elaborates the loop again at each point.
  CommandResult sweep = run_nnscope("analyze '" + kFixtures + "scan_rnn.onnx' --sweep seq=2,10 --format csv");
  ASSERT_EQ(sweep.status, 0) << sweep.err;
  EXPECT_NE(sweep.out.find("\n2,6144," + std::to_string(2 * kCellMacsPerRow) + ","), std::string::npos) << sweep.out;
  EXPECT_NE(sweep.out.find("\n10,6144," + std::to_string(10 * kCellMacsPerRow) + ","), std::string::npos) << sweep.out;
  CommandResult json = run_nnscope("analyze '" + kFixtures + "scan_rnn.onnx' --set batch=2 --set seq=10 --format json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("[10, 2, 64]"), std::string::npos) << json.out;
  EXPECT_EQ(json.out.find("\"not_costed\": [{"), std::string::npos) << json.out;
}

TEST(OnnxLoop, AHugeTripCountIsRefusedNamingTheNode) {
  CommandResult r = run_nnscope("analyze '" + kFixtures + "loop_huge.onnx'");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("'/loop/Loop' (Loop): trip count 1000000000000 exceeds the limit of 10000000 iterations"),
            std::string::npos)
      << r.err;
}

TEST(OnnxLoop, TrainModeHasABackwardForEveryOpOfTheLoop) {
  CommandResult r = run_nnscope("analyze '" + kFixtures + "scan_rnn.onnx' --mode train --set seq=4");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("No backward rule: none, every op has one"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace nnscope::testing
