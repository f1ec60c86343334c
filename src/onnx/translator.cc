#include "onnx/translator.h"

#include <algorithm>
#include <unordered_set>

#include "onnx/folding.h"
#include "onnx/printer.h"
#include "onnx/rules.h"

namespace nnscope::onnx {
namespace {

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
  count_weight_users();
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
  std::unordered_set<std::string>& defined = defined_;
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

// Integer tensors and scalars with contents are folded constants (decoded when a rule reads them); every
// other initializer is a weight, known by its shape only.
void Translator::declare_initializer(const Tensor& t) {
  Value v;
  std::optional<std::int64_t> count = element_count(t.dims);
  if (t.has_values && (is_int_type(t.data_type) || count == 1 || count == 0)) {
    v.kind = Kind::kConst;
    v.cdims = t.dims;
    v.is_float = is_float_type(t.data_type);
    v.pending = &t;
    v.from_initializer = true;
  } else {
    v.kind = Kind::kWeight;
    v.dims = t.dims;
    v.source = &t;
  }
  v.weight_name = t.name;
  v.weight_root = t.name;
  values_[t.name] = std::move(v);
}

void Translator::declare_inputs() {
  std::unordered_set<std::string> initializer_names;
  for (const Tensor& t : g_.initializers) {
    initializer_names.insert(t.name);
    declare_initializer(t);
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
  // A graph input giving a Loop's trip count becomes a size parameter (rules_control.cc): it takes the input's
  // own name, so `--set steps=8` binds it, and the tensor, unused, is `_steps`.
  std::unordered_set<std::string> trip_counts;
  for (const Node& n : g_.nodes) {
    if (n.op_type == "Loop" && !n.inputs.empty() && !n.inputs[0].empty()) trip_counts.insert(n.inputs[0]);
  }
  for (const ValueInfo& in : g_.inputs) {
    if (trip_counts.count(in.name)) names_.size_param(in.name);
  }
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
      v.weight_root = in.name;
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
        dims.push_back(d.param.empty() ? names_.size_param(in.name + "_dim" + std::to_string(k))
                                       : names_.size_expression(d.param));
      }
    }
    Value v;
    v.kind = Kind::kTensor;
    v.var = names_.fresh(trip_counts.count(in.name) ? "_" + in.name : in.name);
    v.rank = static_cast<int>(dims.size());
    input_lines_.push_back(v.var + ": " + dtype_text(in.elem_type) + list_text(dims));
    values_[in.name] = std::move(v);
  }
}

// Which weights several nodes read: tied embeddings (a Gather and the output projection read one table).
// Transpose, Reshape and the like pass a weight on rather than read it.
void Translator::count_weight_users() {
  std::unordered_map<std::string, std::string> root_of;
  for (const auto& [name, v] : values_) {
    if (v.kind == Kind::kWeight) root_of[name] = v.weight_root;
  }
  static const std::unordered_set<std::string> kPassing = {"Transpose", "Reshape", "Unsqueeze", "Squeeze",
                                                           "Identity",  "Cast",    "CastLike"};
  for (const Node& n : g_.nodes) {
    auto first = n.inputs.empty() ? root_of.end() : root_of.find(n.inputs[0]);
    if (first != root_of.end() && kPassing.count(n.op_type) && !n.outputs.empty()) {
      root_of[n.outputs[0]] = first->second;
      continue;
    }
    std::unordered_set<std::string> read;
    for (const std::string& input : n.inputs) {
      auto it = root_of.find(input);
      if (it != root_of.end() && read.insert(it->second).second) ++weight_users_[it->second];
    }
  }
}

bool Translator::is_shared(const Value& weight) const {
  auto it = weight_users_.find(weight.weight_root);
  return !weight.weight_root.empty() && it != weight_users_.end() && it->second > 1;
}

void Translator::translate_node(std::size_t index) { translate(g_.nodes[index], index); }

void Translator::translate(const Node& node, std::size_t index) {
  index_ = index;
  node_ = &node;
  scopes_.push_back(node_scope(node_->name));
  params_made_.clear();
  outputs_set_.clear();
  roots_claimed_.clear();
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
  for (const std::string& root : roots_claimed_) weight_owner_.erase(root);
  emit_unsupported(outcome.reason());
}

Outcome Translator::inline_branch(const Graph& branch, const std::string& which) {
  if (branch.outputs.size() != node_->outputs.size()) {
    return Unsupported{"the " + which + " has " + std::to_string(branch.outputs.size()) + " outputs, the node " +
                       std::to_string(node_->outputs.size())};
  }
  Maybe<std::vector<Value>> outputs = translate_body(branch, {}, which);
  if (!outputs) return outputs.why();
  for (std::size_t k = 0; k < outputs->size(); ++k) {
    if ((*outputs)[k].kind != Kind::kMissing) set_out(k, std::move((*outputs)[k]));  // else stays unavailable
  }
  return translated();
}

