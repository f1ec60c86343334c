// Memory traffic as kernels move it (analysis/traffic.h, docs/memory-traffic.md): views move nothing, a KV-cache
// append writes only the new rows, fused kernels keep epilogue and attention intermediates on chip. Expected bytes
// are closed forms written here from the shapes (fp32: 4 bytes an element).
#include "analysis/traffic.h"

#include <gtest/gtest.h>

#include "analysis/roofline.h"
#include "analysis_test_util.h"
#include "ops/registry.h"

namespace nnscope::analysis {
namespace {

using testing::build;

const Layer& layer_at(const Analysis& a, const std::string& path) {
  for (const Layer& layer : a.layers) {
    if (a.graph->ops[layer.op].path == path) return layer;
  }
  throw std::runtime_error("no op " + path);
}

Int traffic(const Analysis& a, const std::string& path) { return layer_at(a, path).figures.traffic_bytes; }

TEST(TrafficTest, EveryClassifiedOperatorExists) {
  for (std::string_view name : traffic_classified_kinds()) {
    EXPECT_NE(ops::Registry::instance().find(name), nullptr) << name;
  }
  EXPECT_EQ(parse_kernels("fused"), Kernels::kFused);
  EXPECT_EQ(parse_kernels("unfused"), Kernels::kUnfused);
  EXPECT_FALSE(parse_kernels("flash"));
}

TEST(TrafficTest, ViewsMoveNothingAndConsumersReadWhatTheyUse) {
  auto b = build(R"(
model m() {
    input cache: f32[8, 100, 16]
    x = sl: slice(cache, 0, 2, 3)
    x = sq: squeeze(x, 0)
    x = rs: reshape(x, [100, 16])
    return fc: linear(x, 4, bias = false)
}
)");
  for (Kernels k : {Kernels::kFused, Kernels::kUnfused}) {
    Analysis a = analyze(b->graph, k);
    EXPECT_EQ(traffic(a, "sl"), 0);
    EXPECT_EQ(traffic(a, "sq"), 0);
    EXPECT_EQ(traffic(a, "rs"), 0);
    // fc reads one of the 8 slabs (100·16 elements), its weights (16·4) and writes 100·4.
    EXPECT_EQ(traffic(a, "fc"), (100 * 16 + 16 * 4 + 100 * 4) * 4);
    // Nothing but the input and fc's output is ever allocated.
    EXPECT_EQ(a.totals.peak_activation_bytes, (8 * 100 * 16 + 100 * 4) * 4);
  }
}

TEST(TrafficTest, PermuteIsAViewOnlyBeforeAGemm) {
  auto b = build(R"(
model m() {
    input a: f32[4, 8, 16]
    t = pg: permute(a, [0, 2, 1])
    y = mm: matmul(a, t)
    u = pa: permute(a, [0, 2, 1])
    z = ad: add(u, 1.0)
    return y, z
}
)");
  Analysis a = analyze(b->graph, Kernels::kUnfused);
  EXPECT_EQ(traffic(a, "pg"), 0);
  EXPECT_EQ(traffic(a, "pa"), 2 * 4 * 8 * 16 * 4);  // a copy: reads and writes every element
}

TEST(TrafficTest, KvCacheAppendWritesOnlyTheNewRows) {
  auto b = build(R"(
model m(past = 1000) {
    input x: f32[1, 1, 64]
    input past_keys: f32[1, past, 64]
    k = k_proj: linear(x, 64, bias = false)
    keys = cat: concat([past_keys, k], axis = 1)
    return mm: matmul(x, permute(keys, [0, 2, 1]))
}
)");
  Analysis unfused = analyze(b->graph, Kernels::kUnfused);
  EXPECT_EQ(traffic(unfused, "cat"), 2 * 64 * 4);  // reads the new row, writes it after the cached ones
  Analysis fused = analyze(b->graph, Kernels::kFused);
  EXPECT_EQ(traffic(fused, "cat"), 64 * 4);  // k_proj writes the row straight into the cache
  EXPECT_EQ(traffic(fused, "k_proj"), (64 + 64 * 64) * 4);
  // The attention-style matmul reads every cached row once (1001 keys), the query, and writes 1001 scores.
  EXPECT_EQ(traffic(fused, "mm"), (1001 * 64 + 64 + 1001) * 4);
  // The cache grows in place: the peak holds the inputs and the scores, never a second copy of the cache.
  EXPECT_EQ(fused.totals.peak_activation_bytes, (64 + 1000 * 64 + 1001) * 4);
}

const char* kAttention = R"(
import "std/attention.nn"
model m(s = 64) {
    input q: f32[2, s, 32]
    input k: f32[2, s, 32]
    input v: f32[2, s, 32]
    return attn: scaled_dot_product_attention(q, k, v, 4, causal = true)
}
)";

// An embedding gathers rows of its weights (weight dtype); a graph gather reads rows of activations, in the
// activations' dtype: fp16 activations with fp32 weights gather 2 bytes an element, the table 4.
TEST(TrafficTest, GathersReadRowsInTheirOwnDtype) {
  interp::ElaborateOptions options;
  options.weight_dtype = DType::kF32;
  options.activation_dtype = DType::kF16;
  auto b = build(R"(
model m(nodes = 10, edges = 30) {
    input x: f32[nodes, 8]
    input src: i64[edges]
    input ids: i64[4]
    e = table: embedding(ids, 100, 8)
    h = gather: gather_rows(x, src)
    return h, e
}
)",
                 options);
  Analysis a = analyze(b->graph);
  ASSERT_EQ(a.layers.size(), 2u);
  EXPECT_EQ(a.layers[0].figures.gathered_bytes, 4 * 8 * 4);   // 4 ids x 8 features, fp32 weights
  EXPECT_EQ(a.layers[1].figures.gathered_bytes, 30 * 8 * 2);  // 30 edges x 8 features, fp16 activations
}

