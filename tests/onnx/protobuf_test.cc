// The wire-format reader: varints, lengths, truncation, nesting and wrong types give ProtobufError, never a crash.
#include "onnx/protobuf.h"

#include <gtest/gtest.h>

#include <string>

#include "onnx/onnx_builder.h"
#include "onnx/onnx_model.h"

namespace nnscope::onnx {
namespace {

using testing::bytes_field;
using testing::key;
using testing::varint;

TEST(Protobuf, ReadsVarintsAndBytes) {
  std::string buffer = key(1, WireType::kVarint) + varint(300) + bytes_field(2, "abc") + key(3, WireType::kVarint) +
                       varint(~std::uint64_t{0});
  Reader r(buffer, "Test");
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.field(), 1u);
  EXPECT_EQ(r.read_varint(), 300u);
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.read_bytes(), "abc");
  ASSERT_TRUE(r.next());
  EXPECT_EQ(r.read_int64(), -1);
  EXPECT_FALSE(r.next());
}

TEST(Protobuf, SkipsUnknownFields) {
  std::string buffer = key(9, WireType::kFixed32) + std::string(4, '\1') + key(10, WireType::kFixed64) +
                       std::string(8, '\2') + bytes_field(11, "zz") + key(12, WireType::kVarint) + varint(5);
  Reader r(buffer, "Test");
  int fields = 0;
  while (r.next()) {
    r.skip();
    ++fields;
  }
  EXPECT_EQ(fields, 4);
}

TEST(Protobuf, PackedAndUnpackedRepeatedFields) {
  std::string packed = varint(1) + varint(224) + varint(3);
  std::string buffer = bytes_field(1, packed) + key(1, WireType::kVarint) + varint(7);
  Reader r(buffer, "Test");
  std::vector<std::int64_t> values;
  while (r.next()) r.read_packed_varints([&](std::int64_t v) { values.push_back(v); });
  EXPECT_EQ(values, (std::vector<std::int64_t>{1, 224, 3, 7}));
}

void expect_error(const std::string& buffer, const std::string& fragment) {
  try {
    Reader r(buffer, "Test");
    while (r.next()) {
      if (r.wire_type() == WireType::kBytes) {
        Reader inner = r.read_message("inner");
        while (inner.next()) inner.skip();
      } else {
        r.skip();
      }
    }
    FAIL() << "no error for a buffer that should give '" << fragment << "'";
  } catch (const ProtobufError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Protobuf, Errors) {
  expect_error(key(1, WireType::kVarint) + "\xff\xff", "truncated varint");
  expect_error(key(1, WireType::kVarint) + std::string(10, '\xff') + "\x01", "varint");
  expect_error(key(1, WireType::kVarint) + std::string(9, '\xff') + "\x7f", "overflows 64 bits");
  expect_error(key(1, WireType::kBytes) + varint(1000) + "abc", "claims 1000 bytes but only 3 remain");
  expect_error(key(1, WireType::kBytes) + varint(~std::uint64_t{0} >> 1) + "abc", "claims");
  expect_error(key(1, WireType::kFixed64) + "abc", "truncated 64-bit value");
  expect_error(key(1, WireType::kFixed32) + "a", "truncated 32-bit value");
  expect_error(key(1, WireType::kStartGroup), "groups");
  expect_error(std::string("\x07"), "invalid field number 0");
  expect_error(key(1, static_cast<WireType>(6)), "invalid wire type 6");
}

TEST(Protobuf, WrongWireTypeIsAnError) {
  std::string buffer = key(1, WireType::kVarint) + varint(3);
  Reader r(buffer, "Test");
  ASSERT_TRUE(r.next());
  EXPECT_THROW(r.read_bytes(), ProtobufError);
}

TEST(Protobuf, NestingIsLimited) {
  std::string message;
  for (int depth = 0; depth < 200; ++depth) message = bytes_field(1, message);
  int depth = 0;
  try {
    std::function<void(Reader&)> walk = [&](Reader& r) {
      while (r.next()) {
        Reader inner = r.read_message("m");
        ++depth;
        walk(inner);
      }
    };
    Reader r(message, "Test");
    walk(r);
    FAIL() << "no nesting error";
  } catch (const ProtobufError& e) {
    EXPECT_NE(std::string(e.what()).find("nested more than 64 deep"), std::string::npos) << e.what();
    EXPECT_EQ(depth, Reader::kMaxDepth);
  }
}

TEST(Protobuf, ErrorsNameTheOffsetAndTheField) {
  // ModelProto.graph (7) -> GraphProto.node (1) -> NodeProto.op_type (4) with a length past the end.
  std::string node = key(4, WireType::kBytes) + varint(50) + "Conv";
  std::string model = bytes_field(7, bytes_field(1, node));
  try {
    decode_model(model);
    FAIL();
  } catch (const ProtobufError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("ModelProto.graph.node[0]"), std::string::npos) << what;
    EXPECT_NE(what.find("at byte 4"), std::string::npos) << what;
  }
}