Maybe<std::vector<Value>> Translator::translate_body(const Graph& body, const std::vector<Value>& inputs,
                                                     const std::string& which) {
  if (inputs.size() > body.inputs.size()) {
    return Unsupported{"the " + which + " has " + std::to_string(body.inputs.size()) + " inputs, the node gives " +
                       std::to_string(inputs.size())};
  }
  // A Loop translates its body twice, so Loops nested k deep translate the innermost body 2^k times: bounded.
  body_nodes_translated_ += body.nodes.size();
  if (body_nodes_translated_ > kMaxBodyNodes) {
    throw ImportError("subgraph nodes translated exceed " + std::to_string(kMaxBodyNodes) +
                      " (Loops nested too deeply)");
  }
  const Node* outer = node_;
  std::size_t outer_index = index_;
  for (const Tensor& t : body.initializers) {
    if (!defined_.insert(t.name).second) continue;  // a Loop's body is translated twice; its weights once
    declare_initializer(t);
  }
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    values_[body.inputs[k].name] = inputs[k];
    defined_.insert(body.inputs[k].name);
  }
  std::vector<std::string> params_made = params_made_, outputs_set = outputs_set_, roots_claimed = roots_claimed_;
  for (std::size_t i = 0; i < body.nodes.size(); ++i) {
    const Node& inner = body.nodes[i];
    std::string where = " (in node " + std::to_string(i) + (inner.name.empty() ? "" : " " + quoted_name(inner.name)) +
                        " of the " + which + ")";
    for (const std::string& input : inner.inputs) {
      if (!input.empty() && !defined_.count(input)) {
        throw ImportError("reads " + quoted_name(input) + ", which nothing before it defines" + where);
      }
    }
    for (const std::string& output : inner.outputs) defined_.insert(output);
    try {
      translate(inner, outer_index);
    } catch (const ImportError& e) {
      throw ImportError(e.message() + where);
    }
    // The weights inner nodes claimed are the outer node's to give back if its rule gives up later.
    roots_claimed.insert(roots_claimed.end(), roots_claimed_.begin(), roots_claimed_.end());
  }
  node_ = outer;
  index_ = outer_index;
  scopes_.push_back(node_scope(node_->name));  // what the node emits next is labelled after it again
  params_made_ = std::move(params_made);
  outputs_set_ = std::move(outputs_set);
  roots_claimed_ = std::move(roots_claimed);
  std::vector<Value> outputs;
  for (const ValueInfo& o : body.outputs) {
    auto it = values_.find(o.name);
    outputs.push_back(it == values_.end() ? Value{} : it->second);
  }
  return outputs;
}

void Translator::discard_input(std::size_t i) {
  if (i >= node_->inputs.size() || node_->inputs[i].empty() || graph_outputs_.count(node_->inputs[i])) return;
  auto value = values_.find(node_->inputs[i]);
  auto readers = consumers_.find(node_->inputs[i]);
  if (value == values_.end() || value->second.kind != Kind::kTensor || readers == consumers_.end() ||
      readers->second.size() != 1) {
    return;
  }
  for (auto s = stmts_.rbegin(); s != stmts_.rend(); ++s) {
    if (s->lhs != value->second.var) continue;
    s->lhs = names_.unused(s->lhs);
    value->second.var = s->lhs;
    return;
  }
}

void Translator::emit_line(const std::string& text) {
  Stmt s;
  s.rhs = text;
  s.verbatim = true;
  s.scope = scopes_.size() - 1;
  stmts_.push_back(std::move(s));
}

// ---- outputs

void Translator::own_weight(Stmt& s, const Value& weight) {
  if (weight.weight_root.empty()) return;
  auto [it, first] = weight_owner_.try_emplace(weight.weight_root, stmts_.size());
  if (first) {
    roots_claimed_.push_back(weight.weight_root);
  } else {
    s.tied_to = it->second;
  }
}

Maybe<std::vector<std::string>> Translator::emit(const std::string& rhs, std::size_t outputs, const Value* owned) {
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
  if (owned) own_weight(s, *owned);
  stmts_.push_back(std::move(s));
  return vars;
}

Maybe<std::string> Translator::emit_temp(const std::string& rhs, const std::string& base, const Value* owned) {
  if (!nesting_within_limit(rhs)) return Unsupported{"expression nested too deeply"};
  Stmt s;
  s.lhs = names_.fresh(base);
  s.rhs = rhs;
  s.op_type = node_->op_type;
  s.scope = scopes_.size() - 1;
  if (owned) own_weight(s, *owned);
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

Outcome Translator::emit_tensor(const std::string& rhs, int rank, const Value* owned) {
  Maybe<std::vector<std::string>> vars = emit(rhs, 1, owned);
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
void Translator::emit_unsupported(const std::string& reason) {
  std::vector<std::string> inputs;
  int rank = -1;
  for (std::size_t i = 0; i < node_->inputs.size(); ++i) {
    const Value& v = in(i);
    if (v.kind == Kind::kTensor) {
      inputs.push_back(v.var);
      if (rank < 0) rank = v.rank;
    }
  }
  auto& [count, first_reason] = unsupported_[node_->op_type];
  if (count++ == 0) first_reason = reason;
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
  resolve_tied_weights(stmts_);
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
  if (quantized_) {
    text.notes.push_back(
        "Quantized operators: GEMM MACs as for float; weights are int8 in the file, so analyse with "
        "--weight-dtype int8.");
  }
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