TEST(TrafficTest, FusedAttentionNeverWritesTheScores) {
  auto b = build(kAttention);
  Int s = 64, qkv = 2 * s * 32, scores = 2 * 4 * s * s;
  Analysis fused = analyze(b->graph, Kernels::kFused);
  // FlashAttention: reads q, k and v once, writes the context once.
  EXPECT_EQ(fused.totals.figures.traffic_bytes, 4 * qkv * 4);
  Analysis unfused = analyze(b->graph, Kernels::kUnfused);
  // Unfused: qk writes the scores; scale, mask and softmax each read and write them; av reads them. The permutes
  // are views: their consumers are GEMMs, or (the context's) nothing but the model's output.
  EXPECT_EQ(unfused.totals.figures.traffic_bytes, (4 * qkv + 8 * scores) * 4);
  EXPECT_LT(fused.totals.peak_activation_bytes, unfused.totals.peak_activation_bytes);
}

TEST(TrafficTest, ElementwiseAfterAGemmFusesIntoItsEpilogue) {
  auto b = build(R"(
model m() {
    input x: f32[10, 16]
    h = up: linear(x, 64)
    h = act: gelu(h)
    return down: linear(h, 16)
}
)");
  Analysis fused = analyze(b->graph, Kernels::kFused);
  EXPECT_EQ(traffic(fused, "up"), (10 * 16 + 16 * 64 + 64) * 4);  // reads x and weights; h stays on chip
  EXPECT_EQ(traffic(fused, "act"), 10 * 64 * 4);                  // writes its output once
  Analysis unfused = analyze(b->graph, Kernels::kUnfused);
  EXPECT_EQ(traffic(unfused, "up"), (10 * 16 + 16 * 64 + 64 + 10 * 64) * 4);
  EXPECT_EQ(traffic(unfused, "act"), 2 * 10 * 64 * 4);
  // Intensity follows: the same FLOPs over fewer bytes.
  EXPECT_GT(fused.totals.figures.intensity(), unfused.totals.figures.intensity());
}

TEST(TrafficTest, AKernelTakesOneInputOnChip) {
  auto b = build(R"(
model m() {
    input x: f32[10, 16]
    gate = act: silu(gate_proj: linear(x, 32, bias = false))
    up = up_proj: linear(x, 32, bias = false)
    return down: linear(gate * up, 16, bias = false)
}
)");
  Analysis fused = analyze(b->graph, Kernels::kFused);
  EXPECT_EQ(traffic(fused, "gate_proj"), (10 * 16 + 16 * 32) * 4);          // silu in its epilogue
  EXPECT_EQ(traffic(fused, "up_proj"), (10 * 16 + 16 * 32 + 10 * 32) * 4);  // written: the product takes the gate
  EXPECT_EQ(traffic(fused, "mul"), (10 * 32 + 10 * 32) * 4);                // reads up, writes the product
}

TEST(TrafficTest, AchievableFractionsDerateTheRoofline) {
  auto b = build(R"(
model m() {
    input x: f32[10, 16]
    return fc: linear(x, 16, bias = false)
}
)");
  Analysis a = analyze(b->graph);
  HardwareProfile full = make_profile(
      "p", {{"matrix_fp32_flops", 1e12}, {"vector_ops", 1e12}, {"special_ops", 1e12}, {"memory_bandwidth", 1000}});
  HardwareProfile derated = make_profile("p", {{"matrix_fp32_flops", 1e12},
                                               {"vector_ops", 1e12},
                                               {"special_ops", 1e12},
                                               {"memory_bandwidth", 1000},
                                               {"memory_percent", 50}});
  Roofline r = analyze_roofline(a, full), d = analyze_roofline(a, derated);
  double bytes = (10 * 16 + 16 * 16 + 10 * 16) * 4;
  EXPECT_DOUBLE_EQ(r.time_s, bytes / 1000);
  EXPECT_DOUBLE_EQ(d.time_s, bytes / 500);
  EXPECT_TRUE(r.derating.empty());
  EXPECT_NE(d.derating.find("memory 50%"), std::string::npos);
  EXPECT_EQ(r.kernels, "fused");
  EXPECT_THROW(make_profile("p", {{"matrix_fp32_flops", 1},
                                  {"vector_ops", 1},
                                  {"special_ops", 1},
                                  {"memory_bandwidth", 1},
                                  {"matrix_percent", 150}}),
               std::runtime_error);
}

}  // namespace
}  // namespace nnscope::analysis
