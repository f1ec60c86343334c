// Issue 16's check on the memory-traffic model: one Llama-2-7B decoding step after a 4,095-token prompt, int4
// weights and an fp16 KV cache, on the H100 profile, is bound by reading the weights and the cache once.
#include <gtest/gtest.h>

#include "driver/driver.h"

namespace nnscope::driver {
namespace {

using sym::Int;

TEST(MemoryTraffic, Llama2DecodeStepIsBoundByWeightsAndKvCache) {
  Request request;
  request.target = "llama2_7b";
  request.elaborate.overrides = {{"seq", 1}, {"past", 4095}};
  request.elaborate.weight_dtype = DType::kI4;
  request.elaborate.activation_dtype = DType::kF16;
  request.hardware = "h100";
  std::unique_ptr<Report> report = run(request);
  const analysis::Roofline& roofline = *report->analysis->roofline;
  // Closed form: 6,738,415,616 parameters (the Llama 2 paper's 7B) at half a byte each, plus keys and values for
  // 32 layers x 4,095 tokens x 4,096 channels at 2 bytes, over H100 SXM's 3.35 TB/s (its datasheet). The new
  // token's activations (a few MB) are the "small activations" the 10% allows for.
  double weight_bytes = 6'738'415'616.0 / 2;
  double kv_bytes = 2.0 * 32 * 4095 * 4096 * 2;
  double expected_s = (weight_bytes + kv_bytes) / 3.35e12;
  EXPECT_NEAR(roofline.time_s, expected_s, 0.10 * expected_s);
  EXPECT_EQ(roofline.kernels, "fused");
  // Memory-bound: nearly all the time is in layers the memory bandwidth bounds.
  EXPECT_GT(roofline.bound_time_s[static_cast<int>(analysis::Unit::kMemory)], 0.99 * roofline.time_s);
}

TEST(MemoryTraffic, UnfusedKernelsMoveMoreBytesThanFused) {
  Request request;
  request.target = "gpt2";
  request.kernels = analysis::Kernels::kUnfused;
  Int unfused = run(request)->analysis->totals.figures.traffic_bytes;
  request.kernels = analysis::Kernels::kFused;
  Int fused = run(request)->analysis->totals.figures.traffic_bytes;
  // GPT-2 at 1,024 tokens: 12 layers x 12 heads x 1024² fp32 scores, written and read 8 times unfused, never fused.
  Int scores = Int{12} * 12 * 1024 * 1024 * 4;
  EXPECT_GT(unfused - fused, 8 * scores);
}

}  // namespace
}  // namespace nnscope::driver
