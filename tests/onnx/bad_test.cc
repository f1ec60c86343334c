// Bad ONNX input: truncated or corrupt protobuf, absurd lengths, deep nesting, wrong types. Each gives a clear
// error naming the file (and, for malformed protobuf, the byte offset and field) and exit status 1; none crashes.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/run_util.h"
#include "onnx/importer.h"
#include "onnx/onnx_builder.h"
#include "onnx/onnx_model.h"
#include "source/diagnostic.h"
#include "syntax/parser.h"

namespace nnscope::testing {
namespace {

const std::string kFixture = std::string(NNSCOPE_SOURCE_DIR) + "/tests/onnx/fixtures/lstm.onnx";

std::string write_temp(const std::string& name, const std::string& bytes) {
  std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

CommandResult analyze_bytes(const std::string& name, const std::string& bytes) {
  std::string path = write_temp(name, bytes);
  CommandResult r = run_nnscope("analyze '" + path + "'");
  std::remove(path.c_str());
  return r;
}

TEST(OnnxBadInput, TruncatedFileNamesTheByteOffset) {
  std::string bytes = read_text(kFixture);
  ASSERT_GT(bytes.size(), 1000u);
  CommandResult r = analyze_bytes("truncated.onnx", bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("truncated.onnx: malformed ONNX (protobuf) file: at byte"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ModelProto"), std::string::npos) << r.err;
}

TEST(OnnxBadInput, AbsurdLengthEmptyAndGarbage) {
  CommandResult r = analyze_bytes("absurd.onnx", "\x3a" + varint(std::uint64_t{1} << 60) + "xyz");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("claims 1152921504606846976 bytes but only 3 remain"), std::string::npos) << r.err;
  r = analyze_bytes("empty.onnx", "");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no graph"), std::string::npos) << r.err;
  r = analyze_bytes("garbage.onnx", "model m() { }\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("garbage.onnx"), std::string::npos) << r.err;
}

TEST(OnnxBadInput, DeepNestingAndWrongTypes) {
  // GraphProto.node -> NodeProto.attribute -> AttributeProto.g -> GraphProto.node -> ...
  std::string nested;
  for (int depth = 0; depth < 500; ++depth) {
    std::string attribute = "\x32" + varint(nested.size()) + nested;
    std::string node = "\x2a" + varint(attribute.size()) + attribute;
    nested = "\x0a" + varint(node.size()) + node;
  }
  CommandResult r = analyze_bytes("nested.onnx", "\x3a" + varint(nested.size()) + nested);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("nested more than 64 deep"), std::string::npos) << r.err;
  // ModelProto.graph given as a varint.
  r = analyze_bytes("wrongtype.onnx", std::string("\x38\x05", 2));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("field 7 should be length-delimited"), std::string::npos) << r.err;
}

TEST(OnnxBadInput, MissingFileAndImportErrors) {
  CommandResult r = run_nnscope("analyze /nonexistent/model.onnx");
  EXPECT_EQ(r.status, 2);
  r = run_nnscope("import /nonexistent/model.onnx");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("/nonexistent/model.onnx"), std::string::npos) << r.err;
  r = run_nnscope("import model.nn");
  EXPECT_EQ(r.status, 2);
}

// Every prefix and many single-byte corruptions of a real model: a clean error or a model whose text parses
// (as tests/fuzz/fuzz_onnx.cc requires), never a crash.
TEST(OnnxBadInput, CorruptionsNeverCrash) {
  std::string bytes = read_text(kFixture);
  auto attempt = [](const std::string& data) {
    std::string text;
    try {
      onnx::Model m = onnx::decode_model(data);
      text = onnx::import_model(m, "fuzz", "fuzz.onnx");
    } catch (const onnx::ProtobufError&) {
      return;
    } catch (const onnx::ImportError&) {
      return;
    }
    SourceManager sources;
    FileId file = sources.add("fuzz.nn", text);
    std::vector<Diagnostic> diagnostics;
    (void)syntax::parse_module(sources, file, diagnostics);
    EXPECT_TRUE(diagnostics.empty()) << render_all(diagnostics, sources) << text;
  };
  for (std::size_t n = 0; n < bytes.size(); n += 13) attempt(bytes.substr(0, n));
  std::uint32_t seed = 12345;
  for (int k = 0; k < 3000; ++k) {
    seed = seed * 1664525u + 1013904223u;
    std::string corrupt = bytes;
    corrupt[seed % corrupt.size()] = static_cast<char>(seed >> 24);
    attempt(corrupt);
  }
}

TEST(OnnxBadInput, CorruptFilesThroughTheBinaryExitCleanly) {
  std::string bytes = read_text(kFixture);
  std::uint32_t seed = 99;
  for (int k = 0; k < 20; ++k) {
    seed = seed * 1664525u + 1013904223u;
    std::string corrupt = bytes;
    for (int j = 0; j < 4; ++j) corrupt[(seed >> (j * 3)) % corrupt.size()] = static_cast<char>(seed >> (8 + j));
    CommandResult r = analyze_bytes("corrupt.onnx", corrupt);
    EXPECT_TRUE(r.status == 0 || r.status == 1) << r.status << "\n" << r.err;
    if (r.status == 1) {
      EXPECT_NE(r.err.find("error"), std::string::npos);
    }
  }
}

// ---- Small files that ask for a lot, and strings that try to become code (issue 18). Each runs the binary
// under a 1 GiB address-space limit and 5 seconds: a correct result (exit 0) or a located error (exit 1),
// never std::bad_alloc, a crash or a hang.

#ifdef NNSCOPE_SANITIZED
const std::string kLimits = "timeout 120 ";  // the sanitizers reserve terabytes of shadow memory: no cap
#else
const std::string kLimits = "ulimit -v 1048576; timeout 5 ";
#endif

CommandResult run_limited(const std::string& command, const std::string& name, const std::string& bytes,
                          const std::string& options = "") {
  std::string path = write_temp(name, bytes);
  CommandResult r = run_shell(kLimits + "'" NNSCOPE_BINARY "' " + command + " '" + path + "' " + options);
  std::remove(path.c_str());
  return r;
}

void expect_handled(const CommandResult& r) {
  EXPECT_TRUE(r.status == 0 || r.status == 1) << "status " << r.status << " (124: timed out, >128: a signal)\n"
                                              << r.err.substr(0, 2000);
  EXPECT_EQ(r.err.find("bad_alloc"), std::string::npos) << r.err.substr(0, 2000);
  EXPECT_EQ(r.err.find("std::"), std::string::npos) << r.err.substr(0, 2000);
}

// x -> Relu -> y, the smallest model to hang strings on.
OnnxGraph relu_graph(const std::string& node_name = "/act/Relu") {
  OnnxGraph g;
  g.input("x", onnx::kFloat, {"batch", 4}).node("Relu", {"x"}, {"y"}, {}, node_name).output("y");
  return g;
}

bool has_control_bytes(const std::string& text) {
  for (char c : text) {
    auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && c != '\n') || b == 0x7f) return true;
  }
  return false;
}

