#include "check/check.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "check/walk.h"
#include "interp/builtins.h"
#include "ir/dtype.h"
#include "ops/registry.h"
#include "source/suggest.h"

namespace nnscope::check {
namespace {

using ast::ExprKind;
using ast::StmtKind;

// The named argument every operator call accepts for weight sharing (docs/language.md §5.6).
constexpr std::string_view kTiedTo = "tied_to";
// Accepted by every operator and block call: its weights are not trained (docs/language.md).
constexpr std::string_view kFrozen = "frozen";
// "Did you mean" compares the word with every candidate; past this many candidates (generated files,
// hostile input) the suggestion is left out rather than paid for on every error.
constexpr std::size_t kMaxSuggestionCandidates = 5000;

struct StopChecking {};

// Collects diagnostics; stops the walk after kMaxErrors errors and counts the warnings past the same limit.
class Reporter {
 public:
  explicit Reporter(std::vector<Diagnostic>& out) : out_(out) {}

  void error(Location at, std::string message, std::vector<DiagnosticNote> notes = {}) {
    if (errors_ == kMaxErrors) {
      stopped_at_ = at;
      throw StopChecking{};
    }
    ++errors_;
    out_.push_back({Severity::kError, at, std::move(message), std::move(notes)});
  }
  void warning(Location at, std::string message) {
    if (warnings_++ < kMaxErrors) out_.push_back({Severity::kWarning, at, std::move(message), {}});
  }
  // Adds what the limits left out, after the diagnostics have been put in source order.
  void finish() {
    if (stopped_at_) out_.push_back({Severity::kError, *stopped_at_, "too many errors; stopping", {}});
    if (warnings_ > kMaxErrors) {
      out_.push_back({Severity::kWarning,
                      Location::none(),
                      std::to_string(warnings_ - kMaxErrors) + " more warnings not shown",
                      {}});
    }
  }

 private:
  std::vector<Diagnostic>& out_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
  std::optional<Location> stopped_at_;
};

std::string suggestion(const std::string& word, std::vector<std::string> candidates) {
  if (candidates.size() > kMaxSuggestionCandidates) return "";
  std::sort(candidates.begin(), candidates.end());  // ties go to the same name on every run
  return did_you_mean(word, candidates);
}

bool silenced(std::string_view name) { return name.starts_with('_'); }

// One definition's names: what binds each, and whether anything reads it.
struct Binding {
  enum class Kind { kModelParameter, kBlockParameter, kInput, kVariable, kLoopVariable };
  Kind kind;
  Location location;  // the first binding in the source
  bool read = false;
};

// A callee's parameters as a call binds them: an operator's signature or a block's parameter list.
struct Parameters {
  std::string what;  // "linear()" or "block 'b'", as the messages name it
  std::vector<std::string_view> names;
  std::vector<bool> required;
  bool accepts_tied_to = false;
};

// Facts about the program's callees that calls need, computed once per callee (a model is mostly calls).
class ProgramFacts {
 public:
  explicit ProgramFacts(const interp::Program& program) : program_(program) {}

  const ast::Definition* definition(std::string_view name) const {
    auto it = program_.definitions.find(name);
    return it == program_.definitions.end() ? nullptr : it->second;
  }
  bool returns_something(const ast::Definition& block) {
    auto [it, inserted] = has_return_.try_emplace(&block, false);
    if (inserted) it->second = contains_return(block.body);
    return it->second;
  }
  const Parameters& parameters(const ops::OpDef& op) {
    auto [it, inserted] = parameters_.try_emplace(&op);
    if (inserted) {
      it->second = {op.name + "()", {}, {}, true};
      for (const ops::ArgSpec& spec : op.args) {
        it->second.names.push_back(spec.name);
        it->second.required.push_back(spec.required);
      }
    }
    return it->second;
  }
  const Parameters& parameters(const ast::Definition& block) {
    auto [it, inserted] = parameters_.try_emplace(&block);
    if (inserted) {
      it->second = {"block '" + block.name + "'", {}, {}, false};
      for (const ast::Parameter& p : block.parameters) {
        it->second.names.push_back(p.name);
        it->second.required.push_back(p.default_value == nullptr);
      }
    }
    return it->second;
  }
  const std::vector<std::string>& callee_names() {
    if (callee_names_.empty()) {
      callee_names_ = interp::builtin_names();
      for (const auto& [name, def] : program_.definitions) {
        if (def->kind == ast::DefinitionKind::kBlock) callee_names_.push_back(name);
      }
      for (const ops::OpDef& op : ops::Registry::instance().all()) callee_names_.push_back(op.name);
    }
    return callee_names_;
  }

