#include "onnx/onnx_model.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "onnx/printer.h"

namespace nnscope::onnx {
namespace {

std::string indexed(const char* name, std::size_t index) {
  return std::string(name) + "[" + std::to_string(index) + "]";
}

std::string as_string(Reader& r) { return std::string(r.read_bytes()); }

std::uint64_t read_le(std::string_view bytes, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = width; i-- > 0;) v = (v << 8) | static_cast<std::uint8_t>(bytes[at + i]);
  return v;
}

std::int64_t sign_extended(std::uint64_t v, std::size_t width) {
  if (width < 8 && (v >> (width * 8 - 1)) & 1) v |= ~std::uint64_t{0} << (width * 8);
  return static_cast<std::int64_t>(v);
}

double float32_from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

double float64_from_bits(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// IEEE half precision (float16) and bfloat16 (the top half of a float32).
double float16_from_bits(std::uint32_t h) {
  int exponent = static_cast<int>((h >> 10) & 0x1f);
  double mantissa = h & 0x3ff;
  double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) return mantissa == 0 ? sign * INFINITY : NAN;
  return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

double bfloat16_from_bits(std::uint32_t b) { return float32_from_bits(b << 16); }

bool is_float_type(int t) { return t == kFloat || t == kDouble || t == kFloat16 || t == kBfloat16; }

std::int64_t saturated(double f) {
  if (std::isnan(f)) return 0;
  if (f >= 9223372036854775808.0) return INT64_MAX;
  if (f < -9223372036854775808.0) return INT64_MIN;
  return static_cast<std::int64_t>(f);
}

// Counts what the decoder builds, so a hostile file cannot make it build without bound.
class Budget {
 public:
  void take(const Reader& r, std::size_t n = 1) {
    if (n > left_) {
      r.fail("the model has more than " + std::to_string(kMaxGraphElements) +
             " nodes, tensors, attributes and dimensions");
    }
    left_ -= n;
  }

 private:
  std::size_t left_ = kMaxGraphElements;
};

struct Decoder {
  std::string_view file;
  Budget budget;

  Tensor tensor(Reader r);
  Dim dim(Reader r);
  void tensor_type(Reader r, ValueInfo& info);
  ValueInfo value_info(Reader r);
  Attribute attribute(Reader r);
  Node node(Reader r);
  Graph graph(Reader r);
};

Tensor Decoder::tensor(Reader r) {
  Tensor t;
  t.message_offset = r.offset();
  t.message = file.substr(r.offset(), r.end() - r.offset());
  bool has_data = false;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        r.read_packed_varints([&](std::int64_t v) {
          budget.take(r);
          t.dims.push_back(v);
        });
        break;
      case 2:
        t.data_type = r.read_int32();
        break;
      case 4:      // float_data
      case 5:      // int32_data (also bool, int8/16, uint8/16, float16 and bfloat16 bits)
      case 7:      // int64_data
      case 9:      // raw_data
      case 10:     // double_data
      case 11:     // uint64_data
        r.skip();  // skipped by its length; decode_values reads it when needed
        has_data = true;
        break;
      case 8:
        t.name = as_string(r);
        break;
      case 13: {  // external_data: StringStringEntryProto {key = 1, value = 2}
        Reader entry = r.read_message("external_data");
        std::string entry_key, value;
        while (entry.next()) {
          if (entry.field() == 1) {
            entry_key = as_string(entry);
          } else if (entry.field() == 2) {
            value = as_string(entry);
          } else {
            entry.skip();
          }
        }
        if (entry_key == "location") t.external_data.location = value;
        if (entry_key == "offset" || entry_key == "length") {
          char* end = nullptr;
          errno = 0;
          unsigned long long n = std::strtoull(value.c_str(), &end, 10);
          if (value.empty() || *end != '\0' || errno != 0 || value[0] == '-') {
            r.fail("tensor " + quoted_name(t.name) + " has external_data " + entry_key + " " + quoted_name(value) +
                   ", not a number");
          }
          if (entry_key == "offset") t.external_data.offset = n;
          if (entry_key == "length") t.external_data.length = n;
        }
        break;
      }
      case 14:
        t.external = r.read_int64() == 1;
        break;
      default:
        r.skip();
    }
  }
  std::uint64_t count = 1;
  for (std::int64_t d : t.dims) {
    if (d < 0) r.fail("tensor " + quoted_name(t.name) + " has a negative dimension " + std::to_string(d));
    if (d != 0 && count > (std::uint64_t{1} << 62) / static_cast<std::uint64_t>(d)) {
      r.fail("tensor " + quoted_name(t.name) + " has more than 2^62 elements");
    }
    count *= static_cast<std::uint64_t>(d);
  }
  t.has_values = (has_data || t.external) && count <= Tensor::kMaxKeptElements && element_width(t.data_type) > 0;
  return t;
}

