#pragma once
// The part of the ONNX schema (onnx/onnx.proto) nnscope needs, decoded from the wire format into plain
// structs: the graph's nodes, attributes, initializer and value shapes, and the contents of small integer
// and floating-point tensors (Constant values, shape arguments). Weight contents are never kept.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "onnx/protobuf.h"

namespace nnscope::onnx {

// TensorProto.DataType
enum DataType : int {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kBfloat16 = 16,
};

struct Dim {
  std::optional<std::int64_t> value;  // dim_value
  std::string param;                  // dim_param (symbolic), when value is absent
};

struct ValueInfo {
  std::string name;
  bool has_type = false;  // a tensor type was given
  int elem_type = 0;
  bool has_shape = false;  // a shape was given (else the rank is unknown)
  std::vector<Dim> dims;
};

struct Tensor {
  std::string name;
  int data_type = 0;
  std::vector<std::int64_t> dims;
  bool external = false;  // data_location = EXTERNAL (the data may be absent)
  // Contents, only for tensors of at most kMaxKeptElements elements: integers as int64, floats as double.
  bool has_values = false;
  std::vector<std::int64_t> ints;
  std::vector<double> floats;
  static constexpr std::size_t kMaxKeptElements = 4096;
};

struct Graph;

enum class AttributeType : int {
  kUndefined = 0,
  kFloat = 1,
  kInt = 2,
  kString = 3,
  kTensor = 4,
  kGraph = 5,
  kFloats = 6,
  kInts = 7,
  kStrings = 8,
  kTensors = 9,
  kGraphs = 10,
  kSparseTensor = 11,
  kSparseTensors = 12,
  kTypeProto = 13,
  kTypeProtos = 14,
};

struct Attribute {
  std::string name;
  AttributeType type = AttributeType::kUndefined;
  double f = 0;
  std::int64_t i = 0;
  std::string s;
  std::optional<Tensor> t;
  std::vector<double> floats;
  std::vector<std::int64_t> ints;
  std::vector<std::string> strings;
  std::size_t subgraphs = 0;  // graphs (If/Loop bodies) are decoded and checked, then only counted
};

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;
  std::vector<std::string> inputs;  // "" = an omitted optional input
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;

  const Attribute* attribute(const std::string& attribute_name) const;
  std::int64_t int_attr(const std::string& attribute_name, std::int64_t fallback) const;
  double float_attr(const std::string& attribute_name, double fallback) const;
  std::string string_attr(const std::string& attribute_name, const std::string& fallback) const;
  std::optional<std::vector<std::int64_t>> ints_attr(const std::string& attribute_name) const;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;
  std::vector<Tensor> initializers;
  std::vector<ValueInfo> inputs;
  std::vector<ValueInfo> outputs;
  std::vector<ValueInfo> value_info;
};

struct OpsetId {
  std::string domain;
  std::int64_t version = 0;
};

struct Model {
  std::int64_t ir_version = 0;
  std::string producer_name;
  std::string producer_version;
  std::vector<OpsetId> opsets;
  Graph graph;
  bool has_graph = false;
  // The opset of the default domain ("" or "ai.onnx"); 0 when not declared.
  std::int64_t opset() const;
};

// Decodes a serialized ModelProto. Throws ProtobufError ("at byte N in ModelProto.graph.node[3]...: ...") on
// malformed input: truncation, bad lengths, wrong wire types, nesting deeper than the limit, a missing graph.
Model decode_model(std::string_view bytes);

}  // namespace nnscope::onnx