TEST(OnnxHostile, ProducerStringsStayInTheirComment) {
  std::string bytes = relu_graph().model(17, "evil\x1b[31m", "1\nimport \"/etc/passwd\"\n#");
  CommandResult imported = run_limited("import", "inject.onnx", bytes);
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_NE(imported.out.find("(producer evil?[31m 1?import \"/etc/passwd\"?#)"), std::string::npos) << imported.out;
  EXPECT_FALSE(has_control_bytes(imported.out));
  std::istringstream lines(imported.out);
  int comments = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(line.starts_with("import")) << line;
    comments += line.starts_with("#");
  }
  EXPECT_EQ(comments, 1) << imported.out;
  CommandResult analyzed = run_limited("analyze", "inject.onnx", bytes);
  EXPECT_EQ(analyzed.status, 0) << analyzed.err;
  EXPECT_EQ(analyzed.err, "");
  EXPECT_EQ(analyzed.out.find("root:"), std::string::npos);
}

TEST(OnnxHostile, EscapeCodesInNamesNeverReachTheTerminal) {
  OnnxGraph g;
  g.input("x\x1b[31m", onnx::kFloat, {"batch\x1b[2J", 4});
  g.node("Relu", {"x\x1b[31m"}, {"y\n#"}, {}, "/a\x1b]0;title\x07/b\x1b[2J/Relu");
  g.node("Frobnicate\x1b[2J\n", {"y\n#"}, {"z"}, {}, "\x1b[1mplain");
  g.output("z");
  std::string bytes = g.model();
  for (const char* format : {"table", "csv", "json", "dot"}) {
    CommandResult r = run_limited("analyze", "escape.onnx", bytes, std::string("--format ") + format);
    EXPECT_EQ(r.status, 0) << format << "\n" << r.err;
    EXPECT_FALSE(has_control_bytes(r.out)) << format;
    EXPECT_FALSE(has_control_bytes(r.err)) << format;
  }
  CommandResult imported = run_limited("import", "escape.onnx", bytes);
  EXPECT_FALSE(has_control_bytes(imported.out)) << imported.out;
  // Errors quote names with the control characters escaped.
  OnnxGraph broken;
  broken.input("x", onnx::kFloat, {4}).node("Relu", {"nowhere\x1b[2J"}, {"y"}, {}, "bad\x1b[31m").output("y");
  CommandResult error = run_limited("analyze", "broken.onnx", broken.model());
  EXPECT_EQ(error.status, 1);
  EXPECT_FALSE(has_control_bytes(error.err)) << error.err;
  EXPECT_NE(error.err.find("node 0 'bad\\x1b[31m' (Relu): reads 'nowhere\\x1b[2J'"), std::string::npos) << error.err;
}

