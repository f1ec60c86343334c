#include "onnx/onnx_model.h"

#include <cstring>

namespace nnscope::onnx {
namespace {

std::string indexed(const char* name, std::size_t index) {
  return std::string(name) + "[" + std::to_string(index) + "]";
}

std::string as_string(Reader& r) { return std::string(r.read_bytes()); }

std::int64_t read_le(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = width; i-- > 0;) v = (v << 8) | static_cast<std::uint8_t>(bytes[at + i]);
  if (width < 8 && (v >> (width * 8 - 1)) & 1) v |= ~std::uint64_t{0} << (width * 8);  // sign-extend
  return static_cast<std::int64_t>(v);
}

Tensor decode_tensor(Reader r) {
  Tensor t;
  std::string_view raw;
  bool has_raw = false;
  std::vector<std::int64_t> int_data;
  std::vector<double> float_data;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        r.read_packed_varints([&](std::int64_t v) { t.dims.push_back(v); });
        break;
      case 2:
        t.data_type = r.read_int32();
        break;
      case 4:
        r.read_packed_floats([&](float v) { float_data.push_back(v); });
        break;
      case 5:  // int32_data also holds bool, int8/16, uint8/16 and float16 bits
      case 7:  // int64_data
        r.read_packed_varints(
            [&](std::int64_t v) { int_data.push_back(r.field() == 5 ? static_cast<std::int32_t>(v) : v); });
        break;
      case 8:
        t.name = as_string(r);
        break;
      case 9:
        raw = r.read_bytes();
        has_raw = true;
        break;
      case 10:  // double_data
        if (r.wire_type() == WireType::kBytes) {
          std::string_view run = r.read_bytes();
          if (run.size() % 8 != 0) r.fail("packed double field is not a multiple of 8 bytes");
          for (std::size_t i = 0; i < run.size(); i += 8) {
            std::uint64_t bits = static_cast<std::uint64_t>(read_le(run, i, 8));
            double d;
            std::memcpy(&d, &bits, sizeof d);
            float_data.push_back(d);
          }
        } else {
          std::uint64_t bits = r.read_fixed64();
          double d;
          std::memcpy(&d, &bits, sizeof d);
          float_data.push_back(d);
        }
        break;
      case 14:
        t.external = r.read_int64() == 1;
        break;
      default:
        r.skip();
    }
  }
  std::uint64_t count = 1;
  for (std::int64_t d : t.dims) {
    if (d < 0) r.fail("tensor '" + t.name + "' has a negative dimension " + std::to_string(d));
    if (d != 0 && count > (std::uint64_t{1} << 62) / static_cast<std::uint64_t>(d)) {
      r.fail("tensor '" + t.name + "' has more than 2^62 elements");
    }
    count *= static_cast<std::uint64_t>(d);
  }
  if (count > Tensor::kMaxKeptElements) return t;
  bool is_float = t.data_type == kFloat || t.data_type == kDouble;
  std::size_t width = 0;
  switch (t.data_type) {
    case kInt64:
    case kUint64:
    case kDouble:
      width = 8;
      break;
    case kInt32:
    case kUint32:
    case kFloat:
      width = 4;
      break;
    case kInt16:
    case kUint16:
      width = 2;
      break;
    case kInt8:
    case kUint8:
    case kBool:
      width = 1;
      break;
    default:
      return t;  // float16, strings, ...: contents not needed
  }
  if (has_raw) {
    if (raw.size() != count * width) {
      r.fail("tensor '" + t.name + "' has " + std::to_string(raw.size()) + " bytes of raw_data, expected " +
             std::to_string(count * width));
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (t.data_type == kFloat) {
        std::uint32_t bits = static_cast<std::uint32_t>(read_le(raw, i * 4, 4));
        float f;
        std::memcpy(&f, &bits, sizeof f);
        t.floats.push_back(f);
      } else if (t.data_type == kDouble) {
        std::uint64_t bits = static_cast<std::uint64_t>(read_le(raw, i * 8, 8));
        double d;
        std::memcpy(&d, &bits, sizeof d);
        t.floats.push_back(d);
      } else {
        std::int64_t v = read_le(raw, i * width, width);
        if (t.data_type == kUint8 || t.data_type == kBool) v &= 0xff;
        if (t.data_type == kUint16) v &= 0xffff;
        if (t.data_type == kUint32) v &= 0xffffffff;
        t.ints.push_back(v);
      }
    }
    t.has_values = true;
  } else if (is_float && float_data.size() == count) {
    t.floats = std::move(float_data);
    t.has_values = true;
  } else if (!is_float && int_data.size() == count) {
    t.ints = std::move(int_data);
    t.has_values = true;
  }
  if (t.has_values && is_float && t.ints.empty()) {
    for (double f : t.floats) t.ints.push_back(f >= -9.2e18 && f <= 9.2e18 ? static_cast<std::int64_t>(f) : 0);
  }
  if (t.has_values && !is_float && t.floats.empty()) {
    for (std::int64_t v : t.ints) t.floats.push_back(static_cast<double>(v));
  }
  return t;
}

// TensorShapeProto.Dimension
Dim decode_dim(Reader r) {
  Dim d;
  while (r.next()) {
    if (r.field() == 1) {
      d.value = r.read_int64();
    } else if (r.field() == 2) {
      d.param = as_string(r);
    } else {
      r.skip();
    }
  }
  return d;
}