TEST(Protobuf, DeeplyNestedSubgraphsAreRefused) {
  // A graph whose node has a graph attribute whose node has a graph attribute ...
  std::string graph;
  for (int depth = 0; depth < 100; ++depth) {
    std::string attribute = bytes_field(1, "body") + bytes_field(6, graph);
    std::string node = bytes_field(4, "If") + bytes_field(5, attribute);
    graph = bytes_field(1, node);
  }
  EXPECT_THROW(decode_model(bytes_field(7, graph)), ProtobufError);
}

TEST(Protobuf, ModelWithoutGraph) {
  EXPECT_THROW(decode_model(key(1, WireType::kVarint) + varint(8)), ProtobufError);
  EXPECT_THROW(decode_model(""), ProtobufError);
}

TEST(Protobuf, TensorContents) {
  // dims [3], data_type int64, raw_data little-endian.
  std::string raw;
  for (std::int64_t v : {2, -1, 768}) {
    for (int k = 0; k < 8; ++k) raw += static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * k)) & 0xff);
  }
  std::string tensor = bytes_field(1, varint(3)) + key(2, WireType::kVarint) + varint(kInt64) + bytes_field(9, raw);
  std::string attribute = bytes_field(1, "value") + bytes_field(5, tensor);
  std::string node = bytes_field(2, "out") + bytes_field(4, "Constant") + bytes_field(5, attribute);
  // The model refers to its bytes for tensor contents (decode_model's contract): they outlive it here.
  std::string model_bytes = bytes_field(7, bytes_field(1, node));
  Model m = decode_model(model_bytes);
  ASSERT_EQ(m.graph.nodes.size(), 1u);
  const Attribute* a = m.graph.nodes[0].attribute("value");
  ASSERT_TRUE(a && a->t);
  ASSERT_TRUE(a->t->has_values);
  TensorValues values = decode_values(*a->t);
  EXPECT_EQ(values.ints, (std::vector<std::int64_t>{2, -1, 768}));
  EXPECT_EQ(values.floats, (std::vector<double>{2, -1, 768}));
  // raw_data of the wrong size is an error when the contents are read (the decoder skips them).
  std::string bad = bytes_field(1, varint(3)) + key(2, WireType::kVarint) + varint(kInt64) + bytes_field(9, "abc");
  std::string bad_node = bytes_field(4, "Constant") + bytes_field(5, bytes_field(1, "value") + bytes_field(5, bad));
  std::string bad_model = bytes_field(7, bytes_field(1, bad_node));
  Model m2 = decode_model(bad_model);
  try {
    decode_values(*m2.graph.nodes[0].attribute("value")->t);
    ADD_FAILURE() << "no error";
  } catch (const ProtobufError& e) {
    EXPECT_NE(std::string(e.what()).find("has 3 bytes of data, expected 24"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at byte "), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nnscope::onnx
