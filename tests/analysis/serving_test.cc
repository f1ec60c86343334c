// The serving analysis on a toy decoder written here: KV cache per token, the linear decode figures, and the time
// per output token against every decoding step analysed one by one.
#include "analysis/serving.h"

#include <gtest/gtest.h>

#include "analysis_test_util.h"

namespace nnscope::analysis {
namespace {

// Two layers of width 64 with a KV cache (the standard library's convention: batch, seq, past, inputs past_*).
const char* kDecoder = R"(
import "std/attention.nn"
model toy(batch = 1, seq = 8, const past = 0, const layers = 2, const width = 64) {
    input x: f32[batch, seq, width]
    if past > 0 {
        input past_keys: f32[layers, batch, past, width]
        input past_values: f32[layers, batch, past, width]
    }
    for i in 0..layers {
        k = "k{i}": linear(x, width, bias = false)
        v = "v{i}": linear(x, width, bias = false)
        if past > 0 {
            k = concat([squeeze(slice(past_keys, 0, i, i + 1), 0), k], axis = 1)
            v = concat([squeeze(slice(past_values, 0, i, i + 1), 0), v], axis = 1)
        }
        x = x + "attn{i}": scaled_dot_product_attention(x, k, v, 4, causal = true)
    }
    return x
}
)";

HardwareProfile profile() {
  return make_profile("toy", {{"matrix_fp32_flops", 1'000'000'000},
                              {"vector_ops", 100'000'000},
                              {"special_ops", 10'000'000},
                              {"memory_bandwidth", 1'000'000'000},
                              {"memory_capacity", 1'000'000}});
}

struct Steps {
  std::vector<std::unique_ptr<testing::Built>> built;
  StepAt at() {
    return [this](Int batch, Int seq, Int past) {
      interp::ElaborateOptions options;
      options.overrides = {{"batch", batch}, {"seq", seq}, {"past", past}};
      built.push_back(testing::build(kDecoder, options));
      const ir::Graph& graph = built.back()->graph;
      auto a = std::make_shared<Analysis>(analyze(graph));
      a->roofline = std::make_shared<Roofline>(analyze_roofline(*a, profile()));
      return ServeStep{std::shared_ptr<const ir::Graph>(std::shared_ptr<void>(), &graph), a};
    };
  }
};

TEST(ServingTest, ToyDecoder) {
  Steps steps;
  ServeOptions options{.prompt = 10, .generate = 5, .batch = 2};
  Serving s = analyze_serving(options, profile(), steps.at());
  // Keys and values of 2 layers x 64 channels, fp32.
  EXPECT_EQ(s.kv_bytes_per_token, 2 * 2 * 64 * 4);
  EXPECT_EQ(s.kv_bytes_end, 2 * 2 * 64 * 4 * 2 * 15);
  EXPECT_EQ(s.kv_dtype, "fp32");
  // Each cached token adds 2 x 64 MACs (q·k and p·v) per layer and sequence.
  EXPECT_NEAR(s.flops_per_position, 2.0 * 2 * (2 * 64) * 2, 2 * 2 * 4 * 8.0);
  // The time per output token is the mean of the five decoding steps, each analysed on its own.
  double total = 0;
  for (Int past = 10; past < 15; ++past) total += steps.at()(2, 1, past).analysis->roofline->time_s;
  EXPECT_NEAR(s.decode_mean_time_s, total / 5, 1e-9 * total);
  EXPECT_DOUBLE_EQ(s.tokens_per_s, 2 / s.decode_mean_time_s);
  EXPECT_DOUBLE_EQ(s.total_time_s, s.prefill.time_s + 5 * s.decode_mean_time_s);
  // Weights: 2 layers x 2 projections of 64 x 64, fp32.
  EXPECT_EQ(s.weight_bytes, 2 * 2 * 64 * 64 * 4);
  EXPECT_EQ(s.memory_capacity, 1'000'000);
  EXPECT_EQ(s.fits(), s.peak_memory_bytes <= 1'000'000);
  EXPECT_THROW(analyze_serving(ServeOptions{.prompt = 0}, profile(), steps.at()), std::invalid_argument);
}

}  // namespace
}  // namespace nnscope::analysis
