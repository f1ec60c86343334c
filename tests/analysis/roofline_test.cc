// The per-layer roofline: time = the largest of the four units' times, the unit that sets it, the matrix
// peak chosen by dtype, and profile validation (docs/cost-model.md, "Roofline").
#include "analysis/roofline.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "analysis_test_util.h"

namespace nnscope::analysis {
namespace {

using testing::build;

HardwareProfile toy() {
  return make_profile("toy", {{"matrix_fp32_flops", 1000},
                              {"matrix_fp16_flops", 4000},
                              {"vector_ops", 100},
                              {"special_ops", 10},
                              {"memory_bandwidth", 1000}});
}

TEST(RooflineTest, TimesAndBounds) {
  auto b = build(R"(
model m(batch = 1) {
    input x: f32[batch, 10]
    y = fc: linear(x, 10, bias = false)
    return sigmoid(y)
}
)");
  // Unfused kernels: every op reads its inputs and writes its outputs (traffic_test.cc covers fused).
  Analysis a = analyze(b->graph, Kernels::kUnfused);
  Roofline r = analyze_roofline(a, toy());
  ASSERT_EQ(r.layers.size(), 2u);
  // fc: 100 MACs = 200 FLOPs / 1000 = 0.2 s; bytes 40 + 40 + 400 = 480 / 1000 = 0.48 s: memory-bound.
  EXPECT_DOUBLE_EQ(r.layers[0].unit_time_s[0], 0.2);
  EXPECT_DOUBLE_EQ(r.layers[0].time_s, 0.48);
  EXPECT_EQ(r.layers[0].bound, Unit::kMemory);
  // sigmoid: 10 activation ops / 10 = 1 s; bytes 80 / 1000: special-bound.
  EXPECT_DOUBLE_EQ(r.layers[1].time_s, 1.0);
  EXPECT_EQ(r.layers[1].bound, Unit::kSpecial);
  EXPECT_DOUBLE_EQ(r.time_s, 1.48);
  EXPECT_DOUBLE_EQ(r.samples_per_s, 1 / 1.48);
  EXPECT_DOUBLE_EQ(r.ridge_point, 1.0);
  EXPECT_EQ(r.matrix_dtype, "fp32");
}

TEST(RooflineTest, MatrixPeakByDtype) {
  const char* text = R"(
model m(batch = 1) {
    input x: f32[batch, 10]
    return fc: linear(x, 10, bias = false)
}
)";
  interp::ElaborateOptions half;
  half.weight_dtype = half.activation_dtype = DType::kF16;
  auto b = build(text, half);
  Roofline r = analyze_roofline(analyze(b->graph), toy());
  EXPECT_EQ(r.matrix_dtype, "fp16");
  EXPECT_DOUBLE_EQ(r.matrix_peak, 4000);
  // A profile without the run's dtype falls back, and says so.
  HardwareProfile fp16_only = make_profile(
      "dla", {{"matrix_fp16_flops", 4000}, {"vector_ops", 1}, {"special_ops", 1}, {"memory_bandwidth", 1}});
  auto f = build(text);
  Roofline fr = analyze_roofline(analyze(f->graph), fp16_only);
  EXPECT_EQ(fr.matrix_dtype, "fp16");
  EXPECT_FALSE(fr.note.empty());
}

TEST(RooflineTest, ProfileValidation) {
  EXPECT_THROW(make_profile("x", {{"matrix_fp16_flops", 1},
                                  {"vector_ops", 1},
                                  {"special_ops", 1},
                                  {"memory_bandwidth", 1},
                                  {"warp_size", 32}}),
               std::runtime_error);
  EXPECT_THROW(make_profile("x", {{"vector_ops", 1}, {"special_ops", 1}, {"memory_bandwidth", 1}}), std::runtime_error);
  EXPECT_THROW(make_profile("x", {{"matrix_fp16_flops", 1}, {"special_ops", 1}, {"memory_bandwidth", 1}}),
               std::runtime_error);
}

}  // namespace
}  // namespace nnscope::analysis
