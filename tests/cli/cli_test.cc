// The command line end to end, checked against independent tools where they are installed: Python's json
// and csv modules read our JSON and CSV, Graphviz's dot renders our DOT.
#include <gtest/gtest.h>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

// Runs a Python snippet on a file; returns its stdout (trimmed). The snippet sees the path as `path`.
std::string python_on(const std::string& text, const std::string& snippet) {
  std::string file = temp_path("data");
  std::ofstream(file, std::ios::binary) << text;
  std::string script = temp_path("check.py");
  std::ofstream(script) << "import csv, json, sys\npath = sys.argv[1]\n" << snippet << "\n";
  CommandResult r = run_shell("python3 '" + script + "' '" + file + "'");
  std::remove(file.c_str());
  std::remove(script.c_str());
  EXPECT_EQ(r.status, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TEST(Cli, HelpAndVersion) {
  CommandResult help = run_nnscope("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("usage: nnscope"), std::string::npos);
  CommandResult version = run_nnscope("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out.rfind("nnscope ", 0), 0u);
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run_nnscope("").status, 2);
  EXPECT_EQ(run_nnscope("frobnicate").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --format xml").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --set batch").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --dtype fp13").status, 2);
  EXPECT_EQ(run_nnscope("analyze resnet50 --bogus").status, 2);
}

TEST(Cli, UnknownModelSuggestsTheNearestStandardLibraryName) {
  CommandResult r = run_nnscope("analyze resnet5");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("did you mean 'resnet50'?"), std::string::npos) << r.err;
}

TEST(Cli, ResNet50Json) {
  if (!have_tool("python3")) GTEST_SKIP() << "python3 not installed";
  CommandResult r = run_nnscope("analyze resnet50 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string checks = python_on(r.out, R"(d = json.load(open(path))
t = d['totals']
print(t['params'], t['gemm_macs'], d['outputs'][0]['shape'], sum(1 for l in d['layers'] if l['op'] == 'conv2d'),
      t['flops'] == 2 * t['gemm_macs'] + t['elementwise_ops'] + t['activation_ops'], t['weight_bytes']))");
  EXPECT_EQ(checks, "25557032 4089184256 [1, 1000] 53 True 102228128");
  CommandResult half = run_nnscope("analyze resnet50 --format json --dtype fp16");
  ASSERT_EQ(half.status, 0) << half.err;
  EXPECT_EQ(python_on(half.out, "print(json.load(open(path))['totals']['weight_bytes'])"), "51114064");
}

TEST(Cli, Vgg16Table) {
  CommandResult r = run_nnscope("analyze vgg16");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("138,357,544"), std::string::npos);
  EXPECT_NE(r.out.find("15,470,264,320"), std::string::npos);
}

TEST(Cli, BertBaseFormulaIsAPolynomialInBatchAndSeq) {
  if (!have_tool("python3")) GTEST_SKIP() << "python3 not installed";
  CommandResult r = run_nnscope("analyze bert_base --set seq=128 --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(
      python_on(r.out, "d = json.load(open(path)); print(d['totals']['params'], d['formulas_ascii']['gemm_macs'])"),
      "109482240 18432*batch*seq^2 + 84934656*batch*seq + 589824*batch");
}

TEST(Cli, SweepPrintsOneRowPerPoint) {
  CommandResult r = run_nnscope("analyze bert_base --sweep seq=128,512,2048 --format csv");
  ASSERT_EQ(r.status, 0) << r.err;
  if (!have_tool("python3")) GTEST_SKIP() << "python3 not installed";
  // 12 layers · (4·s·768² + 2·s²·768 + 2·s·768·3072) + 768² at batch 1, by hand.
  std::string rows = python_on(r.out, R"(rows = list(csv.DictReader(open(path, newline='')))
print(len(rows), ' '.join(r['seq'] + ':' + r['gemm_macs'] for r in rows)))");
  auto macs = [](long long s) { return 12 * (4 * s * 768 * 768 + 2 * s * s * 768 + 2 * s * 768 * 3072) + 768 * 768; };
  EXPECT_EQ(rows, "3 128:" + std::to_string(macs(128)) + " 512:" + std::to_string(macs(512)) +
                      " 2048:" + std::to_string(macs(2048)));
  CommandResult table = run_nnscope("analyze bert_base --sweep seq=128,512,2048");
  ASSERT_EQ(table.status, 0);
  EXPECT_NE(table.out.find("2048"), std::string::npos);
}

// A list parameter from the command line: densenet121 with torchvision densenet201's block config (6, 12, 48, 32;
// both grow by 32) has densenet201's 20,013,928 parameters (torchvision).
TEST(Cli, ListParameterFromSet) {
  CommandResult r = run_nnscope("analyze densenet121 --set block_config=6,12,48,32 --format csv");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("features.denseblock3.denselayer48.conv2"), std::string::npos);
  EXPECT_EQ(r.out.find("features.denseblock3.denselayer49."), std::string::npos);
  CommandResult table = run_nnscope("analyze densenet121 --set block_config=6,12,48,32");
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("20,013,928"), std::string::npos) << table.out;
  // A trailing comma makes a one-item list: one dense block, no transition.
  CommandResult one = run_nnscope("analyze densenet121 --set block_config=2, --format csv");
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_NE(one.out.find("features.denseblock1.denselayer2.conv2"), std::string::npos);
  EXPECT_EQ(one.out.find("features.transition1"), std::string::npos);
}

