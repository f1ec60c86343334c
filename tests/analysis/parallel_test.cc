// The closed forms of analysis/parallel.h against the papers they come from, with the expected figures written
// here: ZeRO's Figure 1 (Rajbhandari et al. 2020), Korthikanti et al. 2022's activation memory per layer, the ring
// collectives' volumes, and the plan's parser.
#include "analysis/parallel.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nnscope::analysis {
namespace {

// ZeRO, Figure 1: Ψ = 7.5 B parameters, mixed-precision Adam (K = 12: fp32 master weights, momentum and variance),
// N_d = 64 data-parallel devices. Model states per device: (2 + 2 + K)·Ψ = 120 GB without ZeRO; P_os
// 2Ψ + 2Ψ + KΨ/N_d = 31.4 GB; P_os+g 2Ψ + (2 + K)Ψ/N_d = 16.6 GB; P_os+g+p (2 + 2 + K)Ψ/N_d = 1.9 GB (GB = 1e9).
TEST(ParallelZero, Figure1ModelStates) {
  const Int psi = 7'500'000'000;
  const double published[4] = {120, 31.4, 16.6, 1.9};
  for (int stage = 0; stage <= 3; ++stage) {
    ModelStates s = model_states(psi, sym::Rational(2), /*optimizer_states=*/2, stage, 64);
    double gb = static_cast<double>(s.total_bytes) / 1e9;
    EXPECT_NEAR(gb, published[stage], 0.05) << "stage " << stage;
  }
  // The exact closed forms (Ψ is a multiple of 64, so no partition rounds).
  EXPECT_EQ(model_states(psi, 2, 2, 0, 64).total_bytes, 16 * psi);
  EXPECT_EQ(model_states(psi, 2, 2, 1, 64).total_bytes, 4 * psi + 12 * psi / 64);
  EXPECT_EQ(model_states(psi, 2, 2, 2, 64).total_bytes, 2 * psi + 14 * psi / 64);
  EXPECT_EQ(model_states(psi, 2, 2, 3, 64).total_bytes, 16 * psi / 64);
  // The parts: K = 12 is the fp32 master copy (4) and Adam's two fp32 moments (8).
  ModelStates s = model_states(psi, 2, 2, 1, 64);
  EXPECT_EQ(s.weight_bytes, 2 * psi);
  EXPECT_EQ(s.gradient_bytes, 2 * psi);
  EXPECT_EQ(s.master_weight_bytes, 4 * psi / 64);
  EXPECT_EQ(s.optimizer_bytes, 8 * psi / 64);
}

TEST(ParallelZero, Fp32WeightsHaveNoMasterCopyAndPartitionsRoundUp) {
  ModelStates s = model_states(10, sym::Rational(4), 2, 3, 3);
  EXPECT_EQ(s.master_weight_bytes, 0);
  EXPECT_EQ(s.weight_bytes, 14);     // ceil(40 / 3)
  EXPECT_EQ(s.gradient_bytes, 14);   // ceil(40 / 3)
  EXPECT_EQ(s.optimizer_bytes, 27);  // ceil(80 / 3)
  EXPECT_EQ(s.total_bytes, 55);
}

// Korthikanti et al. 2022, Table 2, per transformer layer at 16-bit activations: s·b·h·(34 + 5·a·s/h) without
// parallelism; tensor + sequence parallel s·b·h·(34/t + 5·a·s/(h·t)); selective recomputation with both
// s·b·h·34/t; tensor parallel alone s·b·h·(10 + 24/t + 5·a·s/(h·t)); full recomputation 2·s·b·h. GPT-3 175B's
// shape: s = 2048, h = 12288, a = 96, and t = 8 as in the paper's runs.
TEST(ParallelActivations, KorthikantiGpt3Shape) {
  const Int s = 2048, b = 1, h = 12288, a = 96, t = 8;
  const Int sbh = s * b * h;
  // 5·a·s/h = 5·96·2048/12288 = 80 exactly.
  EXPECT_EQ(korthikanti_layer_bytes(s, b, h, a, 1, false, Recompute::kNone), sbh * (34 + 80));
  EXPECT_EQ(korthikanti_layer_bytes(s, b, h, a, 1, false, Recompute::kNone), 2'868'903'936);
  EXPECT_EQ(korthikanti_layer_bytes(s, b, h, a, t, true, Recompute::kNone), sbh * (34 + 80) / t);
  EXPECT_EQ(korthikanti_layer_bytes(s, b, h, a, t, true, Recompute::kSelective), sbh * 34 / t);
  EXPECT_EQ(korthikanti_layer_bytes(s, b, h, a, t, false, Recompute::kNone), sbh * 10 + sbh * (24 + 80) / t);
  EXPECT_EQ(korthikanti_layer_bytes(s, b, h, a, t, false, Recompute::kFull), 2 * sbh);
  EXPECT_EQ(korthikanti_layer_bytes(s, b, h, a, t, true, Recompute::kFull), 2 * sbh / t);
  // One plan without parallelism is the same whatever sp says.
  EXPECT_EQ(korthikanti_layer_bytes(s, 4, h, a, 1, true, Recompute::kNone),
            korthikanti_layer_bytes(s, 4, h, a, 1, false, Recompute::kNone));
}

TEST(ParallelActivations, MeasuredSplitFollowsThePlan) {
  MeasuredLayerActivation m{.total = 340, .replicated = 100, .attention_core = 40, .layer_input = 20};
  EXPECT_EQ(split_measured_activation(m, 1, false, Recompute::kNone), 340);
  EXPECT_EQ(split_measured_activation(m, 4, true, Recompute::kNone), 85);
  EXPECT_EQ(split_measured_activation(m, 4, false, Recompute::kNone), 100 + 60);
  EXPECT_EQ(split_measured_activation(m, 4, true, Recompute::kSelective), 75);
  EXPECT_EQ(split_measured_activation(m, 4, false, Recompute::kSelective), 100 + 50);
  EXPECT_EQ(split_measured_activation(m, 4, false, Recompute::kFull), 20);
  EXPECT_EQ(split_measured_activation(m, 4, true, Recompute::kFull), 5);
}

// Ring algorithms (Patarasuk and Yuan 2009; NCCL's bus bandwidth): an all-reduce sends 2(n-1)/n of the buffer,
// reduce-scatter and all-gather (n-1)/n each.
TEST(ParallelCommunication, RingVolumes) {
  EXPECT_DOUBLE_EQ(collective_sent_fraction(Collective::kAllReduce, 8), 2.0 * 7 / 8);
  EXPECT_DOUBLE_EQ(collective_sent_fraction(Collective::kReduceScatter, 8), 7.0 / 8);
  EXPECT_DOUBLE_EQ(collective_sent_fraction(Collective::kAllGather, 64), 63.0 / 64);
  EXPECT_DOUBLE_EQ(collective_sent_fraction(Collective::kAllToAll, 4), 3.0 / 4);
  EXPECT_DOUBLE_EQ(collective_sent_fraction(Collective::kAllReduce, 1), 0);
}

TEST(ParallelPlanParser, ReadsEveryItem) {
  ParallelPlan p = parse_parallel_plan("tp=8,pp=16,dp=8,sp,ep=2,zero=1,recompute=selective,microbatch=2");
  EXPECT_EQ(p.tp, 8);
  EXPECT_EQ(p.pp, 16);
  EXPECT_EQ(p.dp, 8);
  EXPECT_EQ(p.ep, 2);
  EXPECT_TRUE(p.sp);
  EXPECT_EQ(p.zero, 1);
  EXPECT_EQ(p.recompute, Recompute::kSelective);
  EXPECT_EQ(p.microbatch, 2);
  EXPECT_EQ(p.devices(), 1024);
  ParallelPlan defaults = parse_parallel_plan("dp=4");
  EXPECT_EQ(defaults.tp, 1);
  EXPECT_EQ(defaults.zero, 0);
  EXPECT_EQ(defaults.recompute, Recompute::kNone);
}

TEST(ParallelPlanParser, RejectsBadItems) {
  for (const char* bad : {"tp=0", "tp=x", "zero=4", "recompute=some", "sp=1", "tp", "fsdp=2", "tp=2,tp=4", "dp=6,ep=4",
                          "", "tp=8,,dp=2", "tp=2000000000"}) {
    EXPECT_THROW(parse_parallel_plan(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace nnscope::analysis
