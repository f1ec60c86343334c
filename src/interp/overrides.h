#pragma once
// Checks of --set values against a model's parameters, shared by the interpreter (which must never elaborate
// with a bad binding) and the driver (which reports them as command-line errors, exit 2, before elaborating).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "source/diagnostic.h"
#include "symbolic/rational.h"
#include "syntax/ast.h"

namespace nnscope::interp {

// The first override naming no parameter of `model`, binding a size parameter to less than 1, giving a list
// (`list_overrides`, --set NAME=V1,V2,...) to a parameter whose default is not a list literal, or an integer to
// one whose default is, as a diagnostic located at the model's name or the parameter; nullopt when every
// override is valid.
std::optional<Diagnostic> check_overrides(const ast::Definition& model,
                                          const std::map<std::string, sym::Int>& overrides,
                                          const std::map<std::string, std::vector<sym::Int>>& list_overrides);

// Whether a model parameter takes a list: its default is a list literal (`const block_config = [6, 12, 24, 16]`).
bool is_list_parameter(const ast::Parameter& parameter);

}  // namespace nnscope::interp
