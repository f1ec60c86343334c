#pragma once
// Built-in functions of the language that compute values rather than add ops: channels(x), shape(x),
// dim(x, axis), rank(x), len(v), min/max (integers; on tensors they become the maximum/minimum ops),
// ceil_div(a, b), prod(list), sum(list).
#include <string>
#include <string_view>
#include <vector>

#include "interp/value.h"
#include "source/source.h"

namespace nnscope::interp {

// What a built-in needs from the interpreter.
class BuiltinHost {
 public:
  virtual ~BuiltinHost() = default;
  virtual const ir::Tensor& tensor(const Value& v) const = 0;
  virtual sym::Int concrete(const sym::Expr& e, Location at) = 0;
  [[noreturn]] virtual void fail(Location at, std::string message) = 0;
  virtual Value call_operator(const std::string& name, std::vector<Value> positional, Location at) = 0;
  // Integer arithmetic within the expression-size limit: `value` if it is within, a product refused before it
  // is built if it would not be; fail() otherwise.
  virtual sym::Expr checked(sym::Expr value, Location at) = 0;
  virtual sym::Expr multiply(const sym::Expr& a, const sym::Expr& b, Location at) = 0;
};

bool is_builtin(std::string_view name);
std::vector<std::string> builtin_names();
// What is wrong with calling built-in `name` with `count` arguments ("dim() takes 2 arguments, got 1"), or ""
// when the count is right (or `name` is not a built-in).
std::string builtin_arity_problem(std::string_view name, std::size_t count);
Value call_builtin(BuiltinHost& host, const std::string& name, const std::vector<Value>& args,
                   const std::vector<Location>& locations, Location call);

}  // namespace nnscope::interp
