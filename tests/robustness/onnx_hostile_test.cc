// Issue 18's ONNX reproducers (items 2, 4, 5, 10) through the real binary, each with variants of other sizes,
// names and encodings than tests/onnx/bad_test.cc uses: under 1 GiB of address space and 5 seconds, a correct
// result (exit 0) or an error naming the node (exit 1); never a library exception, a crash or a hang, and never
// text from the file that becomes code or reaches the terminal as control characters.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <sstream>

#include "onnx/onnx_builder.h"
#include "robustness/robustness_util.h"

namespace nnscope::testing {
namespace {

// x -> Relu -> y, the smallest model to hang strings on.
OnnxGraph relu_graph(const std::string& node_name = "/act/Relu") {
  OnnxGraph g;
  g.input("x", onnx::kFloat, {"batch", 4}).node("Relu", {"x"}, {"y"}, {}, node_name).output("y");
  return g;
}

TimedResult analyze(const TempFile& onnx, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"analyze", onnx.path()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_capped(args);
}

// `nnscope import FILE -o OUT`, then `nnscope check OUT`: the text must be one model that checks, with no
// control characters and nothing outside its comments that the file's strings wrote.
std::string import_and_check(const TempFile& onnx) {
  std::string out = onnx.path() + ".nn";
  TimedResult imported = run_capped({"import", onnx.path(), "-o", out});
  expect_answered_in_time(imported);
  EXPECT_EQ(imported.status, 0) << imported.err.substr(0, 2000);
  std::string text = read_text(out);
  EXPECT_FALSE(has_control_bytes(text)) << text.substr(0, 2000);
  int models = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(line.starts_with("import")) << line;
    models += line.starts_with("model ");
  }
  EXPECT_EQ(models, 1) << text.substr(0, 2000);
  TimedResult checked = run_capped({"check", out});
  expect_answered_in_time(checked);
  EXPECT_EQ(checked.status, 0) << checked.err.substr(0, 2000) << "\n--- text ---\n" << text.substr(0, 2000);
  std::remove(out.c_str());
  return text;
}

// ---- item 2: strings from the file never become code ------------------------------------------------------------

using namespace std::string_literals;

const std::vector<std::string> kInjections = {
    "1\nimport \"/etc/passwd\"\n#"s,
    "1\r\nimport \"/etc/hostname\"\r\n#"s,
    "x\nmodel evil(batch = 1) {\n    input x: f32[batch, 4]\n    return x\n}\n#"s,
    "\xe2\x80\xa8import \"/etc/passwd\"\xe2\x80\xa9"s,  // U+2028 and U+2029, line and paragraph separators
    "\xc2\x85import \"/etc/passwd\""s,                  // U+0085, next line
    "\x1b[31mred\x1b]0;title\x07\x1b[2J"s,              // terminal escapes
    "\xe2\x80\xae"
    "evil\xe2\x80\xac\xff\xfe\xc0\xaf\x00tail"s  // a bidi override, invalid UTF-8, a NUL
};

TEST(OnnxHostileStrings, ProducerStringsStayComments) {
  for (std::size_t k = 0; k < kInjections.size(); ++k) {
    SCOPED_TRACE(k);
    for (bool in_name : {false, true}) {
      std::string bytes =
          in_name ? relu_graph().model(17, kInjections[k], "1") : relu_graph().model(17, "p", kInjections[k]);
      TempFile onnx("producer.onnx", bytes);
      TimedResult r = analyze(onnx);
      expect_answered_in_time(r);
      EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
      EXPECT_EQ(r.err, "");
      EXPECT_FALSE(has_control_bytes(r.out));
      EXPECT_EQ(r.out.find("root:"), std::string::npos);
      import_and_check(onnx);
    }
  }
}

TEST(OnnxHostileStrings, OpTypesNamesAndAttributesStayInert) {
  for (std::size_t k = 0; k < kInjections.size(); ++k) {
    SCOPED_TRACE(k);
    const std::string& evil = kInjections[k];
    OnnxGraph g;
    std::string batch = "batch" + evil;
    g.input("x\"" + evil, onnx::kFloat, {batch.c_str(), 4});
    g.node("Relu", {"x\"" + evil}, {"y" + evil}, {}, "/a" + evil + "/b\") + relu(x/Relu");
    g.node("Frob" + evil, {"y" + evil}, {"z"}, {string_attr("mode" + evil, evil)}, evil, "ai.evil" + evil);
    g.node("Pad", {"z", "pads"}, {"p"}, {string_attr("mode", evil)}, "pad" + evil);
    g.int64s("pads", {4}, {0, 1, 0, 1});
    g.node("Resize", {"p", "", "scales"}, {"q"}, {string_attr("mode", evil)});
    g.floats("scales", {2}, {1, 2});
    g.output("q");
    TempFile onnx("names.onnx", g.model(17, evil, evil));
    for (const char* format : {"table", "csv", "json", "dot", "html"}) {
      TimedResult r = analyze(onnx, {"--format", format});
      expect_answered_in_time(r);
      EXPECT_EQ(r.status, 0) << format << "\n" << r.err.substr(0, 2000);
      EXPECT_FALSE(has_control_bytes(r.out)) << format;
      EXPECT_FALSE(has_control_bytes(r.err)) << format;
    }
    import_and_check(onnx);
  }
}

TEST(OnnxHostileStrings, KeywordAndOperatorNamesAreRenamed) {
  OnnxGraph g;
  g.input("model", onnx::kFloat, {"input", 4}).input("return", onnx::kFloat, {"input", 4});
  g.node("Add", {"model", "return"}, {"relu"}, {}, "import").node("Relu", {"relu"}, {"true"}, {}, "-2-3");
  g.node("Relu", {"true"}, {"1abc"}, {}, "=1+2").node("Relu", {"1abc"}, {"linear"}, {}, "@SUM(A1)");
  g.node("Relu", {"linear"}, {"dim"}, {}, "+cmd|' /C calc'!A0").output("dim");
  TempFile onnx("keywords.onnx", g.model());
  import_and_check(onnx);
  // No report cell starts with a character a spreadsheet would take for a formula.
  TimedResult csv = analyze(onnx, {"--format", "csv"});
  EXPECT_EQ(csv.status, 0) << csv.err.substr(0, 2000);
  std::istringstream lines(csv.out);
  for (std::string line; std::getline(lines, line);) {
    ASSERT_FALSE(line.empty());
    EXPECT_EQ(std::string("=+-@").find(line[0]), std::string::npos) << line;
  }
}

// The same for a Hugging Face config.json, the other file `import` translates: its strings in messages are quoted
// with JSON's escapes, and never end a comment of the generated text.
TEST(OnnxHostileStrings, ConfigStringsStayInert) {
  const std::string base =
      R"("hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128, )"
      R"("vocab_size": 100)";
  const std::string evil = R"(x\n}\nimport \"/etc/passwd\"\n#\u001b[31m\u202e\u0085)";
  TempDir dir("config");
  for (const std::string& field :
       {"\"model_type\": \"" + evil + "\"", "\"model_type\": \"llama\", \"torch_dtype\": \"" + evil + "\"",
        "\"model_type\": \"llama\", \"hidden_act\": \"" + evil + "\"",
        "\"model_type\": \"llama\", \"architectures\": [\"" + evil + "\"], \"_name_or_path\": \"" + evil + "\""}) {
    SCOPED_TRACE(field);
    std::string path = dir / "config.json";
    std::ofstream(path) << "{" << field << ", " << base << "}";
    for (const char* command : {"import", "analyze"}) {
      TimedResult r = run_capped({command, path});
      expect_answered_in_time(r);
      EXPECT_FALSE(has_control_bytes(r.out)) << command;
      EXPECT_FALSE(has_control_bytes(r.err)) << command << ": " << r.err;
      EXPECT_EQ(r.err.find("root:"), std::string::npos);
      if (std::string(command) == "import" && r.status == 0) {
        int models = 0;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) {
          EXPECT_FALSE(line.starts_with("import \"/etc")) << line;
          models += line.starts_with("model ");
        }
        EXPECT_EQ(models, 1) << r.out.substr(0, 2000);
      }
    }
  }
}

