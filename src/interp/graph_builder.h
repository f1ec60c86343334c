#pragma once
// The graph builder: the half of elaboration that builds the graph IR, apart from the evaluator of the
// language (evaluator.cc), which decides what to build. It adds the model's inputs, parameters and outputs,
// adds ops under unique paths, and runs operator rules as their ops::OpContext: it answers a rule's size
// questions at the bound values and records each answer as an assumption (so a sweep knows where the graph
// stops being valid), shares equal cost records (ir::CostTable) and reuses the answers of repeated calls
// (RuleMemo). It knows nothing of the language: operator arguments arrive already converted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "interp/limits.h"
#include "interp/path_set.h"
#include "interp/rule_memo.h"
#include "ir/graph.h"
#include "ops/op.h"
#include "source/source.h"

namespace nnscope::interp {

// Where the builder reports an error; the evaluator implements it, adding the chain of block instantiations.
class ErrorReporter {
 public:
  [[noreturn]] virtual void fail(Location at, std::string message) = 0;

 protected:
  ~ErrorReporter() = default;
};

class GraphBuilder final : public ops::OpContext {
 public:
  GraphBuilder(ErrorReporter& errors, const Limits& limits, DType weight_dtype, DType activation_dtype);

  // ---- the graph's frame ---------------------------------------------------------------------------------
  void set_model(std::string name, std::string doc);
  // Binds a model parameter to its value in this run (a size symbol unless is_const).
  void bind_parameter(const std::string& name, sym::Int value, bool is_const);
  ir::TensorId add_input(std::string name, ir::Shape shape, DType dtype, Location at);
  void add_output(std::string name, ir::TensorId tensor);
  // The finished graph. Without outputs, the tensors nothing consumed become the outputs, so that a model
  // without `return` still has meaningful totals.
  ir::Graph finish();

  const ir::Tensor& tensor(ir::TensorId t) const { return graph_.tensors[t]; }
  const sym::Bindings& bindings() const { return graph_.bindings; }

  // ---- sizes at the bound values (ops::OpContext), each answer recorded as an assumption ------------------
  bool same_size(const sym::Expr& a, const sym::Expr& b) override;
  sym::Int value(const sym::Expr& e) override;
  bool is_negative(const sym::Expr& e) override { return predicate(e, ir::Assumption::Kind::kNegative); }
  bool is_zero(const sym::Expr& e) override { return predicate(e, ir::Assumption::Kind::kZero); }
  bool is_positive(const sym::Expr& e) override { return predicate(e, ir::Assumption::Kind::kPositive); }
  DType activation_dtype() const override { return activation_dtype_; }
  bool predicate(const sym::Expr& e, ir::Assumption::Kind kind);
  // As value() and predicate(), for the language: an evaluation error (overflow) is reported at `at`.
  sym::Int concrete(const sym::Expr& e, Location at);
  bool concrete_predicate(const sym::Expr& e, ir::Assumption::Kind kind, Location at);

  // ---- paths ---------------------------------------------------------------------------------------------
  static std::string joined_path(const std::string& prefix, const std::string& label) {
    return prefix.empty() ? label : prefix + "." + label;
  }
  // `base` if no op or block has it yet, else base_2, base_3, ...; reserved from then on.
  std::string unique_path(std::string base);

  // ---- ops -----------------------------------------------------------------------------------------------
  // Adds an op applying `def` to `given` (aligned with def.args) whose tensor inputs are `inputs`, at the
  // unique path made from `path_base`; returns its outputs. An error of the rule is reported at the argument
  // it names, else at `at`.
  const ir::TensorIds& add_op(const ops::OpDef& def, RuleMemo::Arguments given, ir::TensorIds inputs, Location at,
                              std::string path_base);
  // `tied_to = "path"`: the op just added reuses the weights of the op at `target`.
  void tie_last_op_weights(const std::string& target, Location at);
  // `frozen = true | false` (given, or inherited from a frozen block): the op just added trains no weights.
  void freeze_last_op_weights(bool frozen, bool explicit_argument, Location at);

 private:
  // The path an op will claim: its base, the base's suffix counter when the base was given before (every
  // unlabelled relu) and the first candidate then ("relu_7"), found once for both announce and claim.
  struct PathClaim {
    std::string base;
    std::size_t* next = nullptr;  // into next_suffix_ (its nodes never move)
    std::size_t next_seen = 0;    // *next when `candidate` was made
    std::string candidate;
  };
  // The path set's first probe for the claim is a cache miss in a large model; starting it early lets the miss
  // overlap an op's other work.
  PathClaim announce_path(std::string base);
  std::string claim_path(PathClaim claim);
  // Fails when a dimension, or the element count the analysis will build from them, passes the size limit.
  void check_shape(const ir::Shape& shape, const std::string& what, Location at);
  // errors_.fail, which never returns; GCC does not trust [[noreturn]] through a virtual call.
  [[noreturn]] void fail(Location at, std::string message);
  const RuleMemo::Answer& run_rule(const ops::OpDef& def, const RuleMemo::Arguments& given, std::size_t memo_key,
                                   Location at);

  ErrorReporter& errors_;
  const Limits& limits_;
  DType activation_dtype_;
  ir::Graph graph_;
  // At graph_.bindings, which only grow while parameters are bound, so a remembered value never goes stale.
  // Ops check the same few expressions again and again (out_features - 1 >= 0 for every linear).
  sym::Evaluator evaluator_{graph_.bindings};
  ir::CostTable cost_table_;  // ops with equal weights and costs share one record
  RuleMemo rule_memo_;        // recent rule answers, by the arguments' values
  PathSet used_paths_;        // every op path and block prefix so far
  // For a path given more than once, the last numeric suffix handed out ("relu" -> 3 after relu_3).
  std::unordered_map<std::string, std::size_t> next_suffix_;
  std::unordered_map<std::string, std::size_t> op_by_path_;  // for tied_to: ops [0, indexed_ops_) by path
  std::size_t indexed_ops_ = 0;
  std::unordered_set<sym::Expr> recorded_;
  struct PredicateHash {
    std::size_t operator()(const std::pair<sym::Expr, int>& p) const {
      return p.first.hash() * 4 + static_cast<std::size_t>(p.second);
    }
  };
  std::unordered_set<std::pair<sym::Expr, int>, PredicateHash> recorded_predicates_;
};

}  // namespace nnscope::interp
