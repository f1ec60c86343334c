#pragma once
// Calls: binding a call's arguments to the parameters of an operator or a block, and converting the
// language's values to operator arguments (ops::ArgValue). Errors go to the host, which adds the chain of
// block instantiations.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "interp/builtins.h"
#include "interp/value.h"
#include "ops/op.h"
#include "syntax/ast.h"

namespace nnscope::interp {

// Named arguments every operator call accepts: weight sharing, and (blocks too) weights not trained
// (docs/language.md).
constexpr std::string_view kTiedTo = "tied_to", kFrozen = "frozen";

// "a tensor of shape [batch, 8]", "the integer 3", "a list of 2 values", for messages.
std::string describe(const BuiltinHost& host, const Value& v);
// An integer (at the bound sizes) or a float as a double.
double number_of(BuiltinHost& host, const Value& v, Location at);

// Binds positional then named arguments to the `count` parameters named by name_at(i); reports unknown,
// duplicate and surplus ones. `what` names the callee in messages ("conv2d()", "block 'stem'"). Slots left
// null were not given. tied_to and frozen are skipped: the caller handles them.
std::vector<const ast::Argument*> match_arguments(BuiltinHost& host, const ast::Call& call, std::size_t count,
                                                  const std::function<const std::string&(std::size_t)>& name_at,
                                                  const std::string& what);

// Converts `v` for the parameter `spec` of `def`; appends the ids of the tensors it passes on to `inputs`, in
// order: they become the op's inputs.
ops::ArgValue convert_argument(BuiltinHost& host, const ops::ArgSpec& spec, const Value& v, Location at,
                               const ops::OpDef& def, ir::TensorIds& inputs);

}  // namespace nnscope::interp
