#include "onnx/translator.h"

#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include "onnx/file_bytes.h"
#include "onnx/folding.h"
#include "onnx/printer.h"
#include "onnx/rules.h"

namespace nnscope::onnx {
namespace {

// Elements of all folded constants of one import together. Shape subgraphs fold a few elements per node;
// the bound keeps a file of thousands of large integer constants from taking gigabytes.
constexpr std::size_t kMaxFoldedElements = std::size_t{1} << 20;
// Inputs and outputs of one node, and outputs of the graph: each becomes an element of one list in the text,
// and the language's parser takes lists of up to 100,000 elements.
constexpr std::size_t kMaxArity = 65'536;

bool is_int_type(int t) {
  return t == kInt64 || t == kInt32 || t == kInt16 || t == kInt8 || t == kUint8 || t == kUint16 || t == kUint32 ||
         t == kUint64 || t == kBool;
}

bool is_float_type(int t) { return t == kFloat || t == kDouble || t == kFloat16 || t == kBfloat16; }

std::string dtype_text(int t) {
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

}  // namespace

Translator::Translator(const Model& model, std::string source_name, ImportOptions options)
    : model_(model),
      g_(model.graph),
      source_(std::move(source_name)),
      options_(std::move(options)),
      names_("imported") {}

std::string Translator::run(const std::string& model_name) {
  names_ = Names(model_name);
  check_topology();
  declare_inputs();
  for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
    for (const std::string& input : g_.nodes[i].inputs) {
      if (!input.empty()) consumers_[input].push_back(i);
    }
  }
  for (const ValueInfo& v : g_.outputs) graph_outputs_.insert(v.name);
  for (const ValueInfo& v : g_.value_info) infos_[v.name] = &v;
  for (const ValueInfo& v : g_.outputs) infos_[v.name] = &v;
  for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
    if (skipped_.count(i)) continue;
    try {
      translate_node(i);
    } catch (const ImportError& e) {
      if (e.node()) throw;
      const Node& n = g_.nodes[i];
      throw e.at(NodeRef{i, n.name, n.op_type});
    }
  }
  return render();
}

// ---- the graph

void Translator::check_topology() {
  std::unordered_set<std::string> defined;
  for (const Tensor& t : g_.initializers) defined.insert(t.name);
  for (const ValueInfo& v : g_.inputs) defined.insert(v.name);
  for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
    const Node& n = g_.nodes[i];
    if (n.inputs.size() > kMaxArity || n.outputs.size() > kMaxArity) {
      throw ImportError("has " + std::to_string(n.inputs.size()) + " inputs and " + std::to_string(n.outputs.size()) +
                            " outputs; at most " + std::to_string(kMaxArity) + " each",
                        NodeRef{i, n.name, n.op_type});
    }
    for (const std::string& input : n.inputs) {
      if (!input.empty() && !defined.count(input)) {
        throw ImportError("reads " + quoted_name(input) + ", which no earlier node, graph input or initializer defines",
                          NodeRef{i, n.name, n.op_type});
      }
    }
    for (const std::string& output : n.outputs) {
      if (output.empty()) continue;
      if (!defined.insert(output).second) {
        throw ImportError(
            "defines " + quoted_name(output) + ", which is already defined (ONNX graphs define each tensor once)",
            NodeRef{i, n.name, n.op_type});
      }
    }
  }
  if (g_.outputs.size() > kMaxArity) {
    throw ImportError("the graph has " + std::to_string(g_.outputs.size()) + " outputs; at most " +
                      std::to_string(kMaxArity));
  }
  for (const ValueInfo& v : g_.outputs) {
    if (!defined.count(v.name))
      throw ImportError("graph output " + quoted_name(v.name) + " is not produced by any node");
  }
}