 private:
  const interp::Program& program_;
  std::unordered_map<const ast::Definition*, bool> has_return_;
  std::unordered_map<const void*, Parameters> parameters_;  // by OpDef or block Definition
  std::vector<std::string> callee_names_;
};

class DefinitionChecker {
 public:
  DefinitionChecker(const ast::Definition& definition, ProgramFacts& facts, Reporter& report)
      : definition_(definition), facts_(facts), report_(report) {}

  void run() {
    bool is_block = definition_.kind == ast::DefinitionKind::kBlock;
    for (std::size_t i = 0; i < definition_.parameters.size(); ++i) {
      const ast::Parameter& p = definition_.parameters[i];
      for (std::size_t j = 0; j < i; ++j) {
        if (definition_.parameters[j].name == p.name) {
          report_.error(p.location, "parameter '" + p.name + "' is declared twice",
                        {{definition_.parameters[j].location, "first declared here"}});
        }
      }
      // A default is evaluated after the parameters before it are bound, in the definition's own scope.
      if (p.default_value) expression(*p.default_value, true);
      bind(p.name, p.location, is_block ? Binding::Kind::kBlockParameter : Binding::Kind::kModelParameter);
    }
    body(definition_.body);
    report_unused();
  }

 private:
  // ---- names --------------------------------------------------------------------------------------------

  void bind(std::string_view name, Location at, Binding::Kind kind) {
    if (name == "_") return;
    bindings_.try_emplace(name, Binding{kind, at, false});
  }

  void read(const ast::Name& name) {
    auto it = bindings_.find(name.text());
    if (it != bindings_.end()) {
      it->second.read = true;
      return;
    }
    if (!reported_.insert(name.text()).second) return;  // one error per unknown name
    const std::string text(name.text());
    std::string message = "unknown name '" + text + "'";
    std::vector<DiagnosticNote> notes;
    if (std::optional<Location> later = first_binding(definition_.body, name.text())) {
      notes.push_back({*later, "'" + text + "' is only assigned later, here"});  // not a typo then
    } else {
      std::vector<std::string> candidates;
      for (const auto& [bound, binding] : bindings_) candidates.emplace_back(bound);
      message += suggestion(text, std::move(candidates));
    }
    if (facts_.definition(text) || ops::Registry::instance().find(text) || interp::is_builtin(text)) {
      message += " ('" + text + "' is called like a function: " + text + "(...))";
    }
    report_.error(name.location, std::move(message), std::move(notes));
  }

  void report_unused() {
    // The unread tensors of a model without `return` are its outputs: its variables are all "used".
    if (definition_.kind == ast::DefinitionKind::kModel && !saw_return_) return;
    std::vector<std::pair<std::string_view, Binding>> unread;
    for (const auto& [name, binding] : bindings_) {
      if (!binding.read && !silenced(name)) unread.emplace_back(name, binding);
    }
    // In source order, so which warnings fit under the limit does not depend on the hash table.
    std::sort(unread.begin(), unread.end(),
              [](const auto& a, const auto& b) { return a.second.location.begin < b.second.location.begin; });
    for (const auto& [name, binding] : unread) {
      std::string n(name);
      std::string hint = " (if that is intended, name it '_" + n + "')";
      switch (binding.kind) {
        case Binding::Kind::kModelParameter:
          break;
        case Binding::Kind::kBlockParameter:
          report_.warning(binding.location,
                          "argument '" + n + "' of block '" + definition_.name + "' is never used" + hint);
          break;
        case Binding::Kind::kInput:
          report_.warning(binding.location, "input '" + n + "' is never used" + hint);
          break;
        case Binding::Kind::kVariable:
          report_.warning(binding.location, "variable '" + n + "' is assigned but never used" + hint);
          break;
        case Binding::Kind::kLoopVariable:
          report_.warning(binding.location, "loop variable '" + n + "' is never used" + hint);
          break;
      }
    }
  }

