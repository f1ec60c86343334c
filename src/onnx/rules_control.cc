// Control flow: If, Loop and Scan.
//
// If: a condition folded at import time (a constant, or a comparison of known sizes) picks the branch, whose
// nodes are translated in place of the If; with a condition known only at run time the node is not costed, and
// the header comment says why.
//
// Loop and Scan: the body becomes a `repeat` of the language, so every iteration is costed and the trip count
// may be a size symbol. The first iteration is written out before the `repeat` and owns the body's weights; the
// other trips - 1 iterations reuse them (tied_to), as one set of weights serves every iteration. Loop-carried
// values are variables the repeat body reassigns; per-iteration (scan) outputs are the first iteration's value
// broadcast along the iteration axis (their shape; the body's shapes must not change between iterations).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "onnx/printer.h"
#include "onnx/rules.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

// As the language's own limit on one loop (interp::Limits::max_loop_trips), and on the ops of a model
// (max_ops): a file asking for more is refused at import, naming the node.
constexpr std::int64_t kMaxTrips = 10'000'000;
constexpr std::int64_t kMaxBodyInstances = 5'000'000;

Outcome if_node(Translator& t) {
  const Value& condition = t.in(0);
  if (condition.kind != Kind::kConst || condition.ints.size() != 1 || !condition.ints[0].v) {
    return Unsupported{"condition not known at import"};
  }
  const char* which = *condition.ints[0].v ? "then_branch" : "else_branch";
  const Attribute* branch = t.node().attribute(which);
  if (!branch || branch->graphs.size() != 1) return Unsupported{std::string("no ") + which};
  return t.inline_branch(branch->graphs[0], which);
}

// A trip count: its .nn expression and, when constant, its value.
struct Trips {
  std::string expr;
  std::optional<std::int64_t> value;
};

Trips checked_trips(Trips trips, const Graph& body) {
  if (!trips.value) return trips;
  std::int64_t n = *trips.value;
  if (n > kMaxTrips) {
    throw ImportError("trip count " + std::to_string(n) + " exceeds the limit of " + std::to_string(kMaxTrips) +
                      " iterations");
  }
  if (n > 0 && static_cast<std::int64_t>(body.nodes.size()) > kMaxBodyInstances / n) {
    throw ImportError(std::to_string(n) + " iterations of a body of " + std::to_string(body.nodes.size()) +
                      " nodes exceed the limit of " + std::to_string(kMaxBodyInstances) + " node instances");
  }
  return trips;
}

// Loop's trip count M: a constant, a size computed from shapes (dim(x, 1)), or a scalar graph input, which
// becomes a size parameter named after it (default 1, bound with --set).
Maybe<Trips> loop_trips(Translator& t, const Graph& body) {
  const Node& n = t.node();
  if (n.inputs.empty() || n.inputs[0].empty()) return Unsupported{"no trip count (runs until its condition fails)"};
  const Value& m = t.in(0);
  if (m.kind == Kind::kConst && m.ints.size() == 1) {
    const IntElem& e = m.ints[0];
    if (e.v) {
      std::int64_t count = std::max<std::int64_t>(*e.v, 0);  // a negative M runs no iteration
      return checked_trips(Trips{std::to_string(count), count}, body);
    }
    return Trips{e.expr, std::nullopt};
  }
  for (const ValueInfo& input : t.graph().inputs) {
    if (input.name == n.inputs[0] && m.kind == Kind::kTensor && m.rank <= 1) {
      return Trips{t.size_param(input.name), std::nullopt};
    }
  }
  return Unsupported{"trip count computed at run time"};
}

std::string minus_one(const Trips& trips) {
  return trips.value ? std::to_string(*trips.value - 1) : "(" + trips.expr + " - 1)";
}