// ---- item 4: the decoder keeps what the model is, not 72 times the file -----------------------------------------

TEST(OnnxHostileSizes, ManyUnusedInitializersStaySmall) {
  struct Case {
    const char* what;
    int count;
    std::string tensor_payload;
    int data_type;
    std::int64_t elements;
    bool packed_varints;
  };
  std::string varints;
  for (int i = 0; i < 8192; ++i) varints += '\x05';
  for (const Case& c : {Case{"int8 raw", 20000, std::string(2048, '\x7f'), onnx::kInt8, 2048, false},
                        Case{"uint8 as int32_data varints", 7000, varints, onnx::kUint8, 8192, true},
                        Case{"float16 raw", 9000, std::string(8192, '\x3c'), onnx::kFloat16, 4096, false},
                        Case{"int64 raw", 1000, std::string(65536, '\x01'), onnx::kInt64, 8192, false}}) {
    SCOPED_TRACE(c.what);
    OnnxGraph g = relu_graph();
    for (int i = 0; i < c.count; ++i) {
      std::string t =
          packed_varints(1, {c.elements}) + varint_field(2, c.data_type) + bytes_field(8, "w" + std::to_string(i));
      t += c.packed_varints ? bytes_field(5, c.tensor_payload) : bytes_field(9, c.tensor_payload);
      g.initializer(t);
    }
    TempFile onnx("initializers.onnx", g.model());
    ASSERT_GT(std::filesystem::file_size(onnx.path()), 40'000'000u);
    TimedResult r = analyze(onnx, {"--format", "summary-long"});
    expect_answered_in_time(r);
    EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
    EXPECT_NE(r.out.find("total,params,,0,"), std::string::npos) << r.out.substr(0, 2000);
    // The file is mapped, and its pages count once read; what is decoded from it must not multiply it.
    if (kMeasureMemory) {
      EXPECT_LT(r.peak_rss_kib, 200 * 1024) << "peak resident memory in KiB";
    }
  }
}