  // ---- statements ---------------------------------------------------------------------------------------

  // Checks a body; returns whether it always ends in a `return` (then what follows it never runs).
  bool body(ast::Body statements) {
    const ast::Stmt* returned = nullptr;  // the statement after which nothing runs
    bool reported = false;
    for (const ast::Stmt* s : statements) {
      if (returned && !reported) {
        report_.error(s->location, "unreachable statement: it follows a 'return'",
                      {{returned->location, "the block or model returns here"}});
        reported = true;
      }
      if (statement(*s) && !returned) returned = s;
    }
    return returned != nullptr;
  }

  bool statement(const ast::Stmt& s) {
    switch (s.kind) {
      case StmtKind::kInput: {
        const auto& input = s.as<ast::InputStmt>();
        if (definition_.kind == ast::DefinitionKind::kBlock) {
          report_.error(s.location, "'input' declares a model input; it is not allowed inside a block");
        }
        if (!parse_dtype(input.dtype.text())) {
          report_.error(input.dtype.location, "unknown dtype '" + std::string(input.dtype.text()) +
                                                  "' (known: f32, tf32, f16, bf16, fp8, i8, i4, i32, i64, bool)");
        }
        for (const ast::Expr* d : input.dims) expression(*d, true);
        bind(input.name.text(), input.name.location, Binding::Kind::kInput);
        return false;
      }
      case StmtKind::kAssign: {
        const auto& assignment = s.as<ast::AssignStmt>();
        bool discarded = assignment.targets.size() == 1 && assignment.targets[0].text() == "_";
        expression(*assignment.value, !discarded);
        for (const ast::Identifier& target : assignment.targets) {
          bind(target.text(), target.location, Binding::Kind::kVariable);
        }
        return false;
      }
      case StmtKind::kFor: {
        const auto& loop = s.as<ast::ForStmt>();
        expression(*loop.iterable, true);
        if (!loop.index.text().empty()) bind(loop.index.text(), loop.index.location, Binding::Kind::kLoopVariable);
        for_each_pattern_name(
            loop.pattern, [&](std::string_view name, Location at) { bind(name, at, Binding::Kind::kLoopVariable); });
        loop_body(loop.body);
        return false;
      }
      case StmtKind::kRepeat: {
        const auto& repeat = s.as<ast::RepeatStmt>();
        expression(*repeat.count, true);
        loop_body(repeat.body);
        return false;
      }
      case StmtKind::kIf: {
        const auto& choice = s.as<ast::IfStmt>();
        bool always = choice.has_else;
        for (const ast::IfBranch& branch : choice.branches) {
          expression(*branch.condition, true);
          always &= body(branch.body);
        }
        if (choice.has_else) always &= body(choice.else_body);
        return always;
      }
      case StmtKind::kAssert: {
        const auto& assertion = s.as<ast::AssertStmt>();
        expression(*assertion.condition, true);
        if (assertion.message) expression(*assertion.message, true);
        return false;
      }
      case StmtKind::kReturn:
        for (const ast::Expr* value : s.as<ast::ReturnStmt>().values) expression(*value, true);
        saw_return_ = true;
        return true;
      case StmtKind::kExpr:
        expression(*s.as<ast::ExprStmt>().value, false);
        return false;
      case StmtKind::kScope: {
        const auto& scope = s.as<ast::ScopeStmt>();
        label(*scope.label);
        return body(scope.body);
      }
    }
    return false;
  }