// Runs `body` trips times: once written out, then `repeat trips - 1` with the loop-carried values (body
// inputs first_state.., outputs 0..) reassigned. `extra_inputs(iteration)` gives the body's other inputs for
// the first iteration (0) or the repeated ones (1). Returns the first iteration's outputs with the carried ones
// replaced by their final variables.
template <typename ExtraInputs>
Maybe<std::vector<Value>> run_body(Translator& t, const Graph& body, const Trips& trips, std::size_t state_count,
                                   const std::vector<Value>& leading, std::size_t carried_from,
                                   const std::vector<Value>& initial, const ExtraInputs& extra_inputs) {
  std::vector<Value> inputs = leading;
  inputs.insert(inputs.end(), initial.begin(), initial.end());
  std::vector<Value> extra = extra_inputs(0);
  if (!extra.empty() && extra.front().kind == Kind::kMissing) return Unsupported{"a scanned input is not a tensor"};
  inputs.insert(inputs.end(), extra.begin(), extra.end());
  Maybe<std::vector<Value>> first = t.translate_body(body, inputs, "body");
  if (!first) return first;
  if (trips.value && *trips.value == 1) return first;
  std::vector<Value> result = *first;
  std::vector<std::string> carry(state_count);
  for (std::size_t k = 0; k < state_count; ++k) {
    const Value& out = (*first)[carried_from + k];
    if (out.kind != Kind::kTensor) {
      return Unsupported{"loop-carried value " + quoted_name(body.outputs[carried_from + k].name) + " is not a tensor"};
    }
    carry[k] = t.fresh(body.outputs[carried_from + k].name + "_carried");
    t.emit_line(carry[k] + " = " + out.var);
    result[carried_from + k].var = carry[k];
  }
  t.emit_line("repeat " + minus_one(trips) + " {");
  inputs = leading;
  for (std::size_t k = 0; k < state_count; ++k) inputs.push_back(result[carried_from + k]);
  extra = extra_inputs(1);
  inputs.insert(inputs.end(), extra.begin(), extra.end());
  Maybe<std::vector<Value>> again = t.translate_body(body, inputs, "body");
  if (!again) return again;
  for (std::size_t k = 0; k < state_count; ++k) {
    const Value& out = (*again)[carried_from + k];
    if (out.kind != Kind::kTensor || out.rank != result[carried_from + k].rank) {
      return Unsupported{"loop-carried value " + quoted_name(body.outputs[carried_from + k].name) +
                         " changes rank or kind between iterations"};
    }
    t.emit_line(carry[k] + " = " + out.var);
  }
  t.emit_line("}");
  return result;
}

// A per-iteration output `y` stacked along `axis` over the trips: its shape (the body's shapes are the same in
// every iteration).
Outcome stack_output(Translator& t, std::size_t k, const Value& y, std::int64_t axis, const Trips& trips) {
  if (y.kind != Kind::kTensor || y.rank < 0) return Unsupported{"a per-iteration output is not a tensor"};
  if (axis < 0) axis += y.rank + 1;
  if (axis < 0 || axis > y.rank) return Unsupported{"scan output axis out of range"};
  std::vector<std::string> shape(static_cast<std::size_t>(y.rank + 1), "-1");
  shape[static_cast<std::size_t>(axis)] = trips.expr;
  Maybe<std::string> var = t.emit_temp(
      "expand(unsqueeze(" + y.var + ", " + std::to_string(axis) + "), " + list_text(shape) + ")", t.node().outputs[k]);
  if (!var) return var.why();
  Value v;
  v.kind = Kind::kTensor;
  v.var = *var;
  v.rank = y.rank + 1;
  t.set_out(k, std::move(v));
  return translated();
}

const Graph* body_of(Translator& t) {
  const Attribute* body = t.node().attribute("body");
  return body && body->graphs.size() == 1 ? &body->graphs[0] : nullptr;
}

// Loop(M, cond, v_initial...) with body(iteration_num, cond_in, v_in...) -> (cond_out, v_out..., scan...).
// The condition is not followed: M iterations are costed (an upper bound when the body can end the loop).
Outcome loop_node(Translator& t) {
  const Node& n = t.node();
  const Graph* body = body_of(t);
  if (!body) return Unsupported{"no body"};
  std::size_t state_count = n.inputs.size() >= 2 ? n.inputs.size() - 2 : 0;
  if (body->inputs.size() != state_count + 2 || body->outputs.size() < state_count + 1) {
    return Unsupported{"the body has " + std::to_string(body->inputs.size()) + " inputs and " +
                       std::to_string(body->outputs.size()) + " outputs for " + std::to_string(state_count) +
                       " loop-carried values"};
  }
  Maybe<Trips> trips = loop_trips(t, *body);
  if (!trips) return trips.why();
  std::vector<Value> initial;
  for (std::size_t k = 0; k < state_count; ++k) {
    if (!t.has(2 + k)) return Unsupported{"loop-carried input " + std::to_string(k) + " is not available"};
    initial.push_back(t.in(2 + k));
  }
  std::size_t scans = body->outputs.size() - 1 - state_count;
  if (trips->value && *trips->value == 0) {
    if (scans > 0) return Unsupported{"zero iterations with per-iteration outputs"};
    for (std::size_t k = 0; k < state_count; ++k) t.set_out(k, initial[k]);
    return translated();
  }
  Value condition;  // the body's cond_in: true while it runs
  condition.kind = Kind::kConst;
  condition.ints = {IntElem{"1", 1}};
  std::vector<Value> leading = {Value{}, condition};  // iteration_num: not a tensor the body can cost with
  Maybe<std::vector<Value>> out =
      run_body(t, *body, *trips, state_count, leading, 1, initial, [](int) { return std::vector<Value>{}; });
  if (!out) return out.why();
  for (std::size_t k = 0; k < state_count; ++k) t.set_out(k, (*out)[1 + k]);
  for (std::size_t j = 0; j < scans; ++j) {
    Outcome o = stack_output(t, state_count + j, (*out)[1 + state_count + j], 0, *trips);
    if (!o.ok()) return o;
  }
  return translated();
}

