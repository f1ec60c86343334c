// The evaluator of the language: runs a model's statements and expressions (loops, branches, block
// instantiations, asserts, built-ins) and decides what to build; the graph builder (graph_builder.h) builds
// it. Operator calls are bound here (argument names, defaults, language values converted to operator
// arguments) and handed to the builder.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "interp/arguments.h"
#include "interp/builtins.h"
#include "interp/graph_builder.h"
#include "interp/interpreter.h"
#include "interp/overrides.h"
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::interp {
namespace {

using ast::ExprKind;
using ast::StmtKind;
using Kind = Value::Kind;

// Deep recursion (hostile nesting through block calls) is stopped before the C++ stack runs out.
// The guard measures the stack the evaluator uses from where it starts, against a budget taken from the
// process's real stack limit (getrlimit), leaving a quarter of it (at least 512 KiB) for what runs below the
// deepest check: an operator rule, throwing the diagnostic. An unlimited stack counts as the usual 8 MiB.
std::size_t stack_budget() {
  constexpr std::size_t kDefault = 8u << 20;
  rlimit limit{};
  std::size_t bytes = kDefault;
  if (::getrlimit(RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    bytes = static_cast<std::size_t>(limit.rlim_cur);
  }
  std::size_t reserve = std::max<std::size_t>(bytes / 4, 512u << 10);
  return bytes > reserve ? bytes - reserve : 0;
}

// Lets the variables be looked up by the std::string_view names the syntax tree holds, without a copy.
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
};

struct Frame {
  const ast::Definition* definition = nullptr;
  std::unordered_map<std::string, Value, NameHash, std::equal_to<>> variables;
  std::string prefix;  // path prefix of the ops created in this frame
  Location call_site = Location::none();
  std::size_t prefix_depth = 0;  // the prefix's '.'-separated parts
  bool frozen = false;           // ops created in this frame have frozen weights unless they say otherwise
};

std::string binary_op_name(std::string_view op) {
  if (op == "+") return "add";
  if (op == "-") return "sub";
  if (op == "*") return "mul";
  if (op == "/") return "div";
  if (op == "@") return "matmul";
  return "";
}

bool valid_label(const std::string& label) {
  if (label.empty() || label.front() == '.' || label.back() == '.') return false;
  for (std::size_t i = 0; i < label.size(); ++i) {
    char c = label[i];
    // No part starts with '-': a report cell "-2-3" is a formula to a spreadsheet.
    bool part_start = i == 0 || label[i - 1] == '.';
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              (c == '-' && !part_start) || (c == '.' && label[i - 1] != '.');
    if (!ok) return false;
  }
  return true;
}

class Evaluator final : public BuiltinHost, public ErrorReporter {
 public:
  Evaluator(const Program& program, const ElaborateOptions& options)
      : program_(program),
        options_(options),
        builder_(*this, options.limits, options.weight_dtype, options.activation_dtype) {
    int marker = 0;
    stack_base_ = reinterpret_cast<std::uintptr_t>(&marker);
  }

  ir::Graph run(const ast::Definition& model) {
    builder_.set_model(model.name, model.doc.empty() ? program_.main().doc : model.doc);
    frames_.push_back(Frame{&model, {}, "", Location::none(), 0, false});
    bind_model_parameters(model);
    exec_body(model.body);
    if (returning_) {
      for (std::size_t i = 0; i < return_values_.size(); ++i) {
        add_output(return_values_[i], return_names_[i], i, return_locations_[i]);
      }
    }
    return builder_.finish();
  }

  // BuiltinHost
  const ir::Tensor& tensor(const Value& v) const override { return builder_.tensor(v.tensor); }
  sym::Int concrete(const sym::Expr& e, Location at) override { return builder_.concrete(e, at); }
  // BuiltinHost and ErrorReporter
  [[noreturn]] void fail(Location at, std::string message) override {
    fail_with(Diagnostic{Severity::kError, at, std::move(message), {}});
  }
  // Throws `d` with notes for the chain of block instantiations added after its own.
  [[noreturn]] void fail_with(Diagnostic d) {
    // Innermost first. A run of instantiations from the same call site (recursion) is shown once with its
    // count, and a very deep chain keeps only its innermost and outermost notes.
    constexpr std::size_t kMaxNotes = 12;
    std::vector<DiagnosticNote> notes;
    for (std::size_t i = frames_.size(); i-- > 1;) {
      std::size_t repeats = 1;
      while (i > 1 && frames_[i - 1].call_site.begin == frames_[i].call_site.begin &&
             frames_[i - 1].call_site.file == frames_[i].call_site.file &&
             frames_[i - 1].definition == frames_[i].definition) {
        --i;
        ++repeats;
      }
      std::string note = "in block '" + frames_[i].definition->name + "' instantiated here";
      if (repeats > 1) note += " (" + std::to_string(repeats) + " times, recursively)";
      notes.push_back({frames_[i].call_site, note});
    }
    if (notes.size() > kMaxNotes) {
      std::size_t skipped = notes.size() - kMaxNotes;
      auto middle = notes.begin() + static_cast<std::ptrdiff_t>(kMaxNotes / 2);
      middle = notes.erase(middle, middle + static_cast<std::ptrdiff_t>(skipped));
      notes.insert(middle, {Location::none(), "(" + std::to_string(skipped) + " more instantiations not shown)"});
    }
    d.notes.insert(d.notes.end(), std::make_move_iterator(notes.begin()), std::make_move_iterator(notes.end()));
    throw DiagnosticError(std::move(d));
  }
  Value call_operator(const std::string& name, std::vector<Value> positional, Location at) override {
    return call_operator_at(name, std::move(positional), at, "");
  }

 private:
  // ---- model parameters -------------------------------------------------------------------------------

  void bind_model_parameters(const ast::Definition& model) {
    if (std::optional<Diagnostic> bad = check_overrides(model, options_.overrides, options_.list_overrides)) {
      fail(bad->location, std::move(bad->message));
    }
    Frame& frame = frames_.back();
    for (const ast::Parameter& p : model.parameters) {
      if (is_list_parameter(p)) {
        frame.variables[p.name] = list_parameter(p);
        continue;
      }
      sym::Int bound;
      auto override_it = options_.overrides.find(p.name);
      if (override_it != options_.overrides.end()) {
        bound = override_it->second;
      } else {
        if (!p.default_value) fail(p.location, "model parameter '" + p.name + "' needs a default value");
        Value v = eval_used(*p.default_value);
        if (v.kind != Kind::kInt) {
          fail(p.default_value->location,
               "model parameter '" + p.name + "' must be an integer, got " + std::string(kind_name(v.kind)));
        }
        bound = concrete(v.integer, p.default_value->location);
      }
      if (!p.is_const && bound < 1) {
        fail(p.location, "size parameter '" + p.name + "' must be at least 1, got " + sym::to_string(bound));
      }
      builder_.bind_parameter(p.name, bound, p.is_const);
      frame.variables[p.name] = Value::of_int(p.is_const ? sym::Expr(bound) : sym::Expr::symbol(p.name));
    }
  }

  // A list parameter (its default a list literal) is a hyper-parameter: a list of concrete integers, from
  // --set NAME=V1,V2,... or the default. It is not a size symbol, so it must be const, and it is not one of the
  // graph's (integer) parameters.
  Value list_parameter(const ast::Parameter& p) {
    if (!p.is_const) {
      fail(p.location, "list parameter '" + p.name + "' must be const (write 'const " + p.name + " = ...')");
    }
    auto override_it = options_.list_overrides.find(p.name);
    std::vector<Value> items;
    if (override_it != options_.list_overrides.end()) {
      for (const sym::Int& item : override_it->second) items.push_back(Value::of_int(sym::Expr(item)));
      return Value::of_items(Kind::kList, std::move(items));
    }
    Value v = eval_used(*p.default_value);
    for (const Value& item : v.items) {
      if (item.kind != Kind::kInt) {
        fail(p.default_value->location, "list parameter '" + p.name + "' must hold integers, got " + describe(item));
      }
      items.push_back(Value::of_int(sym::Expr(concrete(item.integer, p.default_value->location))));
    }
    return Value::of_items(Kind::kList, std::move(items));
  }

  void add_output(const Value& v, const std::string& name, std::size_t index, Location at) {
    reject_nothing(v, at);
    // A list nested by doubling (l = [l, l]) holds 2^n tensors in n small lists.
    if (output_count_ >= options_.limits.max_list_items) {
      fail(at, "the model returns more than " + std::to_string(options_.limits.max_list_items) +
                   " tensors (--limit list-items=N)");
    }
    if (v.kind == Kind::kTensor) {
      std::string n = name.empty() ? (index == 0 ? "output" : "output" + std::to_string(index)) : name;
      builder_.add_output(std::move(n), v.tensor);
      ++output_count_;
    } else if (v.is_sequence()) {
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        add_output(v.items[i], name.empty() ? "" : name + "." + std::to_string(i), output_count_, at);
      }
    } else {
      fail(at, "a model must return tensors, got " + describe(v));
    }
  }

  // ---- statements -------------------------------------------------------------------------------------

  void step(Location at) {
    if (++steps_ > options_.limits.max_steps) {
      fail(at, "elaboration takes more than " + std::to_string(options_.limits.max_steps) +
                   " steps; is a loop much larger than intended?");
    }
    int marker = 0;
    std::uintptr_t here = reinterpret_cast<std::uintptr_t>(&marker);
    std::uintptr_t used = stack_base_ > here ? stack_base_ - here : here - stack_base_;
    if (used > stack_budget_) fail(at, "nesting too deep to evaluate (blocks calling blocks too many levels down)");
  }

  void exec_body(ast::Body body) {
    for (const ast::Stmt* stmt : body) {
      exec(*stmt);
      if (returning_) return;
    }
  }

  void assign(std::string_view name, Value v) {
    if (name == "_") return;
    auto& variables = frames_.back().variables;
    auto it = variables.find(name);
    if (it != variables.end()) {
      it->second = std::move(v);
    } else {
      variables.emplace(std::string(name), std::move(v));
    }
  }

  void exec(const ast::Stmt& s) {
    step(s.location);
    switch (s.kind) {
      case StmtKind::kInput:
        exec_input(s.as<ast::InputStmt>());
        return;
      case StmtKind::kAssign: {
        const auto& assignment = s.as<ast::AssignStmt>();
        std::span<const ast::Identifier> targets = assignment.targets;
        Value v = eval(*assignment.value);
        if (targets.size() == 1) {
          assign(targets[0].text(), std::move(v));
          return;
        }
        reject_nothing(v, assignment.value->location);
        if (!v.is_sequence()) {
          fail(assignment.value->location, "cannot unpack " + std::string(kind_name(v.kind)) + " into " +
                                               std::to_string(targets.size()) + " names");
        }
        if (v.items.size() != targets.size()) {
          fail(assignment.value->location, "cannot unpack " + std::to_string(v.items.size()) + " values into " +
                                               std::to_string(targets.size()) + " names");
        }
        for (std::size_t i = 0; i < targets.size(); ++i) assign(targets[i].text(), v.items[i]);
        return;
      }
      case StmtKind::kFor:
        exec_for(s.as<ast::ForStmt>());
        return;
      case StmtKind::kRepeat: {
        const auto& repeat = s.as<ast::RepeatStmt>();
        sym::Int count = int_value(*repeat.count, "repeat count");
        check_trips(count, repeat.count->location);
        for (sym::Int i = 0; i < count && !returning_; ++i) exec_body(repeat.body);
        return;
      }
      case StmtKind::kIf: {
        const auto& branches = s.as<ast::IfStmt>();
        for (const ast::IfBranch& branch : branches.branches) {
          if (bool_value(*branch.condition)) {
            exec_body(branch.body);
            return;
          }
        }
        if (branches.has_else) exec_body(branches.else_body);
        return;
      }
      case StmtKind::kAssert: {
        const auto& assertion = s.as<ast::AssertStmt>();
        if (!bool_value(*assertion.condition)) {
          std::string message = "assertion failed";
          if (assertion.message) {
            message += ": " + display_string(eval_used(*assertion.message), assertion.message->location);
          }
          fail(assertion.condition->location, message);
        }
        return;
      }
      case StmtKind::kReturn: {
        // Collected locally first: evaluating a returned expression may call a block whose own return
        // would otherwise overwrite these.
        std::vector<Value> values;
        std::vector<std::string> names;
        std::vector<Location> locations;
        for (const ast::Expr* e : s.as<ast::ReturnStmt>().values) {
          values.push_back(eval(*e));
          names.emplace_back(e->kind == ExprKind::kName ? e->as<ast::Name>().text() : "");
          locations.push_back(e->location);
        }
        return_values_ = std::move(values);
        return_names_ = std::move(names);
        return_locations_ = std::move(locations);
        returning_ = true;
        return;
      }
      case StmtKind::kExpr:
        eval(*s.as<ast::ExprStmt>().value);
        return;
      case StmtKind::kScope: {
        const auto& scope = s.as<ast::ScopeStmt>();
        std::string label = label_text(*scope.label);
        std::string saved = frames_.back().prefix;
        std::size_t saved_depth = frames_.back().prefix_depth;
        frames_.back().prefix_depth = path_depth_with(label, scope.label->location);
        frames_.back().prefix = unique_path(saved, label, scope.label->location);
        exec_body(scope.body);
        frames_.back().prefix = saved;
        frames_.back().prefix_depth = saved_depth;
        return;
      }
    }
  }

  void exec_input(const ast::InputStmt& s) {
    if (frames_.size() != 1) fail(s.location, "'input' declares a model input; it is not allowed inside a block");
    std::optional<DType> dtype = parse_dtype(s.dtype.text());
    if (!dtype)
      fail(s.dtype.location, "unknown dtype '" + std::string(s.dtype.text()) +
                                 "' (known: f32, tf32, f16, bf16, fp8, i8, i4, i32, i64, bool)");
    std::string name(s.name.text());
    ir::Shape shape;
    for (const ast::Expr* d : s.dims) {
      Value v = eval_used(*d);
      if (v.kind != Kind::kInt)
        fail(d->location, "a dimension must be an integer, got " + std::string(kind_name(v.kind)));
      if (builder_.concrete_predicate(v.integer - 1, ir::Assumption::Kind::kNegative, d->location)) {
        fail(d->location, "dimension " + v.integer.to_string() + " of input '" + name + "' must be at least 1");
      }
      shape.push_back(v.integer);
    }
    // Floating-point inputs take the run's activation dtype (a KV cache, past_*, the cache's when given);
    // integer inputs (token ids) keep theirs.
    DType input_dtype = is_floating(*dtype) ? options_.activation_dtype : *dtype;
    if (is_floating(*dtype) && options_.kv_cache_dtype && name.starts_with("past_"))
      input_dtype = *options_.kv_cache_dtype;
    ir::TensorId input = builder_.add_input(name, std::move(shape), input_dtype, s.location);
    assign(name, Value::of_tensor(input));
  }

  void check_trips(sym::Int count, Location at) {
    if (count > static_cast<sym::Int>(options_.limits.max_loop_trips)) {
      fail(at, "loop of " + sym::to_string(count) + " iterations exceeds the limit of " +
                   std::to_string(options_.limits.max_loop_trips));
    }
  }

  void bind_pattern(const ast::Pattern& pattern, const Value& v) {
    if (pattern.elements.empty()) {
      assign(pattern.name, v);
      return;
    }
    if (!v.is_sequence() || v.items.size() != pattern.elements.size()) {
      fail(pattern.location,
           "cannot unpack " + describe(v) + " into " + std::to_string(pattern.elements.size()) + " names");
    }
    for (std::size_t i = 0; i < pattern.elements.size(); ++i) bind_pattern(pattern.elements[i], v.items[i]);
  }

  void exec_for(const ast::ForStmt& s) {
    Value iterable = eval_used(*s.iterable);
    auto run_one = [&](sym::Int index, const Value& item) {
      if (!s.index.text().empty()) assign(s.index.text(), Value::of_int(sym::Expr(index)));
      bind_pattern(s.pattern, item);
      exec_body(s.body);
    };
    if (iterable.kind == Kind::kRange) {
      check_trips(iterable.range_end - iterable.range_begin, s.iterable->location);
      sym::Int index = 0;
      for (sym::Int i = iterable.range_begin; i < iterable.range_end && !returning_; ++i, ++index) {
        run_one(index, Value::of_int(sym::Expr(i)));
      }
      return;
    }
    if (!iterable.is_sequence()) fail(s.iterable->location, "cannot iterate over " + describe(iterable));
    auto items = iterable.items;  // keep alive even if the loop reassigns the variable holding the list
    for (std::size_t i = 0; i < items.size() && !returning_; ++i) run_one(static_cast<sym::Int>(i), items[i]);
  }

  // ---- expressions ------------------------------------------------------------------------------------

  // Evaluates an expression whose value is used (an operand, an argument, a condition), not only passed on.
  Value eval_used(const ast::Expr& e) {
    Value v = eval(e);
    reject_nothing(v, e.location);
    return v;
  }

  // A block that ends without `return` gives nothing; using that is an error at the block's call (wherever
  // the value went since), with notes at the use and at the block.
  void reject_nothing(const Value& v, Location use) {
    if (v.kind != Kind::kNone || !v.nothing_from) return;
    const ast::Call& call = *v.nothing_from;
    const ast::Definition& block = *program_.definitions.find(call.callee())->second;
    Diagnostic d{
        Severity::kError, call.location, "block '" + block.name + "' returns nothing, but its result is used", {}};
    bool same_place =
        use.file == call.location.file && use.begin == call.location.begin && use.end == call.location.end;
    if (!same_place) d.notes.push_back({use, "its result is used here"});
    d.notes.push_back({block.name_location, has_return(block.body)
                                                ? "no 'return' of block '" + block.name + "' was reached"
                                                : "block '" + block.name + "' has no 'return'; add one at its end"});
    fail_with(std::move(d));
  }

  static bool has_return(ast::Body body) {
    for (const ast::Stmt* stmt : body) {
      switch (stmt->kind) {
        case StmtKind::kReturn:
          return true;
        case StmtKind::kFor:
          if (has_return(stmt->as<ast::ForStmt>().body)) return true;
          break;
        case StmtKind::kRepeat:
          if (has_return(stmt->as<ast::RepeatStmt>().body)) return true;
          break;
        case StmtKind::kScope:
          if (has_return(stmt->as<ast::ScopeStmt>().body)) return true;
          break;
        case StmtKind::kIf: {
          const auto& branches = stmt->as<ast::IfStmt>();
          for (const ast::IfBranch& branch : branches.branches) {
            if (has_return(branch.body)) return true;
          }
          if (branches.has_else && has_return(branches.else_body)) return true;
          break;
        }
        default:
          break;
      }
    }
    return false;
  }

  std::string describe(const Value& v) const { return interp::describe(*this, v); }
  double number_of(const Value& v, Location at) { return interp::number_of(*this, v, at); }

  sym::Int int_value(const ast::Expr& e, const std::string& what) {
    Value v = eval_used(e);
    if (v.kind != Kind::kInt) fail(e.location, what + " must be an integer, got " + describe(v));
    return concrete(v.integer, e.location);
  }

  bool bool_value(const ast::Expr& e) {
    Value v = eval_used(e);
    if (v.kind != Kind::kBool) fail(e.location, "a condition must be true or false, got " + describe(v));
    return v.boolean;
  }

  std::string display_string(const Value& v, Location at) {
    std::string out;
    display_into(out, v, at);
    return out;
  }

  // Appends how `v` reads in a string ("{x}") to `out`, within the string-size limit: a list nested by
  // doubling (`l = [l, l]`) is small in memory but prints exponentially.
  void display_into(std::string& out, const Value& v, Location at) {
    switch (v.kind) {
      case Kind::kString:
        append_text(out, v.text(), at);
        return;
      case Kind::kInt:
        append_text(out, sym::to_string(concrete(v.integer, at)), at);
        return;
      case Kind::kFloat:
        append_text(out, std::to_string(v.number), at);
        return;
      case Kind::kBool:
        append_text(out, v.boolean ? "true" : "false", at);
        return;
      case Kind::kTensor:
        append_text(out, ops::shape_string(builder_.tensor(v.tensor).shape), at);
        return;
      case Kind::kList:
      case Kind::kTuple:
        append_text(out, v.kind == Kind::kList ? "[" : "(", at);
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          if (i) append_text(out, ", ", at);
          display_into(out, v.items[i], at);
        }
        append_text(out, v.kind == Kind::kList ? "]" : ")", at);
        return;
      case Kind::kRange:
        append_text(out, sym::to_string(v.range_begin) + ".." + sym::to_string(v.range_end), at);
        return;
      case Kind::kNone:
        append_text(out, "none", at);
        return;
    }
  }

  void append_text(std::string& out, std::string_view text, Location at) {
    check_string_size(out.size() + text.size(), at);
    charge_writes(text.size(), at);
    out += text;
  }

  // ---- strings and lists within their limits ----------------------------------------------------------
  // Sizes are checked before anything is allocated, and what concatenation writes counts as steps (one per
  // 16 bytes), so a loop of concatenations ends within the step limit in time and in memory.

  void check_string_size(std::size_t bytes, Location at) {
    if (bytes > options_.limits.max_string_bytes) {
      fail(at, "a string of " + std::to_string(bytes) + " bytes passes the limit of " +
                   std::to_string(options_.limits.max_string_bytes) + " bytes (--limit string-bytes=N)");
    }
  }

  void check_list_size(std::size_t items, Location at) {
    if (items > options_.limits.max_list_items) {
      fail(at, "a list of " + std::to_string(items) + " items passes the limit of " +
                   std::to_string(options_.limits.max_list_items) + " items (--limit list-items=N)");
    }
  }

  void charge_writes(std::size_t bytes, Location at) {
    steps_ += bytes / 16;
    step(at);
  }

  Value concat_strings(const Value& a, const Value& b, Location at) {
    check_string_size(a.chars.size() + b.chars.size(), at);
    charge_writes(SharedSequence<std::string>::concat_writes(a.chars, b.chars), at);
    Value v;
    v.kind = Kind::kString;
    v.chars = SharedSequence<std::string>::concat(a.chars, b.chars);
    return v;
  }

  Value concat_lists(const Value& a, const Value& b, Location at) {
    check_list_size(a.items.size() + b.items.size(), at);
    charge_writes(SharedSequence<std::vector<Value>>::concat_writes(a.items, b.items) * sizeof(Value), at);
    Value v;
    v.kind = Kind::kList;
    v.items = SharedSequence<std::vector<Value>>::concat(a.items, b.items);
    return v;
  }

  std::string label_text(const ast::Expr& label) {
    std::string text = label.kind == ExprKind::kName ? std::string(label.as<ast::Name>().text())
                                                     : display_string(eval_used(label), label.location);
    if (!valid_label(text)) {
      fail(label.location,
           "'" + text + "' is not a valid name: use letters, digits, '_' and '-' (not first), with '.' between parts");
    }
    return text;
  }

  // The parts a path has once `label` joins the frame's prefix, within the path-depth limit: a report lists a
  // row's ancestors, so output grows with the square of the depth (a 20 KB label of 10,000 nested parts made
  // a 500 MB DOT file).
  std::size_t path_depth_with(const std::string& label, Location at) {
    std::size_t depth =
        frames_.back().prefix_depth + static_cast<std::size_t>(std::count(label.begin(), label.end(), '.')) + 1;
    if (depth > options_.limits.max_path_depth) {
      fail(at, "this path would have " + std::to_string(depth) + " '.'-separated parts, past the limit of " +
                   std::to_string(options_.limits.max_path_depth) + " (--limit path-depth=N)");
    }
    return depth;
  }

  std::string unique_path(const std::string& prefix, const std::string& label, Location at) {
    std::string path = GraphBuilder::joined_path(prefix, label);
    charge_path(path, at);
    return builder_.unique_path(std::move(path));
  }

  // Every op keeps its whole path (and its outputs' names repeat it), so a long prefix repeated by many ops
  // (a scope labelled with a megabyte string around a loop) costs memory quadratically: each path's bytes
  // count as steps, one per 4, which bounds what all paths hold together.
  void charge_path(const std::string& path, Location at) {
    steps_ += path.size() / 4;
    step(at);
  }

  Value eval(const ast::Expr& e) {
    step(e.location);
    switch (e.kind) {
      case ExprKind::kInt:
        return Value::of_int(sym::Expr(e.as<ast::IntLiteral>().value));
      case ExprKind::kFloat:
        return Value::of_float(e.as<ast::FloatLiteral>().value);
      case ExprKind::kBool:
        return Value::of_bool(e.as<ast::BoolLiteral>().value);
      case ExprKind::kString: {
        std::string s;
        for (const ast::StringPart& part : e.as<ast::StringLiteral>().parts) {
          if (part.expr) {
            display_into(s, eval_used(*part.expr), part.expr->location);
          } else {
            append_text(s, part.text, e.location);
          }
        }
        return Value::of_string(std::move(s));
      }
      case ExprKind::kName:
        return lookup(e.as<ast::Name>());
      case ExprKind::kUnary:
        return eval_unary(e.as<ast::Unary>());
      case ExprKind::kBinary:
        return eval_binary(e.as<ast::Binary>(), "");
      case ExprKind::kRange: {
        const auto& range = e.as<ast::Range>();
        sym::Int begin = int_value(*range.lower, "a range bound");
        sym::Int end = int_value(*range.upper, "a range bound");
        return Value::of_range(begin, std::max(begin, end));
      }
      case ExprKind::kCall:
        return eval_call(e.as<ast::Call>(), "");
      case ExprKind::kIndex:
        return eval_index(e.as<ast::Index>());
      case ExprKind::kList:
      case ExprKind::kTuple: {
        ast::Exprs elements = e.as<ast::Sequence>().elements;
        check_list_size(elements.size(), e.location);
        std::vector<Value> items;
        items.reserve(elements.size());
        for (const ast::Expr* element : elements) items.push_back(eval(*element));
        return Value::of_items(e.kind == ExprKind::kList ? Kind::kList : Kind::kTuple, std::move(items));
      }
      case ExprKind::kIf: {
        const auto& choice = e.as<ast::IfExpr>();
        return bool_value(*choice.condition) ? eval(*choice.then_value) : eval(*choice.else_value);
      }
      case ExprKind::kLabeled: {
        const auto& labeled = e.as<ast::Labeled>();
        std::string label = label_text(*labeled.label);
        const ast::Expr& target = *labeled.operand;
        if (target.kind == ExprKind::kCall) return eval_call(target.as<ast::Call>(), label);
        if (target.kind == ExprKind::kBinary && !binary_op_name(target.as<ast::Binary>().op).empty()) {
          return eval_binary(target.as<ast::Binary>(), label);
        }
        fail(labeled.label->location, "a label names an operator or block call, not " + std::string("this expression"));
      }
    }
    fail(e.location, "cannot evaluate this expression");
  }

  Value lookup(const ast::Name& e) {
    for (const Frame* f : {&frames_.back()}) {
      auto it = f->variables.find(e.text());
      if (it != f->variables.end()) return it->second;
    }
    const std::string text(e.text());
    std::vector<std::string> names;
    for (const auto& [name, v] : frames_.back().variables) names.push_back(name);
    std::string hint = closest_name(text, names);
    std::string extra;
    if (program_.definitions.count(text) || ops::Registry::instance().find(text) || is_builtin(text)) {
      extra = " ('" + text + "' is called like a function: " + text + "(...))";
    }
    fail(e.location, "unknown name '" + text + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?") + extra);
  }

  Value eval_unary(const ast::Unary& e) {
    Value v = eval_used(*e.operand);
    if (e.op == "not") {
      if (v.kind != Kind::kBool) fail(e.operand->location, "'not' needs true or false, got " + describe(v));
      return Value::of_bool(!v.boolean);
    }
    if (e.op == "+") return v;
    switch (v.kind) {
      case Kind::kInt:
        return Value::of_int(-v.integer);
      case Kind::kFloat:
        return Value::of_float(-v.number);
      case Kind::kTensor:
        return call_operator_at("neg", {v}, e.operator_location, "");
      default:
        fail(e.location, "cannot negate " + describe(v));
    }
  }

  // Compares two integers exactly when their difference is a constant, else at the bound sizes.
  // Compares two integers exactly when their difference is a constant, else at the bound sizes (recording
  // only the outcome of the comparison).
  bool compare_ints(const std::string& op, const sym::Expr& a, const sym::Expr& b, Location at) {
    using K = ir::Assumption::Kind;
    sym::Expr d = a - b;
    if (op == "==") return builder_.concrete_predicate(d, K::kZero, at);
    if (op == "!=") return !builder_.concrete_predicate(d, K::kZero, at);
    if (op == "<") return builder_.concrete_predicate(d, K::kNegative, at);
    if (op == ">=") return !builder_.concrete_predicate(d, K::kNegative, at);
    if (op == ">") return builder_.concrete_predicate(d, K::kPositive, at);
    return !builder_.concrete_predicate(d, K::kPositive, at);  // <=
  }

  Value eval_binary(const ast::Binary& e, const std::string& label) {
    const std::string op(e.op);
    if (op == "and" || op == "or") {
      bool left = bool_value(*e.left);
      if (op == "and" && !left) return Value::of_bool(false);
      if (op == "or" && left) return Value::of_bool(true);
      return Value::of_bool(bool_value(*e.right));
    }
    Value a = eval_used(*e.left);
    Value b = eval_used(*e.right);
    Location at = e.operator_location;
    if (a.kind == Kind::kTensor || b.kind == Kind::kTensor) return eval_tensor_binary(e, a, b, label);
    if (!label.empty())
      fail(e.location, "a label names an operator or block call; this '" + op + "' computes a number");
    if (op == "==" || op == "!=") {
      bool equal;
      if (a.kind == Kind::kInt && b.kind == Kind::kInt) {
        equal = compare_ints("==", a.integer, b.integer, at);
      } else if ((a.kind == Kind::kInt || a.kind == Kind::kFloat) && (b.kind == Kind::kInt || b.kind == Kind::kFloat)) {
        equal = number_of(a, at) == number_of(b, at);
      } else if (a.kind != b.kind) {
        equal = false;
      } else if (a.kind == Kind::kBool) {
        equal = a.boolean == b.boolean;
      } else if (a.kind == Kind::kString) {
        equal = a.text() == b.text();
      } else {
        fail(at, "cannot compare " + describe(a) + " and " + describe(b));
      }
      return Value::of_bool(op == "==" ? equal : !equal);
    }
    bool numeric = (a.kind == Kind::kInt || a.kind == Kind::kFloat) && (b.kind == Kind::kInt || b.kind == Kind::kFloat);
    if (!numeric) {
      if (op == "+" && a.kind == Kind::kString && b.kind == Kind::kString) return concat_strings(a, b, at);
      if (op == "+" && a.kind == Kind::kList && b.kind == Kind::kList) return concat_lists(a, b, at);
      fail(at, "cannot apply '" + op + "' to " + describe(a) + " and " + describe(b));
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      if (a.kind == Kind::kInt && b.kind == Kind::kInt)
        return Value::of_bool(compare_ints(op, a.integer, b.integer, at));
      double x = number_of(a, at), y = number_of(b, at);
      return Value::of_bool(op == "<" ? x < y : op == "<=" ? x <= y : op == ">" ? x > y : x >= y);
    }
    if (a.kind == Kind::kFloat || b.kind == Kind::kFloat) {
      double x = number_of(a, at), y = number_of(b, at);
      if (op == "+") return Value::of_float(x + y);
      if (op == "-") return Value::of_float(x - y);
      if (op == "*") return Value::of_float(x * y);
      if (op == "/") return Value::of_float(x / y);
      if (op == "**") return Value::of_float(std::pow(x, y));
      if (op == "//") return Value::of_float(std::floor(x / y));
      fail(at, "cannot apply '" + op + "' to floating-point numbers");
    }
    try {
      const sym::Expr& x = a.integer;
      const sym::Expr& y = b.integer;
      if (op == "+") return Value::of_int(checked(x + y, at));
      if (op == "-") return Value::of_int(checked(x - y, at));
      if (op == "*") return Value::of_int(multiply(x, y, at));
      if (op == "**") {
        sym::Int exponent = concrete(y, e.right->location);
        if (exponent < 0 || exponent > 128) fail(e.right->location, "exponent must be between 0 and 128");
        auto k = static_cast<unsigned>(exponent);
        check_terms_bound(sym::Expr::power_terms_bound(x.terms(), k), at);
        return Value::of_int(checked(sym::Expr::pow(x, k), at));
      }
      if (concrete(y, e.right->location) == 0) fail(e.right->location, "division by zero");
      if (op == "//") return Value::of_int(checked(sym::Expr::floordiv(x, y), at));
      if (op == "%") return Value::of_int(checked(sym::Expr::mod(x, y), at));
      if (op == "/") {
        sym::Expr q = sym::Expr::divide(x, y);
        sym::Rational at_bound = q.evaluate(builder_.bindings());
        if (!at_bound.is_integer()) {
          fail(at, x.to_string() + " / " + y.to_string() + " is not an integer (" + at_bound.to_string() +
                       "); use // for floor division");
        }
        return Value::of_int(q);
      }
    } catch (const DiagnosticError&) {
      throw;
    } catch (const std::exception& ex) {
      fail(at, ex.what());
    }
    fail(at, "unknown operator '" + op + "'");
  }

  // Integer arithmetic of the language stays within the expression-size limit: a product or a power is
  // refused before it is built when its size bound passes the limit (`(a + b + c + 1) ** 128` would take
  // gigabytes), and every result is measured after.
  sym::Expr checked(sym::Expr value, Location at) override {
    if (value.size() > options_.limits.max_expr_size) {
      fail(at, "expression too large (" + std::to_string(value.size()) + " nodes; the limit is " +
                   std::to_string(options_.limits.max_expr_size) + ", --limit expr-size=N)");
    }
    return value;
  }
  sym::Expr multiply(const sym::Expr& a, const sym::Expr& b, Location at) override {
    check_terms_bound(sym::Expr::product_terms_bound(a.terms(), b.terms()), at);
    return checked(a * b, at);
  }
  void check_terms_bound(std::size_t terms, Location at) {
    if (terms > options_.limits.max_expr_size) {
      fail(at, "expression too large: the result would have up to " + std::to_string(terms) + " terms (the limit is " +
                   std::to_string(options_.limits.max_expr_size) + ", --limit expr-size=N)");
    }
  }

  Value eval_tensor_binary(const ast::Binary& e, Value a, Value b, const std::string& label) {
    std::string name = binary_op_name(e.op);
    const std::string op(e.op);
    if (name.empty()) {
      fail(e.operator_location, "cannot apply '" + op + "' to " + describe(a) + " and " + describe(b));
    }
    if (a.kind != Kind::kTensor) {
      // A number on the left: only the commutative operators can swap their operands.
      if (name == "add" || name == "mul") {
        std::swap(a, b);
      } else {
        fail(e.operator_location, "a number on the left of '" + op +
                                      "' with a tensor on the right is not supported; "
                                      "rewrite it (e.g. -x + 1 instead of 1 - x)");
      }
    }
    if (b.kind != Kind::kTensor && b.kind != Kind::kInt && b.kind != Kind::kFloat) {
      fail(e.operator_location, "cannot apply '" + op + "' to " + describe(a) + " and " + describe(b));
    }
    return call_operator_at(name, {a, b}, e.operator_location, label);
  }

  Value call_operator_at(const std::string& name, std::vector<Value> positional, Location at,
                         const std::string& label) {
    const ops::OpDef* def = ops::Registry::instance().find(name);
    if (!def) fail(at, "internal: operator '" + name + "' is not registered");
    std::vector<std::optional<ops::ArgValue>> given(def->args.size());
    ir::TensorIds inputs;
    for (std::size_t i = 0; i < positional.size() && i < def->args.size(); ++i) {
      given[i] = convert_argument(*this, def->args[i], positional[i], at, *def, inputs);
    }
    return apply_operator(*def, std::move(given), std::move(inputs), at, label);
  }

  Value eval_index(const ast::Index& e) {
    Value base = eval_used(*e.base);
    sym::Int index = int_value(*e.index, "an index");
    if (base.kind == Kind::kTensor) {
      fail(e.location, "tensors are not indexed with []; use slice(x, axis, start, end) or split");
    }
    if (!base.is_sequence()) fail(e.base->location, "cannot index " + describe(base));
    sym::Int size = static_cast<sym::Int>(base.items.size());
    sym::Int i = index < 0 ? index + size : index;
    if (i < 0 || i >= size) {
      fail(e.index->location, "index " + sym::to_string(index) + " is out of range for " + describe(base));
    }
    return base.items[static_cast<std::size_t>(i)];
  }

  // ---- calls ------------------------------------------------------------------------------------------

  Value eval_call(const ast::Call& call, const std::string& label) {
    const std::string_view callee = call.callee();
    auto def_it = program_.definitions.find(callee);
    const ops::OpDef* op_def = ops::Registry::instance().find(callee);
    if (def_it != program_.definitions.end()) {
      if (def_it->second->kind == ast::DefinitionKind::kBlock) return call_block(call, *def_it->second, label);
      // Models are never called, so a model may share an operator's name (the lstm model uses lstm()).
      if (!op_def) fail(call.location, "'" + std::string(callee) + "' is a model; only blocks can be called");
    }
    if (op_def) return call_op(call, *op_def, label);
    const std::string name(callee);
    if (is_builtin(name)) {
      if (!label.empty())
        fail(call.location, "'" + name + "' computes a value, not an operator; it cannot be labelled");
      std::vector<Value> args;
      std::vector<Location> locations;
      for (const ast::Argument& a : call.arguments()) {
        if (a.name) fail(a.name->location, "'" + name + "' takes no named arguments");
        args.push_back(eval_used(*a.value));
        locations.push_back(a.value->location);
      }
      return call_builtin(*this, name, args, locations, call.location);
    }
    std::vector<std::string> names = builtin_names();
    for (const auto& [n, d] : program_.definitions) names.push_back(n);
    for (const ops::OpDef& d : ops::Registry::instance().all()) names.push_back(d.name);
    std::string hint = closest_name(name, names);
    fail(call.callee_location(),
         "unknown operator or block '" + name + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  }

  Value call_op(const ast::Call& call, const ops::OpDef& def, const std::string& label) {
    auto slots = match_arguments(
        *this, call, def.args.size(), [&](std::size_t i) -> const std::string& { return def.args[i].name; },
        def.name + "()");
    // Every argument is evaluated before any is converted, so that the op's inputs are its own arguments'
    // tensors in argument order, whatever ops evaluating a later argument adds.
    std::vector<std::optional<Value>> values(def.args.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (!slots[i]) {
        if (def.args[i].required) {
          fail(call.location, def.name + "() is missing its argument '" + def.args[i].name + "'");
        }
        continue;
      }
      values[i] = eval_used(*slots[i]->value);
    }
    std::vector<std::optional<ops::ArgValue>> given(def.args.size());
    ir::TensorIds inputs;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (values[i])
        given[i] = convert_argument(*this, def.args[i], *values[i], slots[i]->value->location, def, inputs);
    }
    Location at = call.callee_location();
    const ast::Argument* tie = nullptr;
    for (const ast::Argument& a : call.arguments()) {
      if (a.name_text() == kTiedTo) tie = &a;
    }
    std::string target;
    if (tie) {
      Value path = eval_used(*tie->value);
      if (path.kind != Kind::kString) fail(tie->value->location, "tied_to must be the path of an op, as a string");
      target = std::string(path.text());
    }
    std::optional<bool> frozen = frozen_argument(call);
    Value result = apply_operator(def, std::move(given), std::move(inputs), at, label);
    if (tie) builder_.tie_last_op_weights(target, tie->value->location);
    builder_.freeze_last_op_weights(frozen.value_or(frames_.back().frozen), frozen.has_value(), at);
    return result;
  }

  // `frozen = true | false` on a call, if given.
  std::optional<bool> frozen_argument(const ast::Call& call) {
    for (const ast::Argument& a : call.arguments()) {
      if (a.name_text() != kFrozen) continue;
      Value v = eval_used(*a.value);
      if (v.kind != Kind::kBool) fail(a.value->location, "frozen must be true or false, got " + describe(v));
      return v.boolean;
    }
    return std::nullopt;
  }

  Value apply_operator(const ops::OpDef& def, std::vector<std::optional<ops::ArgValue>> given, ir::TensorIds inputs,
                       Location at, const std::string& label) {
    const std::string& name = label.empty() ? def.name : label;
    path_depth_with(name, at);
    std::string path_base = GraphBuilder::joined_path(frames_.back().prefix, name);
    charge_path(path_base, at);
    const ir::TensorIds& produced = builder_.add_op(def, std::move(given), std::move(inputs), at, std::move(path_base));
    if (produced.size() == 1) return Value::of_tensor(produced.front());
    std::vector<Value> outputs;
    for (ir::TensorId t : produced) outputs.push_back(Value::of_tensor(t));
    return Value::of_items(Kind::kTuple, std::move(outputs));
  }

  Value call_block(const ast::Call& call, const ast::Definition& block, const std::string& label) {
    if (frames_.size() > options_.limits.max_call_depth) {
      fail(call.location, "blocks nested more than " + std::to_string(options_.limits.max_call_depth) +
                              " deep; does '" + block.name + "' call itself?");
    }
    auto slots = match_arguments(
        *this, call, block.parameters.size(),
        [&](std::size_t i) -> const std::string& { return block.parameters[i].name; }, "block '" + block.name + "'");
    std::vector<std::optional<Value>> values(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (slots[i]) values[i] = eval_used(*slots[i]->value);
    }
    Frame frame;
    frame.definition = &block;
    frame.call_site = call.location;
    const std::string& name = label.empty() ? block.name : label;
    frame.prefix_depth = path_depth_with(name, call.location);
    frame.prefix = unique_path(frames_.back().prefix, name, call.location);
    frame.frozen = frozen_argument(call).value_or(frames_.back().frozen);
    frames_.push_back(std::move(frame));
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const ast::Parameter& p = block.parameters[i];
      if (values[i]) {
        assign(p.name, std::move(*values[i]));
      } else if (p.default_value) {
        // Defaults are evaluated in the block's own frame, so they may refer to earlier parameters.
        assign(p.name, eval(*p.default_value));
      } else {
        frames_.pop_back();
        fail(call.location, "block '" + block.name + "' is missing its argument '" + p.name + "'");
      }
    }
    exec_body(block.body);
    Value result;
    result.nothing_from = &call;
    if (returning_) {
      result = return_values_.size() == 1 ? return_values_.front() : Value::of_items(Kind::kTuple, return_values_);
      returning_ = false;
    }
    frames_.pop_back();
    return result;
  }

  const Program& program_;
  const ElaborateOptions& options_;
  GraphBuilder builder_;
  std::vector<Frame> frames_;
  std::size_t output_count_ = 0;  // outputs added so far (the names of unnamed ones count them)
  bool returning_ = false;
  std::vector<Value> return_values_;
  std::vector<std::string> return_names_;
  std::vector<Location> return_locations_;
  std::uint64_t steps_ = 0;
  std::uintptr_t stack_base_ = 0;
  std::size_t stack_budget_ = stack_budget();
};

}  // namespace

ir::Graph elaborate(const Program& program, const ast::Definition& model, const ElaborateOptions& options) {
  Evaluator evaluator(program, options);
  return evaluator.run(model);
}

}  // namespace nnscope::interp