  // A later iteration sees what an earlier one bound, so every name the body binds counts as bound in it.
  // The outermost loop binds for the loops inside it too, so nested loops do not walk their bodies again.
  void loop_body(ast::Body statements) {
    if (loop_depth_++ == 0) {
      for_each_binding(statements, [&](std::string_view name, Location at, bool is_loop_variable) {
        bind(name, at, is_loop_variable ? Binding::Kind::kLoopVariable : Binding::Kind::kVariable);
      });
    }
    body(statements);
    --loop_depth_;
  }

  // ---- expressions --------------------------------------------------------------------------------------

  // `used`: whether the value is read (false for an expression statement and an assignment to `_`).
  void expression(const ast::Expr& e, bool used) {
    switch (e.kind) {
      case ExprKind::kInt:
      case ExprKind::kFloat:
      case ExprKind::kBool:
        return;
      case ExprKind::kString:
        for (const ast::StringPart& part : e.as<ast::StringLiteral>().parts) {
          if (part.expr) expression(*part.expr, true);
        }
        return;
      case ExprKind::kName:
        read(e.as<ast::Name>());
        return;
      case ExprKind::kUnary:
        expression(*e.as<ast::Unary>().operand, true);
        return;
      case ExprKind::kBinary:
        expression(*e.as<ast::Binary>().left, true);
        expression(*e.as<ast::Binary>().right, true);
        return;
      case ExprKind::kRange:
        expression(*e.as<ast::Range>().lower, true);
        expression(*e.as<ast::Range>().upper, true);
        return;
      case ExprKind::kCall:
        call(e.as<ast::Call>(), used, false);
        return;
      case ExprKind::kIndex:
        expression(*e.as<ast::Index>().base, true);
        expression(*e.as<ast::Index>().index, true);
        return;
      case ExprKind::kList:
      case ExprKind::kTuple:
        for (const ast::Expr* element : e.as<ast::Sequence>().elements) expression(*element, true);
        return;
      case ExprKind::kIf: {
        const auto& choice = e.as<ast::IfExpr>();
        expression(*choice.condition, true);
        expression(*choice.then_value, used);
        expression(*choice.else_value, used);
        return;
      }
      case ExprKind::kLabeled: {
        const auto& labeled = e.as<ast::Labeled>();
        label(*labeled.label);
        const ast::Expr& target = *labeled.operand;
        if (target.kind == ExprKind::kCall) {
          call(target.as<ast::Call>(), used, true);
          return;
        }
        std::string_view op = target.kind == ExprKind::kBinary ? target.as<ast::Binary>().op : "";
        if (op != "+" && op != "-" && op != "*" && op != "/" && op != "@") {
          report_.error(labeled.label->location, "a label names an operator or block call, not this expression");
        }
        expression(target, used);
        return;
      }
    }
  }

  // A label is a name (not a variable: nothing reads it) or a string whose interpolations are read.
  void label(const ast::Expr& e) {
    if (e.kind == ExprKind::kString) expression(e, true);
  }

  // ---- calls --------------------------------------------------------------------------------------------

  void call(const ast::Call& c, bool used, bool labeled) {
    for (const ast::Argument& a : c.arguments()) expression(*a.value, true);
    const std::string callee(c.callee());
    if (callee.empty()) return;  // the parser has reported it
    const ast::Definition* definition = facts_.definition(callee);
    const ops::OpDef* op = ops::Registry::instance().find(callee);
    if (definition && definition->kind == ast::DefinitionKind::kBlock) {
      arguments(c, facts_.parameters(*definition), [&](std::string_view missing) {
        return "block '" + callee + "' is missing its argument '" + std::string(missing) + "'";
      });
      if (used && !facts_.returns_something(*definition)) {
        report_.error(c.location, "block '" + callee + "' returns nothing (it has no 'return'), but its value is used",
                      {{definition->name_location, "'" + callee + "' is defined here"}});
      }
      return;
    }
    // Models are never called, so a model may share an operator's name (the lstm model uses lstm()).
    if (definition && !op) {
      report_.error(c.location, "'" + callee + "' is a model; only blocks can be called");
      return;
    }
    if (op) {
      arguments(c, facts_.parameters(*op), [&](std::string_view missing) {
        return callee + "() is missing its argument '" + std::string(missing) + "'";
      });
      return;
    }
    if (interp::is_builtin(callee)) {
      if (labeled)
        report_.error(c.location, "'" + callee + "' computes a value, not an operator; it cannot be labelled");
      for (const ast::Argument& a : c.arguments()) {
        if (a.name) report_.error(a.name->location, "'" + callee + "' takes no named arguments");
      }
      std::string problem = interp::builtin_arity_problem(callee, c.arguments().size());
      if (!problem.empty()) report_.error(c.location, problem);
      return;
    }
    report_.error(c.callee_location(),
                  "unknown operator or block '" + callee + "'" + suggestion(callee, facts_.callee_names()));
  }

