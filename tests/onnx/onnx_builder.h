#pragma once
// A tiny writer of the protobuf wire format and of the ONNX messages the importer reads, so tests build the
// small graphs they need byte for byte (no protobuf library, no Python): field numbers are onnx.proto's.
//
//   OnnxGraph g;
//   g.input("x", kFloat, {"batch", 3, 8, 8}).weight("w", {4, 3, 3, 3});
//   g.node("Conv", {"x", "w"}, {"y"}, {ints_attr("pads", {1, 1, 1, 1})}, "/conv/Conv");
//   g.output("y");
//   std::string bytes = g.model(17);
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "onnx/onnx_model.h"

namespace nnscope::testing {

// ---- the wire format

inline std::string varint(std::uint64_t v) {
  std::string s;
  do {
    auto byte = static_cast<char>(v & 0x7f);
    v >>= 7;
    if (v) byte = static_cast<char>(byte | 0x80);
    s += byte;
  } while (v);
  return s;
}

inline std::string key(std::uint32_t field, int wire) {
  return varint((std::uint64_t{field} << 3) | static_cast<std::uint64_t>(wire));
}
inline std::string key(std::uint32_t field, onnx::WireType wire) { return key(field, static_cast<int>(wire)); }
inline std::string bytes_field(std::uint32_t field, std::string_view payload) {
  return key(field, 2) + varint(payload.size()) + std::string(payload);
}
inline std::string varint_field(std::uint32_t field, std::int64_t v) {
  return key(field, 0) + varint(static_cast<std::uint64_t>(v));
}
inline std::string float_bytes(float f) {
  char b[4];
  std::memcpy(b, &f, 4);  // little-endian hosts, as the wire format is
  return std::string(b, 4);
}
inline std::string float_field(std::uint32_t field, float f) { return key(field, 5) + float_bytes(f); }
inline std::string packed_varints(std::uint32_t field, const std::vector<std::int64_t>& values) {
  std::string run;
  for (std::int64_t v : values) run += varint(static_cast<std::uint64_t>(v));
  return bytes_field(field, run);
}

// ---- ONNX messages

// A dimension: a number (dim_value) or a name (dim_param).
struct DimSpec {
  DimSpec(std::int64_t v) : value(v) {}  // NOLINT: implicit, for {"batch", 3} lists
  DimSpec(int v) : value(v) {}           // NOLINT
  DimSpec(const char* p) : param(p) {}   // NOLINT
  std::int64_t value = 0;
  std::string param;
};

// TensorProto: dims, data type, name, and contents as int64_data (7), float_data (4) or raw_data (9).
inline std::string tensor_proto(const std::string& name, int data_type, const std::vector<std::int64_t>& dims,
                                const std::vector<std::int64_t>& ints = {}, const std::vector<float>& floats = {},
                                const std::string& raw = "") {
  std::string t;
  if (!dims.empty()) t += packed_varints(1, dims);
  t += varint_field(2, data_type);
  if (!floats.empty()) {
    std::string run;
    for (float f : floats) run += float_bytes(f);
    t += bytes_field(4, run);
  }
  if (!ints.empty()) t += packed_varints(data_type == onnx::kInt64 ? 7 : 5, ints);
  if (!name.empty()) t += bytes_field(8, name);
  if (!raw.empty()) t += bytes_field(9, raw);
  return t;
}

// A TensorProto whose data is in another file (data_location = EXTERNAL, external_data entries).
inline std::string external_tensor_proto(const std::string& name, int data_type, const std::vector<std::int64_t>& dims,
                                         const std::string& location, std::uint64_t offset = 0,
                                         std::int64_t length = -1) {
  auto entry = [](const std::string& k, const std::string& v) {
    return bytes_field(13, bytes_field(1, k) + bytes_field(2, v));
  };
  std::string t = tensor_proto(name, data_type, dims) + entry("location", location);
  if (offset != 0) t += entry("offset", std::to_string(offset));
  if (length >= 0) t += entry("length", std::to_string(length));
  return t + varint_field(14, 1);
}

// AttributeProto (name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, strings 9, type 20).
inline std::string int_attr(const std::string& name, std::int64_t v) {
  return bytes_field(1, name) + varint_field(3, v) + varint_field(20, 2);
}
inline std::string float_attr(const std::string& name, float v) {
  return bytes_field(1, name) + float_field(2, v) + varint_field(20, 1);
}
inline std::string string_attr(const std::string& name, const std::string& v) {
  return bytes_field(1, name) + bytes_field(4, v) + varint_field(20, 3);
}
inline std::string ints_attr(const std::string& name, const std::vector<std::int64_t>& v) {
  return bytes_field(1, name) + packed_varints(8, v) + varint_field(20, 7);
}
inline std::string floats_attr(const std::string& name, const std::vector<float>& v) {
  std::string run;
  for (float f : v) run += float_bytes(f);
  return bytes_field(1, name) + bytes_field(7, run) + varint_field(20, 6);
}
inline std::string strings_attr(const std::string& name, const std::vector<std::string>& v) {
  std::string a = bytes_field(1, name);
  for (const std::string& s : v) a += bytes_field(9, s);
  return a + varint_field(20, 8);
}
inline std::string tensor_attr(const std::string& name, const std::string& tensor) {
  return bytes_field(1, name) + bytes_field(5, tensor) + varint_field(20, 4);
}
// A graph-valued attribute (If's branches, Loop's body): `graph` is a GraphProto's bytes.
inline std::string graph_attr(const std::string& name, const std::string& graph) {
  return bytes_field(1, name) + bytes_field(6, graph) + varint_field(20, 5);
}

// ValueInfoProto with a tensor type; `has_shape` false leaves the rank unknown.
inline std::string value_info(const std::string& name, int elem_type, const std::vector<DimSpec>& dims,
                              bool has_shape = true) {
  std::string shape;
  for (const DimSpec& d : dims)
    shape += bytes_field(1, d.param.empty() ? varint_field(1, d.value) : bytes_field(2, d.param));
  std::string tensor_type = varint_field(1, elem_type);
  if (has_shape) tensor_type += bytes_field(2, shape);
  return bytes_field(1, name) + bytes_field(2, bytes_field(1, tensor_type));
}

// A GraphProto under construction.
class OnnxGraph {
 public:
  OnnxGraph& input(const std::string& name, int elem_type, const std::vector<DimSpec>& dims) {
    inputs_ += bytes_field(11, value_info(name, elem_type, dims));
    return *this;
  }
  OnnxGraph& output(const std::string& name) {
    outputs_ += bytes_field(12, bytes_field(1, name));
    return *this;
  }
  OnnxGraph& output(const std::string& name, int elem_type, const std::vector<DimSpec>& dims) {
    outputs_ += bytes_field(12, value_info(name, elem_type, dims));
    return *this;
  }
  OnnxGraph& value(const std::string& name, int elem_type, const std::vector<DimSpec>& dims) {
    value_infos_ += bytes_field(13, value_info(name, elem_type, dims));
    return *this;
  }
  // A float initializer known by its shape only (a learned weight).
  OnnxGraph& weight(const std::string& name, const std::vector<std::int64_t>& dims) {
    return initializer(tensor_proto(name, onnx::kFloat, dims));
  }
  OnnxGraph& int64s(const std::string& name, const std::vector<std::int64_t>& dims,
                    const std::vector<std::int64_t>& values) {
    return initializer(tensor_proto(name, onnx::kInt64, dims, values));
  }
  OnnxGraph& floats(const std::string& name, const std::vector<std::int64_t>& dims, const std::vector<float>& values) {
    return initializer(tensor_proto(name, onnx::kFloat, dims, {}, values));
  }
  OnnxGraph& initializer(const std::string& tensor) {
    initializers_ += bytes_field(5, tensor);
    return *this;
  }
  OnnxGraph& node(const std::string& op_type, const std::vector<std::string>& inputs,
                  const std::vector<std::string>& outputs, const std::vector<std::string>& attributes = {},
                  const std::string& name = "", const std::string& domain = "") {
    std::string n;
    for (const std::string& i : inputs) n += bytes_field(1, i);
    for (const std::string& o : outputs) n += bytes_field(2, o);
    if (!name.empty()) n += bytes_field(3, name);
    n += bytes_field(4, op_type);
    for (const std::string& a : attributes) n += bytes_field(5, a);
    if (!domain.empty()) n += bytes_field(7, domain);
    nodes_ += bytes_field(1, n);
    return *this;
  }
  // A Constant node holding an int64 tensor.
  OnnxGraph& constant(const std::string& output, const std::vector<std::int64_t>& dims,
                      const std::vector<std::int64_t>& values) {
    return node("Constant", {}, {output}, {tensor_attr("value", tensor_proto("", onnx::kInt64, dims, values))});
  }
  OnnxGraph& float_constant(const std::string& output, const std::vector<std::int64_t>& dims,
                            const std::vector<float>& values) {
    return node("Constant", {}, {output}, {tensor_attr("value", tensor_proto("", onnx::kFloat, dims, {}, values))});
  }

  std::string graph_bytes(const std::string& name = "g") const {
    return nodes_ + bytes_field(2, name) + initializers_ + inputs_ + outputs_ + value_infos_;
  }
  // ModelProto: ir_version 8, the producer, opset `opset` of the default domain, and the graph.
  std::string model(std::int64_t opset = 17, const std::string& producer_name = "test",
                    const std::string& producer_version = "1") const {
    return varint_field(1, 8) + bytes_field(2, producer_name) + bytes_field(3, producer_version) +
           bytes_field(7, graph_bytes()) + bytes_field(8, varint_field(2, opset));
  }

 private:
  std::string nodes_, initializers_, inputs_, outputs_, value_infos_;
};

}  // namespace nnscope::testing
