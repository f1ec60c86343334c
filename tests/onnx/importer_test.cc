// ONNX fixtures exported from PyTorch (tools/onnx/make_fixtures.py) against the standard library: the same
// parameters and GEMM MACs, formulas in the dynamic axes, and `nnscope import` output that round-trips.
#include "onnx/importer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

const std::string kFixtures = "tests/onnx/fixtures/";

// "total,NAME,,VALUE,FORMULA" rows of the long summary CSV.
std::map<std::string, std::pair<std::string, std::string>> totals(const std::string& arguments) {
  CommandResult r = run_nnscope("analyze " + arguments + " --format summary-long");
  EXPECT_EQ(r.status, 0) << arguments << "\n" << r.err;
  std::map<std::string, std::pair<std::string, std::string>> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("total,")) continue;
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    if (cells.size() >= 5) out[cells[1]] = {cells[3], cells[4]};
  }
  return out;
}

TEST(OnnxImport, Resnet50MatchesTheStandardLibrary) {
  auto onnx = totals(kFixtures + "resnet50.onnx");
  EXPECT_EQ(onnx["params"].first, "25557032");
  EXPECT_EQ(onnx["gemm_macs"].first, "4089184256");
  EXPECT_EQ(onnx["gemm_macs"].second, "4089184256*batch");  // linear in the dynamic batch axis
  auto stdlib = totals("resnet50");
  EXPECT_EQ(onnx["params"].first, stdlib["params"].first);
  EXPECT_EQ(onnx["gemm_macs"].first, stdlib["gemm_macs"].first);
  EXPECT_EQ(totals(kFixtures + "resnet50.onnx --set batch=8")["gemm_macs"].first, "32713474048");
}

TEST(OnnxImport, BertEncoderHasTheAttentionTermAndMatchesBertBase) {
  auto onnx = totals(kFixtures + "bert_encoder.onnx");
  EXPECT_EQ(onnx["gemm_macs"].second, "3072*batch*seq^2 + 14155776*batch*seq + 589824*batch");
  for (const char* point : {"--set batch=1 --set seq=128", "--set batch=4 --set seq=512"}) {
    auto a = totals(kFixtures + "bert_encoder.onnx " + point);
    auto b = totals(std::string("bert_base --set layers=2 ") + point);
    EXPECT_EQ(a["params"].first, b["params"].first) << point;
    EXPECT_EQ(a["gemm_macs"].first, b["gemm_macs"].first) << point;
  }
}

TEST(OnnxImport, MobilenetVitAndLstmMatchTheStandardLibrary) {
  for (const auto& [file, model] : std::map<std::string, std::string>{
           {"mobilenet_v2.onnx", "mobilenet_v2"}, {"vit_b_16.onnx", "vit_b_16"}, {"lstm.onnx", "lstm --set seq=35"}}) {
    std::string sizes = file == "lstm.onnx" ? " --set seq=35 --set batch=2" : " --set batch=2";
    auto a = totals(kFixtures + file + sizes);
    auto b = totals(model + " --set batch=2");
    EXPECT_EQ(a["params"].first, b["params"].first) << file;
    EXPECT_EQ(a["gemm_macs"].first, b["gemm_macs"].first) << file;
  }
  EXPECT_EQ(totals(kFixtures + "vit_b_16.onnx")["params"].first, "86567656");
  EXPECT_EQ(totals(kFixtures + "mobilenet_v2.onnx")["params"].first, "3504872");
  EXPECT_EQ(totals(kFixtures + "lstm.onnx")["gemm_macs"].second, "3776512*batch*seq");
}

TEST(OnnxImport, ImportOutputChecksAndAnalysesToTheSameTotals) {
  for (const char* name : {"resnet50", "mobilenet_v2", "vit_b_16", "bert_encoder", "lstm", "bert_base", "gpt2_past",
                           "loop_const", "loop_steps", "scan_rnn"}) {
    std::string nn = temp_path(std::string(name) + ".nn");
    CommandResult imported = run_nnscope("import " + kFixtures + name + ".onnx -o '" + nn + "'");
    ASSERT_EQ(imported.status, 0) << imported.err;
    CommandResult checked = run_nnscope("check '" + nn + "'");
    EXPECT_EQ(checked.status, 0) << name << "\n" << checked.err;
    EXPECT_EQ(totals("'" + nn + "' --set batch=3"), totals(kFixtures + name + ".onnx --set batch=3")) << name;
    std::remove(nn.c_str());
  }
}

