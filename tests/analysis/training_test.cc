// Backward figures and training memory computed by hand for a small MLP, a small CNN and one attention
// block, and the peak live memory of a small branching graph (docs/cost-model.md, "Training").
#include "analysis/training.h"

#include <gtest/gtest.h>

#include "analysis_test_util.h"

namespace nnscope::analysis {
namespace {

using testing::build;

Training train(const ir::Graph& graph, Optimizer optimizer = Optimizer::kAdam) {
  Analysis a = analyze(graph);
  return analyze_training(a, TrainOptions{optimizer});
}

TEST(TrainingTest, SmallMlp) {
  auto b = build(R"(
model mlp(batch = 4) {
    input x: f32[batch, 8]
    h = relu(fc1: linear(x, 16))
    return fc2: linear(h, 2)
}
)");
  Analysis a = analyze(b->graph);
  Training t = analyze_training(a, TrainOptions{Optimizer::kAdam});
  // fc1 (4x8 -> 16): no input gradient for the graph input; wgrad 512, bias 64. relu: 64 + 64 activation.
  // fc2 (4x16 -> 2): dgrad 128, wgrad 128, bias 8.
  EXPECT_EQ(t.totals.backward_dgrad_macs, 128);
  EXPECT_EQ(t.totals.backward_wgrad_macs, 640);
  EXPECT_EQ(t.totals.backward_gemm_macs, 768);
  EXPECT_EQ(t.totals.backward_elementwise_ops, 136);
  EXPECT_EQ(t.totals.backward_activation_ops, 64);
  EXPECT_EQ(t.totals.backward_flops, 2 * 768 + 136 + 64);
  EXPECT_EQ(t.totals.train_flops, a.totals.figures.flops + t.totals.backward_flops);
  EXPECT_EQ(t.layers[0].dgrad_macs, 0);
  EXPECT_EQ(t.layers[0].wgrad_macs, 512);
  // Saved: x (128 B) for fc1, relu's output (256 B) for relu and fc2, once.
  EXPECT_EQ(t.totals.saved_activation_bytes, 384);
  // params 8·16 + 16 + 16·2 + 2 = 178: weights 712, gradients 712, adam 2·712, no master copy in fp32.
  EXPECT_EQ(t.totals.weight_bytes, 712);
  EXPECT_EQ(t.totals.gradient_bytes, 712);
  EXPECT_EQ(t.totals.optimizer_bytes, 1424);
  EXPECT_EQ(t.totals.master_weight_bytes, 0);
  EXPECT_EQ(t.totals.train_memory_bytes, 712 + 712 + 1424 + 384);
}

TEST(TrainingTest, FrozenWeightsPassGradientsButTrainNothing) {
  // fc1 trained, fc2 frozen, fc3 trained.
  auto b = build(R"(
model mlp(batch = 4) {
    input x: f32[batch, 8]
    h = fc1: linear(x, 16)
    h = fc2: linear(h, 16, frozen = true)
    return fc3: linear(h, 2)
}
)");
  Analysis a = analyze(b->graph);
  Training t = analyze_training(a, TrainOptions{Optimizer::kAdam});
  // fc1: wgrad 4·8·16 = 512 (+ bias 64); fc2: dgrad 4·16·16 = 1024, no weight gradient; fc3: dgrad 128, wgrad 128
  // (+ bias 8).
  EXPECT_EQ(t.layers[0].wgrad_macs, 512);
  EXPECT_EQ(t.layers[1].dgrad_macs, 1024);
  EXPECT_EQ(t.layers[1].wgrad_macs, 0);
  EXPECT_EQ(t.layers[1].elementwise_ops, 0);  // no bias gradient either
  EXPECT_EQ(t.totals.backward_wgrad_macs, 512 + 128);
  EXPECT_EQ(t.totals.backward_dgrad_macs, 1024 + 128);
  // Trained: fc1 8·16 + 16 = 144 and fc3 16·2 + 2 = 34; fc2's 272 are stored but get no gradient or Adam state.
  EXPECT_EQ(t.totals.trainable_params, 178);
  EXPECT_EQ(t.totals.weight_bytes, (144 + 272 + 34) * 4);
  EXPECT_EQ(t.totals.gradient_bytes, 178 * 4);
  EXPECT_EQ(t.totals.optimizer_bytes, 178 * 8);
  // fc2 needs its weights, not its input, for the input gradient: only x (for fc1) and fc2's output (for fc3) are
  // kept, 4·8·4 + 4·16·4 bytes.
  EXPECT_EQ(t.layers[1].saved_bytes, 0);
  EXPECT_EQ(t.totals.saved_activation_bytes, 128 + 256);
}

TEST(TrainingTest, FrozenLayersBeforeAnyTrainedOneAreInactive) {
  interp::ElaborateOptions half;
  half.weight_dtype = half.activation_dtype = DType::kBF16;
  auto b = build(R"(
model mlp(batch = 4) {
    input x: f32[batch, 8]
    h = fc1: linear(x, 16, frozen = true)
    return fc2: linear(h, 2)
}
)",
                 half);
  Training t = train(b->graph);
  // No gradient reaches fc1 (its input is the graph's, its weights are frozen): it does nothing in backward.
  EXPECT_FALSE(t.layers[0].active);
  EXPECT_EQ(t.layers[0].gemm_macs(), 0);
  EXPECT_EQ(t.totals.backward_gemm_macs, 4 * 16 * 2);
  // Mixed precision: the fp32 master copy is kept for the 34 trained parameters only.
  EXPECT_EQ(t.totals.master_weight_bytes, 34 * 4);
  EXPECT_EQ(t.totals.gradient_bytes, 34 * 2);
  EXPECT_EQ(t.totals.weight_bytes, (144 + 34) * 2);
}

TEST(TrainingTest, OptimizersAndMixedPrecision) {
  const char* text = R"(
model mlp(batch = 4) {
    input x: f32[batch, 8]
    return fc: linear(x, 16)
}
)";
  auto b = build(text);
  // params 8·16 + 16 = 144
  EXPECT_EQ(train(b->graph, Optimizer::kSgd).totals.optimizer_bytes, 0);
  EXPECT_EQ(train(b->graph, Optimizer::kMomentum).totals.optimizer_bytes, 576);
  EXPECT_EQ(train(b->graph, Optimizer::kAdamW).totals.optimizer_bytes, 1152);
  interp::ElaborateOptions half;
  half.weight_dtype = half.activation_dtype = DType::kBF16;
  auto h = build(text, half);
  Training t = train(h->graph, Optimizer::kAdam);
  EXPECT_EQ(t.totals.weight_bytes, 288);
  EXPECT_EQ(t.totals.gradient_bytes, 288);
  EXPECT_EQ(t.totals.master_weight_bytes, 576);
  EXPECT_EQ(t.totals.optimizer_bytes, 1152);
}

