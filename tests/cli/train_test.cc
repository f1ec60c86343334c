// The must-hold figures of training cost and the roofline, through the binary (docs/cost-model.md).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

// The number after "key": in the JSON's "totals" object (which comes before the layers).
double total(const std::string& json, const std::string& key) {
  std::size_t totals = json.find("\"totals\"");
  EXPECT_NE(totals, std::string::npos);
  std::size_t at = json.find("\"" + key + "\": ", totals);
  EXPECT_NE(at, std::string::npos) << key;
  if (at == std::string::npos) return 0;
  return std::stod(json.substr(at + key.size() + 4));
}

TEST(TrainCliTest, Gpt3TrainingComputeMatchesThePaper) {
  CommandResult r = run_nnscope("analyze gpt3_175b --mode train --set batch=1 --set seq=2048 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  double compute = total(r.out, "train_flops") / 2048 * 300e9;
  // 6·N·D = 3.14e23 leaves out the attention score matmuls: the exact count is about 2.9% above it.
  EXPECT_GT(compute, 3.14e23);
  EXPECT_LT(compute, 3.14e23 * 1.05);
}

TEST(TrainCliTest, Resnet50Backward) {
  CommandResult r = run_nnscope("analyze resnet50 --mode train --set batch=32 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  double ratio = total(r.out, "backward_gemm_macs") / total(r.out, "gemm_macs");
  EXPECT_GE(ratio, 1.9);
  EXPECT_LE(ratio, 2.0);
  double peak = total(r.out, "peak_activation_bytes");
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, total(r.out, "activation_bytes"));
  EXPECT_GT(total(r.out, "train_memory_bytes"), 0);
}

TEST(TrainCliTest, Resnet50RooflineOnA100) {
  CommandResult r = run_nnscope("analyze resnet50 --set batch=256 --dtype fp16 --hw a100 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  double bound = 2 * total(r.out, "gemm_macs") / 312e12;
  double time = total(r.out, "est_time_s");
  EXPECT_GE(time, bound);
  EXPECT_LE(time, 10 * bound);
  std::set<std::string> bounds;
  for (std::size_t at = r.out.find("\"bound\": \""); at != std::string::npos;
       at = r.out.find("\"bound\": \"", at + 1)) {
    bounds.insert(r.out.substr(at + 10, r.out.find('"', at + 10) - at - 10));
  }
  EXPECT_GE(bounds.size(), 2u);
}

TEST(TrainCliTest, BertLargeOnOtherHardware) {
  for (const char* hw : {"h100", "nvdla_full", "tpu_v4"}) {
    CommandResult r = run_nnscope(std::string("analyze bert_large --format json --hw ") + hw);
    ASSERT_EQ(r.status, 0) << hw << ": " << r.err;
    EXPECT_GT(total(r.out, "est_time_s"), 0) << hw;
  }
}

TEST(TrainCliTest, TrainAndHardwareWithSweep) {
  CommandResult r = run_nnscope("analyze bert_large --mode train --hw h100 --sweep batch=1,2 --format csv");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("train_flops"), std::string::npos);
  EXPECT_NE(r.out.find("est_time_s"), std::string::npos);
}

TEST(TrainCliTest, HardwareProfileFromAFile) {
  std::string path = temp_path("hw.nn");
  {
    std::ofstream f(path);
    f << "model mine(const matrix_fp32_flops = 1_000_000_000_000, const vector_ops = 1_000_000_000,\n"
         "           const special_ops = 1_000_000_000, const memory_bandwidth = 100_000_000_000) {\n}\n";
  }
  CommandResult r = run_nnscope("analyze resnet18 --format summary-long --hw '" + path + "'");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("hardware,name,,mine"), std::string::npos);
  {
    std::ofstream f(path);
    f << "model bad(const matrix_fp32_flops = 1, const vector_ops = 1, const special_ops = 1,\n"
         "          const memory_bandwidth = 1, const clock = 5) {\n}\n";
  }
  r = run_nnscope("analyze resnet18 --hw '" + path + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("unknown parameter 'clock'"), std::string::npos) << r.err;
  std::remove(path.c_str());
}

TEST(TrainCliTest, BadOptions) {
  EXPECT_EQ(run_nnscope("analyze resnet18 --mode fly").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet18 --mode train --optimizer lamb").status, 2);
  CommandResult r = run_nnscope("analyze resnet18 --hw a10");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("a100"), std::string::npos);
}

TEST(TrainCliTest, DefaultOutputHasNoNewColumns) {
  CommandResult r = run_nnscope("analyze resnet18 --format csv");
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find("backward"), std::string::npos);
  EXPECT_EQ(r.out.find("est_time_s"), std::string::npos);
}

}  // namespace
}  // namespace nnscope::testing

namespace nnscope::testing {
namespace {

TEST(TrainCli, SweepTableShowsTrainingAndRooflineColumns) {
  CommandResult r = run_nnscope("analyze resnet18 --mode train --hw a100 --sweep batch=1,32");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* column : {"bwd MACs", "train FLOPs", "train mem.", "est. time", "samples/s"}) {
    EXPECT_NE(r.out.find(column), std::string::npos) << column;
  }
  // Without the flags the sweep table keeps its default columns.
  CommandResult plain = run_nnscope("analyze resnet18 --sweep batch=1,32");
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(plain.out.find("train FLOPs"), std::string::npos);
}

}  // namespace
}  // namespace nnscope::testing