TEST(OnnxImport, EveryFormatWorks) {
  for (const char* format : {"table", "csv", "summary", "json", "dot"}) {
    CommandResult r = run_nnscope("analyze " + kFixtures + "vit_b_16.onnx --depth 2 --format " + format);
    EXPECT_EQ(r.status, 0) << format << "\n" << r.err;
    EXPECT_FALSE(r.out.empty());
  }
  CommandResult sweep = run_nnscope("analyze " + kFixtures + "bert_encoder.onnx --sweep seq=128,512");
  EXPECT_EQ(sweep.status, 0) << sweep.err;
  CommandResult out = run_nnscope("import " + kFixtures + "resnet50.onnx");
  EXPECT_NE(out.out.find("\"layer1.0.conv1\": conv2d("), std::string::npos);
  EXPECT_NE(out.out.find("model resnet50(batch = 1)"), std::string::npos);
}

}  // namespace
}  // namespace nnscope::testing

namespace nnscope::onnx {
namespace {

// An operator without a rule becomes a not-costed op that passes its input's shape on; the rest is analysed.
TEST(OnnxImport, UnknownOperatorIsNotCostedAndDoesNotStopTheRest) {
  Model m;
  m.opsets.push_back({"", 13});
  ValueInfo x;
  x.name = "x";
  x.has_type = x.has_shape = true;
  x.elem_type = kFloat;
  x.dims = {Dim{std::nullopt, "batch"}, Dim{4, ""}};
  m.graph.inputs.push_back(x);
  Node foo;
  foo.name = "/block/NonMaxSuppression";
  foo.op_type = "NonMaxSuppression";
  foo.inputs = {"x"};
  foo.outputs = {"y"};
  Node relu;
  relu.name = "/block/act/Relu";
  relu.op_type = "Relu";
  relu.inputs = {"y"};
  relu.outputs = {"z"};
  m.graph.nodes = {foo, relu};
  ValueInfo z;
  z.name = "z";
  m.graph.outputs.push_back(z);
  std::string text = import_model(m, "tiny", "tiny.onnx");
  EXPECT_NE(text.find("unsupported([x], op_type = \"NonMaxSuppression\")"), std::string::npos) << text;
  EXPECT_NE(text.find("\"block.act\": relu("), std::string::npos) << text;
  EXPECT_NE(text.find("model tiny(batch = 1)"), std::string::npos) << text;
  EXPECT_NE(text.find("NonMaxSuppression x1"), std::string::npos) << text;
  // A model named after a keyword or an operator (model.onnx, relu.onnx) gets a name the language takes.
  EXPECT_NE(import_model(m, "model", "model.onnx").find("model model_model(batch = 1)"), std::string::npos);
  EXPECT_NE(import_model(m, "relu", "relu.onnx").find("model relu_model(batch = 1)"), std::string::npos);
  // A node reading a tensor nothing defines is an error that names the node: its index, name and op_type.
  m.graph.nodes[1].inputs = {"nowhere"};
  try {
    import_model(m, "tiny", "tiny.onnx");
    ADD_FAILURE() << "no ImportError";
  } catch (const ImportError& e) {
    ASSERT_TRUE(e.node().has_value());
    EXPECT_EQ(e.node()->index, 1u);
    EXPECT_EQ(e.node()->name, "/block/act/Relu");
    EXPECT_EQ(e.node()->op_type, "Relu");
    EXPECT_EQ(std::string(e.what()),
              "node 1 '/block/act/Relu' (Relu): reads 'nowhere', which no earlier node, "
              "graph input or initializer defines");
    EXPECT_EQ(std::string(e.in_file("tiny.onnx").what()).rfind("tiny.onnx: node 1 ", 0), 0u);
  }
}

}  // namespace
}  // namespace nnscope::onnx
