#pragma once
// Checks of --set values against a model's parameters, shared by the interpreter (which must never elaborate
// with a bad binding) and the driver (which reports them as command-line errors, exit 2, before elaborating).
#include <map>
#include <optional>
#include <string>

#include "source/diagnostic.h"
#include "symbolic/rational.h"
#include "syntax/ast.h"

namespace nnscope::interp {

// The first override naming no parameter of `model`, or binding a size parameter to less than 1, as a
// diagnostic located at the model's name or the parameter; nullopt when every override is valid.
std::optional<Diagnostic> check_overrides(const ast::Definition& model,
                                          const std::map<std::string, sym::Int>& overrides);

}  // namespace nnscope::interp
