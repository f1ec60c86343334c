#pragma once
// The part of the ONNX schema (onnx/onnx.proto) nnscope needs, decoded from the wire format into plain
// structs: the graph's nodes, attributes (subgraphs included), initializer and value shapes. Tensor contents
// are skipped by their length and decoded on demand (decode_values): memory follows the graph, not the
// weights.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// Where a tensor's data lives outside the model file (data_location = EXTERNAL): the external_data entries.
struct ExternalData {
  std::string location;  // a path relative to the model file's directory
  std::uint64_t offset = 0;
  std::optional<std::uint64_t> length;
};

// A TensorProto without its contents: the contents stay in the file, undecoded, until decode_values reads
// them (the importer does for the few small constants that feed shape computation). So weights cost the
// size of their shape, whatever their size in the file, and external data files are never opened for them.
struct Tensor {
  static constexpr std::size_t kMaxKeptElements = 4096;

  std::string name;
  int data_type = 0;
  std::vector<std::int64_t> dims;
  bool external = false;  // data_location = EXTERNAL
  ExternalData external_data;
  // Whether decode_values can give the contents: a numeric type, at most kMaxKeptElements elements, and data
  // (in the file, or external).
  bool has_values = false;
  // The TensorProto's bytes in the buffer the model was decoded from, and their offset there (for errors).
  std::string_view message;
  std::size_t message_offset = 0;
};

// The contents of a tensor, integers as int64 and floats as double (each type also viewed as the other:
// floats truncated and saturated as integers, NaN as 0).
struct TensorValues {
  std::vector<std::int64_t> ints;
  std::vector<double> floats;
};

// The contents of `t` (has_values must hold). `external_bytes` are the tensor's bytes from its external data
// file when `t.external`. Throws ProtobufError when the data does not match the tensor's shape and type.
TensorValues decode_values(const Tensor& t, std::string_view external_bytes = {});
// Bytes of one element of `data_type` in raw_data, 0 for types whose contents are never decoded (strings).
std::size_t element_width(int data_type);

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
  std::vector<Graph> graphs;  // g (If's branches, Loop's body) and graphs
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

// Nodes, node inputs and outputs, attributes and their list elements, tensors, dimensions and value infos of a
// model, all graphs together. Real exports have at most a few hundred thousand; the bound keeps a hostile file
// of millions of empty messages (two bytes each, ~100 bytes decoded) within memory.
inline constexpr std::size_t kMaxGraphElements = 4'000'000;

// Decodes a serialized ModelProto. Throws ProtobufError ("at byte N in ModelProto.graph.node[3]...: ...") on
// malformed input: truncation, bad lengths, wrong wire types, nesting deeper than the limit, a missing graph,
// more than kMaxGraphElements elements. The Model refers to `bytes` for tensor contents (Tensor::message):
// keep them alive while the Model is used.
Model decode_model(std::string_view bytes);

}  // namespace nnscope::onnx
