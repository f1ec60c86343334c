// --parallel through the pipeline on standard-library models, against published figures and closed forms written
// here: ZeRO's accounting on a GPT of about 7.5 B parameters, Korthikanti et al.'s activation memory at GPT-3's
// shape, Megatron-LM's end-to-end training time (Narayanan et al. 2021), the pipeline bubble and the collectives'
// volumes.
#include "analysis/parallel.h"

#include <gtest/gtest.h>

#include "driver/driver.h"

namespace nnscope::driver {
namespace {

using analysis::Parallel;
using sym::Int;

struct PlanRun {
  std::unique_ptr<Report> report;
  const Parallel& parallel() const { return *report->analysis->parallel; }
};

PlanRun run_plan(const std::string& target, const std::string& plan, const std::map<std::string, sym::Int>& sets,
                 Int global_batch = 0, Int tokens = 0,
                 const std::vector<std::pair<std::string, double>>& hardware_overrides = {}) {
  Request request;
  request.target = target;
  request.hardware = "a100";
  request.hardware_overrides = hardware_overrides;
  request.elaborate.weight_dtype = request.elaborate.activation_dtype = DType::kF16;
  request.elaborate.overrides = sets;
  request.parallel = analysis::parse_parallel_plan(plan);
  request.parallel->global_batch = global_batch;
  request.parallel->tokens = tokens;
  PlanRun r{run(request)};
  EXPECT_TRUE(r.report->analysis && r.report->analysis->parallel);
  return r;
}

// GPT-3's architecture (gpt3_175b.nn) at h = 4096 and 36 layers: Ψ = V·h + 2048·h + L·(12·h² + 13·h) + 2·h =
// 7,463,923,712, close to ZeRO Figure 1's 7.5 B. With dp = 64 and fp16 Adam the model states are 16Ψ, 4Ψ + 12Ψ/64,
// 2Ψ + 14Ψ/64 and 16Ψ/64 (all exact: Ψ is a multiple of 64), within 1% (+ the paper's rounding to 0.1 GB) of
// its 120 / 31.4 / 16.6 / 1.9 GB.
TEST(ParallelPlan, ZeroStagesOnAGptOf7_5BParameters) {
  const Int h = 4096, layers = 36, vocab = 50257;
  const Int psi = vocab * h + 2048 * h + layers * (12 * h * h + 13 * h) + 2 * h;
  ASSERT_EQ(psi, 7'463'923'712);
  const Int expected[4] = {16 * psi, 4 * psi + 12 * psi / 64, 2 * psi + 14 * psi / 64, 16 * psi / 64};
  const double published_gb[4] = {120, 31.4, 16.6, 1.9};
  for (int stage = 0; stage <= 3; ++stage) {
    PlanRun r = run_plan("gpt3_175b", "dp=64,zero=" + std::to_string(stage),
                         {{"hidden", h}, {"layers", layers}, {"heads", 32}, {"seq", 2048}, {"batch", 1}});
    const Parallel& p = r.parallel();
    EXPECT_EQ(p.states.params, psi);
    EXPECT_EQ(p.states.total_bytes, expected[stage]) << "stage " << stage;
    // Ψ is 0.5% below 7.5 B, and the paper rounds to 0.1 GB.
    EXPECT_NEAR(static_cast<double>(p.states.total_bytes) / 1e9, published_gb[stage], published_gb[stage] * 0.01 + 0.05)
        << "stage " << stage;
  }
}

// Korthikanti et al. 2022 at GPT-3 175B's shape (s = 2048, h = 12288, a = 96, b = 1) with t = 8, sequence
// parallelism and each recomputation: the "Korthikanti" figure is the paper's formula; nnscope's own (from the
// backward of its gpt2_block) is reported beside it.
TEST(ParallelPlan, Gpt3ActivationsPerLayer) {
  const Int s = 2048, b = 1, h = 12288, a = 96, t = 8, sbh = s * b * h;
  PlanRun none = run_plan("gpt3_175b", "tp=8,pp=16,dp=8,sp", {{"batch", 1}});
  const Parallel& p = none.parallel();
  EXPECT_EQ(p.stack.count, 96);
  EXPECT_EQ(p.stack.first_prefix, "h.0");
  EXPECT_EQ(p.stack.seq, s);
  EXPECT_EQ(p.stack.hidden, h);
  EXPECT_EQ(p.stack.heads, a);
  EXPECT_EQ(p.layers_per_stage, 6);
  EXPECT_EQ(p.korthikanti_layer_bytes_unsplit, sbh * (34 + 5 * a * s / h));
  EXPECT_EQ(p.korthikanti_layer_bytes, sbh * (34 + 5 * a * s / h) / t);
  PlanRun selective = run_plan("gpt3_175b", "tp=8,pp=16,dp=8,sp,recompute=selective", {{"batch", 1}});
  EXPECT_EQ(selective.parallel().korthikanti_layer_bytes, sbh * 34 / t);
  PlanRun no_sp = run_plan("gpt3_175b", "tp=8,pp=16,dp=8", {{"batch", 1}});
  EXPECT_EQ(no_sp.parallel().korthikanti_layer_bytes, sbh * 10 + sbh * (24 + 5 * a * s / h) / t);

  // nnscope's own figure, from its operators' backward rules (docs/parallel.md): the same 34·s·b·h outside the
  // attention core (layer-norm inputs 2+2, QKV and MLP inputs 2+2, Q K V 6, context 2, GELU input and output 8+8,
  // two dropout masks 1+1) plus the layer norms' fp16 mean and rstd (2 norms × 2 × 2 bytes × s·b), and in the core
  // 2·a·s²·b (the softmax output; the mul scaling the scores by a number keeps nothing, as PyTorch's MulBackward1)
  // where Korthikanti has 5·a·s²·b (its 3·a·s²·b more are the attention dropout's mask and output, which this
  // model does not have). Split by t with sp; selective recomputation drops the core.
  const Parallel& q = p;
  EXPECT_EQ(q.measured.total, 34 * sbh + 2 * a * s * s * b + 8 * s * b);
  EXPECT_EQ(q.measured_layer_bytes, (34 * sbh + 2 * a * s * s * b + 8 * s * b) / t);
  const Parallel& sel = selective.parallel();
  EXPECT_EQ(sel.measured.attention_core, 2 * a * s * s * b);
  EXPECT_EQ(sel.measured_layer_bytes, (34 * sbh + 8 * s * b) / t);  // Korthikanti's s·b·h·34/t + the norms' stats
  // No sp: the layer norms', dropouts' and residual stream's tensors stay whole on every tensor-parallel rank.
  EXPECT_GT(no_sp.parallel().measured_layer_bytes, q.measured_layer_bytes);
  // Under 1F1B the first stage holds p = 16 micro-batches of its 6 layers (m = 1536 / 8 = 192 >= p).
  PlanRun full = run_plan("gpt3_175b", "tp=8,pp=16,dp=8,sp", {{"batch", 1}}, 1536);
  EXPECT_EQ(full.parallel().in_flight, 16);
  EXPECT_EQ(full.parallel().activation_bytes,
            full.parallel().measured_layer_bytes * 6 * 16 + full.parallel().outside_activation_bytes);
}

// Narayanan et al. 2021, eq. 4: end-to-end training time ≈ 8·T·P / (n·X) (forward, backward and a recomputed
// forward); GPT-3 175B (P = 174.6 B, the gpt3_175b.nn closed form) on T = 300 B tokens, n = 1024 A100s at
// X = 140 TFLOP/s each: about 34 days (Section 5.1). With the profile's fp16 matrix rate derated to 140 TFLOP/s,
// nnscope's time at the matrix rate alone counts the attention score matmuls the formula leaves out (a few % more).
TEST(ParallelPlan, Gpt3TrainingTimeMatchesMegatron) {
  PlanRun r = run_plan("gpt3_175b", "tp=8,pp=16,dp=8,recompute=full", {{"batch", 1}}, 1536, 300'000'000'000,
                       {{"matrix_fp16_flops", 140e12}});
  const Parallel& p = r.parallel();
  const double P = 174'604'259'328.0, T = 300e9, n = 1024, X = 140e12;
  const double formula_s = 8 * T * P / (n * X);
  EXPECT_NEAR(formula_s / 86400, 34, 0.5);  // the paper's "about 34 days"
  EXPECT_GT(p.ideal_train_time_s, formula_s);
  EXPECT_LT(p.ideal_train_time_s, formula_s * 1.05);
  // The full estimate adds the bubble ((p - 1)/m = 15/192), the element-wise work and the exposed communication.
  EXPECT_DOUBLE_EQ(p.bubble_fraction, 15.0 / 192);
  EXPECT_GT(p.train_time_s, p.ideal_train_time_s * (1 + 15.0 / 192));
  EXPECT_GT(p.mfu, 0.2);
  EXPECT_LT(p.mfu, 1.0);
  EXPECT_EQ(p.microbatches, 192);
  EXPECT_DOUBLE_EQ(p.tokens_per_step, 1536.0 * 2048);
}

// Communication of the GPT-3 plan, from the closed forms: per layer and micro-batch four all-reduces of the fp16
// [s, b, h] tensor forward and backward (six with full recomputation), over t = 8 devices in a node at 300 GB/s;
// per micro-batch an activation forward and a gradient back between stages, split by t; the gradients' ring
// all-reduce over d = 8 replicas, which span nodes (25 GB/s).
TEST(ParallelPlan, Gpt3CommunicationVolumes) {
  PlanRun r = run_plan("gpt3_175b", "tp=8,pp=16,dp=8", {{"batch", 1}}, 1536);
  const Parallel& p = r.parallel();
  const double sbh_bytes = 2048.0 * 12288 * 2, m = 192, layers = 6;
  ASSERT_EQ(p.communication.size(), 3u);
  const analysis::CommunicationKind& tp = p.communication[0];
  EXPECT_EQ(tp.kind, "tp all-reduce");
  EXPECT_EQ(tp.link, "intra-node");
  EXPECT_DOUBLE_EQ(tp.bytes, 4 * sbh_bytes * 2 * 7 / 8 * layers * m);
  EXPECT_DOUBLE_EQ(tp.time_s, tp.bytes / 300e9);
  const analysis::CommunicationKind& pp = p.communication[1];
  EXPECT_EQ(pp.kind, "pp p2p");
  EXPECT_EQ(pp.link, "inter-node");
  EXPECT_DOUBLE_EQ(pp.bytes, 2 * sbh_bytes / 8 * m);
  const analysis::CommunicationKind& dp = p.communication[2];
  EXPECT_EQ(dp.kind, "dp all-reduce");
  EXPECT_EQ(dp.link, "inter-node");
  EXPECT_DOUBLE_EQ(dp.bytes, static_cast<double>(p.states.params) * 2 * 2 * 7 / 8);
  EXPECT_DOUBLE_EQ(dp.time_s, dp.bytes / 25e9);
  EXPECT_LE(dp.exposed_s, dp.time_s);
  EXPECT_NEAR(p.step_s, p.compute_s + p.bubble_s + p.exposed_comm_s, 1e-9 * p.step_s);
  // With sp the same volume moves as reduce-scatters and all-gathers.
  PlanRun sp = run_plan("gpt3_175b", "tp=8,pp=16,dp=8,sp", {{"batch", 1}}, 1536);
  EXPECT_EQ(sp.parallel().communication[0].kind, "tp reduce-scatter + all-gather");
  EXPECT_DOUBLE_EQ(sp.parallel().communication[0].bytes, tp.bytes);
}

// Llama-2-7B (Hugging Face config: 32 layers, h = 4096, MLP 11008, vocab 32000, untied head) in two stages: a layer
// holds 4·h² + 3·h·11008 + 2·h parameters; the first stage adds the embedding (32000·h), the last the final norm
// and the head (h + 32000·h), so the last is the most loaded.
TEST(ParallelPlan, PipelineStagesTakeTheirOwnLayersParameters) {
  const Int h = 4096, layer = 4 * h * h + 3 * h * 11008 + 2 * h;
  PlanRun r = run_plan("llama2_7b", "pp=2", {{"batch", 1}, {"seq", 128}});
  const Parallel& p = r.parallel();
  EXPECT_EQ(p.stack.count, 32);
  EXPECT_EQ(p.stack.layer_params, layer);
  EXPECT_EQ(p.states.params, 16 * layer + h + 32000 * h);
  PlanRun tp = run_plan("llama2_7b", "tp=4,pp=2", {{"batch", 1}, {"seq", 128}});
  EXPECT_EQ(tp.parallel().states.params, (16 * layer + h + 32000 * h) / 4);
}

// Encoder-decoder and ViT layer names: a decoder layer's self- and cross-attention are one layer.
TEST(ParallelPlan, FindsTheLayersOfOtherTransformers) {
  PlanRun big = run_plan("transformer_big", "pp=2", {});
  EXPECT_EQ(big.parallel().stack.count, 12);  // 6 encoder + 6 decoder layers
  EXPECT_EQ(big.parallel().stack.hidden, 1024);
  PlanRun vit = run_plan("vit_b_16", "pp=2", {});
  EXPECT_EQ(vit.parallel().stack.count, 12);
  EXPECT_EQ(vit.parallel().stack.seq, 197);  // 196 patches + the class token
  EXPECT_EQ(vit.parallel().stack.heads, 12);
}

// A model without attention splits only over data-parallel replicas; ZeRO still partitions its states.
TEST(ParallelPlan, ConvolutionalModelDataParallel) {
  PlanRun r = run_plan("resnet50", "dp=8,zero=2", {{"batch", 32}});
  const Parallel& p = r.parallel();
  const Int psi = 25'557'032;  // torchvision's resnet50
  EXPECT_EQ(p.states.params, psi);
  EXPECT_EQ(p.states.total_bytes, 2 * psi + (14 * psi + 7) / 8);
  EXPECT_EQ(p.stack.count, 0);
  ASSERT_EQ(p.communication.size(), 1u);
  EXPECT_EQ(p.communication[0].kind, "dp reduce-scatter + all-gather");
  EXPECT_EQ(p.communication[0].link, "intra-node");
}

// LoRA fine-tuning (llama2_70b_lora: frozen base, rank-16 adapters on qkv_proj and o_proj of 80 layers): every
// weight is stored, but gradients, fp32 master copies and Adam's two states exist only for the adapters,
// L = 80·(8192·16 + 16·(8192 + 2·1024) + 8192·16 + 16·8192) = 44,564,480 parameters.
TEST(ParallelPlan, LoraTrainsOnlyTheAdaptersStates) {
  const Int lora = 80 * (8192 * 16 + 16 * (8192 + 2 * 1024) + 8192 * 16 + 16 * 8192);
  ASSERT_EQ(lora, 44'564'480);
  PlanRun r = run_plan("llama2_70b_lora", "dp=8", {{"batch", 1}, {"seq", 1024}});
  const analysis::ModelStates& s = r.parallel().states;
  EXPECT_EQ(s.weight_bytes, 2 * s.params);
  EXPECT_EQ(s.gradient_bytes, 2 * lora);
  EXPECT_EQ(s.master_weight_bytes, 4 * lora);
  EXPECT_EQ(s.optimizer_bytes, 8 * lora);
  // With the tensor split the adapters split too (their rank-16 halves as the projections they sit on).
  PlanRun split = run_plan("llama2_70b_lora", "tp=8,dp=8,zero=1", {{"batch", 1}, {"seq", 1024}});
  EXPECT_LT(split.parallel().states.gradient_bytes, 2 * lora / 4);
  EXPECT_GT(split.parallel().states.gradient_bytes, 0);
}

TEST(ParallelPlan, PlansThatDoNotFitAreUsageErrors) {
  auto status = [](const std::string& target, const std::string& plan, const std::string& hw = "a100") {
    Request request;
    request.target = target;
    request.hardware = hw;
    request.parallel = analysis::parse_parallel_plan(plan);
    try {
      run(request);
      return kExitOk;
    } catch (const Failure& failure) {
      return failure.status();
    }
  };
  EXPECT_EQ(status("resnet18", "tp=2"), kExitUsage);        // no transformer layers to split
  EXPECT_EQ(status("gpt2", "pp=13"), kExitUsage);           // 12 layers
  EXPECT_EQ(status("gpt2", "dp=4,ep=2"), kExitUsage);       // no experts
  EXPECT_EQ(status("gpt2", "tp=2", ""), kExitUsage);        // no --hw
  EXPECT_EQ(status("gpt2", "tp=2", "tpu_v4"), kExitUsage);  // no interconnect in the profile
  EXPECT_EQ(status("gpt2", "tp=2,pp=2,dp=2"), kExitOk);
}

}  // namespace
}  // namespace nnscope::driver