void Translator::declare_inputs() {
  std::unordered_set<std::string> initializer_names;
  for (const Tensor& t : g_.initializers) {
    initializer_names.insert(t.name);
    Value v;
    std::optional<std::int64_t> count = element_count(t.dims);
    // Integer tensors and scalars with contents are folded constants (decoded when a rule reads them); every
    // other initializer is a weight, known by its shape only.
    if (t.has_values && (is_int_type(t.data_type) || count == 1 || count == 0)) {
      v.kind = Kind::kConst;
      v.cdims = t.dims;
      v.is_float = is_float_type(t.data_type);
      v.pending = &t;
      v.from_initializer = true;
    } else {
      v.kind = Kind::kWeight;
      v.dims = t.dims;
      v.weight_name = t.name;
      v.source = &t;
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
    if (!in.has_type) throw ImportError("graph input " + quoted_name(in.name) + " is not a tensor");
    if (!in.has_shape) throw ImportError("graph input " + quoted_name(in.name) + " has no shape");
    if (in.dims.size() > static_cast<std::size_t>(kMaxRank)) {
      throw ImportError("graph input " + quoted_name(in.name) + " has " + std::to_string(in.dims.size()) +
                        " axes; at most " + std::to_string(kMaxRank));
    }
    std::vector<std::string> dims;
    for (std::size_t k = 0; k < in.dims.size(); ++k) {
      const Dim& d = in.dims[k];
      if (d.value && *d.value >= 1) {
        dims.push_back(std::to_string(*d.value));
      } else if (d.value) {
        throw ImportError("graph input " + quoted_name(in.name) + " has dimension " + std::to_string(*d.value) +
                          " (sizes must be at least 1)");
      } else {
        dims.push_back(names_.size_param(d.param.empty() ? in.name + "_dim" + std::to_string(k) : d.param));
      }
    }
    Value v;
    v.kind = Kind::kTensor;
    v.var = names_.fresh(in.name);
    v.rank = static_cast<int>(dims.size());
    input_lines_.push_back(v.var + ": " + dtype_text(in.elem_type) + list_text(dims));
    values_[in.name] = std::move(v);
  }
}

void Translator::translate_node(std::size_t index) {
  index_ = index;
  node_ = &g_.nodes[index];
  scopes_.push_back(node_scope(node_->name));
  params_made_.clear();
  outputs_set_.clear();
  std::size_t first_statement = stmts_.size();
  Outcome outcome = Unsupported{"no rule"};
  const std::string& domain = node_->domain;
  if (!domain.empty() && domain != "ai.onnx" && domain != "com.microsoft") {
    outcome = Unsupported{"domain " + domain};
  } else if (Rule rule = find_rule(node_->op_type)) {
    outcome = rule(*this);
  }
  if (outcome.ok()) return;
  // Take back what the rule did before it gave up, then translate the node as not costed.
  stmts_.resize(first_statement);
  for (const std::string& name : params_made_) values_[name].param_var.clear();
  for (const std::string& name : outputs_set_) values_.erase(name);
  emit_unsupported();
}

// ---- inputs

const Value& Translator::in(std::size_t i) {
  static const Value kMissing;
  if (i >= node_->inputs.size() || node_->inputs[i].empty()) return kMissing;
  auto it = values_.find(node_->inputs[i]);
  if (it == values_.end()) return kMissing;
  if (it->second.pending) {
    const Tensor& t = *it->second.pending;
    it->second.pending = nullptr;
    materialize(it->second, t);
  }
  return it->second;
}

const Value& Translator::constant_view(std::size_t i) {
  static const Value kMissing;
  const Value& v = in(i);
  if (v.kind == Kind::kConst) return v;
  if (v.kind != Kind::kWeight || !v.source || !v.source->has_values) return kMissing;
  auto [it, inserted] = initializer_views_.try_emplace(v.source->name);
  if (inserted) {
    it->second = folded(v.dims, {}, {}, true);
    materialize(it->second, *v.source);
  }
  return it->second;
}

const Value* Translator::value_of(const std::string& onnx_name) const {
  auto it = values_.find(onnx_name);
  return it == values_.end() ? nullptr : &it->second;
}

void Translator::materialize(Value& v, const Tensor& t) {
  TensorValues values = values_of(t);
  for (std::int64_t x : values.ints) v.ints.push_back(lit(x));
  v.floats = std::move(values.floats);
}

TensorValues Translator::values_of(const Tensor& t) {
  if (!t.has_values) return {};
  std::size_t count = 1;
  for (std::int64_t d : t.dims) count *= static_cast<std::size_t>(d);  // at most kMaxKeptElements (decoder)
  count_folded(count);
  std::string external;
  if (t.external) {
    const ExternalData& data = t.external_data;
    std::filesystem::path location(data.location);
    bool inside = !data.location.empty() && location.is_relative();
    for (const auto& part : location) inside &= part != "..";
    if (!inside) {
      throw ImportError("tensor " + quoted_name(t.name) + " keeps its data at " + quoted_name(data.location) +
                        ", which is not a path inside the model's directory");
    }
    std::uint64_t length = data.length.value_or(count * element_width(t.data_type));
    std::filesystem::path path = std::filesystem::path(options_.external_data_dir) / location;
    try {
      external = read_file_range(path.string(), data.offset, length);
    } catch (const ImportError& e) {
      throw ImportError("tensor " + quoted_name(t.name) +
                        " keeps its values in external data, needed here: " + e.message());
    }
  }
  try {
    return decode_values(t, external);
  } catch (const ProtobufError& e) {
    throw ImportError(std::string("malformed tensor: ") + e.what());
  }
}

void Translator::count_folded(std::size_t elements) {
  folded_elements_ += elements;
  if (folded_elements_ > kMaxFoldedElements) {
    throw ImportError("more than " + std::to_string(kMaxFoldedElements) +
                      " elements in folded constants (shape computations and small constants)");
  }
}

int Translator::rank_of(std::size_t i) {
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
    case Kind::kMissing:
      break;
  }
  return -1;
}

