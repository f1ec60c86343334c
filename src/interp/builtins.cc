#include "interp/builtins.h"

#include <array>

namespace nnscope::interp {
namespace {

using Kind = Value::Kind;

// Each built-in with how many arguments it takes; the static checker reads the same table.
struct Signature {
  std::string_view name;
  std::size_t min_arguments;
  std::size_t max_arguments;  // kUnbounded: any number from min_arguments up
};
constexpr std::size_t kUnbounded = ~std::size_t{0};
constexpr std::array<Signature, 10> kBuiltins = {{{"ceil_div", 2, 2},
                                                  {"channels", 1, 1},
                                                  {"dim", 2, 2},
                                                  {"len", 1, 1},
                                                  {"max", 2, kUnbounded},
                                                  {"min", 2, kUnbounded},
                                                  {"prod", 1, 1},
                                                  {"rank", 1, 1},
                                                  {"shape", 1, 1},
                                                  {"sum", 1, 1}}};

const ir::Tensor& tensor_arg(BuiltinHost& host, const std::string& name, const Value& v, Location at) {
  if (v.kind != Kind::kTensor) host.fail(at, name + "() needs a tensor, got " + std::string(kind_name(v.kind)));
  return host.tensor(v);
}

const sym::Expr& int_arg(BuiltinHost& host, const std::string& name, const Value& v, Location at) {
  if (v.kind != Kind::kInt) host.fail(at, name + "() needs integers, got " + std::string(kind_name(v.kind)));
  return v.integer;
}

// The integers of a list argument (prod, sum).
std::vector<sym::Expr> int_items(BuiltinHost& host, const std::string& name, const Value& v, Location at) {
  if (!v.is_sequence()) host.fail(at, name + "() needs a list of integers, got " + std::string(kind_name(v.kind)));
  std::vector<sym::Expr> out;
  for (const Value& item : v.items) out.push_back(int_arg(host, name, item, at));
  return out;
}

}  // namespace

bool is_builtin(std::string_view name) {
  for (const Signature& s : kBuiltins) {
    if (s.name == name) return true;
  }
  return false;
}

std::vector<std::string> builtin_names() {
  std::vector<std::string> names;
  for (const Signature& s : kBuiltins) names.emplace_back(s.name);
  return names;
}

std::string builtin_arity_problem(std::string_view name, std::size_t count) {
  for (const Signature& s : kBuiltins) {
    if (s.name != name) continue;
    std::string n(name);
    if (s.max_arguments == kUnbounded) {
      if (count >= s.min_arguments) return "";
      return n + "() takes at least " + std::to_string(s.min_arguments) + " arguments";
    }
    if (count == s.min_arguments) return "";
    return n + "() takes " + std::to_string(s.min_arguments) + " argument" + (s.min_arguments == 1 ? "" : "s") +
           ", got " + std::to_string(count);
  }
  return "";
}

Value call_builtin(BuiltinHost& host, const std::string& name, const std::vector<Value>& args,
                   const std::vector<Location>& locations, Location call) {
  if (std::string problem = builtin_arity_problem(name, args.size()); !problem.empty()) host.fail(call, problem);
  if (name == "channels") {
    const ir::Tensor& t = tensor_arg(host, name, args[0], locations[0]);
    if (t.shape.size() < 2) host.fail(locations[0], "channels() needs a tensor of rank at least 2 ([N, C, ...])");
    return Value::of_int(t.shape[1]);
  }
  if (name == "shape") {
    const ir::Tensor& t = tensor_arg(host, name, args[0], locations[0]);
    std::vector<Value> dims;
    for (const sym::Expr& d : t.shape) dims.push_back(Value::of_int(d));
    return Value::of_items(Kind::kList, std::move(dims));
  }
  if (name == "rank") {
    return Value::of_int(sym::Expr(static_cast<sym::Int>(tensor_arg(host, name, args[0], locations[0]).shape.size())));
  }
  if (name == "dim") {
    const ir::Tensor& t = tensor_arg(host, name, args[0], locations[0]);
    sym::Int axis = host.concrete(int_arg(host, name, args[1], locations[1]), locations[1]);
    sym::Int rank = static_cast<sym::Int>(t.shape.size());
    if (axis < -rank || axis >= rank) {
      host.fail(locations[1],
                "axis " + sym::to_string(axis) + " is out of range for a tensor of rank " + sym::to_string(rank));
    }
    return Value::of_int(t.shape[static_cast<std::size_t>(axis < 0 ? axis + rank : axis)]);
  }
  if (name == "len") {
    const Value& v = args[0];
    if (v.is_sequence()) return Value::of_int(sym::Expr(static_cast<sym::Int>(v.items.size())));
    if (v.kind == Kind::kRange) return Value::of_int(sym::Expr(v.range_end - v.range_begin));
    if (v.kind == Kind::kString) return Value::of_int(sym::Expr(static_cast<sym::Int>(v.chars.size())));
    host.fail(locations[0], "len() needs a list, tuple, range or string, got " + std::string(kind_name(v.kind)));
    return Value::none();
  }
  if (name == "min" || name == "max") {
    bool tensors = false;
    for (const Value& v : args) tensors |= v.kind == Kind::kTensor;
    if (tensors) {
      Value result = args[0];
      for (std::size_t i = 1; i < args.size(); ++i) {
        result = host.call_operator(name == "min" ? "minimum" : "maximum", {result, args[i]}, call);
      }
      return result;
    }
    sym::Expr result = int_arg(host, name, args[0], locations[0]);
    for (std::size_t i = 1; i < args.size(); ++i) {
      const sym::Expr& next = int_arg(host, name, args[i], locations[i]);
      result = host.checked(name == "min" ? sym::Expr::min(result, next) : sym::Expr::max(result, next), call);
    }
    return Value::of_int(result);
  }
  if (name == "ceil_div") {
    const sym::Expr& a = int_arg(host, name, args[0], locations[0]);
    const sym::Expr& b = int_arg(host, name, args[1], locations[1]);
    if (host.concrete(b, locations[1]) == 0) host.fail(locations[1], "division by zero");
    return Value::of_int(host.checked(sym::Expr::ceildiv(a, b), call));
  }
  if (name == "prod" || name == "sum") {
    sym::Expr result(name == "prod" ? 1 : 0);
    for (const sym::Expr& e : int_items(host, name, args[0], locations[0])) {
      result = name == "prod" ? host.multiply(result, e, call) : host.checked(result + e, call);
    }
    return Value::of_int(result);
  }
  host.fail(call, "unknown built-in '" + name + "'");
  return Value::none();  // not reached: fail() throws, but GCC does not see [[noreturn]] through a virtual call
}

}  // namespace nnscope::interp