TEST(TrainingTest, SmallCnn) {
  auto b = build(R"(
model cnn(batch = 2) {
    input image: f32[batch, 3, 8, 8]
    x = relu(conv: conv2d(image, 4, kernel = 3, padding = 1, bias = false))
    x = pool: maxpool2d(x, kernel = 2)
    return fc: linear(flatten(x), 10)
}
)");
  Training t = train(b->graph);
  // conv: 2·4·64·27 = 13,824 MACs, wgrad only (its input is the image). relu: 512 + 512 activation.
  // maxpool: one add per output element, 128 (linear, not quadratic). flatten: 0.
  // fc (2x64 -> 10): dgrad 1,280, wgrad 1,280, bias 20.
  EXPECT_EQ(t.totals.backward_dgrad_macs, 1280);
  EXPECT_EQ(t.totals.backward_wgrad_macs, 13824 + 1280);
  EXPECT_EQ(t.totals.backward_elementwise_ops, 512 + 128 + 20);
  EXPECT_EQ(t.totals.backward_activation_ops, 512);
}

TEST(TrainingTest, AttentionBlock) {
  auto b = build(R"(
model attention(batch = 1, seq = 4, d = 8) {
    input x: f32[batch, seq, d]
    q = q: linear(x, d, bias = false)
    k = k: linear(x, d, bias = false)
    v = v: linear(x, d, bias = false)
    s = qk: matmul(q, transpose(k, 1, 2))
    p = softmax(s)
    o = av: matmul(p, v)
    return out: linear(o, d, bias = false)
}
)");
  Training t = train(b->graph);
  // q, k, v: wgrad 4·8·8 = 256 each, no dgrad (x is the graph input). qk: dA = dB = 4·4·8 = 128.
  // softmax over rows of 4 (E 16, R 4): 4E - R = 60. av: 4·8·4 = 128 for each operand. out: 256 + 256.
  EXPECT_EQ(t.totals.backward_dgrad_macs, 256 + 256 + 256);
  EXPECT_EQ(t.totals.backward_wgrad_macs, 4 * 256);
  EXPECT_EQ(t.totals.backward_elementwise_ops, 60);
  EXPECT_EQ(t.totals.backward_activation_ops, 0);
}

TEST(TrainingTest, PeakOfBranchingGraph) {
  auto b = build(R"(
model branch(batch = 1) {
    input x: f32[batch, 64]
    h = fc1: linear(x, 64, bias = false)
    a = relu(h)
    s = sigmoid(h)
    c = a + s
    return fc2: linear(c, 64, bias = false)
}
)");
  // Unfused kernels: every tensor goes through memory (fused, relu and sigmoid would stay on chip inside add).
  Analysis a = analyze(b->graph, Kernels::kUnfused);
  // Inference: x 256; fc1 512; relu 768... x is freed after fc1: 512, 768 after sigmoid (h freed after).
  EXPECT_EQ(a.totals.peak_activation_bytes, 768);
  Training t = analyze_training(a, TrainOptions{});
  // Training: x is kept for fc1's weight gradient, relu's and sigmoid's outputs for their backward, c for
  // fc2's. At fc2's backward x, a, s and c live (1,024) with the gradients of the output and of c (512).
  EXPECT_EQ(t.totals.peak_activation_bytes, 1536);
  EXPECT_EQ(t.totals.peak_phase, "backward");
  EXPECT_EQ(t.totals.peak_at, b->graph.ops.back().path);
  EXPECT_EQ(t.totals.saved_activation_bytes, 4 * 256);
}

TEST(TrainingTest, ParseOptimizer) {
  EXPECT_EQ(parse_optimizer("adamw"), Optimizer::kAdamW);
  EXPECT_FALSE(parse_optimizer("lamb").has_value());
  EXPECT_STREQ(optimizer_name(Optimizer::kMomentum), "momentum");
}

}  // namespace
}  // namespace nnscope::analysis
