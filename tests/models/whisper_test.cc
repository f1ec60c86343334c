// Whisper large-v3 (openai/whisper-large-v3): the published parameter count and GEMM MACs from the closed form of
// its config.json, at two sizes.
#include <gtest/gtest.h>

#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using namespace testing;  // run_model, find_layer, has_path, params, macs, macs_at (model_test_util.h)

constexpr Int kD = 1280, kFfn = 5120, kVocab = 51866, kMels = 128, kFrames = 3000, kSource = 1500, kLayers = 32;

// conv1 (128 -> d, kernel 3) over 3000 frames and conv2 (d -> d, kernel 3, stride 2) over 1500; per encoder layer
// four d x d projections, the two attention matmuls and the MLP over S = 1500 positions; per decoder layer self-
// attention over T tokens, cross-attention (q and out on T, k and v on S, matmuls T x S) and the MLP; proj_out.
Int whisper_macs(Int b, Int t) {
  Int s = kSource, d = kD;
  Int encoder = b * d * kFrames * kMels * 3 + b * d * s * d * 3 +
                kLayers * (4 * b * s * d * d + 2 * b * s * s * d + 2 * b * s * d * kFfn);
  Int decoder = kLayers * (4 * b * t * d * d + 2 * b * t * t * d + 2 * b * t * d * d + 2 * b * s * d * d +
                           2 * b * t * s * d + 2 * b * t * d * kFfn);
  return encoder + decoder + b * t * d * kVocab;
}

TEST(Whisper, LargeV3ParametersAndMacs) {
  Int d = kD;
  // Attention: q, v, out with bias, k without: 4·d² + 3·d. Layer norms 2·d each.
  Int attention = 4 * d * d + 3 * d, mlp = 2 * d * kFfn + kFfn + d;
  Int encoder = (kMels * d * 3 + d) + (d * d * 3 + d) + kSource * d + kLayers * (attention + mlp + 2 * 2 * d) + 2 * d;
  Int decoder = kVocab * d + 448 * d + kLayers * (2 * attention + mlp + 3 * 2 * d) + 2 * d;
  EXPECT_EQ(encoder + decoder, Int(1'543'490'560));
  auto other = testing::expect_macs_at_two_sizes("whisper_large_v3", whisper_macs(1, 448),
                                                 {{"batch", 2}, {"tgt_len", 100}}, whisper_macs(2, 100));
  EXPECT_EQ(params(*other), Int(1'543'490'560));
  EXPECT_EQ(testing::run_model("whisper_large_v3")->analysis.output_shapes[0], (std::vector<Int>{1, 448, kVocab}));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 100, kVocab}));
  // The front end: 3000 frames to 1500 positions.
  const analysis::Layer* conv2 = find_layer(*other, "model.encoder.conv2");
  ASSERT_NE(conv2, nullptr);
  EXPECT_EQ(conv2->output_shapes[0], (std::vector<Int>{2, kD, kSource}));
  EXPECT_EQ(find_layer(*other, "model.encoder.layers.0.self_attn.k_proj")->figures.params, d * d);
  EXPECT_EQ(find_layer(*other, "model.encoder.layers.0.self_attn.v_proj")->figures.params, d * d + d);
  // Cross-attention: queries from the 100 decoder tokens, keys from the 1500 encoder positions.
  const analysis::Layer* cross = find_layer(*other, "model.decoder.layers.31.encoder_attn.attention.qk");
  ASSERT_NE(cross, nullptr);
  EXPECT_EQ(cross->output_shapes[0], (std::vector<Int>{2, 20, 100, kSource}));
  EXPECT_TRUE(has_path(*other, "model.decoder.layers.0.encoder_attn_layer_norm"));
  // proj_out reads the decoder's token table.
  const analysis::Layer* head = find_layer(*other, "proj_out");
  EXPECT_EQ(head->figures.params, Int(0));
  EXPECT_EQ(other->graph.ops[head->op].costs().tied_to, "model.decoder.embed_tokens");
}

}  // namespace
}  // namespace nnscope
