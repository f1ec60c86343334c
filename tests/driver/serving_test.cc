// `nnscope serve` (analysis/serving.h through the driver): prefill and decode of the standard library's decoders on
// the H100 profile, checked against closed forms written here from the models' published shapes.
#include <gtest/gtest.h>

#include "cli/run_util.h"
#include "driver/driver.h"

namespace nnscope::driver {
namespace {

using sym::Int;

std::vector<analysis::Serving> serve_at(const std::string& model, Int prompt, Int generate, Int batch,
                                        std::optional<DType> kv = std::nullopt) {
  Request request;
  request.target = model;
  request.hardware = "h100";
  request.elaborate.weight_dtype = request.elaborate.activation_dtype = DType::kF16;
  request.elaborate.kv_cache_dtype = kv;
  analysis::ServeOptions options;
  options.prompt = prompt;
  options.generate = generate;
  options.batch = batch;
  return serve(request, options);
}

TEST(Serving, Llama2KvCacheIsHalfAMebibytePerToken) {
  analysis::Serving s = serve_at("llama2_7b", 4000, 96, 1).front();
  // Keys and values, 32 layers, 4,096 channels (32 heads x 128), 2 bytes each (Llama 2 paper, Table 1 shapes).
  EXPECT_EQ(s.kv_bytes_per_token, 2 * 32 * 4096 * 2);
  EXPECT_EQ(s.kv_bytes_per_token, 524'288);
  EXPECT_EQ(s.kv_bytes_end, Int{2} << 30);  // 2 GiB at 4,096 tokens
  EXPECT_EQ(s.kv_dtype, "fp16");
  EXPECT_EQ(s.weight_bytes, Int{6'738'415'616} * 2);
  // A decoding step reads every weight and the cache once: (weights + cache) / 3.35 TB/s, within 10%.
  double first = (6'738'415'616.0 * 2 + 4000.0 * 524'288) / 3.35e12;
  EXPECT_NEAR(s.decode_first.time_s, first, 0.1 * first);
  EXPECT_EQ(s.decode_first.bound, analysis::Unit::kMemory);
  // Each cached token adds its keys and values to the traffic and 2 x 2 x 4,096 FLOPs per layer (q·k and p·v).
  EXPECT_NEAR(s.bytes_per_position, 524'288.0, 0.01 * 524'288);
  EXPECT_NEAR(s.flops_per_position, 4.0 * 32 * 4096, 0.05 * 4 * 32 * 4096);
  EXPECT_LT(s.decode_first.time_s, s.decode_last.time_s);
  EXPECT_GE(s.decode_mean_time_s, s.decode_first.time_s);
  EXPECT_LE(s.decode_mean_time_s, s.decode_last.time_s);
  EXPECT_DOUBLE_EQ(s.tokens_per_s, 1 / s.decode_mean_time_s);
  // Prefill of 4,000 tokens: 2·MACs (the model file's closed form) dominate its FLOPs and the matrix unit bounds it.
  double b = 1, sq = 4000, h = 4096, i = 11008;
  double macs =
      32 * (2 * b * sq * h * h + 2 * b * sq * h * h + 2 * b * sq * sq * h + 3 * b * sq * h * i) + b * sq * h * 32000;
  EXPECT_NEAR(static_cast<double>(s.prefill.flops), 2 * macs, 0.01 * 2 * macs);
  EXPECT_EQ(s.prefill.bound, analysis::Unit::kMatrix);
  EXPECT_TRUE(s.fits());  // 13.5 GB of weights and 2 GiB of cache in 80 GiB
}

TEST(Serving, KvDtypeScalesTheCache) {
  analysis::Serving s = serve_at("llama2_7b", 100, 4, 2, DType::kI8).front();
  EXPECT_EQ(s.kv_bytes_per_token, 2 * 32 * 4096 * 1);
  EXPECT_EQ(s.kv_bytes_end, Int{2} * 32 * 4096 * 2 * 104);
  EXPECT_EQ(s.kv_dtype, "int8");
}

TEST(Serving, Gpt3KvCacheAndMemory) {
  analysis::Serving s = serve_at("gpt3_175b", 2000, 48, 1).front();
  // 96 layers x 12,288 channels, keys and values, fp16 (Brown et al. 2020, Table 2.1).
  EXPECT_EQ(s.kv_bytes_per_token, 2 * 96 * 12288 * 2);
  EXPECT_EQ(s.weight_bytes, Int{174'604'259'328} * 2);
  EXPECT_FALSE(s.fits());  // 349 GB of weights do not fit one 80 GiB device
  EXPECT_EQ(s.decode_first.bound, analysis::Unit::kMemory);
}

// The KV cache per token of the Llama-family models, bf16: keys and values (2) x layers x kv_heads x head_dim x
// 2 bytes, from each model's config.json (num_hidden_layers, num_key_value_heads, hidden_size / num_attention_heads
// or head_dim). Grouped-query attention makes Llama 3.1 8B's cache a quarter of Llama 2 7B's.
TEST(Serving, LlamaFamilyKvCachePerToken) {
  auto serve_bf16 = [](const std::string& model) {
    Request request;
    request.target = model;
    request.hardware = "h100";
    request.elaborate.weight_dtype = request.elaborate.activation_dtype = DType::kBF16;
    analysis::ServeOptions options;
    options.prompt = 64;
    options.generate = 2;
    return serve(request, options).front();
  };
  auto per_token = [&](const std::string& model) { return serve_bf16(model).kv_bytes_per_token; };
  analysis::Serving llama3_8b = serve_bf16("llama3_1_8b");
  EXPECT_EQ(llama3_8b.kv_bytes_per_token, 2 * 32 * 8 * 128 * 2);
  EXPECT_EQ(llama3_8b.kv_bytes_per_token, 131'072);
  EXPECT_EQ(llama3_8b.kv_dtype, "bf16");
  // Each cached token is read once per step, and all 32 query heads (4,096 channels) attend to it: q·k and p·v.
  EXPECT_NEAR(llama3_8b.bytes_per_position, 131'072.0, 0.01 * 131'072);
  EXPECT_NEAR(llama3_8b.flops_per_position, 4.0 * 32 * 4096, 0.05 * 4 * 32 * 4096);
  EXPECT_EQ(per_token("llama2_70b"), 2 * 80 * 8 * 128 * 2);
  EXPECT_EQ(per_token("llama2_70b"), 327'680);
  EXPECT_EQ(per_token("llama3_1_70b"), 2 * 80 * 8 * 128 * 2);
  EXPECT_EQ(per_token("llama3_1_405b"), 2 * 126 * 8 * 128 * 2);
  EXPECT_EQ(per_token("mistral_7b"), 2 * 32 * 8 * 128 * 2);
  EXPECT_EQ(per_token("qwen2_7b"), 2 * 28 * 4 * 128 * 2);
  EXPECT_EQ(per_token("gemma_7b"), 2 * 28 * 16 * 256 * 2);
}

TEST(Serving, Llama31_8bCommandLine) {
  auto [status, out, err] =
      testing::run_nnscope("serve llama3_1_8b --prompt 4096 --generate 128 --hw h100 --dtype bf16 --format json");
  EXPECT_EQ(status, 0) << err;
  EXPECT_NE(out.find("\"kv_bytes_per_token\": " + std::to_string(2 * 32 * 8 * 128 * 2)), std::string::npos) << out;
  // The cache at the end: per token x (4,096 + 128) tokens, batch 1.
  EXPECT_NE(out.find("\"kv_bytes_end\": " + std::to_string(2 * 32 * 8 * 128 * 2 * (4096 + 128))), std::string::npos)
      << out;
}

TEST(Serving, DecodeTurnsComputeBoundNearTheRidgePoint) {
  analysis::Serving s = serve_at("llama2_7b", 16, 1, 1).front();
  ASSERT_TRUE(s.compute_bound_batch);
  // An fp16 weight (2 bytes) does 2 FLOPs per sequence in the batch, so the projections reach H100's ridge point
  // (989 TFLOP/s / 3.35 TB/s = 295 FLOP/byte) at batch 295; the memory-bound rest (norms, the cache) needs more.
  EXPECT_GE(*s.compute_bound_batch, 295);
  EXPECT_LE(*s.compute_bound_batch, 2 * 295);
}

TEST(Serving, SweepsOverBatchAndPrompt) {
  Request request;
  request.target = "llama2_7b";
  request.hardware = "h100";
  request.sweeps = {{"batch", {1, 8}}, {"prompt", {128, 1024}}};
  analysis::ServeOptions options;
  options.generate = 4;
  std::vector<analysis::Serving> points = serve(request, options);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[1].options.batch, 1);
  EXPECT_EQ(points[1].options.prompt, 1024);
  EXPECT_EQ(points[2].options.batch, 8);
  EXPECT_EQ(points[2].options.prompt, 128);
  // A larger batch moves the weights once for more tokens.
  EXPECT_GT(points[2].tokens_per_s, 4 * points[0].tokens_per_s);
  EXPECT_GT(points[1].prefill.time_s, points[0].prefill.time_s);
}

TEST(Serving, NeedsADecoderAndAProfile) {
  auto status = [](Request request) {
    try {
      serve(request, {});
      return kExitOk;
    } catch (const Failure& failure) {
      return failure.status();
    }
  };
  Request request;
  request.target = "resnet50";
  request.hardware = "h100";
  EXPECT_EQ(status(request), kExitUsage);  // no seq or past
  request.target = "llama2_7b";
  request.hardware = "";
  EXPECT_EQ(status(request), kExitUsage);
  request.hardware = "h100";
  request.elaborate.overrides = {{"past", 3}};
  EXPECT_EQ(status(request), kExitUsage);  // serve sets past itself
  request.elaborate.overrides = {};
  request.sweeps = {{"seq", {1, 2}}};
  EXPECT_EQ(status(request), kExitUsage);
}

TEST(Serving, CommandLine) {
  auto [status, out, err] =
      testing::run_nnscope("serve llama2_7b --prompt 512 --generate 16 --batch 4 --hw h100 --dtype fp16");
  EXPECT_EQ(status, 0) << err;
  EXPECT_NE(out.find("Time to first token"), std::string::npos) << out;
  EXPECT_NE(out.find("524,288   512.00 KiB"), std::string::npos) << out;
  auto [json_status, json, json_err] =
      testing::run_nnscope("serve llama2_7b --hw h100 --format json --sweep batch=1,2 --prompt 64");
  EXPECT_EQ(json_status, 0) << json_err;
  EXPECT_NE(json.find("\"command\": \"serve\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"kv_bytes_per_token\": 1048576"), std::string::npos);  // fp32 by default
}

}  // namespace
}  // namespace nnscope::driver
