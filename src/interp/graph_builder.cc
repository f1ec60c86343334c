#include "interp/graph_builder.h"

#include <cstdlib>
#include <optional>
#include <vector>

#include "interp/program.h"  // closest_name
#include "ops/common.h"
#include "source/diagnostic.h"

namespace nnscope::interp {

GraphBuilder::GraphBuilder(ErrorReporter& errors, const Limits& limits, DType weight_dtype, DType activation_dtype)
    : errors_(errors), limits_(limits), activation_dtype_(activation_dtype) {
  graph_.weight_dtype = weight_dtype;
  graph_.activation_dtype = activation_dtype;
}

void GraphBuilder::fail(Location at, std::string message) {
  errors_.fail(at, std::move(message));
  std::abort();  // not reached
}

// ---- the graph's frame -----------------------------------------------------------------------------------

void GraphBuilder::set_model(std::string name, std::string doc) {
  graph_.model_name = std::move(name);
  graph_.model_doc = std::move(doc);
}

void GraphBuilder::bind_parameter(const std::string& name, sym::Int value, bool is_const) {
  graph_.parameters.push_back({name, value, is_const});
  graph_.bindings.set(name, value);
}

ir::TensorId GraphBuilder::add_input(std::string name, ir::Shape shape, DType dtype, Location at) {
  check_shape(shape, "input '" + name + "'", at);
  ir::Tensor t;
  t.shape = std::move(shape);
  t.dtype = dtype;
  t.name = std::move(name);
  graph_.tensors.push_back(std::move(t));
  graph_.inputs.push_back(graph_.tensors.size() - 1);
  return graph_.tensors.size() - 1;
}

void GraphBuilder::add_output(std::string name, ir::TensorId tensor) {
  graph_.outputs.push_back({std::move(name), tensor});
}

ir::Graph GraphBuilder::finish() {
  if (graph_.outputs.empty() && !graph_.ops.empty()) {
    std::vector<bool> consumed(graph_.tensors.size(), false);
    for (const ir::Op& op : graph_.ops)
      for (ir::TensorId t : op.inputs) consumed[t] = true;
    for (ir::TensorId t = 0; t < graph_.tensors.size(); ++t) {
      if (!consumed[t] && graph_.tensors[t].producer != ir::kNoOp)
        graph_.outputs.push_back({graph_.tensors[t].name, t});
    }
  }
  return std::move(graph_);
}

// Every later phase multiplies a tensor's dimensions (element counts, bytes, costs), so a shape is refused
// before anyone builds that product when its size bound passes the limit: four dimensions of 66 terms each
// are each small, but their product has 19 million terms.
void GraphBuilder::check_shape(const ir::Shape& shape, const std::string& what, Location at) {
  std::size_t element_terms = 1;
  for (const sym::Expr& d : shape) {
    if (d.size() > limits_.max_expr_size) {
      fail(at, what + " has a dimension of " + std::to_string(d.size()) + " nodes (the limit is " +
                   std::to_string(limits_.max_expr_size) + ", --limit expr-size=N)");
    }
    element_terms = sym::Expr::product_terms_bound(element_terms, d.terms());
  }
  if (element_terms > limits_.max_expr_size) {
    fail(at, what + " has an element count (the product of its dimensions) of up to " + std::to_string(element_terms) +
                 " terms (the limit is " + std::to_string(limits_.max_expr_size) + ", --limit expr-size=N)");
  }
}

// ---- sizes at the bound values ---------------------------------------------------------------------------

bool GraphBuilder::same_size(const sym::Expr& a, const sym::Expr& b) {
  if (a == b) return true;
  sym::Expr difference = a - b;
  if (difference.is_constant()) return difference.is_zero();
  return value(difference) == 0;
}

sym::Int GraphBuilder::value(const sym::Expr& e) {
  if (auto v = e.integer_value()) return *v;
  sym::Int result = evaluator_.evaluate_integer(e);
  if (recorded_.insert(e).second) graph_.assumptions.push_back({e, ir::Assumption::Kind::kEquals, result, true});
  return result;
}

bool GraphBuilder::predicate(const sym::Expr& e, ir::Assumption::Kind kind) {
  std::optional<sym::Int> constant = e.integer_value();
  sym::Int v = constant ? *constant : evaluator_.evaluate_integer(e);
  bool holds = kind == ir::Assumption::Kind::kNegative ? v < 0 : kind == ir::Assumption::Kind::kZero ? v == 0 : v > 0;
  if (!constant && recorded_predicates_.insert({e, static_cast<int>(kind)}).second) {
    graph_.assumptions.push_back({e, kind, 0, holds});
  }
  return holds;
}

sym::Int GraphBuilder::concrete(const sym::Expr& e, Location at) {
  try {
    return value(e);
  } catch (const std::exception& ex) {
    fail(at, ex.what());
  }
}

bool GraphBuilder::concrete_predicate(const sym::Expr& e, ir::Assumption::Kind kind, Location at) {
  try {
    return predicate(e, kind);
  } catch (const std::exception& ex) {
    fail(at, ex.what());
  }
}

// ---- paths -----------------------------------------------------------------------------------------------

GraphBuilder::PathClaim GraphBuilder::announce_path(std::string base) {
  PathClaim claim;
  auto known = next_suffix_.find(base);
  if (known != next_suffix_.end()) {
    claim.next = &known->second;
    claim.next_seen = known->second;
    claim.candidate = base + "_" + std::to_string(known->second + 1);
  }
  used_paths_.prefetch(claim.next ? claim.candidate : base);
  claim.base = std::move(base);
  return claim;
}

std::string GraphBuilder::claim_path(PathClaim claim) {
  // A base given before (every unlabelled relu) is known taken: skip probing the large path set for it.
  if (!claim.next) {
    if (used_paths_.insert(claim.base)) return std::move(claim.base);
    claim.next = &next_suffix_[claim.base];
  } else if (*claim.next == claim.next_seen) {
    ++*claim.next;
    if (used_paths_.insert(claim.candidate)) return std::move(claim.candidate);
  }
  for (;;) {
    std::string candidate = claim.base + "_" + std::to_string(++*claim.next);
    if (used_paths_.insert(candidate)) return candidate;
  }
}

std::string GraphBuilder::unique_path(std::string base) { return claim_path(announce_path(std::move(base))); }

// ---- ops -------------------------------------------------------------------------------------------------

const ir::TensorIds& GraphBuilder::add_op(const ops::OpDef& def, RuleMemo::Arguments given, ir::TensorIds inputs,
                                          Location at, std::string path_base) {
  if (graph_.ops.size() >= limits_.max_ops) {
    fail(at, "the graph has more than " + std::to_string(limits_.max_ops) + " ops (the limit)");
  }
  PathClaim path = announce_path(std::move(path_base));
  std::size_t memo_key = RuleMemo::hash(def, given);
  const RuleMemo::Answer* answer = rule_memo_.find(memo_key, def, given);
  if (!answer) answer = &run_rule(def, given, memo_key, at);

  ir::Op op;
  op.kind = def.name;
  op.def = &def;
  op.path = claim_path(std::move(path));
  op.inputs = std::move(inputs);
  op.location = at;
  op.shared_costs = answer->costs;
  op.display = answer->display;
  std::size_t op_index = graph_.ops.size();
  op.outputs.reserve(answer->outputs.size());
  for (std::size_t k = 0; k < answer->outputs.size(); ++k) {
    ir::Tensor t;
    t.shape = answer->outputs[k].shape;
    t.dtype = answer->outputs[k].dtype;
    t.producer = op_index;
    t.view = answer->view && k == 0;
    t.value_bound = answer->outputs[k].value_bound;
    // A view holds its input's values, so it keeps what is known of them (view rules build their output
    // types from shape and dtype alone).
    if (t.view && !op.inputs.empty() && t.dtype == graph_.tensors[op.inputs[0]].dtype) {
      t.value_bound = graph_.tensors[op.inputs[0]].value_bound;
    }
    t.name = answer->outputs.size() == 1 ? op.path : op.path + ":" + std::to_string(k);
    graph_.tensors.push_back(std::move(t));
    op.outputs.push_back(graph_.tensors.size() - 1);
  }
  graph_.ops.push_back(std::move(op));
  return graph_.ops.back().outputs;
}

// Runs the operator's rule, checks its outputs and remembers the answer (RuleMemo).
const RuleMemo::Answer& GraphBuilder::run_rule(const ops::OpDef& def, const RuleMemo::Arguments& given,
                                               std::size_t memo_key, Location at) {
  // Where each argument was written, for an error the rule reports about one of them.
  std::vector<Location> argument_locations(def.args.size(), at);
  for (std::size_t i = 0; i < given.size() && i < argument_locations.size(); ++i) {
    if (given[i] && given[i]->location.valid()) argument_locations[i] = given[i]->location;
  }
  ops::OpResult result;
  try {
    result = def.apply(ops::bind_args(def, given), *this);
  } catch (const ops::OpError& error) {
    Location where = at;
    for (std::size_t i = 0; i < def.args.size(); ++i) {
      if (def.args[i].name == error.argument()) where = argument_locations[i];
    }
    std::string message = error.what();
    // Prefix the operator's name unless the message already starts with it.
    bool named = message.starts_with(def.name) && message.size() > def.name.size() &&
                 (message[def.name.size()] == ' ' || message[def.name.size()] == ':');
    fail(where, named ? message : def.name + ": " + message);
  } catch (const DiagnosticError&) {
    throw;
  } catch (const sym::SizeError& error) {
    fail(at, def.name + ": " + std::string(error.what()));
  } catch (const sym::OverflowError& error) {
    fail(at, def.name + ": arithmetic overflow: " + std::string(error.what()));
  } catch (const sym::DomainError& error) {
    fail(at, def.name + ": " + std::string(error.what()));
  }

  for (const ir::TensorType& output : result.outputs) check_shape(output.shape, def.name + ": its output", at);
  RuleMemo::Answer answer;
  answer.outputs = std::move(result.outputs);
  ir::OpCosts costs;
  costs.weights = std::move(result.weights);
  for (const ir::Weight& w : costs.weights) costs.params += ops::numel(w.shape);
  costs.forward = std::move(result.forward);
  costs.backward = std::move(result.backward);
  costs.costed = result.costed;
  costs.gathered_elements = std::move(result.gathered_elements);
  costs.gathered_dtype = result.gathered_dtype;
  costs.idle_params = std::move(result.idle_params);
  answer.costs = cost_table_.intern(std::move(costs));
  if (!result.display.empty()) answer.display = std::make_shared<const ir::DisplayHints>(std::move(result.display));
  answer.view = result.view;
  return rule_memo_.remember(memo_key, def, given, std::move(answer));
}

// `tied_to = "path"` on any call of an operator with weights: the op reuses the weights of the op at that
// path (GPT-2's LM head reads the token-embedding table). It adds no parameters; its row still reads the
// weight bytes, and its GEMM work counts as usual.
void GraphBuilder::tie_last_op_weights(const std::string& target, Location at) {
  ir::Op& op = graph_.ops.back();
  // Indexed on first use: most models tie nothing, and a 1M-op model should not pay for the index.
  for (; indexed_ops_ < graph_.ops.size(); ++indexed_ops_)
    op_by_path_.emplace(graph_.ops[indexed_ops_].path, indexed_ops_);
  auto it = op_by_path_.find(target);
  if (it == op_by_path_.end()) {
    std::vector<std::string> paths;
    for (const ir::Op& o : graph_.ops) {
      if (!o.costs().weights.empty()) paths.push_back(o.path);
    }
    std::string hint = closest_name(target, paths);
    fail(at, "tied_to: no op with the path '" + target + "' so far" +
                 (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }
  const ir::Op& source = graph_.ops[it->second];
  if (op.costs().weights.empty()) fail(at, "tied_to: '" + std::string(op.kind) + "' has no weights to tie");
  sym::Expr own, theirs;
  for (const ir::Weight& w : op.costs().weights) own += ops::numel(w.shape);
  for (const ir::Weight& w : source.costs().weights) theirs += ops::numel(w.shape);
  if (!same_size(own, theirs)) {
    fail(at, "tied_to: '" + op.path + "' has " + own.to_string() + " weight elements but '" + target + "' has " +
                 theirs.to_string());
  }
  ir::OpCosts costs = op.costs();
  costs.params = sym::Expr(0);
  costs.idle_params = sym::Expr(0);
  costs.tied_to = target;
  op.shared_costs = cost_table_.intern(std::move(costs));
}

// Frozen weights are not trained (analysis/training.cc). Saying frozen = true on an op without weights is an
// error; inheriting it from a frozen block is not.
void GraphBuilder::freeze_last_op_weights(bool frozen, bool explicit_argument, Location at) {
  ir::Op& op = graph_.ops.back();
  if (op.costs().weights.empty() && frozen && explicit_argument) {
    fail(at, "frozen: '" + std::string(op.kind) + "' has no weights to freeze");
  }
  if (op.costs().weights.empty() || op.costs().frozen == frozen) return;
  ir::OpCosts costs = op.costs();
  costs.frozen = frozen;
  op.shared_costs = cost_table_.intern(std::move(costs));
}

}  // namespace nnscope::interp