// ---- item 5: naming is linear ---------------------------------------------------------------------------------

TEST(OnnxHostileSizes, DeepAndRepeatedScopeNamesAreLinear) {
  auto deep_name = [](const std::string& part, int levels) {
    std::string name;
    for (int k = 0; k < levels; ++k) name += part;
    return name + "/Relu";
  };
  for (const std::string& name :
       {deep_name("/b.c", 30000), deep_name("/", 60000), deep_name("/a", 50000), deep_name("/x-y", 25000)}) {
    SCOPED_TRACE(name.substr(0, 12) + "... of " + std::to_string(name.size()) + " bytes");
    TempFile onnx("deep.onnx", relu_graph(name).model());
    TimedResult r = analyze(onnx, {"--format", "summary-long"});
    expect_answered_in_time(r);
    EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
  }
  // Many nodes under one long scope, and many nodes of one name.
  for (bool same_name : {false, true}) {
    OnnxGraph g;
    g.input("x", onnx::kFloat, {"batch", 4});
    std::string previous = "x", scope = deep_name("/s", 40);
    for (int i = 0; i < 6000; ++i) {
      std::string out = "t" + std::to_string(i);
      g.node("Relu", {previous}, {out}, {}, same_name ? "/same/Relu" : scope + std::to_string(i));
      previous = out;
    }
    g.output(previous);
    TempFile onnx("many.onnx", g.model());
    TimedResult r = analyze(onnx, {"--format", "summary-long"});
    expect_answered_in_time(r);
    EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
  }
}

TEST(OnnxHostileSizes, OutputNamesSharingLongTailsAreLinear) {
  for (auto [nodes, tail] : {std::pair{12000, 200}, std::pair{8000, 81}, std::pair{4000, 1000}}) {
    SCOPED_TRACE(std::to_string(nodes) + " nodes, tails of " + std::to_string(tail));
    OnnxGraph g;
    g.input("x", onnx::kFloat, {"batch", 4});
    std::string previous = "x", shared(static_cast<std::size_t>(tail), 'n');
    for (int i = 0; i < nodes; ++i) {
      std::string out = "v" + std::to_string(i) + shared;
      g.node("Relu", {previous}, {out});
      previous = out;
    }
    g.output(previous);
    TempFile onnx("tails.onnx", g.model());
    TimedResult r = analyze(onnx, {"--format", "summary-long"});
    expect_answered_in_time(r);
    EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
  }
}

// ---- item 10: sizes and casts are checked, never wrapped ------------------------------------------------------

// The wrapped values a signed overflow or a float-to-int64 cast of NaN, Inf or 1e30 would leave in the output.
void expect_nothing_wrapped(const TimedResult& r) {
  for (const char* wrapped : {"-9223372036854775808", "9223372036854775808,", "-9223372036854775807"}) {
    EXPECT_EQ(r.out.find(wrapped), std::string::npos) << wrapped << "\n" << r.out.substr(0, 2000);
  }
}