Maybe<int> Translator::need_rank(std::size_t i) {
  int r = rank_of(i);
  if (r < 0) return Unsupported{"the rank of input " + std::to_string(i) + " is unknown"};
  if (r > kMaxRank)
    return Unsupported{"input " + std::to_string(i) + " has more than " + std::to_string(kMaxRank) + " axes"};
  return r;
}

Maybe<std::string> Translator::tensor(std::size_t i) {
  const Value& v = in(i);
  if (rank_of(i) > kMaxRank) return Unsupported{"input " + std::to_string(i) + " has too many axes"};
  switch (v.kind) {
    case Kind::kTensor:
      return v.var;
    case Kind::kWeight: {
      if (!v.param_var.empty()) return v.param_var;
      Value& w = values_[node_->inputs[i]];
      std::string name = w.weight_name.empty() ? node_->inputs[i] : w.weight_name;
      std::vector<std::int64_t> dims = w.dims;
      if (dims.empty()) dims.push_back(1);
      for (std::int64_t& d : dims) d = std::max<std::int64_t>(d, 1);
      Stmt s;
      s.lhs = names_.fresh(name);
      s.rhs = "param(" + ints_text(dims) + ")";
      s.op_type = "param";
      std::size_t dot = name.rfind('.');
      s.own = label_part(dot == std::string::npos ? name : name.substr(dot + 1));
      s.scope = scopes_.size() - 1;
      w.param_var = s.lhs;
      params_made_.push_back(node_->inputs[i]);
      stmts_.push_back(std::move(s));
      return w.param_var;
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
  return Unsupported{"input " + std::to_string(i) + " is not available"};
}

std::optional<std::vector<std::int64_t>> Translator::const_ints(std::size_t i) {
  const Value& v = in(i);
  if (v.kind != Kind::kConst) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const IntElem& e : v.ints) {
    if (!e.v) return std::nullopt;
    out.push_back(*e.v);
  }
  return out;
}

std::optional<double> Translator::scalar(std::size_t i) {
  const Value& v = in(i);
  if (v.kind != Kind::kConst) return std::nullopt;
  if (v.is_float && v.floats.size() == 1) return v.floats[0];
  if (!v.is_float && v.ints.size() == 1 && v.ints[0].v) return static_cast<double>(*v.ints[0].v);
  return std::nullopt;
}

bool Translator::is_shape_value(std::size_t i) {
  const Value& v = in(i);
  return v.kind == Kind::kConst && !v.is_float;
}

Maybe<std::vector<IntElem>> Translator::shape_arg(std::size_t i) {
  const Value& v = in(i);
  if (v.kind != Kind::kConst || v.is_float) return Unsupported{"the shape is not computed from sizes"};
  return v.ints;
}

Maybe<std::vector<std::int64_t>> Translator::axes_arg(std::size_t input_index) {
  std::optional<std::vector<std::int64_t>> axes = node_->ints_attr("axes");
  if (!axes && has(input_index)) {
    axes = const_ints(input_index);
    if (!axes) return Unsupported{"axes are not constant"};
  }
  if (!axes) return std::vector<std::int64_t>{};
  if (axes->size() > static_cast<std::size_t>(kMaxRank)) return Unsupported{"more axes than a tensor may have"};
  return *axes;
}

Maybe<const Value*> Translator::weight(std::size_t i, const char* what) {
  const Value& w = in(i);
  if (w.kind != Kind::kWeight) return Unsupported{std::string(what) + " is not a weight of known shape"};
  return &w;
}

bool Translator::is_graph_output(std::size_t k) const {
  return k < node_->outputs.size() && graph_outputs_.count(node_->outputs[k]);
}

// ---- outputs

Maybe<std::vector<std::string>> Translator::emit(const std::string& rhs, std::size_t outputs) {
  if (!nesting_within_limit(rhs)) return Unsupported{"expression nested too deeply"};
  std::vector<std::string> vars;
  for (std::size_t k = 0; k < outputs; ++k) {
    bool named = k < node_->outputs.size() && !node_->outputs[k].empty();
    vars.push_back(names_.fresh(named ? node_->outputs[k] : node_->op_type + "_out"));
  }
  Stmt s;
  for (std::size_t k = 0; k < vars.size(); ++k) s.lhs += (k ? ", " : "") + vars[k];
  s.rhs = rhs;
  s.op_type = node_->op_type;
  s.scope = scopes_.size() - 1;
  stmts_.push_back(std::move(s));
  return vars;
}

Maybe<std::string> Translator::emit_temp(const std::string& rhs, const std::string& base) {
  if (!nesting_within_limit(rhs)) return Unsupported{"expression nested too deeply"};
  Stmt s;
  s.lhs = names_.fresh(base);
  s.rhs = rhs;
  s.op_type = node_->op_type;
  s.scope = scopes_.size() - 1;
  std::string var = s.lhs;
  stmts_.push_back(std::move(s));
  return var;
}

Outcome Translator::emit_with_lhs(const std::string& lhs, const std::string& rhs) {
  if (!nesting_within_limit(rhs)) return Unsupported{"expression nested too deeply"};
  Stmt s;
  s.lhs = lhs;
  s.rhs = rhs;
  s.op_type = node_->op_type;
  s.scope = scopes_.size() - 1;
  stmts_.push_back(std::move(s));
  return translated();
}

Value Translator::tensor_value(const std::string& var, int rank) const {
  Value v;
  v.kind = Kind::kTensor;
  v.var = var;
  v.rank = rank;
  return v;
}

void Translator::set_out(std::size_t k, Value v) {
  if (k >= node_->outputs.size() || node_->outputs[k].empty()) return;
  if (v.kind == Kind::kConst) count_folded(v.ints.size());
  outputs_set_.push_back(node_->outputs[k]);
  values_[node_->outputs[k]] = std::move(v);
}

Outcome Translator::emit_tensor(const std::string& rhs, int rank) {
  Maybe<std::vector<std::string>> vars = emit(rhs);
  if (!vars) return vars.why();
  set_out(0, tensor_value((*vars)[0], rank));
  return translated();
}

Outcome Translator::forward(std::size_t k, const Value& v) {
  set_out(k, v);
  return translated();
}

void Translator::absorb(std::size_t index, Value v) {
  skipped_.insert(index);
  values_[g_.nodes[index].outputs[0]] = std::move(v);
}

std::optional<std::size_t> Translator::sole_consumer() const {
  if (node_->outputs.empty() || is_graph_output(0)) return std::nullopt;
  auto it = consumers_.find(node_->outputs[0]);
  if (it == consumers_.end() || it->second.size() != 1) return std::nullopt;
  return it->second[0];
}

// A node without a rule: every output becomes a not-costed op over the node's tensor inputs, with the
// shape the graph declares for it where it does.
void Translator::emit_unsupported() {
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
  std::string op_type = label_part(std::string_view(node_->op_type).substr(0, 60));
  for (std::size_t k = 0; k < node_->outputs.size(); ++k) {
    if (node_->outputs[k].empty()) continue;
    std::string rhs = "unsupported(" + list_text(inputs) + ", op_type = \"" + op_type + "\"";
    int out_rank = rank;
    auto info = infos_.find(node_->outputs[k]);
    if (info != infos_.end() && info->second->has_shape && info->second->dims.size() <= std::size_t{kMaxRank}) {
      std::vector<std::string> dims;
      bool ok = true;
      for (const Dim& d : info->second->dims) {
        if (d.value && *d.value >= 0) {
          dims.push_back(std::to_string(*d.value));
        } else if (const std::string* param = names_.find_size_param(d.param)) {
          dims.push_back(*param);
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
    s.lhs = names_.fresh(node_->outputs[k]);
    s.rhs = rhs + ")";
    s.op_type = node_->op_type;
    s.scope = scopes_.size() - 1;
    values_[node_->outputs[k]] = tensor_value(s.lhs, out_rank);
    stmts_.push_back(std::move(s));
  }
}

// ---- the text

std::string Translator::render() {
  assign_labels(stmts_, scopes_);
  ModelText text;
  text.source = source_;
  text.producer_name = model_.producer_name;
  text.producer_version = model_.producer_version;
  text.opset = model_.opset();
  text.nodes = g_.nodes.size();
  text.unsupported = unsupported_;
  text.name = names_.model_name();
  text.size_params = names_.size_params();
  text.inputs = input_lines_;
  text.stmts = &stmts_;
  std::unordered_set<std::string> returned;
  for (const ValueInfo& o : g_.outputs) {
    auto it = values_.find(o.name);
    if (it == values_.end() || it->second.kind != Kind::kTensor) continue;
    if (returned.insert(it->second.var).second) text.returned.push_back(it->second.var);
  }
  return print_model(text);
}

}  // namespace nnscope::onnx
