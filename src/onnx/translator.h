#pragma once
// The state of one import and what translation rules (rules.h) see of it: the node being translated, its
// inputs as Values, and the statements emitted so far. The run loop checks the graph, declares its inputs,
// then hands each node to the rule registered for its op_type; a rule that returns Unsupported has its
// statements taken back and the node becomes a not-costed `unsupported(...)` op.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onnx/importer.h"
#include "onnx/naming.h"
#include "onnx/onnx_model.h"
#include "onnx/value.h"

namespace nnscope::onnx {

class Translator {
 public:
  Translator(const Model& model, std::string source_name, ImportOptions options);
  // The .nn text of the model, named `model_name`.
  std::string run(const std::string& model_name);

  // ---- for the rules: the node being translated and its inputs

  const Node& node() const { return *node_; }
  std::int64_t opset() const { return model_.opset(); }

  // Input i, kMissing when it is omitted or not available. Folded constants are decoded on first use.
  const Value& in(std::size_t i);
  bool has(std::size_t i) { return in(i).kind != Kind::kMissing; }
  int rank_of(std::size_t i);
  Maybe<int> need_rank(std::size_t i);
  // The expression of input i as a tensor; weights become param([...]) and constants constant([...]).
  Maybe<std::string> tensor(std::size_t i);
  // The contents of a small tensor (an initializer, a Constant's value), external data included. Throws
  // ImportError for malformed contents, a missing external data file, or past the bound on folded elements.
  TensorValues values_of(const Tensor& t);
  // Input i as a folded constant: itself when it is one, else the values of an initializer (tf2onnx and
  // onnx-simplifier keep Resize scales and Clip bounds as initializers); kMissing when neither.
  const Value& constant_view(std::size_t i);
  // A constant input's elements, when all are known.
  std::optional<std::vector<std::int64_t>> const_ints(std::size_t i);
  // A one-element constant input.
  std::optional<double> scalar(std::size_t i);
  bool is_shape_value(std::size_t i);
  // The target of Reshape/Expand/Slice... as .nn integer expressions.
  Maybe<std::vector<IntElem>> shape_arg(std::size_t i);
  // The `axes` attribute, else the constant input `input_index`, else empty.
  Maybe<std::vector<std::int64_t>> axes_arg(std::size_t input_index);
  // Input i as a learned tensor of known shape.
  Maybe<const Value*> weight(std::size_t i, const char* what);
  bool is_graph_output(std::size_t k) const;
  const Value* value_of(const std::string& onnx_name) const;

  // ---- for the rules: what they produce

  // `lhs = LABEL: rhs` for the node's first `outputs` outputs; returns the variables. `owned` is the weight
  // the op's parameters are exactly (embedding's table, linear's weight without bias, param), if any: the
  // first op to own a weight root is its owner, later ones reuse it (tied_to), so it counts once.
  Maybe<std::vector<std::string>> emit(const std::string& rhs, std::size_t outputs = 1, const Value* owned = nullptr);
  // A statement for an intermediate of a node that needs several ops, or with given left-hand side names.
  Maybe<std::string> emit_temp(const std::string& rhs, const std::string& base, const Value* owned = nullptr);
  Outcome emit_with_lhs(const std::string& lhs, const std::string& rhs);
  std::string fresh(const std::string& onnx_name) { return names_.fresh(onnx_name); }
  void set_out(std::size_t k, Value v);
  // Sets output 0 to a tensor of `rank` computed by `rhs` (the common case).
  Outcome emit_tensor(const std::string& rhs, int rank, const Value* owned = nullptr);
  // Whether more nodes than one read this weight (directly or through Transpose, Reshape, ...).
  bool is_shared(const Value& weight) const;
  // The node's output `k` becomes an existing value (pass-through).
  Outcome forward(std::size_t k, const Value& v);
  // Input i is a tensor this node reads but does not use (ScatterND's indices and updates): when no other node
  // reads it, its variable becomes `_name`, so the generated model does not warn that it is never used.
  void discard_input(std::size_t i);
  // Marks node `index` (a later one) as done by this node: its output 0 becomes `v` (a folded bias Add).
  void absorb(std::size_t index, Value v);
  // The single later node that reads output 0, if exactly one does and output 0 is not a graph output.
  std::optional<std::size_t> sole_consumer() const;
  const Graph& graph() const { return g_; }
  // The model has quantized operators (the generated header then says how to analyse it).
  void note_quantized() { quantized_ = true; }
  // Translates the nodes of `branch` (If's then_branch or else_branch, named `which`) in place of the node,
  // whose outputs become the branch's outputs.
  Outcome inline_branch(const Graph& branch, const std::string& which);
  // Translates the nodes of a subgraph (If's branch, Loop's or Scan's body, named `which`) where the node
  // stands; the subgraph's first inputs take `inputs` by position. Returns the values of its outputs (kMissing
  // where not translated). A body may be translated more than once (a Loop's first iteration and the rest).
  Maybe<std::vector<Value>> translate_body(const Graph& body, const std::vector<Value>& inputs,
                                           const std::string& which);
  // A line of control text in the generated model (`repeat N {`, `}`, `carry = y`).
  void emit_line(const std::string& text);
  // The size parameter named after an ONNX name (a graph input holding a Loop's trip count).
  std::string size_param(const std::string& onnx_name) { return names_.size_param(onnx_name); }

 private:
  void check_topology();
  void declare_inputs();
  void translate_node(std::size_t index);
  void translate(const Node& node, std::size_t index);
  void declare_initializer(const Tensor& t);
  void materialize(Value& v, const Tensor& t);
  void count_folded(std::size_t elements);
  void count_weight_users();
  void own_weight(Stmt& s, const Value& weight);
  void emit_unsupported(const std::string& reason);
  Value tensor_value(const std::string& var, int rank) const;
  std::string render();

  const Model& model_;
  const Graph& g_;
  std::string source_;
  ImportOptions options_;
  Names names_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, Value> initializer_views_;  // constant_view of weights, decoded once
  std::vector<std::string> input_lines_;
  std::vector<Stmt> stmts_;
  std::vector<NodeScope> scopes_;
  std::unordered_map<std::string, std::vector<std::size_t>> consumers_;
  std::unordered_set<std::size_t> skipped_;
  std::unordered_set<std::string> graph_outputs_;
  std::unordered_map<std::string, const ValueInfo*> infos_;
  std::map<std::string, std::pair<int, std::string>> unsupported_;  // op_type -> nodes, the first's reason
  std::size_t folded_elements_ = 0;  // elements of every folded constant so far (bounded)
  static constexpr std::size_t kMaxBodyNodes = 200'000;
  std::size_t body_nodes_translated_ = 0;  // nodes of subgraphs translated so far (bounded)
  // The node being translated, and what to take back when its rule returns Unsupported.
  std::size_t index_ = 0;
  const Node* node_ = nullptr;
  std::vector<std::string> params_made_;  // weights whose param_var this node set
  std::vector<std::string> outputs_set_;
  std::vector<std::string> roots_claimed_;
  bool quantized_ = false;
  std::unordered_map<std::string, Value> weight_views_;  // small integer initializers read as weights
  std::unordered_set<std::string> defined_;              // every tensor name the graph (and inlined branches) define
  std::unordered_map<std::string, std::size_t> weight_users_;  // weight root -> nodes that read it
  std::unordered_map<std::string, std::size_t> weight_owner_;  // weight root -> the statement owning it
};

}  // namespace nnscope::onnx
