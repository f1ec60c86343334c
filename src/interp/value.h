#pragma once
// Runtime values of the interpreter: integers (symbolic), floats, booleans, strings, tensors, lists,
// tuples and ranges. Values are immutable; strings and lists share their storage (shared_sequence.h).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "interp/shared_sequence.h"
#include "ir/graph.h"
#include "symbolic/expr.h"

namespace nnscope::ast {
struct Call;
}  // namespace nnscope::ast

namespace nnscope::interp {

struct Value {
  enum class Kind { kNone, kInt, kFloat, kBool, kString, kTensor, kList, kTuple, kRange };

  Kind kind = Kind::kNone;
  sym::Expr integer;  // kInt
  double number = 0;  // kFloat
  bool boolean = false;
  SharedSequence<std::string> chars;  // kString
  ir::TensorId tensor = 0;
  SharedSequence<std::vector<Value>> items;  // kList, kTuple
  sym::Int range_begin = 0, range_end = 0;   // kRange: [begin, end)
  // kNone: the call of a block that ended without `return`, so that using its result can point there.
  const ast::Call* nothing_from = nullptr;

  static Value none() { return Value{}; }
  static Value of_int(sym::Expr value) {
    Value v;
    v.kind = Kind::kInt;
    v.integer = std::move(value);
    return v;
  }
  static Value of_float(double value) {
    Value v;
    v.kind = Kind::kFloat;
    v.number = value;
    return v;
  }
  static Value of_bool(bool value) {
    Value v;
    v.kind = Kind::kBool;
    v.boolean = value;
    return v;
  }
  static Value of_string(std::string value) {
    Value v;
    v.kind = Kind::kString;
    v.chars = SharedSequence<std::string>(std::move(value));
    return v;
  }
  static Value of_tensor(ir::TensorId id) {
    Value v;
    v.kind = Kind::kTensor;
    v.tensor = id;
    return v;
  }
  static Value of_items(Kind kind, std::vector<Value> items) {
    Value v;
    v.kind = kind;
    v.items = SharedSequence<std::vector<Value>>(std::move(items));
    return v;
  }
  static Value of_range(sym::Int begin, sym::Int end) {
    Value v;
    v.kind = Kind::kRange;
    v.range_begin = begin;
    v.range_end = end;
    return v;
  }

  std::string_view text() const { return {chars.begin(), chars.size()}; }  // kString
  bool is_sequence() const { return kind == Kind::kList || kind == Kind::kTuple; }
};

// "integer", "tensor", ... for messages.
const char* kind_name(Value::Kind kind);

}  // namespace nnscope::interp