TEST(Cli, ListAndIntegerParametersAreNotInterchangeable) {
  CommandResult list_to_integer = run_nnscope("analyze densenet121 --set classes=10,20");
  EXPECT_EQ(list_to_integer.status, 2);
  EXPECT_NE(list_to_integer.err.find("--set classes: parameter 'classes' is an integer, got the list 10,20"),
            std::string::npos)
      << list_to_integer.err;
  CommandResult integer_to_list = run_nnscope("analyze densenet121 --set block_config=6");
  EXPECT_EQ(integer_to_list.status, 2);
  EXPECT_NE(integer_to_list.err.find("--set block_config: parameter 'block_config' is a list; give its items "
                                     "separated by commas (a one-item list is written '6,')"),
            std::string::npos)
      << integer_to_list.err;
  CommandResult unknown = run_nnscope("analyze densenet121 --set block_confg=6,12");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("did you mean 'block_config'?"), std::string::npos) << unknown.err;
  CommandResult not_a_number = run_nnscope("analyze densenet121 --set block_config=6,x");
  EXPECT_EQ(not_a_number.status, 2);
  EXPECT_NE(not_a_number.err.find("--set block_config: 'x' is not an integer"), std::string::npos) << not_a_number.err;
}

TEST(Cli, CsvReadsIntoRowsOfEqualWidth) {
  if (!have_tool("python3")) GTEST_SKIP() << "python3 not installed";
  for (const char* model : {"resnet50", "bert_base"}) {
    CommandResult details = run_nnscope(std::string("analyze ") + model + " --format csv");
    ASSERT_EQ(details.status, 0) << details.err;
    EXPECT_EQ(python_on(details.out, R"(rows = list(csv.reader(open(path, newline='')))
print(len(set(len(r) for r in rows)), rows[0][0], len(rows) > 10))"),
              "1 path True");
    CommandResult summary = run_nnscope(std::string("analyze ") + model + " --format summary");
    ASSERT_EQ(summary.status, 0) << summary.err;
    EXPECT_EQ(python_on(summary.out,
                        "rows = list(csv.reader(open(path, newline='')))\nprint(len(set(len(r) for r in rows)))"),
              "1");
  }
}