TEST(OnnxHostileSizes, ConstantOfShapeAndRangeAreChecked) {
  // ConstantOfShape of shapes whose element counts pass int64 (2^64, 2^124, 2^80).
  for (const std::vector<std::int64_t>& dims :
       std::vector<std::vector<std::int64_t>>{{std::int64_t{1} << 62, 4},
                                              {INT64_MAX / 2, INT64_MAX / 2},
                                              {std::int64_t{1} << 20, std::int64_t{1} << 30, std::int64_t{1} << 30}}) {
    OnnxGraph g;
    g.input("x", onnx::kFloat, {1}).constant("shape", {static_cast<std::int64_t>(dims.size())}, dims);
    g.node("ConstantOfShape", {"shape"}, {"big"}, {}, "/fill/ConstantOfShape").node("Add", {"x", "big"}, {"y"});
    g.output("y");
    TempFile onnx("fill.onnx", g.model());
    TimedResult r = analyze(onnx, {"--format", "summary-long"});
    expect_answered_in_time(r);
    expect_nothing_wrapped(r);
    if (r.status == 1) {  // where the elements' bytes pass 128 bits: the op (or the sum) that overflows is named
      EXPECT_NE(r.err.find("overflow"), std::string::npos) << r.err;
    }
  }
  // Range with bounds at the ends of int64, a zero step and a step past the distance.
  for (auto [start, limit, delta] :
       {std::tuple{INT64_MIN, INT64_MAX, std::int64_t{2}}, std::tuple{INT64_MAX, INT64_MIN, std::int64_t{-1}},
        std::tuple{std::int64_t{0}, std::int64_t{10}, std::int64_t{0}},
        std::tuple{std::int64_t{-5}, INT64_MAX, INT64_MAX}}) {
    SCOPED_TRACE(std::to_string(start) + ".." + std::to_string(limit) + " by " + std::to_string(delta));
    OnnxGraph g;
    g.input("x", onnx::kFloat, {1}).constant("start", {}, {start}).constant("limit", {}, {limit});
    g.constant("delta", {}, {delta}).node("Range", {"start", "limit", "delta"}, {"r"}, {}, "/range/Range");
    g.output("r");
    TempFile onnx("range.onnx", g.model());
    TimedResult r = analyze(onnx, {"--format", "summary-long"});
    expect_answered_in_time(r);
    expect_nothing_wrapped(r);
    if (delta == 0) {  // no length: an op not costed, said so
      EXPECT_EQ(r.status, 0) << r.err;
      TimedResult imported = run_capped({"import", onnx.path()});
      EXPECT_NE(imported.out.find("Range x1 (Range with delta 0)"), std::string::npos) << imported.out;
    }
  }
}

TEST(OnnxHostileSizes, FloatsThatAreNoIntegerNeverBecomeSizes) {
  for (float f : {NAN, -NAN, INFINITY, -INFINITY, 1e30f, -1e19f, 9.3e18f}) {
    SCOPED_TRACE(f);
    // As value_floats through Cast, and as ConstantOfShape's int64 fill.
    OnnxGraph cast;
    cast.input("x", onnx::kFloat, {"batch", 4}).node("Constant", {}, {"f"}, {floats_attr("value_floats", {f})});
    cast.node("Cast", {"f"}, {"n"}, {int_attr("to", onnx::kInt64)}, "/to_int/Cast").constant("two", {1}, {2});
    cast.node("Concat", {"n", "two"}, {"target"}, {int_attr("axis", 0)}).node("Reshape", {"x", "target"}, {"y"});
    cast.output("y");
    OnnxGraph fill;
    fill.input("x", onnx::kFloat, {"batch", 4}).constant("one", {1}, {1});
    fill.node("ConstantOfShape", {"one"}, {"n"}, {tensor_attr("value", tensor_proto("", onnx::kFloat, {1}, {}, {f}))},
              "/fill/ConstantOfShape");
    fill.node("Cast", {"n"}, {"m"}, {int_attr("to", onnx::kInt64)}, "/fill_int/Cast").constant("two", {1}, {2});
    fill.node("Concat", {"m", "two"}, {"target"}, {int_attr("axis", 0)}).node("Reshape", {"x", "target"}, {"y"});
    fill.output("y");
    for (const OnnxGraph* g : {&cast, &fill}) {
      TempFile onnx("float.onnx", g->model(13));
      TimedResult r = analyze(onnx, {"--format", "summary-long"});
      expect_answered_in_time(r);
      EXPECT_EQ(r.status, 1) << r.out.substr(0, 2000);
      EXPECT_NE(r.err.find("Cast'"), std::string::npos) << r.err;
      expect_nothing_wrapped(r);
    }
  }
}

}  // namespace
}  // namespace nnscope::testing