  // Binds positional then named arguments to parameters as the interpreter does, reporting every argument
  // that does not fit and the first required parameter left without one.
  template <typename MissingMessage>
  void arguments(const ast::Call& c, const Parameters& parameters, MissingMessage missing_message) {
    const std::size_t count = parameters.names.size();
    std::vector<const ast::Argument*>& slots = slots_;  // reused: this runs for every call of a large model
    slots.assign(count, nullptr);
    std::size_t position = 0;
    bool fits = true;
    for (const ast::Argument& a : c.arguments()) {
      if ((a.name_text() == kTiedTo && parameters.accepts_tied_to) || a.name_text() == kFrozen) continue;
      std::size_t slot = count;
      if (!a.name) {
        if (position >= count) {
          if (position++ == count) {
            report_.error(a.value->location,
                          parameters.what + " takes at most " + std::to_string(count) + " arguments");
          }
          fits = false;
          continue;
        }
        slot = position++;
      } else {
        for (std::size_t i = 0; i < count; ++i) {
          if (parameters.names[i] == a.name_text()) slot = i;
        }
        if (slot == count) {
          const std::string name(a.name_text());
          std::vector<std::string> names(parameters.names.begin(), parameters.names.end());
          report_.error(a.name->location,
                        parameters.what + " has no argument '" + name + "'" + suggestion(name, std::move(names)));
          fits = false;
          continue;
        }
      }
      if (slots[slot]) {
        report_.error(
            a.name ? a.name->location : a.value->location,
            "argument '" + std::string(parameters.names[slot]) + "' of " + parameters.what + " is given twice",
            {{slots[slot]->value->location, "first given here"}});
        fits = false;
        continue;
      }
      slots[slot] = &a;
    }
    if (!fits) return;  // a misspelt argument is likely the missing one: one error says enough
    for (std::size_t i = 0; i < count; ++i) {
      if (!slots[i] && parameters.required[i]) {
        report_.error(c.location, missing_message(parameters.names[i]));
        return;
      }
    }
  }

  const ast::Definition& definition_;
  ProgramFacts& facts_;
  Reporter& report_;
  std::unordered_map<std::string_view, Binding> bindings_;  // every name bound so far (or in a loop around)
  std::unordered_set<std::string_view> reported_;           // unknown names already reported
  std::vector<const ast::Argument*> slots_;
  int loop_depth_ = 0;
  bool saw_return_ = false;
};

bool before(const Diagnostic& a, const Diagnostic& b) {
  if (a.location.file != b.location.file) return a.location.file < b.location.file;
  return a.location.begin < b.location.begin;
}

}  // namespace

std::vector<Diagnostic> check_program(const interp::Program& program) {
  std::vector<Diagnostic> diagnostics;
  Reporter report(diagnostics);
  ProgramFacts facts(program);
  try {
    for (const auto& module : program.modules) {
      for (const ast::Definition& definition : module->definitions) {
        DefinitionChecker(definition, facts, report).run();
      }
    }
  } catch (const StopChecking&) {
  }
  // Each definition reports its unused names last; present everything in source order.
  std::stable_sort(diagnostics.begin(), diagnostics.end(), before);
  report.finish();
  return diagnostics;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace nnscope::check
