#include "onnx/importer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "interp/builtins.h"
#include "ops/registry.h"

namespace nnscope::onnx {
namespace {

// A pattern the importer has no rule for: the node becomes a not-costed `unsupported(...)` op.
struct Unsupported {
  std::string reason;
};

constexpr std::size_t kMaxConstElements = 4096;
constexpr std::size_t kMaxExprChars = 400;

// One element of a shape-computing value: its .nn integer expression and, where known, its value.
struct IntElem {
  std::string expr;
  std::optional<std::int64_t> v;
  bool positive = false;  // a dimension (so never equal to a constant <= 0)
};

IntElem lit(std::int64_t v) { return {std::to_string(v), v, v > 0}; }

enum class Kind { kMissing, kTensor, kWeight, kConst, kFilled };

struct Value {
  Kind kind = Kind::kMissing;
  // kTensor
  std::string var;
  int rank = -1;
  // kWeight: a learned tensor of known shape (an initializer, or a weight given as a graph input)
  std::vector<std::int64_t> dims;
  std::string weight_name;
  std::string param_var;  // set once the weight is used as a plain tensor (param([...]))
  // kConst: a small constant or shape-computing tensor, elements flattened in row-major order
  std::vector<IntElem> ints;
  std::vector<double> floats;
  bool is_float = false;
  std::vector<std::int64_t> cdims;
  // kFilled: ConstantOfShape with a symbolic shape
  std::vector<IntElem> fill_shape;
  double fill = 0;
};

std::string number_text(double v) {
  if (std::isnan(v)) return "0.0";
  if (std::isinf(v)) return v > 0 ? "1e300" : "-1e300";
  // The shortest text that reads back as the same float (ONNX attributes are float32): 1e-05, not 9.99999975e-06.
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    double back = std::strtod(buffer, nullptr);
    if (back == v || static_cast<float>(back) == static_cast<float>(v)) break;
  }
  std::string s = buffer;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  if (s.find('e') != std::string::npos && s.find('.') == std::string::npos) {
    // "1e-05" is valid; a digit before the exponent is all the grammar needs
  }
  return s;
}

std::string list_text(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s + "]";
}

std::string ints_text(const std::vector<std::int64_t>& values) {
  std::vector<std::string> items;
  for (std::int64_t v : values) items.push_back(std::to_string(v));
  return list_text(items);
}

std::string elems_text(const std::vector<IntElem>& values) {
  std::vector<std::string> items;
  for (const IntElem& e : values) items.push_back(e.expr);
  return list_text(items);
}

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One label part: letters, digits, '_' and '-'.
std::string label_part(const std::string& part) {
  std::string s;
  for (char c : part) s += is_ident_char(c) || c == '-' ? c : '_';
  return s;
}

// "a.b..c" -> "a.b.c" with every part sanitised.
std::string dotted_label(const std::string& name) {
  std::string out;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::string part = label_part(name.substr(start, dot - start));
    if (!part.empty()) out += (out.empty() ? "" : ".") + part;
    start = dot + 1;
  }
  return out;
}

bool is_keyword(const std::string& s) {
  static const std::set<std::string> kKeywords = {"model",  "block", "input", "import", "for",    "in",
                                                  "repeat", "if",    "else",  "assert", "return", "and",
                                                  "or",     "not",   "true",  "false",  "const",  "scope"};
  return kKeywords.count(s) > 0;
}

struct Stmt {
  std::string lhs;
  std::string rhs;
  std::vector<std::string> scope;  // module scope from the node name ("/layer1/layer1.0/conv1/Conv")
  std::string op_type;
  std::string own;          // an explicit last label part (weights), or ""
  std::string plain_label;  // a label for nodes whose names are not scoped
  std::string label;
};

class Importer {
 public:
  Importer(const Model& model, std::string source_name)
      : model_(model), g_(model.graph), source_(std::move(source_name)) {}