void decode_tensor_type(Reader r, ValueInfo& info) {
  info.has_type = true;
  while (r.next()) {
    if (r.field() == 1) {
      info.elem_type = r.read_int32();
    } else if (r.field() == 2) {
      info.has_shape = true;
      Reader shape = r.read_message("shape");
      while (shape.next()) {
        if (shape.field() == 1) {
          info.dims.push_back(decode_dim(shape.read_message(indexed("dim", info.dims.size()))));
        } else {
          shape.skip();
        }
      }
    } else {
      r.skip();
    }
  }
}

ValueInfo decode_value_info(Reader r) {
  ValueInfo info;
  while (r.next()) {
    if (r.field() == 1) {
      info.name = as_string(r);
    } else if (r.field() == 2) {
      Reader type = r.read_message("type");
      while (type.next()) {
        if (type.field() == 1) {
          decode_tensor_type(type.read_message("tensor_type"), info);
        } else {
          type.skip();  // sequences, maps, optionals: not tensors
        }
      }
    } else {
      r.skip();
    }
  }
  return info;
}

Graph decode_graph(Reader r);

Attribute decode_attribute(Reader r) {
  Attribute a;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        a.name = as_string(r);
        break;
      case 2:
        a.f = r.read_float();
        break;
      case 3:
        a.i = r.read_int64();
        break;
      case 4:
        a.s = as_string(r);
        break;
      case 5:
        a.t = decode_tensor(r.read_message("t"));
        break;
      case 6:
        decode_graph(r.read_message("g"));
        ++a.subgraphs;
        break;
      case 7:
        r.read_packed_floats([&](float v) { a.floats.push_back(v); });
        break;
      case 8:
        r.read_packed_varints([&](std::int64_t v) { a.ints.push_back(v); });
        break;
      case 9:
        a.strings.push_back(as_string(r));
        break;
      case 11:
        decode_graph(r.read_message(indexed("graphs", a.subgraphs)));
        ++a.subgraphs;
        break;
      case 20: {
        std::int64_t type = r.read_int64();
        if (type < 0 || type > 14) r.fail("attribute '" + a.name + "' has an unknown type " + std::to_string(type));
        a.type = static_cast<AttributeType>(type);
        break;
      }
      default:
        r.skip();
    }
  }
  return a;
}

Node decode_node(Reader r) {
  Node n;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        n.inputs.push_back(as_string(r));
        break;
      case 2:
        n.outputs.push_back(as_string(r));
        break;
      case 3:
        n.name = as_string(r);
        break;
      case 4:
        n.op_type = as_string(r);
        break;
      case 5:
        n.attributes.push_back(decode_attribute(r.read_message(indexed("attribute", n.attributes.size()))));
        break;
      case 7:
        n.domain = as_string(r);
        break;
      default:
        r.skip();
    }
  }
  return n;
}

Graph decode_graph(Reader r) {
  Graph g;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        g.nodes.push_back(decode_node(r.read_message(indexed("node", g.nodes.size()))));
        break;
      case 2:
        g.name = as_string(r);
        break;
      case 5:
        g.initializers.push_back(decode_tensor(r.read_message(indexed("initializer", g.initializers.size()))));
        break;
      case 11:
        g.inputs.push_back(decode_value_info(r.read_message(indexed("input", g.inputs.size()))));
        break;
      case 12:
        g.outputs.push_back(decode_value_info(r.read_message(indexed("output", g.outputs.size()))));
        break;
      case 13:
        g.value_info.push_back(decode_value_info(r.read_message(indexed("value_info", g.value_info.size()))));
        break;
      default:
        r.skip();
    }
  }
  return g;
}

}  // namespace

const Attribute* Node::attribute(const std::string& attribute_name) const {
  for (const Attribute& a : attributes) {
    if (a.name == attribute_name) return &a;
  }
  return nullptr;
}

std::int64_t Node::int_attr(const std::string& attribute_name, std::int64_t fallback) const {
  const Attribute* a = attribute(attribute_name);
  return a ? a->i : fallback;
}

double Node::float_attr(const std::string& attribute_name, double fallback) const {
  const Attribute* a = attribute(attribute_name);
  return a ? a->f : fallback;
}

std::string Node::string_attr(const std::string& attribute_name, const std::string& fallback) const {
  const Attribute* a = attribute(attribute_name);
  return a ? a->s : fallback;
}

std::optional<std::vector<std::int64_t>> Node::ints_attr(const std::string& attribute_name) const {
  const Attribute* a = attribute(attribute_name);
  if (!a) return std::nullopt;
  return a->ints;
}

std::int64_t Model::opset() const {
  for (const OpsetId& o : opsets) {
    if (o.domain.empty() || o.domain == "ai.onnx") return o.version;
  }
  return 0;
}

Model decode_model(std::string_view bytes) {
  Reader r(bytes, "ModelProto");
  Model m;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        m.ir_version = r.read_int64();
        break;
      case 2:
        m.producer_name = as_string(r);
        break;
      case 3:
        m.producer_version = as_string(r);
        break;
      case 7:
        m.graph = decode_graph(r.read_message("graph"));
        m.has_graph = true;
        break;
      case 8: {
        Reader o = r.read_message(indexed("opset_import", m.opsets.size()));
        OpsetId id;
        while (o.next()) {
          if (o.field() == 1) {
            id.domain = std::string(o.read_bytes());
          } else if (o.field() == 2) {
            id.version = o.read_int64();
          } else {
            o.skip();
          }
        }
        m.opsets.push_back(id);
        break;
      }
      default:
        r.skip();
    }
  }
  if (!m.has_graph) throw ProtobufError("not an ONNX model: the ModelProto has no graph (field 7)", 0);
  return m;
}

}  // namespace nnscope::onnx
