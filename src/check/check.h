#pragma once
// The static checker: runs over the syntax trees of a loaded program after parsing and before elaboration.
// It reads every block and model of every loaded module and both sides of every `if`, so a mistake in a
// block no model instantiates, or in a branch the default parameters do not take, is found before someone
// sets the parameter that takes it (elaboration only sees the code it runs).
//
// Errors: unknown names (a name no statement before it binds), unknown callees, arguments that do not fit
// an operator's signature or a block's parameters (too many, unknown names, given twice, a required one
// missing), a named argument to a built-in, calling a model, the value of a block without `return` used,
// statements after a `return` (unreachable), `input` inside a block, an unknown input dtype.
// Warnings: a variable, loop variable, input or block argument that is never read. A name starting with
// `_` is never reported (`for _i in 0..n`, `block b(x, _unused)`); model parameters are never reported
// (they are the model's knobs, and hardware profiles are nothing else), nor are the variables of a model
// without `return` (its unread tensors are its outputs).
//
// Names are resolved as the interpreter does (docs/language.md §6, §9): one scope per definition, a block
// sees only its parameters and its own variables, `if`/`for`/`repeat`/`scope` bodies open no scope. A name
// counts as bound at a use when any statement before it binds it on some path, or when the loop around the
// use binds it (a later iteration sees it): the checker reports only names that cannot be bound there.
#include <vector>

#include "interp/program.h"
#include "source/diagnostic.h"

namespace nnscope::check {

// Diagnostics in source order (errors and warnings interleaved; warnings have Severity::kWarning). Expects a
// program that loaded without errors (Program::ok()): after a syntax error the trees are partial. At most
// kMaxErrors errors are reported (then one "too many errors" error); the walk is linear in the program size.
std::vector<Diagnostic> check_program(const interp::Program& program);

constexpr std::size_t kMaxErrors = 50;

// Whether any diagnostic is an error (warnings do not count).
bool has_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace nnscope::check