std::vector<std::int64_t> axes_attribute(const Node& n, const char* name, std::size_t count) {
  std::vector<std::int64_t> axes(count, 0);
  if (const Attribute* a = n.attribute(name)) {
    for (std::size_t k = 0; k < count && k < a->ints.size(); ++k) axes[k] = a->ints[k];
  }
  return axes;
}

// Scan(states..., scanned...) with body(states..., one slice of each scanned input) -> (states..., outputs...):
// as many iterations as the first scanned input's scan axis has elements.
Outcome scan_node(Translator& t) {
  const Node& n = t.node();
  if (t.opset() < 9) return Unsupported{"Scan before opset 9 (with a batch axis)"};
  const Graph* body = body_of(t);
  if (!body) return Unsupported{"no body"};
  const Attribute* scanned_attr = n.attribute("num_scan_inputs");
  if (!scanned_attr || scanned_attr->i < 1 || static_cast<std::uint64_t>(scanned_attr->i) > n.inputs.size()) {
    return Unsupported{"num_scan_inputs missing or out of range"};
  }
  std::size_t scanned = static_cast<std::size_t>(scanned_attr->i);
  std::size_t state_count = n.inputs.size() - scanned;
  if (body->inputs.size() != n.inputs.size() || body->outputs.size() < state_count) {
    return Unsupported{"the body has " + std::to_string(body->inputs.size()) + " inputs and " +
                       std::to_string(body->outputs.size()) + " outputs for " + std::to_string(n.inputs.size()) +
                       " node inputs"};
  }
  std::vector<std::int64_t> in_axes = axes_attribute(n, "scan_input_axes", scanned);
  std::vector<std::int64_t> out_axes = axes_attribute(n, "scan_output_axes", body->outputs.size() - state_count);
  std::vector<Value> initial;
  for (std::size_t k = 0; k < state_count; ++k) {
    if (!t.has(k)) return Unsupported{"state input " + std::to_string(k) + " is not available"};
    initial.push_back(t.in(k));
  }
  std::vector<Value> sequences;
  for (std::size_t k = 0; k < scanned; ++k) {
    const Value& x = t.in(state_count + k);
    if (x.kind != Kind::kTensor || x.rank < 1) return Unsupported{"a scanned input is not a tensor"};
    std::int64_t axis = in_axes[k] < 0 ? in_axes[k] + x.rank : in_axes[k];
    if (axis < 0 || axis >= x.rank) return Unsupported{"scan input axis out of range"};
    in_axes[k] = axis;
    sequences.push_back(x);
  }
  Trips trips{"dim(" + sequences[0].var + ", " + std::to_string(in_axes[0]) + ")", std::nullopt};
  // One iteration's slice of each scanned input (written in each iteration, so its cost counts per trip).
  auto slices = [&](int) {
    std::vector<Value> out;
    for (std::size_t k = 0; k < scanned; ++k) {
      std::string axis = std::to_string(in_axes[k]);
      Maybe<std::string> var = t.emit_temp("squeeze(slice(" + sequences[k].var + ", " + axis + ", 0, 1), " + axis + ")",
                                           n.inputs[state_count + k]);
      if (!var) return std::vector<Value>{Value{}};
      Value v;
      v.kind = Kind::kTensor;
      v.var = *var;
      v.rank = sequences[k].rank - 1;
      out.push_back(std::move(v));
    }
    return out;
  };
  Maybe<std::vector<Value>> out = run_body(t, *body, trips, state_count, {}, 0, initial, slices);
  if (!out) return out.why();
  for (std::size_t k = 0; k < state_count; ++k) t.set_out(k, (*out)[k]);
  for (std::size_t j = 0; j + state_count < body->outputs.size(); ++j) {
    Outcome o = stack_output(t, state_count + j, (*out)[state_count + j], out_axes[j], trips);
    if (!o.ok()) return o;
  }
  return translated();
}

}  // namespace

void add_control_rules(RuleTable& table) {
  table["If"] = if_node;
  table["Loop"] = loop_node;
  table["Scan"] = scan_node;
}

}  // namespace nnscope::onnx
