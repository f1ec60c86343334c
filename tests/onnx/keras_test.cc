// A Keras CNN as tf2onnx exports it (tests/onnx/fixtures/keras_cnn.onnx, written by make_keras_fixture.py next
// to it): channels-last input, Transposes to NCHW around the convolutions and back before a ReduceMean over H
// and W, TensorFlow's SAME padding (auto_pad, and the asymmetric pads of a stride-2 convolution), a depthwise
// Conv, BatchNormalization, a Reshape to [-1, 32] and a MatMul + Add dense head. Expected figures are closed
// forms of the layers the script writes.
#include <gtest/gtest.h>

#include <string>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

const std::string kFixture = std::string(NNSCOPE_SOURCE_DIR) + "/tests/onnx/fixtures/keras_cnn.onnx";

// Input 32x32x3 (NHWC). conv2d: 3x3, 3 -> 16, SAME, stride 1 (32x32 out); conv2d_1: 3x3, 16 -> 32, stride 2,
// pads [0, 0, 1, 1] (16x16 out); depthwise_conv2d: 3x3, 32 channels, group 32 (16x16 out); dense: 32 -> 10.
constexpr long kConvParams = 16 * 3 * 3 * 3 + 16;
constexpr long kConv1Params = 32 * 16 * 3 * 3 + 32;
constexpr long kDepthwiseParams = 32 * 1 * 3 * 3 + 32;
constexpr long kDenseParams = 32 * 10 + 10;
// BatchNormalization: scale and bias are the trained parameters (2·C, PyTorch's and Keras' trainable count);
// the running mean and variance are state, not parameters.
constexpr long kBatchnormParams = 2 * 16 + 2 * 32;
constexpr long kParams = kConvParams + kConv1Params + kDepthwiseParams + kDenseParams + kBatchnormParams;

// MACs per image: output elements x (input channels per group x kernel area).
constexpr long kMacsPerImage = 32 * 32 * 16 * (3 * 3 * 3)     // conv2d
                               + 16 * 16 * 32 * (16 * 3 * 3)  // conv2d_1
                               + 16 * 16 * 32 * (1 * 3 * 3)   // depthwise_conv2d
                               + 32 * 10;                     // dense

static_assert(kParams == 5834);
static_assert(kMacsPerImage == 1696064);

std::string summary(const std::string& sizes) {
  CommandResult r = run_nnscope("analyze '" + kFixture + "' " + sizes + " --format summary-long");
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

TEST(OnnxKeras, ChannelsLastCnnHasTheClosedFormFigures) {
  for (long batch : {1L, 4L}) {
    SCOPED_TRACE(batch);
    std::string out = summary("--set unk__618=" + std::to_string(batch));
    EXPECT_NE(out.find("total,params,," + std::to_string(kParams) + ","), std::string::npos) << out;
    EXPECT_NE(out.find("total,gemm_macs,," + std::to_string(batch * kMacsPerImage) + ","), std::string::npos) << out;
  }
}

TEST(OnnxKeras, EveryNodeIsTranslatedAndTheOutputIsBatchBy10) {
  CommandResult imported = run_nnscope("import '" + kFixture + "'");
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_EQ(imported.out.find("not costed"), std::string::npos) << imported.out;
  EXPECT_EQ(imported.out.find("unsupported("), std::string::npos) << imported.out;
  // The channels-last input stays [batch, 32, 32, 3]; the Transposes are permutes.
  EXPECT_NE(imported.out.find("input_1: f32[unk__618, 32, 32, 3]"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("permute("), std::string::npos) << imported.out;

  CommandResult json = run_nnscope("analyze '" + kFixture + "' --set unk__618=3 --format json");
  ASSERT_EQ(json.status, 0) << json.err;
  // The model's output (the softmax of the dense layer) is [batch, 10].
  EXPECT_NE(json.out.find("\"name\": \"dense\", \"shape\": [3, 10]"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"not_costed\": []"), std::string::npos) << json.out;
}

}  // namespace
}  // namespace nnscope::testing
