// Bad ONNX input: truncated or corrupt protobuf, absurd lengths, deep nesting, wrong types. Each gives a clear
// error naming the file (and, for malformed protobuf, the byte offset and field) and exit status 1; none crashes.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "cli/run_util.h"
#include "onnx/importer.h"
#include "onnx/onnx_builder.h"
#include "onnx/onnx_model.h"

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

// Every prefix and many single-byte corruptions of a real model: a clean error or a model, never a crash.
TEST(OnnxBadInput, CorruptionsNeverCrash) {
  std::string bytes = read_text(kFixture);
  auto attempt = [](const std::string& data) {
    try {
      onnx::Model m = onnx::decode_model(data);
      std::string text = onnx::import_model(m, "fuzz", "fuzz.onnx");
      EXPECT_FALSE(text.empty());
    } catch (const onnx::ProtobufError&) {
    } catch (const onnx::ImportError&) {
    }
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

}  // namespace
}  // namespace nnscope::testing