// TensorShapeProto.Dimension
Dim Decoder::dim(Reader r) {
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

void Decoder::tensor_type(Reader r, ValueInfo& info) {
  info.has_type = true;
  while (r.next()) {
    if (r.field() == 1) {
      info.elem_type = r.read_int32();
    } else if (r.field() == 2) {
      info.has_shape = true;
      Reader shape = r.read_message("shape");
      while (shape.next()) {
        if (shape.field() == 1) {
          budget.take(shape);
          info.dims.push_back(dim(shape.read_message(indexed("dim", info.dims.size()))));
        } else {
          shape.skip();
        }
      }
    } else {
      r.skip();
    }
  }
}

ValueInfo Decoder::value_info(Reader r) {
  ValueInfo info;
  while (r.next()) {
    if (r.field() == 1) {
      info.name = as_string(r);
    } else if (r.field() == 2) {
      Reader type = r.read_message("type");
      while (type.next()) {
        if (type.field() == 1) {
          tensor_type(type.read_message("tensor_type"), info);
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

Attribute Decoder::attribute(Reader r) {
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
        a.t = tensor(r.read_message("t"));
        break;
      case 6:
        a.graphs.push_back(graph(r.read_message("g")));
        break;
      case 7:
        r.read_packed_floats([&](float v) {
          budget.take(r);
          a.floats.push_back(v);
        });
        break;
      case 8:
        r.read_packed_varints([&](std::int64_t v) {
          budget.take(r);
          a.ints.push_back(v);
        });
        break;
      case 9:
        budget.take(r);
        a.strings.push_back(as_string(r));
        break;
      case 11:
        a.graphs.push_back(graph(r.read_message(indexed("graphs", a.graphs.size()))));
        break;
      case 20: {
        std::int64_t type = r.read_int64();
        if (type < 0 || type > 14)
          r.fail("attribute " + quoted_name(a.name) + " has an unknown type " + std::to_string(type));
        a.type = static_cast<AttributeType>(type);
        break;
      }
      default:
        r.skip();
    }
  }
  return a;
}

Node Decoder::node(Reader r) {
  Node n;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        budget.take(r);
        n.inputs.push_back(as_string(r));
        break;
      case 2:
        budget.take(r);
        n.outputs.push_back(as_string(r));
        break;
      case 3:
        n.name = as_string(r);
        break;
      case 4:
        n.op_type = as_string(r);
        break;
      case 5:
        budget.take(r);
        n.attributes.push_back(attribute(r.read_message(indexed("attribute", n.attributes.size()))));
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

Graph Decoder::graph(Reader r) {
  Graph g;
  while (r.next()) {
    switch (r.field()) {
      case 1:
        budget.take(r);
        g.nodes.push_back(node(r.read_message(indexed("node", g.nodes.size()))));
        break;
      case 2:
        g.name = as_string(r);
        break;
      case 5:
        budget.take(r);
        g.initializers.push_back(tensor(r.read_message(indexed("initializer", g.initializers.size()))));
        break;
      case 11:
        budget.take(r);
        g.inputs.push_back(value_info(r.read_message(indexed("input", g.inputs.size()))));
        break;
      case 12:
        budget.take(r);
        g.outputs.push_back(value_info(r.read_message(indexed("output", g.outputs.size()))));
        break;
      case 13:
        budget.take(r);
        g.value_info.push_back(value_info(r.read_message(indexed("value_info", g.value_info.size()))));
        break;
      default:
        r.skip();
    }
  }
  return g;
}

// Appends the elements of a raw_data run.
void append_raw(const Reader& r, const Tensor& t, std::string_view raw, std::size_t count, TensorValues& out) {
  std::size_t width = element_width(t.data_type);
  if (raw.size() != count * width) {
    r.fail("tensor " + quoted_name(t.name) + " has " + std::to_string(raw.size()) + " bytes of data, expected " +
           std::to_string(count * width));
  }
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t bits = read_le(raw, i * width, width);
    switch (t.data_type) {
      case kFloat:
        out.floats.push_back(float32_from_bits(static_cast<std::uint32_t>(bits)));
        break;
      case kDouble:
        out.floats.push_back(float64_from_bits(bits));
        break;
      case kFloat16:
        out.floats.push_back(float16_from_bits(static_cast<std::uint32_t>(bits)));
        break;
      case kBfloat16:
        out.floats.push_back(bfloat16_from_bits(static_cast<std::uint32_t>(bits)));
        break;
      case kUint8:
      case kUint16:
      case kUint32:
      case kUint64:
      case kBool:
        out.ints.push_back(static_cast<std::int64_t>(bits));
        break;
      default:
        out.ints.push_back(sign_extended(bits, width));
    }
  }
}

}  // namespace

std::size_t element_width(int data_type) {
  switch (data_type) {
    case kInt64:
    case kUint64:
    case kDouble:
      return 8;
    case kInt32:
    case kUint32:
    case kFloat:
      return 4;
    case kInt16:
    case kUint16:
    case kFloat16:
    case kBfloat16:
      return 2;
    case kInt8:
    case kUint8:
    case kBool:
      return 1;
    default:
      return 0;
  }
}

TensorValues decode_values(const Tensor& t, std::string_view external_bytes) {
  std::size_t base = t.message_offset;
  std::string_view file(t.message.data() - base, base + t.message.size());
  Reader r = Reader::part(file, base, base + t.message.size(), "TensorProto " + quoted_name(t.name));
  std::size_t count = 1;
  for (std::int64_t d : t.dims) count *= static_cast<std::size_t>(d);
  if (count > Tensor::kMaxKeptElements) r.fail("tensor " + quoted_name(t.name) + " is too large to decode");
  TensorValues out;
  bool is_float = is_float_type(t.data_type);
  bool half = t.data_type == kFloat16 || t.data_type == kBfloat16;
  if (t.external) {
    append_raw(r, t, external_bytes, count, out);
  } else {
    while (r.next()) {
      switch (r.field()) {
        case 4:
          r.read_packed_floats([&](float v) {
            if (out.floats.size() >= count) r.fail("tensor " + quoted_name(t.name) + " has too many values");
            out.floats.push_back(v);
          });
          break;
        case 5:  // int32_data; for half-precision types, the bits
        case 7:
        case 11:
          r.read_packed_varints([&](std::int64_t v) {
            if (out.ints.size() + out.floats.size() >= count)
              r.fail("tensor " + quoted_name(t.name) + " has too many values");
            if (half) {
              auto bits = static_cast<std::uint32_t>(v) & 0xffff;
              out.floats.push_back(t.data_type == kFloat16 ? float16_from_bits(bits) : bfloat16_from_bits(bits));
            } else {
              out.ints.push_back(r.field() == 5 ? static_cast<std::int32_t>(v) : v);
            }
          });
          break;
        case 9:
          append_raw(r, t, r.read_bytes(), count, out);
          break;
        case 10:
          if (r.wire_type() == WireType::kBytes) {
            std::string_view run = r.read_bytes();
            if (run.size() % 8 != 0) r.fail("packed double field is not a multiple of 8 bytes");
            if (run.size() / 8 > count) r.fail("tensor " + quoted_name(t.name) + " has too many values");
            for (std::size_t i = 0; i < run.size(); i += 8) out.floats.push_back(float64_from_bits(read_le(run, i, 8)));
          } else {
            out.floats.push_back(float64_from_bits(r.read_fixed64()));
          }
          break;
        default:
          r.skip();
      }
      if (out.ints.size() > count || out.floats.size() > count)
        r.fail("tensor " + quoted_name(t.name) + " has too many values");
    }
  }
  std::size_t got = is_float ? out.floats.size() : out.ints.size();
  if (got != count || (is_float ? !out.ints.empty() : !out.floats.empty())) {
    r.fail("tensor " + quoted_name(t.name) + " has " + std::to_string(out.ints.size() + out.floats.size()) +
           " values of the wrong kind or number for its " + std::to_string(count) + " elements");
  }
  if (is_float) {
    for (double f : out.floats) out.ints.push_back(saturated(f));
  } else {
    for (std::int64_t v : out.ints) out.floats.push_back(static_cast<double>(v));
  }
  return out;
}

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
  Decoder decoder{bytes, {}};
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
        m.graph = decoder.graph(r.read_message("graph"));
        m.has_graph = true;
        break;
      case 8: {
        decoder.budget.take(r);
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
