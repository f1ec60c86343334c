// --parallel, --global-batch, --tokens and --set-hw on the command line: the report's section and JSON object, and
// usage errors for plans and options that do not fit (docs/parallel.md).
#include <gtest/gtest.h>

#include <string>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

TEST(ParallelCli, TableSectionAndJsonObject) {
  CommandResult table = run_nnscope(
      "analyze gpt2 --dtype fp16 --hw h100 --parallel tp=2,pp=2,dp=4,sp,zero=1 --global-batch 32 --tokens 1e9");
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("Parallel plan tp=2, pp=2, dp=4, sp, zero=1, recompute=none on h100 (16 devices)"),
            std::string::npos)
      << table.out;
  EXPECT_NE(table.out.find("Time to train"), std::string::npos);
  EXPECT_NE(table.out.find("Training (one step"), std::string::npos);  // --parallel implies --mode train
  CommandResult json =
      run_nnscope("analyze gpt2 --dtype fp16 --hw h100 --parallel tp=2,pp=2,dp=4 --global-batch 32 --format json");
  ASSERT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("\"parallel\": {"), std::string::npos);
  EXPECT_NE(json.out.find("\"microbatches\": 8,"), std::string::npos);  // 32 / (batch 1 × dp 4)
  EXPECT_NE(json.out.find("\"kind\": \"tp all-reduce\""), std::string::npos);
}

TEST(ParallelCli, MicrobatchBindsTheModelsBatch) {
  CommandResult r = run_nnscope("analyze gpt2 --hw a100 --parallel dp=2,microbatch=4 --global-batch 16 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"batch\": 4"), std::string::npos);
  EXPECT_NE(r.out.find("\"microbatches\": 2,"), std::string::npos);
  EXPECT_EQ(run_nnscope("analyze gpt2 --hw a100 --set batch=2 --parallel microbatch=4").status, 2);
}

TEST(ParallelCli, SetHwChangesAProfileParameter) {
  CommandResult r = run_nnscope("analyze gpt2 --dtype fp16 --hw a100 --set-hw matrix_fp16_flops=140e12");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Matrix peak               140 T op/s (fp16)"), std::string::npos) << r.out;
  EXPECT_EQ(run_nnscope("analyze gpt2 --set-hw matrix_fp16_flops=1").status, 2);  // no --hw
  EXPECT_EQ(run_nnscope("analyze gpt2 --hw a100 --set-hw matrix_fp16_flops=x").status, 2);
  CommandResult unknown = run_nnscope("analyze gpt2 --hw a100 --set-hw nvlink=1");
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("unknown parameter 'nvlink'"), std::string::npos) << unknown.err;
}

TEST(ParallelCli, UsageErrors) {
  for (const char* bad : {
           "analyze gpt2 --parallel tp=2",                              // no --hw
           "analyze gpt2 --hw a100 --parallel tp=2,bogus=1",            // unknown item
           "analyze gpt2 --hw a100 --parallel dp=3 --global-batch 4",   // 4 is not a multiple of 1 × 3
           "analyze gpt2 --hw a100 --tokens 1000",                      // --tokens without --parallel
           "analyze gpt2 --hw a100 --parallel dp=2 --sweep batch=1,2",  // one point only
           "analyze resnet18 --hw a100 --parallel tp=2",                // nothing to split
       }) {
    CommandResult r = run_nnscope(bad);
    EXPECT_EQ(r.status, 2) << bad << "\n" << r.err;
    EXPECT_NE(r.err.find("nnscope: error: "), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace nnscope::testing