TEST(OnnxHostile, FourteenThousandUnusedInt8InitializersStayFarUnderOneGiB) {
  OnnxGraph g = relu_graph();
  std::string raw(4096, '\x7f');
  for (int i = 0; i < 14000; ++i)
    g.initializer(tensor_proto("q" + std::to_string(i), onnx::kInt8, {4096}, {}, {}, raw));
  std::string bytes = g.model();
  ASSERT_GT(bytes.size(), 57'000'000u);
  CommandResult r = run_limited("analyze", "int8.onnx", bytes, "--format summary-long");
  expect_handled(r);
  EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
  EXPECT_NE(r.out.find("total,params,,0,"), std::string::npos) << r.out;
}

TEST(OnnxHostile, FoldingManyLargeConstantsIsBounded) {
  // Each Add of two 4,096-element integer constants folds 4,096 elements; 400 of them pass the bound.
  OnnxGraph g = relu_graph();
  std::vector<std::int64_t> values(4096, 3);
  for (int i = 0; i < 400; ++i) {
    std::string c = "c" + std::to_string(i);
    g.int64s(c, {4096}, values).node("Add", {c, c}, {c + "_sum"});
  }
  CommandResult r = run_limited("analyze", "folding.onnx", g.model());
  expect_handled(r);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("elements in folded constants"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(Add)"), std::string::npos) << r.err;
}

TEST(OnnxHostile, DeepScopeNamesAreLinear) {
  for (int levels : {20000, 40000}) {
    std::string name;
    for (int k = 0; k < levels; ++k) name += "/a";
    CommandResult r = run_limited("analyze", "deep.onnx", relu_graph(name + "/Relu").model(), "--format summary-long");
    expect_handled(r);
    EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
  }
  std::string name;
  for (int k = 0; k < 20000; ++k) name += "/a";
  CommandResult imported = run_limited("import", "deep.onnx", relu_graph(name + "/Relu").model());
  std::string label(63 * 2 + 1, 'a');
  for (std::size_t i = 1; i < label.size(); i += 2) label[i] = '.';
  EXPECT_NE(imported.out.find("\"" + label + "\": relu("), std::string::npos) << imported.out.substr(0, 500);
}

TEST(OnnxHostile, ManyNamesSharingTheirLast80CharactersAreLinear) {
  OnnxGraph g;
  g.input("x", onnx::kFloat, {"batch", 4});
  std::string previous = "x", tail(100, 'n');
  for (int i = 0; i < 8000; ++i) {
    std::string out = std::to_string(i) + tail;
    g.node("Relu", {previous}, {out});
    previous = out;
  }
  g.output(previous);
  CommandResult r = run_limited("analyze", "names.onnx", g.model(), "--format summary-long");
  expect_handled(r);
  EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
}

TEST(OnnxHostile, HugeSizesAreCheckedNotWrapped) {
  // ConstantOfShape([2^40, 2^40]): 2^80 elements, exact in 128 bits.
  OnnxGraph g;
  g.input("x", onnx::kFloat, {1}).constant("shape", {2}, {std::int64_t{1} << 40, std::int64_t{1} << 40});
  g.node("ConstantOfShape", {"shape"}, {"big"}).node("Add", {"x", "big"}, {"y"}).output("y");
  CommandResult r = run_limited("analyze", "big.onnx", g.model(), "--format summary-long");
  expect_handled(r);
  if (r.status == 0) {
    EXPECT_NE(r.out.find("1208925819614629174706176"), std::string::npos) << r.out;  // 2^80 elements
  }
  // Range(0, INT64_MAX, 1) and Range(INT64_MIN, INT64_MAX, 1), whose length overflows int64.
  for (std::int64_t start : {std::int64_t{0}, INT64_MIN}) {
    OnnxGraph range;
    range.input("x", onnx::kFloat, {1}).constant("start", {}, {start}).constant("limit", {}, {INT64_MAX});
    range.constant("delta", {}, {1}).node("Range", {"start", "limit", "delta"}, {"r"}).output("r");
    CommandResult rr = run_limited("analyze", "range.onnx", range.model(), "--format summary-long");
    expect_handled(rr);
    if (start == 0) {
      EXPECT_EQ(rr.status, 0) << rr.err;
      // (2^63 - 1) int64 elements of 8 bytes.
      EXPECT_NE(rr.out.find("total,activation_bytes,,73786976294838206456,"), std::string::npos) << rr.out;
    }
    EXPECT_EQ(rr.out.find("-9223372036854775808"), std::string::npos) << rr.out;
  }
}

TEST(OnnxHostile, FloatsWithoutAnIntegerValueDoNotBecomeSizes) {
  for (float f : {NAN, INFINITY, -INFINITY, 1e30f}) {
    OnnxGraph g;
    g.input("x", onnx::kFloat, {"batch", 4}).node("Constant", {}, {"f"}, {float_attr("value_float", f)});
    g.node("Cast", {"f"}, {"n"}, {int_attr("to", onnx::kInt64)}, "/cast/Cast");
    g.node("Unsqueeze", {"n"}, {"n1"}, {ints_attr("axes", {0})}).constant("two", {1}, {2});
    g.node("Concat", {"n1", "two"}, {"target"}, {int_attr("axis", 0)});
    g.node("Reshape", {"x", "target"}, {"y"}).output("y");
    CommandResult r = run_limited("analyze", "nan.onnx", g.model(11));
    expect_handled(r);
    EXPECT_EQ(r.status, 1) << f << "\n" << r.out;
    EXPECT_NE(r.err.find("node 1 '/cast/Cast' (Cast)"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("9223372036854775808"), std::string::npos) << r.out;
  }
}

TEST(OnnxHostile, NotARegularFile) {
  std::string fifo = temp_path("fifo.onnx");
  ASSERT_EQ(run_shell("mkfifo '" + fifo + "'").status, 0);
  CommandResult r = run_shell(kLimits + "'" NNSCOPE_BINARY "' analyze '" + fifo + "'");
  std::remove(fifo.c_str());
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace nnscope::testing

namespace nnscope::testing {
namespace {

TEST(OnnxHostile, CyclesAndSelfReferencesNameTheNode) {
  OnnxGraph self;
  self.input("x", onnx::kFloat, {4}).node("Relu", {"y"}, {"y"}, {}, "/self/Relu").output("y");
  CommandResult r = run_limited("analyze", "self.onnx", self.model());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("node 0 '/self/Relu' (Relu): reads 'y', which no earlier node"), std::string::npos) << r.err;
  OnnxGraph cycle;
  cycle.input("x", onnx::kFloat, {4}).node("Add", {"x", "b"}, {"a"}, {}, "first").node("Relu", {"a"}, {"b"});
  cycle.output("b");
  r = run_limited("analyze", "cycle.onnx", cycle.model());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("node 0 'first' (Add): reads 'b'"), std::string::npos) << r.err;
}

// Graphs nested `depth` deep: level k is a graph whose one node (`op_type`, subgraph attribute `attribute`) holds
// level k + 1. Written from the inside out as prefixes and suffixes around the innermost graph, so building it is
// linear in its size.
std::string nested_model(const std::string& op_type, const std::string& attribute, int depth) {
  std::string core = OnnxGraph().graph_bytes();
  std::vector<std::string> prefixes, suffixes;
  std::size_t inner = core.size();
  for (int level = 0; level < depth; ++level) {
    std::string attr_prefix = bytes_field(1, attribute) + key(6, 2) + varint(inner);
    std::string attr_suffix = varint_field(20, 5);
    std::size_t attr = attr_prefix.size() + inner + attr_suffix.size();
    std::string node_prefix =
        bytes_field(1, "c") + bytes_field(2, "y") + bytes_field(4, op_type) + key(5, 2) + varint(attr);
    std::size_t node = node_prefix.size() + attr;
    prefixes.push_back(key(1, 2) + varint(node) + node_prefix + attr_prefix);
    suffixes.push_back(attr_suffix + bytes_field(2, "g"));
    inner = prefixes.back().size() + inner + suffixes.back().size();
  }
  std::string graph;
  for (std::size_t k = prefixes.size(); k-- > 0;) graph += prefixes[k];
  graph += core;
  for (const std::string& suffix : suffixes) graph += suffix;
  EXPECT_EQ(graph.size(), inner);
  return varint_field(1, 8) + bytes_field(7, graph) + bytes_field(8, varint_field(2, 17));
}

TEST(OnnxHostile, SubgraphsNestedTenThousandDeepAreRefused) {
  for (const auto& [op_type, attribute] : {std::pair{"If", "then_branch"}, {"Loop", "body"}, {"Scan", "body"}}) {
    CommandResult r = run_limited("analyze", "nested.onnx", nested_model(op_type, attribute, 10000));
    expect_handled(r);
    EXPECT_EQ(r.status, 1) << op_type;
    // The field path names the node at each level: ModelProto.graph.node[0].attribute[0].g.node[0]...
    EXPECT_NE(r.err.find("nested more than 64 deep"), std::string::npos) << r.err.substr(0, 500);
    EXPECT_NE(r.err.find("graph.node[0].attribute[0]"), std::string::npos) << r.err.substr(0, 500);
  }
}

// Loops nested as deep as the decoder allows: each translates its body twice (the first iteration, then the
// repeat), so the innermost one 2^depth times. The import stops at its bound, naming the node, in bounded time.
TEST(OnnxHostile, NestedLoopsAreBounded) {
  // Level k: body(i, cond, v) = (cond, Loop(m, cond, v) with body level k + 1); innermost: (cond, relus of v).
  constexpr int kLevels = 16;  // about as deep as the decoder's 64 nested messages allow
  OnnxGraph innermost;
  innermost.input("i", onnx::kInt64, {}).input("cond", onnx::kBool, {}).input("v", onnx::kFloat, {"batch", 4});
  innermost.node("Identity", {"cond"}, {"cond_out"});
  std::string v = "v";
  for (int k = 0; k < 16; ++k) {  // 16 nodes: 2^16 translations of them pass the bound
    innermost.node("Relu", {v}, {"r" + std::to_string(k)});
    v = "r" + std::to_string(k);
  }
  innermost.node("Relu", {v}, {"v_out"});
  std::string body = innermost.output("cond_out").output("v_out").graph_bytes("body");
  for (int level = kLevels; level > 0; --level) {
    std::string k = std::to_string(level);
    OnnxGraph g;
    g.input("i" + k, onnx::kInt64, {}).input("cond" + k, onnx::kBool, {}).input("v" + k, onnx::kFloat, {"batch", 4});
    g.constant("m" + k, {}, {2}).node("Identity", {"cond" + k}, {"cond_out" + k});
    g.node("Loop", {"m" + k, "cond" + k, "v" + k}, {"v_out" + k}, {graph_attr("body", body)}, "/loop" + k + "/Loop");
    body = g.output("cond_out" + k).output("v_out" + k).graph_bytes("body" + k);
  }
  OnnxGraph top;
  top.input("x", onnx::kFloat, {"batch", 4}).constant("m", {}, {2}).constant("c", {}, {1});
  top.node("Loop", {"m", "c", "x"}, {"y"}, {graph_attr("body", body)}, "/top/Loop").output("y");
  CommandResult r = run_limited("analyze", "nested_loops.onnx", top.model(17));
  expect_handled(r);  // within run_limited's time and memory
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("(Loop): subgraph nodes translated exceed 200000 (Loops nested too deeply)"), std::string::npos)
      << r.err.substr(0, 500);
}

}  // namespace
}  // namespace nnscope::testing
