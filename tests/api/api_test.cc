// The public facade, include/nnscope/nnscope.h: figures against closed forms and published counts, rendering
// against the command line's own output, and every error as an nnscope::Error.
#include <gtest/gtest.h>

#include "cli/run_util.h"
#include "nnscope/nnscope.h"

namespace nnscope::testing {
namespace {

std::string example(const std::string& name) { return std::string(NNSCOPE_SOURCE_DIR) + "/examples/" + name; }

// What the facade throws for `model` with `options`, or "" when it does not throw.
std::string analyze_error(const std::string& model, const Options& options = {}) {
  try {
    analyze(model, options);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(Api, ResNet50MatchesTorchvision) {
  Report report = analyze("resnet50");
  EXPECT_EQ(report.model, "resnet50");
  EXPECT_EQ(report.totals.params, 25'557'032);  // torchvision resnet50: sum(p.numel())
  EXPECT_EQ(report.parameters.at("batch"), 1);
  EXPECT_EQ(report.parameters.at("height"), 224);
  EXPECT_EQ(report.totals.weight_bytes, 4 * 25'557'032);  // fp32
  EXPECT_TRUE(report.not_costed.empty());
}

// examples/mlp.nn is 784 -> 256 -> 128 -> classes; every figure below is worked out by hand.
TEST(Api, MlpFiguresAreTheClosedForms) {
  Options options;
  options.bindings = {{"batch", 8}};
  Report report = analyze(example("mlp.nn"), options);
  EXPECT_EQ(report.totals.params, 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
  EXPECT_EQ(report.totals.gemm_macs, 8 * (784 * 256 + 256 * 128 + 128 * 10));
  EXPECT_EQ(report.totals.flops,
            2 * report.totals.gemm_macs + report.totals.elementwise_ops + report.totals.activation_ops);
  EXPECT_EQ(report.totals.train_flops, 0);
  EXPECT_EQ(report.formulas.params, "129*classes + 233856");  // 784·256 + 256 + 256·128 + 128 + 129·classes
  EXPECT_EQ(report.parameters.at("batch"), 8);

  ASSERT_FALSE(report.layers.empty());
  const Layer& fc1 = report.layers.front();
  EXPECT_EQ(fc1.path, "fc1");
  EXPECT_EQ(fc1.op, "linear");
  EXPECT_EQ(fc1.input_shapes, (std::vector<std::vector<std::int64_t>>{{8, 784}}));
  EXPECT_EQ(fc1.output_shapes, (std::vector<std::vector<std::int64_t>>{{8, 256}}));
  EXPECT_EQ(fc1.params, 784 * 256 + 256);
  EXPECT_EQ(fc1.gemm_macs, 8 * 784 * 256);
  EXPECT_EQ(fc1.input_bytes, 8 * 784 * 4);
  EXPECT_EQ(fc1.weight_bytes, (784 * 256 + 256) * 4);
  EXPECT_EQ(fc1.output_bytes, 8 * 256 * 4);
  std::int64_t params = 0, macs = 0;
  for (const Layer& layer : report.layers) {
    params += layer.params;
    macs += layer.gemm_macs;
  }
  EXPECT_EQ(params, report.totals.params);
  EXPECT_EQ(macs, report.totals.gemm_macs);
}

TEST(Api, WeightDtypeChangesOnlyWeightBytes) {
  Options options;
  options.weight_dtype = "fp16";
  Report report = analyze(example("mlp.nn"), options);
  EXPECT_EQ(report.totals.weight_bytes, 2 * 235'146);
  EXPECT_EQ(report.layers.front().input_bytes, 784 * 4);  // activations stay fp32
}

TEST(Api, TrainModeAddsTheBackwardPass) {
  Options options;
  options.mode = Mode::kTrain;
  Report report = analyze(example("mlp.nn"), options);
  // The backward pass costs at least the forward GEMMs again (weight gradients alone are as many MACs).
  EXPECT_GT(report.totals.train_flops, 2 * report.totals.flops);
}

// render() prints byte for byte what `nnscope analyze` prints, in every format.
TEST(Api, RenderMatchesTheCommandLine) {
  Options options;
  options.bindings = {{"batch", 2}};
  Report report = analyze("resnet50", options);
  for (const char* format : {"table", "csv", "summary", "json", "dot", "html"}) {
    CommandResult cli = run_nnscope(std::string("analyze resnet50 --set batch=2 --format ") + format);
    ASSERT_EQ(cli.status, 0) << cli.err;
    EXPECT_EQ(render(report, format), cli.out) << format;
  }
  Options train;
  train.mode = Mode::kTrain;
  CommandResult cli = run_nnscope("analyze examples/mlp.nn --mode train");
  ASSERT_EQ(cli.status, 0) << cli.err;
  EXPECT_EQ(render(analyze(example("mlp.nn"), train), "table"), cli.out);
}

TEST(Api, ErrorsAreRenderedDiagnostics) {
  EXPECT_NE(analyze_error("resnet5").find("did you mean 'resnet50'?"), std::string::npos);

  std::string file = temp_path("broken.nn");
  std::ofstream(file)
      << "model m(batch = 1) {\n    input x: f32[batch, 8]\n    return y: linear(x, 4, frobnicate = 1)\n}\n";
  std::string error = analyze_error(file);
  std::remove(file.c_str());
  EXPECT_NE(error.find(file + ":3:"), std::string::npos) << error;
  EXPECT_NE(error.find("frobnicate"), std::string::npos) << error;
  EXPECT_NE(error.find('^'), std::string::npos) << error;  // the caret under the source line

  Options bad_dtype;
  bad_dtype.weight_dtype = "fp13";
  EXPECT_NE(analyze_error("resnet50", bad_dtype).find("unknown dtype 'fp13'"), std::string::npos);
  Options unknown_model;
  unknown_model.model = "nope";
  EXPECT_NE(analyze_error(example("mlp.nn"), unknown_model), "");
  EXPECT_THROW(render(analyze(example("mlp.nn")), "xml"), Error);
  EXPECT_THROW(render(Report{}, "table"), Error);
}

// Exact 128-bit figures that do not fit the facade's 64-bit fields are an error, never a wrapped number.
TEST(Api, FiguresBeyond64BitsAreAnError) {
  Options options;
  options.bindings = {{"batch", 100'000'000}};  // GPT-3's ~3.5e14 FLOPs per sequence, 1e8 times
  EXPECT_NE(analyze_error("gpt3_175b", options).find("does not fit in 64 bits"), std::string::npos);
}

TEST(Api, VersionIsTheExecutables) {
  CommandResult cli = run_nnscope("--version");
  EXPECT_EQ(cli.out, "nnscope " + std::string(version()) + "\n");
}

}  // namespace
}  // namespace nnscope::testing