  std::string run(const std::string& model_name) {
    name_ = sanitize_identifier(model_name.empty() ? "imported" : model_name);
    check_topology();
    declare_inputs();
    for (const Node& n : g_.nodes) {
      for (const std::string& in : n.inputs) {
        if (!in.empty()) consumers_[in].push_back(static_cast<std::size_t>(&n - g_.nodes.data()));
      }
    }
    for (const ValueInfo& v : g_.outputs) graph_outputs_.insert(v.name);
    for (const ValueInfo& v : g_.value_info) infos_[v.name] = &v;
    for (const ValueInfo& v : g_.outputs) infos_[v.name] = &v;
    for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
      if (skipped_.count(i)) continue;
      index_ = i;
      node_ = &g_.nodes[i];
      try {
        translate();
      } catch (const Unsupported& u) {
        emit_unsupported(u.reason);
      }
    }
    return render();
  }

 private:
  // ---- names

  std::string sanitize_identifier(const std::string& raw) {
    std::string s;
    for (char c : raw) s += is_ident_char(c) ? c : '_';
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "t" + s;
    return s;
  }

  bool reserved(const std::string& s) {
    return is_keyword(s) || ops::Registry::instance().find(s) || interp::is_builtin(s) || s == name_;
  }

  std::string fresh(const std::string& base_raw) {
    std::string base = base_raw;
    if (base.size() > 1 && base[0] == '/') base = base.substr(1);
    for (const char* suffix : {"_output_0"}) {
      std::string sfx = suffix;
      if (base.size() > sfx.size() && base.ends_with(sfx)) base.resize(base.size() - sfx.size());
    }
    base = sanitize_identifier(base);
    if (base.size() > 80) base = base.substr(base.size() - 80);
    if (std::isdigit(static_cast<unsigned char>(base[0]))) base = "t" + base;
    std::string name = base;
    for (int k = 1; reserved(name) || used_.count(name); ++k) name = base + "_" + std::to_string(k);
    used_.insert(name);
    return name;
  }

  // ---- the graph's inputs

  void check_topology() {
    std::set<std::string> defined;
    for (const Tensor& t : g_.initializers) defined.insert(t.name);
    for (const ValueInfo& v : g_.inputs) defined.insert(v.name);
    for (const Node& n : g_.nodes) {
      for (const std::string& in : n.inputs) {
        if (!in.empty() && !defined.count(in)) {
          std::string which = n.name.empty() ? std::to_string(&n - g_.nodes.data()) : "'" + n.name + "'";
          throw ImportError("node " + which + " (" + n.op_type + ") reads '" + in +
                            "', which no earlier node, graph input or initializer defines");
        }
      }
      for (const std::string& out : n.outputs) defined.insert(out);
    }
    for (const ValueInfo& v : g_.outputs) {
      if (!defined.count(v.name)) throw ImportError("graph output '" + v.name + "' is not produced by any node");
    }
  }

  static bool is_int_type(int t) {
    return t == kInt64 || t == kInt32 || t == kInt16 || t == kInt8 || t == kUint8 || t == kUint16 || t == kUint32 ||
           t == kUint64 || t == kBool;
  }

  static std::string dtype_text(int t) {
    switch (t) {
      case kFloat16:
        return "f16";
      case kBfloat16:
        return "bf16";
      case kInt64:
      case kUint64:
        return "i64";
      case kInt32:
      case kUint32:
        return "i32";
      case kInt8:
      case kUint8:
        return "i8";
      case kBool:
        return "bool";
      default:
        return "f32";
    }
  }

  std::string param_for(const std::string& dim_param) {
    auto it = params_.find(dim_param);
    if (it != params_.end()) return it->second;
    std::string name = sanitize_identifier(dim_param);
    std::string base = name;
    for (int k = 1; reserved(name) || used_.count(name); ++k) name = base + "_" + std::to_string(k);
    used_.insert(name);
    params_[dim_param] = name;
    param_order_.push_back(name);
    return name;
  }

  void declare_inputs() {
    std::set<std::string> initializer_names;
    for (const Tensor& t : g_.initializers) {
      initializer_names.insert(t.name);
      Value v;
      std::size_t count = 1;
      for (std::int64_t d : t.dims) count *= static_cast<std::size_t>(std::max<std::int64_t>(d, 0));
      bool small_const = t.has_values && (is_int_type(t.data_type) || count <= 1);
      if (small_const) {
        v = const_from_tensor(t);
      } else {
        v.kind = Kind::kWeight;
        v.dims = t.dims;
        v.weight_name = t.name;
      }
      values_[t.name] = std::move(v);
    }
    // Which graph inputs are weights: initializers; else (export_params=False, where weights are graph inputs
    // with fixed shapes after the model's own inputs) a floating-point input of fixed shape that comes after
    // the last input with a symbolic dimension (or after the first input when no input has one).
    int last_dynamic = -1;
    for (std::size_t i = 0; i < g_.inputs.size(); ++i) {
      const ValueInfo& in = g_.inputs[i];
      if (initializer_names.count(in.name)) continue;
      bool dynamic = !in.has_shape;
      for (const Dim& d : in.dims) dynamic |= !d.value.has_value();
      if (dynamic) last_dynamic = static_cast<int>(i);
    }
    if (last_dynamic < 0) last_dynamic = 0;
    for (std::size_t i = 0; i < g_.inputs.size(); ++i) {
      const ValueInfo& in = g_.inputs[i];
      if (initializer_names.count(in.name)) continue;
      bool fixed = in.has_shape;
      for (const Dim& d : in.dims) fixed &= d.value.has_value() && *d.value >= 0;
      if (fixed && static_cast<int>(i) > last_dynamic && !is_int_type(in.elem_type) && initializer_names.empty()) {
        Value v;
        v.kind = Kind::kWeight;
        for (const Dim& d : in.dims) v.dims.push_back(*d.value);
        v.weight_name = in.name;
        values_[in.name] = std::move(v);
        continue;
      }
      if (!in.has_type) throw ImportError("graph input '" + in.name + "' is not a tensor");
      if (!in.has_shape) throw ImportError("graph input '" + in.name + "' has no shape");
      std::vector<std::string> dims;
      for (std::size_t k = 0; k < in.dims.size(); ++k) {
        const Dim& d = in.dims[k];
        if (d.value && *d.value >= 1) {
          dims.push_back(std::to_string(*d.value));
        } else if (d.value) {
          throw ImportError("graph input '" + in.name + "' has dimension " + std::to_string(*d.value) +
                            " (sizes must be at least 1)");
        } else {
          dims.push_back(param_for(d.param.empty() ? in.name + "_dim" + std::to_string(k) : d.param));
        }
      }
      Value v;
      v.kind = Kind::kTensor;
      v.var = fresh(in.name);
      v.rank = static_cast<int>(dims.size());
      input_lines_.push_back("input " + v.var + ": " + dtype_text(in.elem_type) + list_text(dims));
      values_[in.name] = std::move(v);
    }
  }

  static Value const_from_tensor(const Tensor& t) {
    Value v;
    v.kind = Kind::kConst;
    v.cdims = t.dims;
    v.is_float = t.data_type == kFloat || t.data_type == kDouble || t.data_type == kFloat16 || t.data_type == kBfloat16;
    for (std::int64_t x : t.ints) v.ints.push_back(lit(x));
    v.floats = t.floats;
    return v;
  }

  // ---- access to a node's inputs

  const Value& in(std::size_t i) {
    static const Value kMissing;
    if (i >= node_->inputs.size() || node_->inputs[i].empty()) return kMissing;
    auto it = values_.find(node_->inputs[i]);
    return it == values_.end() ? kMissing : it->second;
  }
  bool has(std::size_t i) { return in(i).kind != Kind::kMissing; }
  Value& mutable_in(std::size_t i) { return values_[node_->inputs[i]]; }

  void set_out(std::size_t k, Value v) {
    if (k < node_->outputs.size() && !node_->outputs[k].empty()) values_[node_->outputs[k]] = std::move(v);
  }

  std::string stmt_label_scope(Stmt& s) {
    const std::string& name = node_->name;
    if (name.find('/') != std::string::npos) {
      std::vector<std::string> parts;
      std::size_t start = 0;
      while (start <= name.size()) {
        std::size_t slash = name.find('/', start);
        if (slash == std::string::npos) slash = name.size();
        if (slash > start) parts.push_back(name.substr(start, slash - start));
        start = slash + 1;
      }
      if (!parts.empty()) parts.pop_back();  // the node's own name ("Conv", "Relu_1")
      for (const std::string& p : parts) {
        if (!s.scope.empty() && p.starts_with(s.scope.back() + ".")) s.scope.pop_back();
        s.scope.push_back(p);
      }
    } else if (!name.empty()) {
      s.plain_label = name;
    }
    return "";
  }

  // Emits `lhs = LABEL: rhs` for the node's outputs `outs` (nullopt: a fresh temporary).
  std::vector<std::string> emit(const std::string& rhs, std::size_t outputs = 1, const std::string& own = "") {
    Stmt s;
    std::vector<std::string> vars;
    for (std::size_t k = 0; k < outputs; ++k) {
      std::string onnx_name =
          k < node_->outputs.size() && !node_->outputs[k].empty() ? node_->outputs[k] : node_->op_type + "_out";
      vars.push_back(fresh(onnx_name));
    }
    for (std::size_t k = 0; k < vars.size(); ++k) s.lhs += (k ? ", " : "") + vars[k];
    s.rhs = rhs;
    s.op_type = node_->op_type;
    s.own = own;
    stmt_label_scope(s);
    stmts_.push_back(std::move(s));
    return vars;
  }

  // A temporary statement (an intermediate of a node that needs several ops).
  std::string emit_temp(const std::string& rhs, const std::string& base) {
    Stmt s;
    s.lhs = fresh(base);
    s.rhs = rhs;
    s.op_type = node_->op_type;
    stmt_label_scope(s);
    stmts_.push_back(s);
    return s.lhs;
  }

  Value tensor_value(const std::string& var, int rank) {
    Value v;
    v.kind = Kind::kTensor;
    v.var = var;
    v.rank = rank;
    return v;
  }

  // The expression of input i as a tensor; weights and constants are materialised.
  std::string tensor(std::size_t i) {
    const Value& v = in(i);
    switch (v.kind) {
      case Kind::kTensor:
        return v.var;
      case Kind::kWeight: {
        if (!v.param_var.empty()) return v.param_var;
        Value& w = mutable_in(i);
        std::string name = w.weight_name.empty() ? node_->inputs[i] : w.weight_name;
        Stmt s;
        s.lhs = fresh(name);
        std::vector<std::int64_t> dims = w.dims;
        if (dims.empty()) dims.push_back(1);
        for (std::int64_t& d : dims) d = std::max<std::int64_t>(d, 1);
        s.rhs = "param(" + ints_text(dims) + ")";
        s.op_type = "param";
        std::string last = name.substr(name.rfind('.') == std::string::npos ? 0 : name.rfind('.') + 1);
        s.own = label_part(last);
        stmt_label_scope(s);
        stmts_.push_back(s);
        w.param_var = s.lhs;
        return s.lhs;
      }
      case Kind::kConst: {
        std::vector<std::int64_t> dims = v.cdims;
        if (dims.empty()) dims.push_back(1);
        return emit_temp("constant(" + ints_text(dims) + ")", node_->inputs[i]);
      }
      case Kind::kFilled:
        return emit_temp("constant(" + elems_text(v.fill_shape) + ")", node_->inputs[i]);
      case Kind::kMissing:
        break;
    }
    throw Unsupported{"input " + std::to_string(i) + " is not available"};
  }

  int rank_of(std::size_t i) {
    const Value& v = in(i);
    switch (v.kind) {
      case Kind::kTensor:
        return v.rank;
      case Kind::kWeight:
        return static_cast<int>(v.dims.size());
      case Kind::kConst:
        return static_cast<int>(v.cdims.size());
      case Kind::kFilled:
        return static_cast<int>(v.fill_shape.size());
      default:
        return -1;
    }
  }

  int need_rank(std::size_t i) {
    int r = rank_of(i);
    if (r < 0) throw Unsupported{"the rank of input " + std::to_string(i) + " is unknown"};
    return r;
  }

  // A constant input's elements, all known.
  std::optional<std::vector<std::int64_t>> const_ints(std::size_t i) {
    const Value& v = in(i);
    if (v.kind != Kind::kConst) return std::nullopt;
    std::vector<std::int64_t> out;
    for (const IntElem& e : v.ints) {
      if (!e.v) return std::nullopt;
      out.push_back(*e.v);
    }
    return out;
  }

  std::optional<double> scalar(std::size_t i) {
    const Value& v = in(i);
    if (v.kind != Kind::kConst) return std::nullopt;
    if (v.is_float && v.floats.size() == 1) return v.floats[0];
    if (!v.is_float && v.ints.size() == 1 && v.ints[0].v) return static_cast<double>(*v.ints[0].v);
    return std::nullopt;
  }

  std::vector<std::int64_t> axes_arg(std::size_t input_index) {
    if (auto a = node_->ints_attr("axes")) return *a;
    if (has(input_index)) {
      auto c = const_ints(input_index);
      if (!c) throw Unsupported{"axes are not constant"};
      return *c;
    }
    return {};
  }

  static std::int64_t norm_axis(std::int64_t axis, int rank) {
    if (axis < 0) axis += rank;
    if (axis < 0 || (rank >= 0 && axis > rank)) throw Unsupported{"axis out of range"};
    return axis;
  }

  // ---- integer (shape) arithmetic

  static IntElem wrap(std::string expr, bool positive = false) {
    if (expr.size() > kMaxExprChars) throw Unsupported{"shape expression too long"};
    return {std::move(expr), std::nullopt, positive};
  }

  static IntElem int_binary(const std::string& op, const IntElem& a, const IntElem& b) {
    if (a.v && b.v) {
      std::int64_t x = *a.v, y = *b.v, r = 0;
      bool ok = true;
      if (op == "Add") ok = !__builtin_add_overflow(x, y, &r);
      if (op == "Sub") ok = !__builtin_sub_overflow(x, y, &r);
      if (op == "Mul") ok = !__builtin_mul_overflow(x, y, &r);
      if (op == "Div") {
        ok = y != 0 && !(x == INT64_MIN && y == -1);
        if (ok) r = x / y;
      }
      if (op == "Mod") {
        ok = y != 0 && !(x == INT64_MIN && y == -1);
        if (ok) r = ((x % y) + y) % y;
      }
      if (ok) return lit(r);
    }
    if (op == "Mul" && a.v == 1) return b;
    if (op == "Mul" && b.v == 1) return a;
    if ((op == "Add" || op == "Sub") && b.v == 0) return a;
    if (op == "Add" && a.v == 0) return b;
    if (op == "Div" && b.v == 1) return a;
    bool positive = a.positive && b.positive && (op == "Mul" || op == "Add");
    if (op == "Add") return wrap("(" + a.expr + " + " + b.expr + ")", positive);
    if (op == "Sub") return wrap("(" + a.expr + " - " + b.expr + ")");
    if (op == "Mul") return wrap("(" + a.expr + " * " + b.expr + ")", positive);
    if (op == "Div") return wrap("(" + a.expr + " // " + b.expr + ")", a.positive && b.v && *b.v > 0);
    if (op == "Mod") return wrap("(" + a.expr + " % " + b.expr + ")");
    throw Unsupported{"integer " + op};
  }

  // Element-wise on two constants with broadcasting of one-element operands.
  template <typename F>
  Value const_binary(const Value& a, const Value& b, F f) {
    std::size_t n = std::max(a.ints.size(), b.ints.size());
    if ((a.ints.size() != n && a.ints.size() != 1) || (b.ints.size() != n && b.ints.size() != 1)) {
      throw Unsupported{"constant shapes do not broadcast"};
    }
    Value out;
    out.kind = Kind::kConst;
    out.cdims = a.cdims.size() >= b.cdims.size() ? a.cdims : b.cdims;
    for (std::size_t k = 0; k < n; ++k) {
      out.ints.push_back(f(a.ints[a.ints.size() == 1 ? 0 : k], b.ints[b.ints.size() == 1 ? 0 : k]));
    }
    return out;
  }

  bool is_shape_value(std::size_t i) {
    const Value& v = in(i);
    return v.kind == Kind::kConst && !v.is_float;
  }

  // ---- translation

  void translate() {
    const std::string& op = node_->op_type;
    if (!node_->domain.empty() && node_->domain != "ai.onnx" && node_->domain != "com.microsoft") {
      throw Unsupported{"domain " + node_->domain};
    }
    if (op == "Constant") return constant();
    if (op == "Identity" || op == "Cast" || op == "CastLike") return pass_through();
    if (op == "Dropout") return dropout();
    if (op == "Shape") return shape();
    if (op == "Size") return size();
    if (op == "Gather") return gather();
    if (op == "Unsqueeze") return unsqueeze();
    if (op == "Squeeze") return squeeze();
    if (op == "Concat") return concat();
    if (op == "Reshape") return reshape();
    if (op == "Transpose") return transpose();
    if (op == "Flatten") return flatten();
    if (op == "Slice") return slice();
    if (op == "Split") return split();
    if (op == "Expand") return expand();
    if (op == "ConstantOfShape") return constant_of_shape();
    if (op == "Range") return range();
    if (op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" || op == "GreaterOrEqual" ||
        op == "And" || op == "Or" || op == "Xor" || op == "Not")
      return comparison();
    if (op == "Where") return where();
    if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Mod") return arithmetic();
    if (op == "Pow") return power();
    if (op == "Max" || op == "Min") return min_max();
    if (op == "Conv") return conv(false);
    if (op == "ConvTranspose") return conv(true);
    if (op == "Gemm") return gemm();
    if (op == "MatMul") return matmul();
    if (op == "BatchNormalization") return batchnorm();
    if (op == "LayerNormalization") return layernorm();
    if (op == "InstanceNormalization")
      return unary_op("instancenorm(" + tensor(0) + ", eps = " + number_text(node_->float_attr("epsilon", 1e-5)) + ")");
    if (op == "Softmax" || op == "LogSoftmax") return softmax();
    if (op == "MaxPool" || op == "AveragePool") return pool();
    if (op == "GlobalAveragePool") return unary_op("global_avgpool(" + tensor(0) + ")");
    if (op == "GlobalMaxPool") return unary_op("global_maxpool(" + tensor(0) + ")");
    if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax" || op == "ReduceMin") return reduce();
    if (op == "Clip") return clip();
    if (op == "LeakyRelu") {
      return unary_op("leaky_relu(" + tensor(0) +
                      ", negative_slope = " + number_text(node_->float_attr("alpha", 0.01)) + ")");
    }
    if (op == "Elu")
      return unary_op("elu(" + tensor(0) + ", alpha = " + number_text(node_->float_attr("alpha", 1.0)) + ")");
    if (op == "Gelu") {
      bool tanh = node_->string_attr("approximate", "none") == "tanh";
      return unary_op("gelu(" + tensor(0) + (tanh ? ", approximate = \"tanh\"" : "") + ")");
    }
    if (op == "PRelu") {
      const Value& slope = in(1);
      std::int64_t n = 1;
      if (slope.kind == Kind::kWeight) {
        for (std::int64_t d : slope.dims) n *= std::max<std::int64_t>(d, 1);
      }
      return unary_op("prelu(" + tensor(0) + ", num_parameters = " + std::to_string(n) + ")");
    }
    static const std::map<std::string, std::string> kUnary = {{"Relu", "relu"},
                                                              {"Sigmoid", "sigmoid"},
                                                              {"Tanh", "tanh"},
                                                              {"Erf", "erf"},
                                                              {"Exp", "exp"},
                                                              {"Log", "log"},
                                                              {"Sqrt", "sqrt"},
                                                              {"Neg", "neg"},
                                                              {"Abs", "abs"},
                                                              {"HardSwish", "hardswish"},
                                                              {"HardSigmoid", "hardsigmoid"},
                                                              {"Softplus", "softplus"},
                                                              {"Mish", "mish"},
                                                              {"Selu", "elu"}};
    auto it = kUnary.find(op);
    if (it != kUnary.end()) return unary_op(it->second + "(" + tensor(0) + ")");
    if (op == "Reciprocal") return unary_op("pow(" + tensor(0) + ", -1.0)");
    if (op == "LSTM" || op == "GRU" || op == "RNN") return recurrent();
    if (op == "Resize" || op == "Upsample") return resize();
    if (op == "Pad") return pad();
    throw Unsupported{"no rule"};
  }

  void unary_op(const std::string& rhs) {
    int r = rank_of(0);
    set_out(0, tensor_value(emit(rhs)[0], r));
  }

  void constant() {
    const Attribute* a = nullptr;
    for (const Attribute& attr : node_->attributes) a = &attr;
    if (!a) throw Unsupported{"Constant without a value"};
    Value v;
    v.kind = Kind::kConst;
    if (a->name == "value" && a->t) {
      if (!a->t->has_values) {
        std::size_t count = 1;
        for (std::int64_t d : a->t->dims) count *= static_cast<std::size_t>(std::max<std::int64_t>(d, 0));
        if (count <= kMaxConstElements) throw Unsupported{"constant tensor of an unsupported type"};
        v = Value{};
        v.kind = Kind::kConst;  // a large constant: only its shape matters
        v.cdims = a->t->dims;
        v.is_float = true;
        set_out(0, v);
        return;
      }
      v = const_from_tensor(*a->t);
    } else if (a->name == "value_float") {
      v.is_float = true;
      v.floats = {a->f};
      v.ints = {lit(static_cast<std::int64_t>(a->f))};
    } else if (a->name == "value_int") {
      v.ints = {lit(a->i)};
      v.floats = {static_cast<double>(a->i)};
    } else if (a->name == "value_ints") {
      for (std::int64_t x : a->ints) v.ints.push_back(lit(x)), v.floats.push_back(static_cast<double>(x));
      v.cdims = {static_cast<std::int64_t>(a->ints.size())};
    } else if (a->name == "value_floats") {
      v.is_float = true;
      for (double x : a->floats) v.floats.push_back(x), v.ints.push_back(lit(static_cast<std::int64_t>(x)));
      v.cdims = {static_cast<std::int64_t>(a->floats.size())};
    } else {
      throw Unsupported{"Constant " + a->name};
    }
    set_out(0, v);
  }

  bool is_graph_output(std::size_t k) { return k < node_->outputs.size() && graph_outputs_.count(node_->outputs[k]); }

  void pass_through() {
    const Value& v = in(0);
    if (v.kind == Kind::kMissing) throw Unsupported{"input is not available"};
    if (v.kind == Kind::kTensor && is_graph_output(0)) return unary_op("identity(" + v.var + ")");
    Value out = v;
    if (node_->op_type == "Cast" && v.kind == Kind::kConst) {
      std::int64_t to = node_->int_attr("to", kFloat);
      bool to_float = to == kFloat || to == kDouble || to == kFloat16 || to == kBfloat16;
      if (to_float && !out.is_float) {
        out.floats.clear();
        for (const IntElem& e : out.ints) out.floats.push_back(e.v ? static_cast<double>(*e.v) : 0.0);
        bool all_known =
            std::all_of(out.ints.begin(), out.ints.end(), [](const IntElem& e) { return e.v.has_value(); });
        out.is_float = all_known;  // symbolic sizes stay integers (shape arithmetic through floats)
      } else if (!to_float && out.is_float) {
        out.ints.clear();
        for (double f : out.floats) out.ints.push_back(lit(static_cast<std::int64_t>(f)));
        out.is_float = false;
      }
    }
    if (out.kind == Kind::kWeight) out.param_var.clear(), out.param_var = v.param_var;
    set_out(0, out);
  }

  void dropout() {
    if (in(0).kind != Kind::kTensor) return pass_through();
    std::optional<double> p;
    if (const Attribute* a = node_->attribute("ratio")) p = a->f;
    if (has(1)) p = scalar(1);
    std::string rhs = "dropout(" + tensor(0) + (p && *p >= 0 && *p <= 1 ? ", " + number_text(*p) : "") + ")";
    unary_op(rhs);
  }

  void shape() {
    const Value& v = in(0);
    std::vector<IntElem> dims;
    if (v.kind == Kind::kTensor) {
      if (v.rank < 0) throw Unsupported{"Shape of a tensor of unknown rank"};
      for (int k = 0; k < v.rank; ++k) dims.push_back(wrap("dim(" + v.var + ", " + std::to_string(k) + ")", true));
    } else if (v.kind == Kind::kWeight) {
      for (std::int64_t d : v.dims) dims.push_back(lit(d));
    } else if (v.kind == Kind::kConst) {
      for (std::int64_t d : v.cdims) dims.push_back(lit(d));
    } else if (v.kind == Kind::kFilled) {
      dims = v.fill_shape;
    } else {
      throw Unsupported{"input is not available"};
    }
    auto r = static_cast<std::int64_t>(dims.size());
    std::int64_t start = node_->int_attr("start", 0), end = node_->int_attr("end", r);
    if (start < 0) start += r;
    if (end < 0) end += r;
    start = std::clamp<std::int64_t>(start, 0, r);
    end = std::clamp<std::int64_t>(end, start, r);
    Value out;
    out.kind = Kind::kConst;
    out.ints.assign(dims.begin() + start, dims.begin() + end);
    out.cdims = {end - start};
    set_out(0, out);
  }

  void size() {
    const Value& v = in(0);
    if (v.kind != Kind::kTensor || v.rank < 0) throw Unsupported{"Size of this input"};
    Value out;
    out.kind = Kind::kConst;
    out.ints = {wrap("prod(shape(" + v.var + "))", true)};
    set_out(0, out);
  }

  void gather() {
    const Value& data = in(0);
    std::int64_t axis = node_->int_attr("axis", 0);
    if (data.kind == Kind::kConst) {
      auto idx = const_ints(1);
      if (!idx || data.cdims.size() != 1 || axis != 0) throw Unsupported{"Gather on a constant"};
      Value out;
      out.kind = Kind::kConst;
      out.cdims = in(1).cdims;
      out.is_float = data.is_float;
      auto n = static_cast<std::int64_t>(data.ints.size());
      for (std::int64_t i : *idx) {
        if (i < 0) i += n;
        if (i < 0 || i >= n) throw Unsupported{"Gather index out of range"};
        out.ints.push_back(data.ints[static_cast<std::size_t>(i)]);
        if (data.floats.size() == data.ints.size()) out.floats.push_back(data.floats[static_cast<std::size_t>(i)]);
      }
      return set_out(0, out);
    }
    if (data.kind == Kind::kWeight && axis == 0 && data.dims.size() == 2 && in(1).kind == Kind::kTensor) {
      std::string rhs =
          "embedding(" + in(1).var + ", " + std::to_string(data.dims[0]) + ", " + std::to_string(data.dims[1]) + ")";
      int r = in(1).rank < 0 ? -1 : in(1).rank + 1;
      return set_out(0, tensor_value(emit(rhs)[0], r));
    }
    if (data.kind == Kind::kWeight && axis == 0 && data.dims.size() == 2 && is_shape_value(1) &&
        in(1).kind == Kind::kConst) {
      // A lookup with constant ids: the rows read are the parameters of an embedding table.
      std::string ids = tensor(1);
      std::string rhs =
          "embedding(" + ids + ", " + std::to_string(data.dims[0]) + ", " + std::to_string(data.dims[1]) + ")";
      return set_out(0, tensor_value(emit(rhs)[0], static_cast<int>(in(1).cdims.size()) + 1));
    }
    if (data.kind == Kind::kTensor) {
      int r = need_rank(0);
      std::int64_t a = norm_axis(axis, r);
      const Value& index = in(1);
      if (index.kind == Kind::kConst && index.ints.size() == 1) {
        const IntElem& i = index.ints[0];
        std::string start = i.expr, end = "(" + i.expr + " + 1)";
        if (i.v && *i.v < 0) {
          start = "(dim(" + data.var + ", " + std::to_string(a) + ") + " + i.expr + ")";
          end = "(dim(" + data.var + ", " + std::to_string(a) + ") + " + std::to_string(*i.v + 1) + ")";
        } else if (i.v) {
          end = std::to_string(*i.v + 1);
        }
        std::string sliced = "slice(" + data.var + ", " + std::to_string(a) + ", " + start + ", " + end + ")";
        if (index.cdims.empty()) {
          return set_out(0, tensor_value(emit("squeeze(" + sliced + ", " + std::to_string(a) + ")")[0], r - 1));
        }
        return set_out(0, tensor_value(emit(sliced)[0], r));
      }
    }
    throw Unsupported{"Gather of this kind"};
  }

  void unsqueeze() {
    std::vector<std::int64_t> axes = axes_arg(1);
    const Value& v = in(0);
    int r = need_rank(0);
    int out_rank = r + static_cast<int>(axes.size());
    for (std::int64_t& a : axes) a = norm_axis(a, out_rank);
    std::sort(axes.begin(), axes.end());
    if (v.kind == Kind::kConst || v.kind == Kind::kWeight) {
      Value out = v;
      std::vector<std::int64_t>& dims = v.kind == Kind::kConst ? out.cdims : out.dims;
      for (std::int64_t a : axes)
        dims.insert(dims.begin() + std::min<std::int64_t>(a, static_cast<std::int64_t>(dims.size())), 1);
      out.param_var.clear();
      return set_out(0, out);
    }
    std::string x = tensor(0);
    for (std::int64_t a : axes) x = "unsqueeze(" + x + ", " + std::to_string(a) + ")";
    set_out(0, tensor_value(emit(x)[0], out_rank));
  }

  void squeeze() {
    std::vector<std::int64_t> axes = axes_arg(1);
    const Value& v = in(0);
    int r = need_rank(0);
    for (std::int64_t& a : axes) a = norm_axis(a, r);
    std::sort(axes.rbegin(), axes.rend());
    if (v.kind == Kind::kConst || v.kind == Kind::kWeight) {
      Value out = v;
      std::vector<std::int64_t>& dims = v.kind == Kind::kConst ? out.cdims : out.dims;
      if (axes.empty()) {
        dims.erase(std::remove(dims.begin(), dims.end(), 1), dims.end());
      } else {
        for (std::int64_t a : axes) {
          if (a >= static_cast<std::int64_t>(dims.size()) || dims[static_cast<std::size_t>(a)] != 1) {
            throw Unsupported{"Squeeze of an axis that is not 1"};
          }
          dims.erase(dims.begin() + a);
        }
      }
      out.param_var.clear();
      return set_out(0, out);
    }
    std::string x = tensor(0);
    if (axes.empty()) {
      return set_out(0, tensor_value(emit("squeeze(" + x + ")")[0], -1));
    }
    for (std::int64_t a : axes) x = "squeeze(" + x + ", " + std::to_string(a) + ")";
    set_out(0, tensor_value(emit(x)[0], r - static_cast<int>(axes.size())));
  }

  void concat() {
    std::size_t n = node_->inputs.size();
    bool all_const = n > 0, all_weight = n > 0;
    for (std::size_t i = 0; i < n; ++i) {
      all_const &= in(i).kind == Kind::kConst;
      all_weight &= in(i).kind == Kind::kWeight;
    }
    std::int64_t axis = node_->int_attr("axis", 0);
    if (all_const) {
      Value out;
      out.kind = Kind::kConst;
      std::int64_t total = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const Value& v = in(i);
        if (v.cdims.size() != 1) throw Unsupported{"Concat of constants of rank other than 1"};
        out.ints.insert(out.ints.end(), v.ints.begin(), v.ints.end());
        out.is_float |= v.is_float;
        if (v.floats.size() == v.ints.size()) out.floats.insert(out.floats.end(), v.floats.begin(), v.floats.end());
        total += v.cdims[0];
      }
      if (out.ints.size() > kMaxConstElements) throw Unsupported{"constant too large"};
      out.cdims = {total};
      if (out.floats.size() != out.ints.size()) out.floats.clear();
      return set_out(0, out);
    }
    if (all_weight) {
      Value out = in(0);
      out.param_var.clear();
      std::int64_t a = norm_axis(axis, static_cast<int>(out.dims.size()));
      if (a >= static_cast<std::int64_t>(out.dims.size())) throw Unsupported{"Concat axis"};
      for (std::size_t i = 1; i < n; ++i) {
        const Value& v = in(i);
        if (v.dims.size() != out.dims.size()) throw Unsupported{"Concat of weights of different ranks"};
        out.dims[static_cast<std::size_t>(a)] += v.dims[static_cast<std::size_t>(a)];
      }
      out.weight_name = node_->outputs[0];
      return set_out(0, out);
    }
    std::vector<std::string> parts;
    int r = -1;
    for (std::size_t i = 0; i < n; ++i) {
      r = std::max(r, rank_of(i));
      parts.push_back(tensor(i));
    }
    set_out(0, tensor_value(emit("concat(" + list_text(parts) + ", axis = " + std::to_string(axis) + ")")[0], r));
  }

  // The target of Reshape/Expand as .nn list elements.
  std::vector<IntElem> shape_arg(std::size_t i) {
    const Value& v = in(i);
    if (v.kind != Kind::kConst || v.is_float) throw Unsupported{"the shape is not computed from sizes"};
    return v.ints;
  }

  void reshape() {
    const Value& v = in(0);
    std::vector<IntElem> target = shape_arg(1);
    bool allowzero = node_->int_attr("allowzero", 0) != 0;
    if (v.kind == Kind::kConst || v.kind == Kind::kWeight) {
      const std::vector<std::int64_t>& dims = v.kind == Kind::kConst ? v.cdims : v.dims;
      std::int64_t total = 1;
      for (std::int64_t d : dims) total *= d;
      std::vector<std::int64_t> out_dims;
      int infer = -1;
      std::int64_t known = 1;
      for (std::size_t k = 0; k < target.size(); ++k) {
        if (!target[k].v) throw Unsupported{"symbolic reshape of a constant"};
        std::int64_t d = *target[k].v;
        if (d == 0 && !allowzero) d = k < dims.size() ? dims[k] : 0;
        if (d == -1) {
          infer = static_cast<int>(k);
          d = 1;
        }
        out_dims.push_back(d);
        known *= d;
      }
      if (infer >= 0) out_dims[static_cast<std::size_t>(infer)] = known ? total / known : 0;
      Value out = v;
      out.param_var.clear();
      (v.kind == Kind::kConst ? out.cdims : out.dims) = out_dims;
      return set_out(0, out);
    }
    std::string x = tensor(0);
    std::vector<std::string> items;
    for (std::size_t k = 0; k < target.size(); ++k) {
      if (target[k].v == 0 && !allowzero) {
        items.push_back("dim(" + x + ", " + std::to_string(k) + ")");
      } else {
        items.push_back(target[k].expr);
      }
    }
    set_out(0, tensor_value(emit("reshape(" + x + ", " + list_text(items) + ")")[0], static_cast<int>(target.size())));
  }

  void transpose() {
    int r = need_rank(0);
    std::vector<std::int64_t> perm;
    if (auto p = node_->ints_attr("perm")) {
      perm = *p;
    } else {
      for (int k = r - 1; k >= 0; --k) perm.push_back(k);
    }
    if (static_cast<int>(perm.size()) != r) throw Unsupported{"perm does not match the rank"};
    const Value& v = in(0);
    if (v.kind == Kind::kWeight || v.kind == Kind::kConst) {
      Value out = v;
      out.param_var.clear();
      std::vector<std::int64_t>& dims = v.kind == Kind::kConst ? out.cdims : out.dims;
      const std::vector<std::int64_t>& src = v.kind == Kind::kConst ? v.cdims : v.dims;
      for (std::size_t k = 0; k < perm.size(); ++k) {
        if (perm[k] < 0 || perm[k] >= r) throw Unsupported{"perm out of range"};
        dims[k] = src[static_cast<std::size_t>(perm[k])];
      }
      if (v.kind == Kind::kConst && v.ints.size() > 1) throw Unsupported{"Transpose of a constant"};
      return set_out(0, out);
    }
    set_out(0, tensor_value(emit("permute(" + tensor(0) + ", " + ints_text(perm) + ")")[0], r));
  }

  void flatten() {
    int r = need_rank(0);
    std::int64_t axis = norm_axis(node_->int_attr("axis", 1), r);
    std::string x = tensor(0);
    std::string rhs;
    if (axis == 0) {
      rhs = "unsqueeze(flatten(" + x + ", 0, -1), 0)";
    } else if (axis == r) {
      rhs = "unsqueeze(flatten(" + x + ", 0, -1), 1)";
    } else if (axis == 1) {
      rhs = "flatten(" + x + ", 1, -1)";
    } else {
      rhs = "flatten(flatten(" + x + ", " + std::to_string(axis) + ", -1), 0, " + std::to_string(axis - 1) + ")";
    }
    set_out(0, tensor_value(emit(rhs)[0], 2));
  }

  void slice() {
    std::vector<IntElem> starts, ends, axes_e, steps;
    if (node_->attribute("starts")) {  // opset < 10
      std::vector<std::int64_t> s = node_->ints_attr("starts").value_or(std::vector<std::int64_t>{});
      std::vector<std::int64_t> e = node_->ints_attr("ends").value_or(std::vector<std::int64_t>{});
      std::vector<std::int64_t> a = node_->ints_attr("axes").value_or(std::vector<std::int64_t>{});
      for (std::int64_t x : s) starts.push_back(lit(x));
      for (std::int64_t x : e) ends.push_back(lit(x));
      for (std::int64_t x : a) axes_e.push_back(lit(x));
    } else {
      starts = shape_arg(1);
      ends = shape_arg(2);
      if (has(3)) axes_e = shape_arg(3);
      if (has(4)) steps = shape_arg(4);
    }
    if (ends.size() != starts.size()) throw Unsupported{"starts and ends differ in length"};
    if (axes_e.empty())
      for (std::size_t k = 0; k < starts.size(); ++k) axes_e.push_back(lit(static_cast<std::int64_t>(k)));
    if (steps.empty()) steps.assign(starts.size(), lit(1));
    if (axes_e.size() != starts.size() || steps.size() != starts.size()) throw Unsupported{"Slice argument lengths"};
    const Value& v = in(0);
    int r = need_rank(0);
    if (v.kind == Kind::kConst || v.kind == Kind::kWeight || v.kind == Kind::kFilled) {
      // Constant slicing along one axis (weights: any axis, by shape only).
      Value out = v;
      out.param_var.clear();
      for (std::size_t k = 0; k < starts.size(); ++k) {
        if (!axes_e[k].v || !starts[k].v || !ends[k].v || !steps[k].v || *steps[k].v != 1) {
          throw Unsupported{"Slice of a constant with symbolic bounds"};
        }
        std::int64_t a = norm_axis(*axes_e[k].v, r);
        if (a >= r) throw Unsupported{"Slice axis"};
        std::int64_t n = 0;
        if (v.kind == Kind::kWeight) n = out.dims[static_cast<std::size_t>(a)];
        if (v.kind == Kind::kConst) n = out.cdims[static_cast<std::size_t>(a)];
        if (v.kind == Kind::kFilled) {
          if (!out.fill_shape[static_cast<std::size_t>(a)].v) throw Unsupported{"Slice of a symbolic constant"};
          n = *out.fill_shape[static_cast<std::size_t>(a)].v;
        }
        std::int64_t s = *starts[k].v, e = *ends[k].v;
        if (s < 0) s += n;
        if (e < 0) e += n;
        s = std::clamp<std::int64_t>(s, 0, n);
        e = std::clamp<std::int64_t>(e, s, n);
        if (v.kind == Kind::kWeight) out.dims[static_cast<std::size_t>(a)] = e - s;
        if (v.kind == Kind::kFilled) out.fill_shape[static_cast<std::size_t>(a)] = lit(e - s);
        if (v.kind == Kind::kConst) {
          if (out.cdims.size() != 1) throw Unsupported{"Slice of a constant of rank > 1"};
          out.ints.assign(out.ints.begin() + s, out.ints.begin() + e);
          if (out.floats.size() >= static_cast<std::size_t>(e)) {
            out.floats.assign(out.floats.begin() + s, out.floats.begin() + e);
          } else {
            out.floats.clear();
          }
          out.cdims = {e - s};
        }
      }
      return set_out(0, out);
    }
    std::string x = tensor(0);
    for (std::size_t k = 0; k < starts.size(); ++k) {
      if (!axes_e[k].v) throw Unsupported{"symbolic Slice axis"};
      if (steps[k].v && *steps[k].v < 1) throw Unsupported{"Slice with a negative step"};
      std::int64_t a = norm_axis(*axes_e[k].v, r);
      std::string args = x + ", " + std::to_string(a) + ", " + starts[k].expr;
      bool to_end = ends[k].v && *ends[k].v >= (std::int64_t{1} << 40);
      if (!to_end) args += ", " + ends[k].expr;
      if (steps[k].v != 1) args += (to_end ? ", step = " : ", ") + steps[k].expr;
      if (to_end && starts[k].v == 0 && steps[k].v == 1) continue;  // the whole axis
      x = "slice(" + args + ")";
    }
    if (x == in(0).var) return set_out(0, in(0));
    set_out(0, tensor_value(emit(x)[0], r));
  }

  void split() {
    const Value& v = in(0);
    int r = need_rank(0);
    std::int64_t axis = norm_axis(node_->int_attr("axis", 0), r);
    std::vector<IntElem> sizes;
    if (auto s = node_->ints_attr("split")) {
      for (std::int64_t x : *s) sizes.push_back(lit(x));
    } else if (has(1)) {
      sizes = shape_arg(1);
    }
    std::size_t pieces = node_->outputs.size();
    if (v.kind == Kind::kWeight) {
      if (sizes.size() != pieces) {
        std::int64_t d = v.dims[static_cast<std::size_t>(axis)];
        sizes.assign(pieces, lit((d + static_cast<std::int64_t>(pieces) - 1) / static_cast<std::int64_t>(pieces)));
      }
      for (std::size_t k = 0; k < pieces; ++k) {
        if (!sizes[k].v) throw Unsupported{"symbolic Split of a weight"};
        Value out = v;
        out.param_var.clear();
        out.dims[static_cast<std::size_t>(axis)] = *sizes[k].v;
        out.weight_name = node_->outputs[k];
        set_out(k, out);
      }
      return;
    }
    if (v.kind != Kind::kTensor) throw Unsupported{"Split of a constant"};
    std::string rhs = sizes.size() == pieces
                          ? "split(" + v.var + ", " + elems_text(sizes) + ", axis = " + std::to_string(axis) + ")"
                          : "chunk(" + v.var + ", " + std::to_string(pieces) + ", axis = " + std::to_string(axis) + ")";
    if (pieces == 1) rhs = "identity(" + v.var + ")";
    std::vector<std::string> vars = emit(rhs, pieces);
    for (std::size_t k = 0; k < pieces; ++k) set_out(k, tensor_value(vars[k], r));
  }

  void expand() {
    std::vector<IntElem> target = shape_arg(1);
    int r = need_rank(0);
    std::string x = tensor(0);
    std::vector<std::string> items;
    std::size_t offset = target.size() >= static_cast<std::size_t>(r) ? target.size() - static_cast<std::size_t>(r) : 0;
    for (std::size_t k = 0; k < target.size(); ++k) {
      // ONNX broadcasts both ways: a target 1 keeps the input's axis.
      bool keep = target[k].v == 1 && k >= offset;
      items.push_back(keep ? "-1" : target[k].expr);
    }
    if (target.size() < static_cast<std::size_t>(r)) throw Unsupported{"Expand to a lower rank"};
    set_out(0, tensor_value(emit("expand(" + x + ", " + list_text(items) + ")")[0], static_cast<int>(target.size())));
  }

  void constant_of_shape() {
    std::vector<IntElem> shape = shape_arg(0);
    double fill = 0;
    bool is_float = true;
    if (const Attribute* a = node_->attribute("value"); a && a->t && a->t->has_values && !a->t->floats.empty()) {
      fill = a->t->floats[0];
      is_float = a->t->data_type == kFloat || a->t->data_type == kDouble || a->t->data_type == kFloat16;
    }
    bool known = true;
    std::int64_t count = 1;
    for (const IntElem& e : shape) {
      known &= e.v.has_value();
      if (e.v) count *= std::max<std::int64_t>(*e.v, 0);
      if (count > static_cast<std::int64_t>(kMaxConstElements)) known = false;
    }
    Value out;
    if (known && shape.size() <= 1) {
      out.kind = Kind::kConst;
      for (const IntElem& e : shape) out.cdims.push_back(*e.v);
      out.is_float = is_float;
      for (std::int64_t k = 0; k < count; ++k) {
        out.ints.push_back(lit(static_cast<std::int64_t>(fill)));
        out.floats.push_back(fill);
      }
    } else {
      out.kind = Kind::kFilled;
      out.fill_shape = shape;
      out.fill = fill;
    }
    set_out(0, out);
  }

  void range() {
    std::vector<IntElem> start = shape_arg(0), limit = shape_arg(1), delta = shape_arg(2);
    if (start.size() != 1 || limit.size() != 1 || delta.size() != 1) throw Unsupported{"Range of non-scalars"};
    if (start[0].v && limit[0].v && delta[0].v && *delta[0].v != 0) {
      std::int64_t n = std::max<std::int64_t>(
          0, (*limit[0].v - *start[0].v + *delta[0].v - (*delta[0].v > 0 ? 1 : -1)) / *delta[0].v);
      if (n <= static_cast<std::int64_t>(kMaxConstElements) && !graph_outputs_.count(node_->outputs[0])) {
        Value out;
        out.kind = Kind::kConst;
        out.cdims = {n};
        for (std::int64_t k = 0; k < n; ++k) out.ints.push_back(lit(*start[0].v + k * *delta[0].v));
        for (const IntElem& e : out.ints) out.floats.push_back(static_cast<double>(*e.v));
        return set_out(0, out);
      }
    }
    IntElem n = delta[0].v == 1
                    ? int_binary("Sub", limit[0], start[0])
                    : wrap("ceil_div(" + int_binary("Sub", limit[0], start[0]).expr + ", " + delta[0].expr + ")");
    set_out(0, tensor_value(emit("arange(" + n.expr + ")")[0], 1));
  }

  void comparison() {
    const std::string& op = node_->op_type;
    if (is_shape_value(0) && (op == "Not" || is_shape_value(1))) {
      auto cmp = [&](const IntElem& a, const IntElem& b) -> IntElem {
        if (a.v && b.v) {
          std::int64_t x = *a.v, y = *b.v;
          bool r = op == "Equal"            ? x == y
                   : op == "Less"           ? x < y
                   : op == "Greater"        ? x > y
                   : op == "LessOrEqual"    ? x <= y
                   : op == "GreaterOrEqual" ? x >= y
                   : op == "And"            ? (x && y)
                   : op == "Or"             ? (x || y)
                                            : (!x != !y);
          return lit(r ? 1 : 0);
        }
        if (op == "Equal") {
          if (a.expr == b.expr) return lit(1);
          if ((a.positive && b.v && *b.v <= 0) || (b.positive && a.v && *a.v <= 0)) return lit(0);
        }
        throw Unsupported{op + " of symbolic sizes"};
      };
      if (op == "Not") {
        Value out = in(0);
        for (IntElem& e : out.ints) {
          if (!e.v) throw Unsupported{"Not of a symbolic value"};
          e = lit(*e.v ? 0 : 1);
        }
        return set_out(0, out);
      }
      return set_out(0, const_binary(in(0), in(1), cmp));
    }
    std::string x = tensor(0);
    std::string y = op == "Not" ? "0" : (scalar(1) ? number_text(*scalar(1)) : tensor(1));
    int r = std::max(rank_of(0), op == "Not" ? -1 : rank_of(1));
    set_out(0, tensor_value(emit("compare(" + x + ", " + y + ", op = \"" + op + "\")")[0], r));
  }

  void where() {
    if (is_shape_value(0) && is_shape_value(1) && is_shape_value(2)) {
      const Value& c = in(0);
      const Value& a = in(1);
      const Value& b = in(2);
      std::size_t n = std::max({c.ints.size(), a.ints.size(), b.ints.size()});
      Value out;
      out.kind = Kind::kConst;
      for (std::size_t k = 0; k < n; ++k) {
        auto pick = [&](const Value& v) -> const IntElem& {
          if (v.ints.size() != 1 && v.ints.size() != n) throw Unsupported{"Where shapes"};
          return v.ints[v.ints.size() == 1 ? 0 : k];
        };
        const IntElem& cond = pick(c);
        if (!cond.v) throw Unsupported{"Where on a symbolic condition"};
        out.ints.push_back(*cond.v ? pick(a) : pick(b));
      }
      out.cdims = c.ints.size() == n ? c.cdims : a.ints.size() == n ? a.cdims : b.cdims;
      return set_out(0, out);
    }
    std::string c = tensor(0), x = tensor(1);
    std::string y = scalar(2) ? number_text(*scalar(2)) : tensor(2);
    int r = std::max({rank_of(0), rank_of(1), rank_of(2)});
    set_out(0, tensor_value(emit("where(" + c + ", " + x + ", " + y + ")")[0], r));
  }

  // Add/Sub/Mul/Div: shape arithmetic on constants, else tensor arithmetic.
  void arithmetic() {
    const std::string& op = node_->op_type;
    const Value& a = in(0);
    const Value& b = in(1);
    if (is_shape_value(0) && is_shape_value(1)) {
      return set_out(0, const_binary(a, b, [&](const IntElem& x, const IntElem& y) { return int_binary(op, x, y); }));
    }
    if (a.kind == Kind::kConst && b.kind == Kind::kConst) {
      // Floating-point constants (scales): computed when both are known.
      if (a.floats.size() == 1 && b.floats.size() == 1) {
        double x = a.floats[0], y = b.floats[0];
        double r = op == "Add"   ? x + y
                   : op == "Sub" ? x - y
                   : op == "Mul" ? x * y
                   : op == "Div" ? x / y
                                 : std::fmod(x, y);
        Value out;
        out.kind = Kind::kConst;
        out.is_float = true;
        out.cdims = a.cdims.size() >= b.cdims.size() ? a.cdims : b.cdims;
        out.floats = {r};
        out.ints = {lit(static_cast<std::int64_t>(std::isfinite(r) ? r : 0))};
        return set_out(0, out);
      }
      throw Unsupported{"arithmetic on constant tensors"};
    }
    if (a.kind == Kind::kFilled && scalar(1)) {
      Value out = a;
      double s = *scalar(1);
      out.fill = op == "Add"   ? a.fill + s
                 : op == "Sub" ? a.fill - s
                 : op == "Mul" ? a.fill * s
                               : a.fill / (s != 0 ? s : 1);
      return set_out(0, out);
    }
    if (op == "Mod") throw Unsupported{"Mod of tensors"};
    std::string fn = lower(op);
    // A bias after a projection: fold into linear(bias = true) is done by matmul(); here plain arithmetic.
    if (auto s = scalar(1); s && b.cdims.size() <= static_cast<std::size_t>(std::max(rank_of(0), 1))) {
      std::string x = tensor(0);
      return set_out(0, tensor_value(emit(fn + "(" + x + ", " + number_text(*s) + ")")[0], rank_of(0)));
    }
    if (auto s = scalar(0); s && (op == "Add" || op == "Mul")) {
      std::string y = tensor(1);
      return set_out(0, tensor_value(emit(fn + "(" + y + ", " + number_text(*s) + ")")[0], rank_of(1)));
    }
    int r = std::max(rank_of(0), rank_of(1));
    std::string x = tensor(0), y = tensor(1);
    set_out(0, tensor_value(emit(fn + "(" + x + ", " + y + ")")[0], r));
  }

  void power() {
    std::optional<double> e = scalar(1);
    int r = rank_of(0);
    std::string x = tensor(0);
    if (e && *e == 2.0) return set_out(0, tensor_value(emit("square(" + x + ")")[0], r));
    if (e && *e == 0.5) return set_out(0, tensor_value(emit("sqrt(" + x + ")")[0], r));
    if (e && *e == 1.0) return set_out(0, in(0));
    std::string y = e ? number_text(*e) : tensor(1);
    set_out(0, tensor_value(emit("pow(" + x + ", " + y + ")")[0], std::max(r, e ? -1 : rank_of(1))));
  }

  void min_max() {
    std::string fn = node_->op_type == "Max" ? "maximum" : "minimum";
    std::string x = tensor(0);
    int r = rank_of(0);
    for (std::size_t i = 1; i < node_->inputs.size(); ++i) {
      std::string y = scalar(i) ? number_text(*scalar(i)) : tensor(i);
      r = std::max(r, rank_of(i));
      x = fn + "(" + x + ", " + y + ")";
    }
    set_out(0, tensor_value(emit(x)[0], r));
  }

  // ---- layers

  const Value& weight(std::size_t i, const char* what) {
    const Value& w = in(i);
    if (w.kind != Kind::kWeight) throw Unsupported{std::string(what) + " is not a weight of known shape"};
    return w;
  }

  static std::string spatial(const std::vector<std::int64_t>& v) {
    return v.size() == 1 ? std::to_string(v[0]) : ints_text(v);
  }

  // Symmetric pads -> a padding argument; asymmetric -> a pad() op first. Returns the padding text.
  std::string padding(std::string& x, std::size_t nd, const char* pad_mode = "constant") {
    std::vector<std::int64_t> pads = node_->ints_attr("pads").value_or(std::vector<std::int64_t>(2 * nd, 0));
    std::string auto_pad = node_->string_attr("auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return "\"same\"";
    if (auto_pad == "VALID") return "0";
    if (pads.size() != 2 * nd) throw Unsupported{"pads has " + std::to_string(pads.size()) + " values"};
    bool symmetric = true;
    for (std::size_t k = 0; k < nd; ++k) symmetric &= pads[k] == pads[k + nd];
    if (symmetric && std::all_of(pads.begin(), pads.end(), [](std::int64_t p) { return p == 0; })) return "0";
    if (symmetric) return spatial(std::vector<std::int64_t>(pads.begin(), pads.begin() + static_cast<long>(nd)));
    std::vector<std::int64_t> torch_pads;
    for (std::size_t k = nd; k-- > 0;) {
      torch_pads.push_back(pads[k]);
      torch_pads.push_back(pads[k + nd]);
    }
    x = emit_temp("pad(" + x + ", " + ints_text(torch_pads) + ", mode = \"" + pad_mode + "\")",
                  node_->outputs[0] + "_pad");
    return "0";
  }

  void conv(bool transposed) {
    const Value& w = weight(1, "the convolution weight");
    if (w.dims.size() < 3 || w.dims.size() > 5)
      throw Unsupported{"convolution weight of rank " + std::to_string(w.dims.size())};
    std::size_t nd = w.dims.size() - 2;
    std::int64_t group = node_->int_attr("group", 1);
    std::vector<std::int64_t> kernel(w.dims.begin() + 2, w.dims.end());
    std::vector<std::int64_t> strides = node_->ints_attr("strides").value_or(std::vector<std::int64_t>(nd, 1));
    std::vector<std::int64_t> dilations = node_->ints_attr("dilations").value_or(std::vector<std::int64_t>(nd, 1));
    if (strides.size() != nd || dilations.size() != nd)
      throw Unsupported{"strides or dilations do not match the kernel"};
    std::string x = tensor(0);
    std::string pad = padding(x, nd);
    std::int64_t out_channels = transposed ? w.dims[1] * group : w.dims[0];
    std::string fn = std::string(transposed ? "conv_transpose" : "conv") + std::to_string(nd) + "d";
    std::string rhs = fn + "(" + x + ", " + std::to_string(out_channels) + ", kernel = " + spatial(kernel);
    if (std::any_of(strides.begin(), strides.end(), [](std::int64_t s) { return s != 1; }))
      rhs += ", stride = " + spatial(strides);
    if (pad != "0") rhs += ", padding = " + pad;
    if (transposed) {
      if (node_->attribute("output_shape")) throw Unsupported{"ConvTranspose with output_shape"};
      auto op = node_->ints_attr("output_padding");
      if (op && std::any_of(op->begin(), op->end(), [](std::int64_t v) { return v != 0; }))
        rhs += ", output_padding = " + spatial(*op);
    }
    if (std::any_of(dilations.begin(), dilations.end(), [](std::int64_t d) { return d != 1; }))
      rhs += ", dilation = " + spatial(dilations);
    if (group != 1) rhs += ", groups = " + std::to_string(group);
    rhs += std::string(", bias = ") + (has(2) ? "true" : "false") + ")";
    set_out(0, tensor_value(emit(rhs)[0], static_cast<int>(nd) + 2));
  }

  // If the only consumer of this node's output is an Add of a 1-D weight of `features` elements, the Add is
  // the projection's bias: it is skipped and its output becomes the linear's.
  std::optional<std::size_t> bias_add(std::int64_t features) {
    const std::string& out = node_->outputs[0];
    if (graph_outputs_.count(out)) return std::nullopt;
    auto it = consumers_.find(out);
    if (it == consumers_.end() || it->second.size() != 1) return std::nullopt;
    std::size_t c = it->second[0];
    const Node& add = g_.nodes[c];
    if (add.op_type != "Add" || add.inputs.size() != 2) return std::nullopt;
    const std::string& other = add.inputs[0] == out ? add.inputs[1] : add.inputs[0];
    auto v = values_.find(other);
    if (v == values_.end() || v->second.kind != Kind::kWeight || v->second.dims.size() != 1 ||
        v->second.dims[0] != features) {
      return std::nullopt;
    }
    return c;
  }

  void linear(const std::string& x, int rank, std::int64_t out_features, bool bias) {
    std::optional<std::size_t> fold = bias ? std::nullopt : bias_add(out_features);
    std::string rhs =
        "linear(" + x + ", " + std::to_string(out_features) + ", bias = " + (bias || fold ? "true" : "false") + ")";
    std::string var = emit(rhs)[0];
    if (fold) {
      skipped_.insert(*fold);
      values_[g_.nodes[*fold].outputs[0]] = tensor_value(var, rank);
    } else {
      set_out(0, tensor_value(var, rank));
    }
  }

  void gemm() {
    bool trans_a = node_->int_attr("transA", 0) != 0, trans_b = node_->int_attr("transB", 0) != 0;
    std::string a = tensor(0);
    if (trans_a) a = "permute(" + a + ", [1, 0])";
    const Value& b = in(1);
    bool c_is_bias = false;
    if (b.kind == Kind::kWeight && b.dims.size() == 2) {
      std::int64_t out = trans_b ? b.dims[0] : b.dims[1];
      const Value& c = in(2);
      c_is_bias = !has(2) || (c.kind == Kind::kWeight && c.dims.size() <= 1) || c.kind == Kind::kConst;
      if (c_is_bias) return linear(a, 2, out, has(2));
    }
    std::string bt = tensor(1);
    if (trans_b) bt = "permute(" + bt + ", [1, 0])";
    std::string rhs = "matmul(" + a + ", " + bt + ")";
    if (has(2)) rhs = "add(" + rhs + ", " + tensor(2) + ")";
    set_out(0, tensor_value(emit(rhs)[0], 2));
  }

  void matmul() {
    const Value& b = in(1);
    int ra = rank_of(0);
    if (b.kind == Kind::kWeight && b.dims.size() == 2 && in(0).kind == Kind::kTensor) {
      return linear(in(0).var, ra, b.dims[1], false);
    }
    int r = std::max(ra, rank_of(1));
    std::string x = tensor(0), y = tensor(1);
    set_out(0, tensor_value(emit("matmul(" + x + ", " + y + ")")[0], r));
  }

  void batchnorm() {
    double eps = node_->float_attr("epsilon", 1e-5);
    int r = rank_of(0);
    std::string x = tensor(0);
    bool affine = in(1).kind == Kind::kWeight;
    std::string rhs = "batchnorm(" + x + ", eps = " + number_text(eps) + (affine ? "" : ", affine = false") + ")";
    set_out(0, tensor_value(emit(rhs)[0], r));
  }

  void layernorm() {
    int r = need_rank(0);
    std::int64_t axis = norm_axis(node_->int_attr("axis", -1), r);
    const Value& scale = in(1);
    std::string shape;
    if (scale.kind == Kind::kWeight) {
      shape = ints_text(scale.dims);
    } else {
      std::vector<std::string> dims;
      for (std::int64_t k = axis; k < r; ++k) dims.push_back("dim(" + tensor(0) + ", " + std::to_string(k) + ")");
      shape = list_text(dims);
    }
    std::string rhs = "layernorm(" + tensor(0) + ", normalized_shape = " + shape +
                      ", eps = " + number_text(node_->float_attr("epsilon", 1e-5));
    if (scale.kind != Kind::kWeight) rhs += ", affine = false";
    if (scale.kind == Kind::kWeight && !has(2)) rhs += ", bias = false";
    set_out(0, tensor_value(emit(rhs + ")")[0], r));
  }

  void softmax() {
    int r = need_rank(0);
    std::int64_t def = model_.opset() >= 13 ? -1 : 1;
    std::int64_t axis = norm_axis(node_->int_attr("axis", def), r);
    if (model_.opset() < 13 && axis != r - 1) throw Unsupported{"Softmax over flattened axes (opset < 13)"};
    std::string fn = node_->op_type == "Softmax" ? "softmax" : "log_softmax";
    set_out(0, tensor_value(emit(fn + "(" + tensor(0) + ", axis = " + std::to_string(axis) + ")")[0], r));
  }

  void pool() {
    int r = need_rank(0);
    auto kernel = node_->ints_attr("kernel_shape");
    if (!kernel || kernel->empty() || static_cast<int>(kernel->size()) != r - 2) throw Unsupported{"kernel_shape"};
    std::size_t nd = kernel->size();
    std::vector<std::int64_t> strides = node_->ints_attr("strides").value_or(std::vector<std::int64_t>(nd, 1));
    std::string x = tensor(0);
    bool max = node_->op_type == "MaxPool";
    std::string pad = padding(x, nd, max ? "replicate" : "constant");
    if (pad == "\"same\"") throw Unsupported{"auto_pad SAME pooling"};
    std::string rhs = std::string(max ? "maxpool" : "avgpool") + std::to_string(nd) + "d(" + x +
                      ", kernel = " + spatial(*kernel) + ", stride = " + spatial(strides);
    if (pad != "0") rhs += ", padding = " + pad;
    if (node_->int_attr("ceil_mode", 0)) rhs += ", ceil_mode = true";
    if (max) {
      auto d = node_->ints_attr("dilations");
      if (d && std::any_of(d->begin(), d->end(), [](std::int64_t v) { return v != 1; }))
        rhs += ", dilation = " + spatial(*d);
    } else if (node_->int_attr("count_include_pad", 0)) {
      rhs += ", count_include_pad = true";
    } else if (pad != "0") {
      rhs += ", count_include_pad = false";
    }
    set_out(0, tensor_value(emit(rhs + ")")[0], r));
  }

  void reduce() {
    int r = need_rank(0);
    std::vector<std::int64_t> axes = axes_arg(1);
    bool keep = node_->int_attr("keepdims", 1) != 0;
    if (axes.empty() && node_->int_attr("noop_with_empty_axes", 0)) return set_out(0, in(0));
    std::string fn = node_->op_type == "ReduceMean"  ? "reduce_mean"
                     : node_->op_type == "ReduceSum" ? "reduce_sum"
                     : node_->op_type == "ReduceMax" ? "reduce_max"
                                                     : "reduce_min";
    std::string rhs = fn + "(" + tensor(0);
    if (!axes.empty()) rhs += ", axis = " + (axes.size() == 1 ? std::to_string(axes[0]) : ints_text(axes));
    rhs += std::string(", keepdim = ") + (keep ? "true" : "false") + ")";
    int out_rank = keep ? r : (axes.empty() ? 0 : r - static_cast<int>(axes.size()));
    set_out(0, tensor_value(emit(rhs)[0], out_rank));
  }

  void clip() {
    std::optional<double> lo, hi;
    if (node_->attribute("min")) lo = node_->float_attr("min", 0);
    if (node_->attribute("max")) hi = node_->float_attr("max", 0);
    if (has(1)) {
      lo = scalar(1);
      if (!lo) throw Unsupported{"Clip bound is not constant"};
    }
    if (has(2)) {
      hi = scalar(2);
      if (!hi) throw Unsupported{"Clip bound is not constant"};
    }
    std::string x = tensor(0);
    if (lo == 0.0 && hi == 6.0) return unary_op("relu6(" + x + ")");
    if (lo == 0.0 && (!hi || std::isinf(*hi))) return unary_op("relu(" + x + ")");
    std::string rhs = "clip(" + x;
    if (lo && !std::isinf(*lo)) rhs += ", min = " + number_text(*lo);
    if (hi && !std::isinf(*hi)) rhs += ", max = " + number_text(*hi);
    unary_op(rhs + ")");
  }

  void recurrent() {
    const std::string& op = node_->op_type;
    const Value& w = weight(1, "the recurrent weight W");
    if (w.dims.size() != 3) throw Unsupported{"recurrent weight of rank " + std::to_string(w.dims.size())};
    std::int64_t hidden = node_->int_attr("hidden_size", 0);
    std::int64_t gates = op == "LSTM" ? 4 : op == "GRU" ? 3 : 1;
    if (hidden <= 0) hidden = w.dims[1] / gates;
    std::string direction = node_->string_attr("direction", "forward");
    bool bidirectional = direction == "bidirectional";
    if (node_->int_attr("layout", 0) != 0) throw Unsupported{"batch-first layout"};
    if (op == "RNN") {
      const Attribute* acts = node_->attribute("activations");
      if (acts && !acts->strings.empty() && lower(acts->strings[0]) != "tanh") throw Unsupported{"RNN activation"};
    }
    std::string fn = op == "LSTM" ? "lstm" : op == "GRU" ? "gru" : "rnn";
    std::string x = tensor(0);
    std::string rhs = fn + "(" + x + ", " + std::to_string(hidden) + (bidirectional ? ", bidirectional = true" : "") +
                      ", bias = " + (has(3) ? "true" : "false") + ")";
    std::size_t outs = op == "LSTM" ? 3 : 2;
    Stmt s;
    std::vector<std::string> vars;
    std::string y = fresh(node_->outputs[0] + "_seq");
    vars.push_back(y);
    for (std::size_t k = 1; k < outs; ++k) {
      bool present = k < node_->outputs.size() && !node_->outputs[k].empty();
      vars.push_back(present ? fresh(node_->outputs[k]) : "_");
    }
    s.rhs = rhs;
    for (std::size_t k = 0; k < vars.size(); ++k) s.lhs += (k ? ", " : "") + vars[k];
    s.op_type = op;
    stmt_label_scope(s);
    stmts_.push_back(s);
    for (std::size_t k = 1; k < outs; ++k) {
      if (vars[k] != "_") set_out(k, tensor_value(vars[k], 3));
    }
    // ONNX's Y is [T, directions, N, H]; the language's output is [T, N, directions·H].
    if (node_->outputs.empty() || node_->outputs[0].empty()) return;
    std::string yv = bidirectional ? "permute(reshape(" + y + ", [dim(" + y + ", 0), dim(" + y + ", 1), 2, " +
                                         std::to_string(hidden) + "]), [0, 2, 1, 3])"
                                   : "unsqueeze(" + y + ", 1)";
    set_out(0, tensor_value(emit_temp(yv, node_->outputs[0]), 4));
  }

  void resize() {
    int r = need_rank(0);
    if (r < 3) throw Unsupported{"Resize of rank < 3"};
    std::string mode = node_->string_attr("mode", "nearest");
    std::size_t nd = static_cast<std::size_t>(r) - 2;
    std::string m = mode == "nearest"            ? "nearest"
                    : mode == "linear"           ? (nd == 1   ? "linear"
                                                    : nd == 2 ? "bilinear"
                                                              : "trilinear")
                    : mode == "cubic" && nd == 2 ? "bicubic"
                                                 : "";
    if (m.empty()) throw Unsupported{"Resize mode " + mode};
    bool align = node_->string_attr("coordinate_transformation_mode", "") == "align_corners";
    std::string x = tensor(0);
    std::string tail = ", mode = \"" + m + "\"" + (align && m != "nearest" ? ", align_corners = true" : "") + ")";
    // Upsample(x, scales) (opset 9) or Resize(x, roi, scales, sizes) (opset 11+; scales is input 1 at opset 10).
    std::size_t scales_index = node_->op_type == "Upsample" || model_.opset() == 10 ? 1 : 2;
    if (has(3) && in(3).kind == Kind::kConst && !in(3).ints.empty()) {
      std::vector<IntElem> sizes = shape_arg(3);
      if (sizes.size() != static_cast<std::size_t>(r)) throw Unsupported{"Resize sizes"};
      std::vector<IntElem> spatial_sizes(sizes.begin() + 2, sizes.end());
      return unary_op("upsample(" + x + ", size = " + elems_text(spatial_sizes) + tail);
    }
    const Value& s = in(scales_index);
    if (s.kind != Kind::kConst || s.floats.size() != static_cast<std::size_t>(r)) throw Unsupported{"Resize scales"};
    std::vector<std::int64_t> factors;
    for (std::size_t k = 2; k < s.floats.size(); ++k) {
      double f = s.floats[k];
      if (f < 1 || f != std::floor(f) || f > 1e6) throw Unsupported{"non-integer Resize scale"};
      factors.push_back(static_cast<std::int64_t>(f));
    }
    unary_op("upsample(" + x + ", scale_factor = " + spatial(factors) + tail);
  }

  void pad() {
    int r = need_rank(0);
    std::vector<IntElem> pads;
    if (auto p = node_->ints_attr("pads")) {
      for (std::int64_t v : *p) pads.push_back(lit(v));
    } else {
      pads = shape_arg(1);
    }
    if (pads.size() != 2 * static_cast<std::size_t>(r)) throw Unsupported{"pads length"};
    if (has(3)) throw Unsupported{"Pad with axes"};
    std::string mode = node_->string_attr("mode", "constant");
    std::string m = mode == "constant"  ? "constant"
                    : mode == "reflect" ? "reflect"
                    : mode == "edge"    ? "replicate"
                    : mode == "wrap"    ? "circular"
                                        : "";
    if (m.empty()) throw Unsupported{"Pad mode " + mode};
    // Torch order: last axis first; leading axes without padding are dropped.
    std::size_t first = 0;
    while (first < static_cast<std::size_t>(r) && pads[first].v == 0 &&
           pads[first + static_cast<std::size_t>(r)].v == 0)
      ++first;
    std::vector<IntElem> torch_pads;
    for (std::size_t k = static_cast<std::size_t>(r); k-- > first;) {
      torch_pads.push_back(pads[k]);
      torch_pads.push_back(pads[k + static_cast<std::size_t>(r)]);
    }
    std::string x = tensor(0);
    if (torch_pads.empty()) return set_out(0, in(0));
    unary_op("pad(" + x + ", " + elems_text(torch_pads) + ", mode = \"" + m + "\")");
  }

  // A node without a rule: every output becomes a not-costed op over the node's tensor inputs, with the
  // shape the graph declares for it where it does.
  void emit_unsupported(const std::string& reason) {
    (void)reason;
    std::vector<std::string> inputs;
    int rank = -1;
    for (std::size_t i = 0; i < node_->inputs.size(); ++i) {
      const Value& v = in(i);
      if (v.kind == Kind::kTensor) {
        inputs.push_back(v.var);
        if (rank < 0) rank = v.rank;
      }
    }
    ++unsupported_[node_->op_type];
    for (std::size_t k = 0; k < node_->outputs.size(); ++k) {
      if (node_->outputs[k].empty()) continue;
      std::string rhs = "unsupported(" + list_text(inputs) + ", op_type = \"" + label_part(node_->op_type) + "\"";
      int out_rank = rank;
      auto info = infos_.find(node_->outputs[k]);
      if (info != infos_.end() && info->second->has_shape) {
        std::vector<std::string> dims;
        bool ok = true;
        for (const Dim& d : info->second->dims) {
          if (d.value && *d.value >= 0) {
            dims.push_back(std::to_string(*d.value));
          } else if (params_.count(d.param)) {
            dims.push_back(params_.at(d.param));
          } else {
            ok = false;
          }
        }
        if (ok) {
          rhs += ", shape = " + list_text(dims);
          out_rank = static_cast<int>(dims.size());
        } else if (inputs.empty()) {
          continue;
        }
      } else if (inputs.empty()) {
        continue;  // nothing to take a shape from: the output stays unavailable
      }
      Stmt s;
      s.lhs = fresh(node_->outputs[k]);
      s.rhs = rhs + ")";
      s.op_type = node_->op_type;
      stmt_label_scope(s);
      stmts_.push_back(s);
      values_[node_->outputs[k]] = tensor_value(s.lhs, out_rank);
    }
  }

  // ---- output

  void assign_labels() {
    std::map<std::string, std::set<std::string>> kinds;  // scope -> op types / own names
    std::set<std::string> scopes, parents;
    auto join = [](const std::vector<std::string>& parts, std::size_t n) {
      std::string s;
      for (std::size_t k = 0; k < n; ++k) s += (k ? "." : "") + dotted_label(parts[k]);
      return s;
    };
    for (const Stmt& s : stmts_) {
      if (s.scope.empty()) continue;
      std::string key = join(s.scope, s.scope.size());
      scopes.insert(key);
      kinds[key].insert(s.own.empty() ? s.op_type : "own:" + s.own);
      for (std::size_t n = 1; n < s.scope.size(); ++n) parents.insert(join(s.scope, n));
    }
    for (Stmt& s : stmts_) {
      std::string leaf = s.own.empty() ? lower(label_part(s.op_type)) : s.own;
      if (s.scope.empty()) {
        s.label = s.plain_label.empty() ? leaf : dotted_label(s.plain_label);
        if (!s.own.empty() && !s.plain_label.empty()) s.label += "." + s.own;
        continue;
      }
      std::string key = join(s.scope, s.scope.size());
      bool single = kinds[key].size() == 1 && s.own.empty() && !parents.count(key);
      s.label = single ? key : key + "." + leaf;
    }
  }

  std::string render() {
    assign_labels();
    std::ostringstream out;
    out << "# Imported from " << source_ << " by nnscope import";
    if (!model_.producer_name.empty())
      out << " (producer " << model_.producer_name << " " << model_.producer_version << ")";
    out << "; ONNX opset " << model_.opset() << ", " << g_.nodes.size() << " nodes.\n";
    if (!unsupported_.empty()) {
      out << "# Operators without a rule (not costed):";
      for (const auto& [op, count] : unsupported_) out << " " << op << " x" << count;
      out << "\n";
    }
    out << "model " << name_ << "(";
    for (std::size_t k = 0; k < param_order_.size(); ++k) out << (k ? ", " : "") << param_order_[k] << " = 1";
    out << ") {\n";
    for (const std::string& line : input_lines_) out << "    " << line << "\n";
    for (const Stmt& s : stmts_) {
      out << "    " << s.lhs << " = ";
      if (!s.label.empty()) out << "\"" << s.label << "\": ";
      out << s.rhs << "\n";
    }
    std::vector<std::string> returned;
    for (const ValueInfo& o : g_.outputs) {
      auto it = values_.find(o.name);
      if (it == values_.end() || it->second.kind != Kind::kTensor) continue;
      if (std::find(returned.begin(), returned.end(), it->second.var) == returned.end())
        returned.push_back(it->second.var);
    }
    if (!returned.empty()) {
      out << "    return ";
      for (std::size_t k = 0; k < returned.size(); ++k) out << (k ? ", " : "") << returned[k];
      out << "\n";
    }
    out << "}\n";
    return out.str();
  }

  const Model& model_;
  const Graph& g_;
  std::string source_;
  std::string name_;
  std::map<std::string, Value> values_;
  std::set<std::string> used_;
  std::map<std::string, std::string> params_;
  std::vector<std::string> param_order_;
  std::vector<std::string> input_lines_;
  std::vector<Stmt> stmts_;
  std::map<std::string, std::vector<std::size_t>> consumers_;
  std::set<std::size_t> skipped_;
  std::set<std::string> graph_outputs_;
  std::map<std::string, const ValueInfo*> infos_;
  std::map<std::string, int> unsupported_;
  std::size_t index_ = 0;
  const Node* node_ = nullptr;
};

}  // namespace

std::string import_model(const Model& model, const std::string& model_name, const std::string& source_name) {
  return Importer(model, source_name).run(model_name);
}

std::string import_file(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) throw ImportError(path + ": cannot read: " + ec.message());
  if (size > (std::uintmax_t{2} << 30)) throw ImportError(path + ": file is larger than 2 GiB");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw ImportError(path + ": cannot read");
  Model model;
  try {
    model = decode_model(bytes);
  } catch (const ProtobufError& e) {
    throw ImportError(path + ": malformed ONNX (protobuf) file: " + e.what());
  }
  std::string stem = std::filesystem::path(path).stem().string();
  try {
    return import_model(model, stem, std::filesystem::path(path).filename().string());
  } catch (const ImportError& e) {
    throw ImportError(path + ": " + e.what());
  }
}

}  // namespace nnscope::onnx
