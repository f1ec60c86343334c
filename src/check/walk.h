#pragma once
// Small structural walks over statement bodies that the checker needs before (or besides) its main walk:
// the names a loop body binds, whether a body contains a `return`, where a name is first bound.
#include <optional>
#include <string_view>

#include "syntax/ast.h"

namespace nnscope::check {

// Calls fn(name, location) for every name of a loop pattern (nested tuple patterns included).
template <typename Fn>
void for_each_pattern_name(const ast::Pattern& pattern, Fn&& fn) {
  if (pattern.elements.empty()) {
    fn(pattern.name, pattern.location);
    return;
  }
  for (const ast::Pattern& element : pattern.elements) for_each_pattern_name(element, fn);
}

// Calls fn(name, location, is_loop_variable) for every name a statement of `body` binds, in source order,
// nested bodies included: assignment targets, inputs, loop variables.
template <typename Fn>
void for_each_binding(ast::Body body, Fn&& fn) {
  for (const ast::Stmt* s : body) {
    switch (s->kind) {
      case ast::StmtKind::kInput:
        fn(s->as<ast::InputStmt>().name.text(), s->as<ast::InputStmt>().name.location, false);
        break;
      case ast::StmtKind::kAssign:
        for (const ast::Identifier& target : s->as<ast::AssignStmt>().targets)
          fn(target.text(), target.location, false);
        break;
      case ast::StmtKind::kFor: {
        const auto& loop = s->as<ast::ForStmt>();
        if (!loop.index.text().empty()) fn(loop.index.text(), loop.index.location, true);
        for_each_pattern_name(loop.pattern, [&](std::string_view name, Location at) { fn(name, at, true); });
        for_each_binding(loop.body, fn);
        break;
      }
      case ast::StmtKind::kRepeat:
        for_each_binding(s->as<ast::RepeatStmt>().body, fn);
        break;
      case ast::StmtKind::kIf: {
        const auto& choice = s->as<ast::IfStmt>();
        for (const ast::IfBranch& branch : choice.branches) for_each_binding(branch.body, fn);
        for_each_binding(choice.else_body, fn);
        break;
      }
      case ast::StmtKind::kScope:
        for_each_binding(s->as<ast::ScopeStmt>().body, fn);
        break;
      case ast::StmtKind::kAssert:
      case ast::StmtKind::kReturn:
      case ast::StmtKind::kExpr:
        break;
    }
  }
}

// Where `name` is first bound in `body`, if anywhere.
inline std::optional<Location> first_binding(ast::Body body, std::string_view name) {
  std::optional<Location> found;
  for_each_binding(body, [&](std::string_view bound, Location at, bool) {
    if (!found && bound == name) found = at;
  });
  return found;
}

// Whether any statement of `body`, nested bodies included, is a `return`.
inline bool contains_return(ast::Body body) {
  for (const ast::Stmt* s : body) {
    switch (s->kind) {
      case ast::StmtKind::kReturn:
        return true;
      case ast::StmtKind::kFor:
        if (contains_return(s->as<ast::ForStmt>().body)) return true;
        break;
      case ast::StmtKind::kRepeat:
        if (contains_return(s->as<ast::RepeatStmt>().body)) return true;
        break;
      case ast::StmtKind::kIf: {
        const auto& choice = s->as<ast::IfStmt>();
        for (const ast::IfBranch& branch : choice.branches) {
          if (contains_return(branch.body)) return true;
        }
        if (contains_return(choice.else_body)) return true;
        break;
      }
      case ast::StmtKind::kScope:
        if (contains_return(s->as<ast::ScopeStmt>().body)) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace nnscope::check