TEST(Cli, DotRendersWithGraphviz) {
  if (!have_tool("dot")) GTEST_SKIP() << "graphviz not installed";
  std::string file = temp_path("resnet50.dot");
  CommandResult r = run_nnscope("dot resnet50 -o '" + file + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string full = read_text(file);
  CommandResult svg = run_shell("dot -Tsvg '" + file + "'");
  std::remove(file.c_str());
  EXPECT_EQ(svg.status, 0) << svg.err;
  EXPECT_NE(svg.out.find("<svg"), std::string::npos);
  // Collapsing every block to the top level leaves a much smaller graph that still renders.
  CommandResult collapsed = run_nnscope("dot resnet50 --depth 0");
  ASSERT_EQ(collapsed.status, 0);
  EXPECT_LT(collapsed.out.size() * 4, full.size());
  std::ofstream(file) << collapsed.out;
  EXPECT_EQ(run_shell("dot -Tsvg '" + file + "' >/dev/null").status, 0);
  std::remove(file.c_str());
}

TEST(Cli, OutDirWritesEveryFormat) {
  std::string dir = temp_path("outdir");
  CommandResult r = run_nnscope("analyze examples/mlp.nn --out '" + dir + "' --format json");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* suffix : {".details.csv", ".summary.csv", ".json", ".dot", ".xlsx"}) {
    EXPECT_FALSE(read_text(dir + "/mlp" + suffix).empty()) << suffix;
  }
  run_shell("rm -rf '" + dir + "'");
}

TEST(Cli, SyntaxErrorExitsOneWithLocationAndCaret) {
  std::string file = temp_path("broken.nn");
  std::ofstream(file) << "model m(batch = 1) {\n    input x: f32[batch, 4]\n    y = linear(x, 4 +)\n    return y\n}\n";
  CommandResult r = run_nnscope("check '" + file + "'");
  std::remove(file.c_str());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(file + ":3:22: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\n    " + std::string(21, ' ') + "^"), std::string::npos) << r.err;
}

TEST(Cli, ShapeMismatchNamesShapesAxisAndLine) {
  std::string file = temp_path("mismatch.nn");
  std::ofstream(file) << "model m(b = 2) {\n    input x: f32[b, 8]\n    input y: f32[b, 9]\n    return x + y\n}\n";
  CommandResult r = run_nnscope("analyze '" + file + "'");
  std::remove(file.c_str());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find(":4:14: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[b, 8] and [b, 9]: axis 1"), std::string::npos) << r.err;
}

TEST(Cli, ListShowAndOps) {
  CommandResult list = run_nnscope("list");
  ASSERT_EQ(list.status, 0) << list.err;
  for (const char* name : {"resnet18", "resnet50", "vgg16", "bert_base"}) {
    EXPECT_NE(list.out.find(name), std::string::npos) << name;
  }
  CommandResult show = run_nnscope("show resnet50");
  EXPECT_EQ(show.status, 0);
  EXPECT_NE(show.out.find("model resnet50("), std::string::npos);
  EXPECT_EQ(run_nnscope("show resnet5").status, 2);
  CommandResult ops = run_nnscope("ops");
  EXPECT_EQ(ops.status, 0);
  EXPECT_NE(ops.out.find("conv2d(x, out_channels, kernel"), std::string::npos);
  CommandResult one = run_nnscope("ops maxpool2d");
  EXPECT_EQ(one.status, 0) << one.err;
  EXPECT_TRUE(one.out.starts_with("maxpool2d(x, kernel, stride = <kernel>, padding = 0,")) << one.out;
  EXPECT_EQ(one.out.find("conv2d"), std::string::npos) << "only the operator asked for";
  CommandResult typo = run_nnscope("ops lienar");
  EXPECT_EQ(typo.status, 2);
  EXPECT_NE(typo.err.find("no operator 'lienar'; did you mean 'linear'?"), std::string::npos) << typo.err;
}

TEST(Cli, ExamplesAnalyse) {
  for (const char* example : {"examples/mlp.nn", "examples/lenet5.nn", "examples/tiny_transformer.nn"}) {
    CommandResult r = run_nnscope(std::string("analyze ") + example);
    EXPECT_EQ(r.status, 0) << example << "\n" << r.err;
  }
  EXPECT_EQ(run_nnscope("check examples/mlp.nn examples/lenet5.nn examples/tiny_transformer.nn").status, 0);
}

TEST(Cli, MissingFileAndDirectory) {
  CommandResult missing = run_nnscope("check does/not/exist.nn");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos) << missing.err;
  CommandResult directory = run_nnscope("check tests");
  EXPECT_NE(directory.status, 0);
  EXPECT_NE(directory.err.find("directory"), std::string::npos) << directory.err;
}

}  // namespace
}  // namespace nnscope::testing
